"""The fast paths decide every event as the reference engine does (a differential test).

``matches`` skips work: a JSON pattern reads the compared properties from the raw
event and decodes only the events that may match; a space-delimited pattern tests
required text first and splits events without quotes or brackets with
``str.split``. ``reference_matcher`` is the same pattern with none of that (every
JSON event decoded, every space-delimited event split by the line regex). For
every shipped pattern and for patterns aimed at each shortcut, 20,000 seeded
generated events per pattern, with edge cases (escapes, unicode, numbers written
as strings, missing keys, arrays, duplicate keys, truncated or invalid JSON,
unusual blanks), must get the same answer from both.
"""

from __future__ import annotations

import json
import random
import re
from typing import Any

import pytest

from observability_blueprint.rules import cis_controls, flow_log_fields, structured_logs
from observability_blueprint.rules.filter_patterns import parse
from observability_blueprint.rules.filter_patterns._pattern import reference_matcher

LINES = 20_000


def _shipped_json() -> list[str]:
    patterns = [
        spec.pattern_text
        for fields in (
            None,
            structured_logs.StructuredLogFields(
                level="log.level", latency_ms="http.latency", status_code="http.status"
            ),
        )
        for spec in structured_logs.structured_log_filters(namespace="Test", fields=fields)
    ]
    for standard in cis_controls.standards():
        patterns += [control.pattern for control in cis_controls.load_controls(standard)]
    return list(dict.fromkeys(patterns))


SHIPPED_JSON = _shipped_json()
AIMED_JSON = [
    '{ $.a.b = "x" }',
    "{ $.items[0].price > 10 }",
    '{ $.items[*].sku = "A1" }',
    "{ $.flag IS TRUE }",
    "{ $.flag IS FALSE }",
    "{ $.flag IS NULL }",
    "{ $.n NOT EXISTS }",
    "{ $.n != 5 }",
    "{ $.n = 5 }",
    "{ $.n = 1.5e1 }",
    "{ $.n >= -0.5 && $.n < 1e3 }",
    '{ $.s = "a*" || $.s = "*z" || $.s = "mid" || $.s = 42 || $.s = plain }',
    '{ $.s != "x" && $.n < -1 }',
    "{ $.s = %^[a-c]+$% }",
    "{ $.s != %b% }",
    "{ $.['a.b'] = 1 }",
    "{ $.[''] = 1 }",
    '{ ($.s = "x" || $.n > 3) && $.m NOT EXISTS }',
    '{ $.s = "é✓" }',
    '{ $.s = "" }',
    "{ $.s = * }",
    '{ $.s = "with space" || $.s = "latency_ms" }',
    "{ $.latency_ms = 123456789012 }",
]
SHIPPED_SPACE = [
    flow_log_fields.rejected_remote_access_pattern(flow_log_fields.DEFAULT_FORMAT),
    flow_log_fields.rejected_remote_access_pattern(flow_log_fields.FIELD_NAMES, (22, 3389, 8022)),
]
AIMED_SPACE = [
    "[a, b = 5*, c]",
    '[a, ..., b > 3, c = "x"]',
    "[..., b = x]",
    "[a = x || a = y, ...]",
    "[a, b != 22, c]",
    "[a]",
    "[...]",
    "[a, ..., b, ..., c = 1]",
    "[a = 1e3, b]",
    "[a = -1, b]",
    "[a = %^[0-9]+$%, b]",
    "[a, b = *.html*, c]",
    "[a, b, c = REJECT && c != REJECTED]",
]


def _json_paths(pattern: str) -> list[tuple[str | int, ...]]:
    """The property paths a pattern compares, for building events (test-side reading)."""
    paths: list[tuple[str | int, ...]] = []
    for selector in parse(pattern).selectors:
        steps: list[str | int] = []
        for part in re.findall(r"\['([^']*)'\]|\[(\d+|\*)\]|\.([A-Za-z0-9_-]+|\*)", selector[1:]):
            quoted, index, name = part
            if index:
                steps.append(0 if index == "*" else int(index))
            elif name:
                steps.append("k" if name == "*" else name)
            else:
                steps.append(quoted)
        paths.append(tuple(steps))
    return paths


def _words(pattern: str) -> list[str]:
    """The values a pattern compares with, without quotes or wildcards."""
    found = re.findall(r'(?:!=|<=|>=|=|<|>)\s*(?:"([^"]*)"|([^\s)&|}\],]+))', pattern)
    return [(quoted or bare).strip("*%") for quoted, bare in found]


NUMBERS = [
    "0",
    "-0",
    "5",
    "-1",
    "-7",
    "-1.5",
    "42",
    "500",
    "599",
    "1e3",
    "1.5E+1",
    "15.0",
    "-0.5",
    "3.14",
]
ODD_TEXT = ["", "a", "abc", "é✓", "with space", "latency_ms", "b", "x", "REJECTED", "Yes"]


def _value(rng: random.Random, words: list[str]) -> Any:
    roll = rng.random()
    if roll < 0.3 and words:
        word = rng.choice(words)
        return word if rng.random() < 0.7 else _number_or_text(word)
    if roll < 0.45:
        return _number_or_text(rng.choice(NUMBERS))
    if roll < 0.55:
        return rng.choice(NUMBERS)  # a number written as a string
    if roll < 0.7:
        return rng.choice(ODD_TEXT) + ("" if rng.random() < 0.8 else rng.choice(words or ["z"]))
    if roll < 0.8:
        return rng.choice([True, False, None])
    if roll < 0.9:
        return [_number_or_text(rng.choice(NUMBERS)), rng.choice(words or ["w"])]
    return {"k": rng.choice(words or ["w"]), "n": 1}


def _number_or_text(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _put(document: dict[str, Any], path: tuple[str | int, ...], value: Any) -> None:
    node: Any = document
    for step, following in zip(path, [*path[1:], None], strict=True):
        child: Any = value if following is None else ([] if isinstance(following, int) else {})
        if isinstance(step, int):
            if not isinstance(node, list):
                return
            while len(node) <= step:
                node.append(child if len(node) == step else 0)
            node = node[step]
        else:
            if not isinstance(node, dict):
                return
            node = node.setdefault(step, child)


def _json_event(rng: random.Random, paths: list[tuple[str | int, ...]], words: list[str]) -> str:
    document: dict[str, Any] = {"level": rng.choice(["INFO", "ERROR"]), "message": "ok"}
    for path in paths:
        roll = rng.random()
        if roll < 0.15:
            continue  # missing
        if roll < 0.25 and len(path) > 0:
            _put(document, ("wrapper", *path), _value(rng, words))  # the key, one level down
            continue
        _put(document, path, _value(rng, words))
    if rng.random() < 0.1 and paths and isinstance(paths[0][-1], str):
        document["note"] = paths[0][-1]  # the key's name as a value
    if rng.random() < 0.1:
        document["message"] = rng.choice(['say "hi"', "line\nbreak", "tab\there", "ünï✓", "\\"])
    text = json.dumps(
        document,
        ensure_ascii=rng.random() < 0.3,
        separators=rng.choice([(", ", ": "), (",", ":"), (" , ", " : ")]),
        indent=1 if rng.random() < 0.05 else None,
    )
    return _mutate_json(rng, text, paths, words)


def _mutate_json(
    rng: random.Random, text: str, paths: list[tuple[str | int, ...]], words: list[str]
) -> str:
    roll = rng.random()
    key = next((str(path[-1]) for path in paths if isinstance(path[-1], str)), "k")
    if roll < 0.04:
        return text[: rng.randrange(len(text))]  # truncated
    if roll < 0.08:
        return text + rng.choice(["x", " ", "\n", "}", ",", " \t\r\n"])
    if roll < 0.12:
        return rng.choice([" ", "\t", "\n", "\xa0", "\u3000", "\r\n "]) + text
    if roll < 0.18:
        # The key twice at the top: the decoder keeps the last one.
        duplicate = f'"{key}": {json.dumps(_value(rng, words))}'
        if rng.random() < 0.5:
            return "{" + duplicate + ", " + text[1:]
        return text[:-1] + ", " + duplicate + "}"
    if roll < 0.21:
        escaped = key[:1] + "\\u00" + format(ord(key[1]), "02x") + key[2:] if len(key) > 1 else key
        return text.replace(f'"{key}"', f'"{escaped}"', 1)  # an escaped key
    if roll < 0.25:
        number = rng.choice(["NaN", "Infinity", "-Infinity", "1" * 5000, "1e999", "01", "1.", "-"])
        return text.replace(": 0", ": " + number, 1).replace(":0", ":" + number, 1)
    if roll < 0.27:
        return text.replace('"ok"', '"a\x01b"')  # a raw control character
    if roll < 0.29:
        return rng.choice(["[", '"', "5", "null", "[{"]) + text[1:]  # not an object
    if roll < 0.31:
        return text.replace('"message"', f'"message": "{key}", "message2"', 1)
    if roll < 0.33:
        return "{" * 3 + f'"{key}": 5' + "}" * rng.randint(2, 4)
    return text


BLANKS = [" ", " ", " ", "  ", "\t", " \t ", "\xa0", "\u3000", "\x1c", "\u2028"]


def _space_event(rng: random.Random, fields: int, words: list[str]) -> str:
    count = max(0, fields + rng.randint(-2, 2))
    values = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.35 and words:
            value = rng.choice(words)
        elif roll < 0.6:
            value = rng.choice([*NUMBERS, "22", "3389", "6", "+22", "22.0", "2.2e1", "1" * 30])
        elif roll < 0.75:
            value = rng.choice(["REJECT", "ACCEPT", "-", "page.html", "x", "y", "REJECTED"])
        else:
            value = rng.choice(["é✓", "a-b", "OK", "NODATA", "z" * rng.randint(1, 5)])
        wrap = rng.random()
        if wrap < 0.05:
            value = f'"{value} {rng.choice(words or ["q"])}"'
        elif wrap < 0.08:
            value = f"[{value}]"
        elif wrap < 0.09:
            value = rng.choice(['"', "[", "]", 'a"b', "a[b"]) + value
        values.append(value)
    text = "".join(value + rng.choice(BLANKS) for value in values)
    if rng.random() < 0.2:
        text = rng.choice(BLANKS) + text
    if rng.random() < 0.5:
        text = text.rstrip(" ")
    return text


def _differences(pattern: str, events: list[str]) -> tuple[list[tuple[str, bool, bool]], int, int]:
    fast, reference = parse(pattern).matches, reference_matcher(pattern)
    differences = []
    matched = 0
    for event in events:
        got, expected = fast(event), reference(event)
        matched += expected
        if got is not expected:
            differences.append((event, got, expected))
    return differences, matched, len(events) - matched


def _check(pattern: str, events: list[str]) -> None:
    differences, matched, missed = _differences(pattern, events)
    assert differences[:5] == []
    # The generated events exercise both answers ("[...]" matches every event).
    assert matched > 0
    assert missed > 0 or pattern == "[...]"


@pytest.mark.parametrize("pattern", SHIPPED_JSON + AIMED_JSON)
def test_json_fast_path_agrees_with_decoding_every_event(pattern: str) -> None:
    rng = random.Random(pattern)
    paths, words = _json_paths(pattern), _words(pattern)

    events = [_json_event(rng, paths, words) for _ in range(LINES)]

    _check(pattern, events)


@pytest.mark.parametrize("pattern", SHIPPED_SPACE + AIMED_SPACE)
def test_space_fast_path_agrees_with_the_line_regex(pattern: str) -> None:
    rng = random.Random(pattern)
    fields = len(pattern.split(","))
    words = _words(pattern)

    events = [_space_event(rng, fields, words) for _ in range(LINES)]

    _check(pattern, events)


@pytest.mark.parametrize(
    ("pattern", "event", "expected"),
    [
        # The key nested, or twice: only the top-level, last one counts.
        ("{ $.latency_ms >= 0 }", '{"downstream": {"latency_ms": 5}}', False),
        ("{ $.latency_ms >= 0 }", '{"latency_ms": -1, "latency_ms": 5}', True),
        ("{ $.latency_ms >= 0 }", '{"latency_ms": 5, "latency_ms": -1}', False),
        ("{ $.latency_ms >= 0 }", '{"a": ["latency_ms", 5], "latency_ms": "5"}', False),
        ("{ $.latency_ms >= 0 }", '{"latency_ms": 5', False),  # truncated
        ("{ $.latency_ms >= 0 }", '{"latency\\u005fms": 5}', True),  # escaped key
        ("{ $.latency_ms >= 0 }", '{"latency_ms": 5} x', False),
        ("{ $.latency_ms >= 0 }", '{"latency_ms": 1e999}', False),  # infinite
        ("{ $.latency_ms >= 0 }", '{"latency_ms": ' + "1" * 5000 + "}", False),
        ("{ $.userIdentity.type = Root }", '{"userIdentity": {"type": "Root"}}', True),
        ("{ $.userIdentity.type = Root }", '{"a": {"b": {"type": "Root"}}}', False),
        (
            "{ $.eventName = CreateVpc || $.eventName = DeleteVpc }",
            '{"eventName":"DeleteVpc"}',
            True,
        ),
        (
            "{ $.eventName = CreateVpc || $.eventName = DeleteVpc }",
            '{"eventName":"CreateVpcX"}',
            False,
        ),
    ],
)
def test_edge_cases_decide_as_documented(pattern: str, event: str, expected: bool) -> None:
    assert parse(pattern).matches(event) is expected
    assert reference_matcher(pattern)(event) is expected


@pytest.mark.parametrize(
    ("pattern", "event", "expected"),
    [
        ("[a, b, c = REJECT]", "x y REJECT", True),
        ("[a, b, c = REJECT]", "x y REJECT more fields", False),  # c takes the rest
        ("[a, b, c]", "x\xa0y\u3000z", True),  # Unicode blanks split fields
        ("[a, b = 22, c]", "x 22.0 z", True),
        ("[a, b = 22, c]", "x +22 z", True),
        ("[a, ..., b = 6, c]", "1 2 3 6 z", True),
        ("[a, ..., b = 6, c]", "6 z", False),
        ("[a, b = 22, c]", 'x "22" z', True),  # quoted: the line regex decides
    ],
)
def test_split_fields_decide_as_the_line_regex(pattern: str, event: str, expected: bool) -> None:
    assert parse(pattern).matches(event) is expected
    assert reference_matcher(pattern)(event) is expected
