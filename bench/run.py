"""Benchmarks: config validation and synthesis of reference workloads, filter matching.

Run with `make bench`. Figures are printed, not asserted against wall-clock
limits: the machines are shared and noisy. Ratios within one run (time per
resource, large workload against small) are what to compare between commits.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def best_of(repeats: int, action: Callable[[], Any]) -> float:
    """Return the fastest of ``repeats`` runs, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def reference_workload(services: int) -> dict[str, Any]:
    """A blueprint with ``services`` JSON-logging services (6 filters and a query each)."""
    return {
        "name": "bench",
        "stage": "test",
        "notifications": [{"name": "ops", "subscribers": [{"email": "ops@example.com"}]}],
        "log_groups": [
            {
                "name": f"svc{i:03}",
                "encrypted": i % 2 == 0,
                "structured_logs": {"namespace": f"Bench/Svc{i:03}"},
                "metric_filters": [
                    {
                        "name": "timeouts",
                        "pattern": '"Task timed out"',
                        "namespace": f"Bench/Svc{i:03}",
                        "metric": "Timeouts",
                        "default_value": 0,
                    }
                ],
            }
            for i in range(services)
        ],
    }


def synth_seconds(config: Any) -> tuple[float, int]:
    """Build and synthesize a blueprint in a fresh app; return seconds and resource count."""
    from observability_blueprint import build
    from support import new_app

    app = new_app()
    start = time.perf_counter()
    stacks = build(app, config)
    assembly = app.synth()
    elapsed = time.perf_counter() - start
    count = sum(len(assembly.get_stack_by_name(s.stack_name).template["Resources"]) for s in stacks)
    return elapsed, count


def main() -> int:
    """Run every benchmark and print a table."""
    from observability_blueprint import Blueprint

    full = ROOT / "examples" / "full.yaml"
    validate = best_of(20, lambda: Blueprint.from_yaml(full))
    print(f"config: validate examples/full.yaml          {validate * 1000:8.2f} ms (best of 20)")
    big = reference_workload(40)
    validate_big = best_of(5, lambda: Blueprint.from_dict(big))
    print(
        f"config: validate 40-service workload          {validate_big * 1000:8.2f} ms (best of 5)"
    )

    rows = []
    for label, config in (
        ("blueprint.yaml", Blueprint.from_yaml(ROOT / "blueprint.yaml")),
        ("examples/full.yaml", Blueprint.from_yaml(full)),
        ("10 services", Blueprint.from_dict(reference_workload(10))),
        ("40 services", Blueprint.from_dict(big)),
    ):
        runs = [synth_seconds(config) for _ in range(3)]
        seconds = statistics.median(r[0] for r in runs)
        resources = runs[0][1]
        rows.append((label, seconds, resources))
        print(
            f"synth:  {label:<20} {resources:4} resources {seconds:7.2f} s "
            f"({seconds / resources * 1000:6.1f} ms per resource, median of 3)"
        )
    small_rate = rows[2][1] / rows[2][2]
    large_rate = rows[3][1] / rows[3][2]
    print(f"synth:  per-resource cost, 40 vs 10 services: {large_rate / small_rate:.2f}x")

    pattern_bench = ROOT / "bench" / "bench_filter_patterns.py"
    if pattern_bench.exists():
        return subprocess.call([sys.executable, str(pattern_bench)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
