"""Draw a planned dashboard's layout as a PNG, so readers see it without AWS.

    .venv/bin/python docs/render_dashboard.py [blueprint.yaml] [docs/dashboard-services.png]

Each widget is a box at its grid position with its title and kind; the picture
is made from the same plan the dashboard construct synthesizes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on build machines
import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

from observability_blueprint import Blueprint
from observability_blueprint.blueprint.dashboard_plan import plan_dashboards
from observability_blueprint.rules.dashboard_model import GRID_WIDTH, DashboardPlan

COLOURS = {
    "text": "#eceff1",
    "graph": "#bbdefb",
    "single_value": "#c8e6c9",
    "alarm_status": "#ffcdd2",
    "log_query": "#fff9c4",
}


def render(plan: DashboardPlan, path: Path) -> Path:
    """Draw ``plan`` into ``path`` (PNG) and return the path."""
    placed = plan.placed()
    height = max((p.y + p.widget.height for p in placed), default=1)
    figure, axes = plt.subplots(figsize=(12, max(3.0, height * 0.35)))
    for item in placed:
        widget = item.widget
        axes.add_patch(
            Rectangle(
                (item.x, item.y),
                widget.width,
                widget.height,
                facecolor=COLOURS[widget.kind],
                edgecolor="#455a64",
            )
        )
        label = widget.title if widget.kind != "text" else widget.markdown.splitlines()[0]
        axes.text(
            item.x + 0.3,
            item.y + 0.5,
            f"{label}\n({widget.kind.replace('_', ' ')})",
            va="top",
            fontsize=7,
        )
    axes.set_xlim(0, GRID_WIDTH)
    axes.set_ylim(height, 0)
    axes.set_xticks(range(0, GRID_WIDTH + 1, 4))
    axes.set_title(f"{plan.name}: {len(placed)} widgets, {plan.metric_count} metrics")
    axes.set_aspect("auto")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def main(argv: list[str]) -> int:
    """Render the services dashboard of a blueprint file."""
    source = Path(argv[0]) if argv else Path("blueprint.yaml")
    target = Path(argv[1]) if len(argv) > 1 else Path("docs/dashboard-services.png")
    plans = plan_dashboards(Blueprint.from_yaml(source), region="eu-west-1")
    render(next(p for p in plans if p.key.startswith("services")), target)
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
