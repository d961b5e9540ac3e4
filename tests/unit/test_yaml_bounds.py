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
    [problem] = _problems(tmp_path, "a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert problem.endswith("nests too deep; a blueprint nests at most 32 levels")


def test_a_file_over_the_size_bound_is_refused_before_it_is_read(tmp_path: Path) -> None:
    text = "name: shop\nstage: dev\n" + "#" * MAX_FILE_BYTES + "\n"
    size = len(text.encode())
    assert _problems(tmp_path, text) == [
        f"is {size:,} bytes; a blueprint file is at most 2,097,152 bytes (split a large "
        "workload into several files)"
    ]


def test_a_byte_that_is_not_utf8_is_located(tmp_path: Path) -> None:
    assert _problems(tmp_path, b"name: shop\nstage: d\xffv\n") == [
        "line 2, column 9: not UTF-8: the byte 0xff cannot be read as UTF-8 text (invalid start "
        "byte); save the file as UTF-8"
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
        "tags (line 3, column 29): the key 'team' is written twice in this mapping (first on "
        "line 3); a key appears once: remove one"
    ]


# --------------------------------------------------- places, and values as written


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[a, b]: 1\n",
            "line 3, column 1: the key [a, b] is a list; a key is text, such as name or "
            "log_groups (a `? ` line starts a complex key: remove it)",
        ),
        (
            "123: 1\n",
            'line 3, column 1: the key 123 is a number; a key is text: write it in quotes ("123") '
            "or name a key the blueprint takes",
        ),
        (
            "~: 1\n",
            "line 3, column 1: the key ~ is read as null (no value); a key is text: write it in "
            'quotes ("~") or name a key the blueprint takes',
        ),
        (
            "log_groups:\n  - name: api\n    ? [retention_days]\n    : 3\n",
            "log_groups[0] (line 5, column 7): the key [retention_days] is a list; a key is text, "
            "such as name or log_groups (a `? ` line starts a complex key: remove it)",
        ),
        (
            "tags:\n  yes: shop\n",
            "tags (line 4, column 3): the key yes is read as true or false (YAML 1.1 reads yes, "
            'no, on, off too); a key is text: write it in quotes ("yes") or name a key the '
            "blueprint takes",
        ),
    ],
)
def test_a_key_that_is_not_text_is_refused_at_its_place(
    tmp_path: Path, text: str, expected: str
) -> None:
    """Keys that are lists, numbers or null were a traceback, ``[123]`` or ``None``."""
    assert _problems(tmp_path, "name: shop\nstage: dev\n" + text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            b"name: shop\nstage: d\x07v\n",
            "line 2, column 9: the control character U+0007 (BEL) is not allowed in a YAML "
            "file; only printable characters, tabs and line breaks are. Write it escaped in "
            'double quotes ("\\x07") or remove it',
        ),
        (
            b"name: shop\nstage: dev\nlog_groups:\n\t- name: api\n",
            "line 4, column 1: a tab: YAML indents with spaces, never tabs; replace the tab "
            "with spaces",
        ),
        (
            b'name: shop\nstage: dev\ntags: {team: "shop}\n',
            'line 3, column 14: the quoted value "shop} is never closed: add the closing " at '
            'its end (a " inside it is written \\")',
        ),
        (
            b"name: shop\nstage: dev\n---\nname: other\n",
            "line 3, column 1: a second YAML document starts here (---); a blueprint file holds "
            "one document: remove this line and what follows, or move it to a file of its own",
        ),
        (
            "name: shop\nstage: dev\n".encode("utf-16"),
            "line 1, column 1: not UTF-8: the byte 0xff cannot be read as UTF-8 text (invalid "
            "start byte) (the file starts with a UTF-16 byte order mark); save the file as UTF-8",
        ),
        (
            b"name: shop\nstage: dev\ntags: !!python/object/apply:os.system ['true']\n",
            "line 3, column 7: the tag tag:yaml.org,2002:python/object/apply:os.system is not "
            "one a blueprint takes; write plain values (text, numbers, lists, mappings) without "
            "!! or ! tags",
        ),
    ],
)
def test_yaml_faults_name_line_column_and_what_to_do(
    tmp_path: Path, text: bytes, expected: str
) -> None:
    assert _problems(tmp_path, text) == [expected]


def test_a_number_of_thousands_of_digits_is_refused_cut(tmp_path: Path) -> None:
    """Python refuses to read it (a ValueError traceback before); the message stays short."""
    text = "name: shop\nstage: dev\nlog_groups:\n  - name: api\n    retention_days: "
    [problem] = _problems(tmp_path, text + "9" * 5000 + "\n")
    assert problem == (
        "log_groups[0].retention_days (line 5, column 21): 999999999999999999999... is a "
        "number of 5,000 digits; no setting takes more than 100 (the largest whole number AWS "
        "takes exactly is 9,007,199,254,740,992)"
    )


def test_a_lone_surrogate_is_refused_where_it_is(tmp_path: Path) -> None:
    """It passed the model and failed inside jsii, as no UTF-8 template can hold it."""
    text = 'name: shop\nstage: dev\ntags: {team: "a \\ud800 b"}\n'
    [problem] = _problems(tmp_path, text)
    assert problem.startswith("line 3, column ")
    assert problem.endswith(
        "\\ud800 is half of a surrogate pair, which is not a Unicode character and cannot be "
        "written as UTF-8; escape the whole character (\\U0001F600), or remove it"
    )


def test_a_key_longer_than_yaml_allows(tmp_path: Path) -> None:
    [problem] = _problems(tmp_path, "name: shop\nstage: dev\n" + "k" * 2000 + ": 1\n")
    assert problem.startswith("line 3, column ")
    assert problem.endswith(
        f": {'k' * 57}... is a key longer than the 1,024 characters YAML allows; use a key "
        "the blueprint takes, such as log_groups"
    )


def test_messages_quote_values_as_the_file_writes_them(tmp_path: Path) -> None:
    """YAML 1.1 reads 0111... as an octal number and no as false: quote the source, not that."""
    text = "name: shop\nstage: no\nenv:\n  account: 011122223333\n"
    assert _problems(tmp_path, text) == [
        "stage: no is read as false (YAML 1.1 reads yes, no, on, off, true and false without "
        'quotes as booleans); this is text: quote it ("no")',
        "env.account: 011122223333 is a number (YAML 1.1 reads a leading zero as an octal "
        'number); this is text: quote it ("011122223333")',
    ]


def test_an_exponent_yaml_reads_as_text_is_explained(tmp_path: Path) -> None:
    text = "name: shop\nstage: dev\nlog_groups:\n  - name: api\n    retention_days: 1e400\n"
    assert _problems(tmp_path, text) == [
        "log_groups[0].retention_days: 1e400 is read as text: YAML 1.1 reads a number with an "
        "exponent only with a dot and a signed exponent (1.0e+400); give a whole number (days "
        "events are kept; null keeps them forever)"
    ]


def test_the_python_parser_reads_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without libyaml, PyYAML's own parser gives the same places and messages."""
    import yaml

    from observability_blueprint.config import yaml_loading

    class PythonLoader(yaml.SafeLoader):
        def __init__(self, text: str) -> None:
            super().__init__(text)
            self.text = text

    for tag, constructor in yaml_loading._StrictLoader.yaml_constructors.items():
        PythonLoader.add_constructor(tag, constructor)
    monkeypatch.setattr(yaml_loading, "_StrictLoader", PythonLoader)
    assert _problems(tmp_path, "name: shop\nstage: dev\ntags:\n  yes: shop\n") == [
        "tags (line 4, column 3): the key yes is read as true or false (YAML 1.1 reads yes, "
        'no, on, off too); a key is text: write it in quotes ("yes") or name a key the '
        "blueprint takes"
    ]
    assert _problems(tmp_path, b"name: shop\nstage: dev\nlog_groups:\n\t- name: api\n") == [
        "line 4, column 1: a tab: YAML indents with spaces, never tabs; replace the tab with spaces"
    ]
    [problem] = _problems(tmp_path, "a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert problem == "nests too deep; a blueprint nests at most 32 levels"
    assert _problems(tmp_path, 'name: shop\nstage: dev\ntags: {team: "a \\ud800 b"}\n') == [
        'tags.team (line 3, column 14): "a \\ud800 b" holds U+D800, half of a surrogate pair, '
        "which is not a Unicode character and cannot be written as UTF-8; escape the whole "
        "character (\\U0001F600), or remove it"
    ]
