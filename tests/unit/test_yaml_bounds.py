"""Hostile and broken files stop with a message naming the place, within bounds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from observability_blueprint import Blueprint, BlueprintError
from observability_blueprint.config.yaml_loading import MAX_FILE_BYTES

# Ten levels of nine aliases each: about 3.8 billion values once expanded. The sixth
# list (line 6, `f`) is the first past the bound: 1 + 9 * 66,430 = 597,871 values.
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n"
    for a, b in zip("abcdefghi", "bcdefghij", strict=True)
)


def _problems(tmp_path: Path, text: str | bytes) -> list[str]:
    path = tmp_path / "blueprint.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(BlueprintError) as caught:
        Blueprint.from_yaml(path)
    return [str(p) for p in caught.value.problems]


def test_alias_expansion_is_bounded(tmp_path: Path) -> None:
    assert _problems(tmp_path, BOMB) == [
        "line 6, column 4: stands for 597,871 values once its aliases are expanded; a "
        "blueprint holds at most 500,000"
    ]


def test_validate_refuses_the_alias_bomb_as_synthesis_does(tmp_path: Path) -> None:
    """Run as a process with a time bound: a hang fails this test, not the suite."""
    path = tmp_path / "blueprint.yaml"
    path.write_text(BOMB, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "observability_blueprint.cli.main", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().endswith("a blueprint holds at most 500,000")


def test_an_alias_that_contains_itself_is_refused(tmp_path: Path) -> None:
    assert _problems(tmp_path, "name: shop\nstage: dev\ntags: &t {x: *t}\n") == [
        "line 3, column 7: an alias refers to a value that contains it"
    ]


def test_nesting_is_bounded(tmp_path: Path) -> None:
    # 40 lists, the first at column 4: the 8th (column 11) is the first 33 levels deep.
    assert _problems(tmp_path, "a: " + "[" * 40 + "]" * 40 + "\n") == [
        "line 1, column 11: nests 33 levels deep; a blueprint nests at most 32"
    ]


def test_nesting_past_the_parsers_own_limit_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    assert _problems(tmp_path, "a: " + "[" * 5000 + "]" * 5000 + "\n") == [
        "nests too deep; a blueprint nests at most 32 levels"
    ]


def test_a_file_over_the_size_bound_is_refused_before_it_is_read(tmp_path: Path) -> None:
    text = "name: shop\nstage: dev\n" + "#" * MAX_FILE_BYTES + "\n"
    size = len(text.encode())
    assert _problems(tmp_path, text) == [
        f"is {size:,} bytes; a blueprint file is at most 2,097,152 bytes (split a large "
        "workload into several files)"
    ]


def test_a_byte_that_is_not_utf8_is_located(tmp_path: Path) -> None:
    assert _problems(tmp_path, b"name: shop\nstage: d\xffv\n") == [
        "line 2, column 9: not UTF-8: invalid start byte"
    ]


def test_a_merge_key_may_be_overridden_but_written_keys_stay_unique(tmp_path: Path) -> None:
    base = "name: shop\nstage: dev\ntags: &t {team: a, cost: b}\n"
    path = tmp_path / "ok.yaml"
    path.write_text(base + "x: &x {<<: *t, team: c}\n", encoding="utf-8")
    from observability_blueprint.config.yaml_loading import load_yaml

    assert load_yaml(path) == {
        "name": "shop",
        "stage": "dev",
        "tags": {"team": "a", "cost": "b"},
        "x": {"team": "c", "cost": "b"},
    }
    assert _problems(tmp_path, base.replace("cost: b", "cost: b, team: d")) == [
        "line 3, column 29: not valid YAML: duplicate key 'team' (first on line 3)"
    ]
