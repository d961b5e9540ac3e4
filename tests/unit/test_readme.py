"""Every Python example in the README runs as written."""

from __future__ import annotations

import re

import pytest

from support import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)


def test_readme_has_python_examples() -> None:
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs(index: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    exec(compile(BLOCKS[index], f"README.md python block {index + 1}", "exec"), {})


def test_readme_shows_the_two_commands() -> None:
    assert "make synth" in README
    assert "make test" in README


def test_readme_test_pattern_example_runs() -> None:
    """The first shell line of the test-pattern example, run as written."""
    import subprocess

    block = next(
        b for b in re.findall(r"```sh\n(.*?)```", README, re.DOTALL) if "test-pattern" in b
    )
    command = block.split("\n.venv/bin/obs-blueprint test-pattern '[")[0]
    result = subprocess.run(
        ["bash", "-c", command], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert '{"level":"ERROR","service":"checkout"}' in result.stdout
    assert '"INFO"' not in result.stdout
