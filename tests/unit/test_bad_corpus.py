"""The bad-file corpus: every file is refused by `validate` and by synthesis alike.

``tests/corpus/bad/expectations.yaml`` states, for each file and before the code
that refuses it was written, the issue item it covers and what its message must
contain: the place (a config path, or a line and column for YAML-level faults),
the offending value and what is allowed. Both faces must

- exit non-zero (or, for an ``outcome: warns`` file, succeed and warn),
- print no traceback (Python's or jsii's JavaScript one),
- print one problem that contains the place, the value and what is allowed.

Matching ignores case, runs of white space and the thousands separators of
numbers (``86,400`` is ``86400``), so a message may phrase the allowed values
its own way but must carry them. The place is looked for in the problem's
location (``alarms[0].band: ``, ``line 3, column 7: ``), the value and what is
allowed in the text after it, and no expectation's value or allowed text may be
found in another of its parts: each of the three checks fails on its own when
the message lacks what it looks for (``0`` is not found in ``alarms[0]``).

The files run in a worker process (``tests/corpus/run_corpus.py``, one per test
process, so jsii starts once) bounded to :data:`MEMORY_BYTES` of data (heap),
and every file gets :data:`SECONDS` of time: a file that hangs or exhausts
memory fails its own test, the worker is killed and a new one takes the next
file. Files whose fix another change brings are ``xfail(strict=True)``: they
turn into failures the day the fix lands, so the mark is removed then.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from support import ROOT

CORPUS = ROOT / "tests" / "corpus" / "bad"
WORKER = ROOT / "tests" / "corpus" / "run_corpus.py"
SECONDS = 60
"""Time for one file, both faces together (a hang fails the file, not the suite)."""
STARTUP_SECONDS = 120
"""Time for the worker to import aws-cdk-lib and start jsii."""
MEMORY_BYTES = 2 * 1024**3
"""Data (heap) limit of the worker and of the Node process jsii starts from it."""
MARK = "@@corpus@@ "


@dataclass(frozen=True)
class Case:
    """One corpus file and what its message must contain."""

    name: str
    item: str
    what: str
    place: tuple[str, ...]
    value: tuple[str, ...]
    allowed: tuple[str, ...]
    absent: tuple[str, ...] = ()
    max_chars: int = 2000
    outcome: str = "refused"
    xfail: str | None = None
    generate: dict[str, Any] = field(default_factory=dict)

    def path(self, tmp_path: Path) -> Path:
        """The file to run: a copy of the corpus file (synthesis writes the shard lock file
        beside it), or the one ``generate`` builds from it."""
        source = CORPUS / self.name
        data = source.read_bytes()
        target = tmp_path / self.name
        if "repeat" in self.generate:
            # The corpus file's last line, repeated: a large file stays small in git.
            head, _, line = data.rstrip(b"\n").rpartition(b"\n")
            count = int(self.generate["repeat"])
            body = b"".join(line.replace(b"{i}", str(i).encode()) + b"\n" for i in range(count))
            data = head + b"\n" + body
        target.write_bytes(data)
        return target


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)


def load_cases() -> list[Case]:
    """Read the expectations, and check each names a file and each file has one."""
    entries = yaml.safe_load((CORPUS / "expectations.yaml").read_text(encoding="utf-8"))
    return [
        Case(
            name=name,
            item=str(entry["item"]),
            what=entry["what"],
            place=_strings(entry.get("place")),
            value=_strings(entry.get("value")),
            allowed=_strings(entry.get("allowed")),
            absent=_strings(entry.get("absent")),
            max_chars=int(entry.get("max_chars", 2000)),
            outcome=entry.get("outcome", "refused"),
            xfail=entry.get("xfail"),
            generate=entry.get("generate") or {},
        )
        for name, entry in entries.items()
    ]


CASES = load_cases()


def _normal(text: str) -> str:
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def _problems(output: str, path: Path) -> list[str]:
    """Split what a face printed into its problems (each starts with the file's path)."""
    prefix = f"{path}: "
    chunks = re.split(rf"(?m)^(?={re.escape(prefix)})", output)
    # Without the path, so that a file's name (d20-stage-no) is not read as its message.
    return [c.removeprefix(prefix) for c in chunks if c.startswith(prefix)]


def _search(part: str, text: str) -> re.Match[str] | None:
    """Where ``part`` (plain text, or ``re:`` and a regular expression) is in ``text``."""
    if part.startswith("re:"):
        return re.search(part[3:], text)
    return re.search(re.escape(_normal(part)), text)


def _found(part: str, text: str) -> bool:
    return _search(part, text) is not None


_LOCATION = re.compile(
    r"(?:(?:line \d+(?:, column \d+)?|[a-z/$_]\S*?(?: \(line \d+, column \d+\))?): )+"
)
"""The location a problem starts with, in normalized text: ``alarms[0].band: ``,
``line 3, column 7: ``, ``log_groups[0] (line 5, column 5): ``, ``warning: ...: ``,
a construct path and then a config path for a synthesis warning. One segment has no
white space (``tags.aws:team``), so it ends before the message's first words."""


def _after_place(place: str, text: str) -> str | None:
    """The text after the place, where the value and what is allowed are looked for.

    A problem that starts with a location must name the place in it; the rest is
    the message. A problem without one (CDK's own) may name the place anywhere, and
    the rest is what follows it. None: the problem does not name the place.
    """
    match = _LOCATION.match(text)
    location, rest = (match.group(), text[match.end() :]) if match else ("", text)
    if place == "<file>":
        return rest  # the file as a whole: the problem names no place but the file
    if location:
        return rest if _found(place, location) else None
    found = _search(place, text)
    return text[found.end() :] if found else None


def _missing(case: Case, problem: str) -> list[str]:
    """What one problem lacks: a place, value or allowed text, or what it must not say."""
    text = _normal(problem)
    rests = {part: _after_place(part, text) for part in case.place}
    missing = [f"place {part!r}" for part, rest in rests.items() if rest is None]
    rest = min((r for r in rests.values() if r is not None), key=len, default=text)
    wanted = [
        (kind, part)
        for kind, parts in (("value", case.value), ("allowed", case.allowed))
        for part in parts
    ]
    missing += [f"{kind} {part!r}" for kind, part in wanted if not _found(part, rest)]
    missing += [f"no {part!r}" for part in case.absent if _normal(part) in text]
    if len(problem) > case.max_chars:
        missing.append(f"at most {case.max_chars} characters (has {len(problem):,})")
    return missing


def check_face(case: Case, face: str, result: dict[str, Any], path: Path) -> list[str]:
    """Return what is wrong with one face's answer (empty: it meets the expectations)."""
    output = result["stdout"] + result["stderr"]
    shown = output if len(output) < 3000 else output[:1500] + " [...] " + output[-1500:]
    if "Traceback" in output or "jsii.errors" in output or "    at " in output:
        return [f"{face}: a traceback instead of a message:\n{shown}"]
    if case.outcome == "warns":
        if result["exit"] != 0:
            return [f"{face}: exit {result['exit']}, expected success with a warning:\n{shown}"]
        candidates = [*_problems(output, path), *result.get("warnings", [])]
    else:
        if result["exit"] == 0:
            return [f"{face}: exit 0, the file was accepted:\n{shown}"]
        candidates = _problems(output, path)
    if not candidates:
        return [f"{face}: no problem printed:\n{shown}"]
    best = min((_missing(case, c) for c in candidates), key=len)
    if best:
        return [f"{face}: no problem names {', '.join(best)}:\n{shown}"]
    return []


# ------------------------------------------------------------------ the worker


def _limit_memory() -> None:
    # RLIMIT_DATA, not RLIMIT_AS: Node reserves address space it never touches (V8's
    # pointer cage, WebAssembly guard regions for aws-cdk-lib's template validation),
    # and an address-space limit makes those reservations fail at random ("unreachable").
    # The data limit counts the memory a process writes, which is what a bomb grows.
    resource.setrlimit(resource.RLIMIT_DATA, (MEMORY_BYTES, MEMORY_BYTES))


class Worker:
    """The worker process, restarted after a file that hangs or kills it."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None
        self.buffer = ""

    def _start(self) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            preexec_fn=_limit_memory,
            start_new_session=True,  # one process group: the Node child dies with it
        )
        self.process, self.buffer = process, ""
        ready = self._answer(STARTUP_SECONDS)
        if ready != {"ready": True}:
            self.stop()
            raise RuntimeError(f"the corpus worker did not start: {ready}")
        return process

    def _answer(self, seconds: float) -> dict[str, Any] | None:
        process = self.process
        assert process is not None
        assert process.stdout is not None
        deadline = time.monotonic() + seconds
        fd = process.stdout.fileno()
        while True:
            while "\n" in self.buffer:
                line, self.buffer = self.buffer.split("\n", 1)
                if line.startswith(MARK):
                    answer: dict[str, Any] = json.loads(line[len(MARK) :])
                    return answer
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            readable, _, _ = select.select([fd], [], [], left)
            if not readable:
                return None
            chunk = os.read(fd, 1 << 16).decode("utf-8", "replace")
            if not chunk:
                return None  # the worker died (out of memory, killed)
            self.buffer += chunk

    def run(self, path: Path) -> dict[str, Any] | None:
        """Validate and synthesize ``path``; None when it did not finish within bounds."""
        process = self.process if self.process and self.process.poll() is None else self._start()
        assert process.stdin is not None
        try:
            process.stdin.write(f"{path}\n")
            process.stdin.flush()
        except BrokenPipeError:
            self.stop()
            return None
        answer = self._answer(SECONDS)
        if answer is None:
            self.stop()
        return answer

    def stop(self) -> None:
        """Kill the worker and everything it started."""
        if self.process is not None:
            with_suppressed = self.process
            self.process = None
            with contextlib.suppress(ProcessLookupError):
                os.killpg(with_suppressed.pid, signal.SIGKILL)
            with_suppressed.wait()


@pytest.fixture(scope="session")
def worker() -> Iterator[Worker]:
    """One worker per test process (per xdist worker)."""
    running = Worker()
    yield running
    running.stop()


# ------------------------------------------------------------------ the tests


def _params() -> list[Any]:
    return [
        pytest.param(
            case,
            id=case.name.removesuffix(".yaml"),
            marks=[pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else [],
        )
        for case in CASES
    ]


@pytest.mark.parametrize("case", _params())
def test_bad_file(case: Case, worker: Worker, tmp_path: Path) -> None:
    path = case.path(tmp_path)
    started = time.monotonic()
    answer = worker.run(path)
    seconds = time.monotonic() - started
    assert answer is not None, (
        f"{case.name} ({case.item}: {case.what}) did not finish within {SECONDS} s and "
        f"{MEMORY_BYTES // 1024**3} GiB"
    )
    failures = [
        *check_face(case, "validate", answer["validate"], path),
        *check_face(case, "synthesis", answer["synth"], path),
    ]
    assert not failures, f"{case.name} ({case.item}: {case.what}), {seconds:.1f} s\n" + "\n".join(
        failures
    )


HOSTILE = ("D15", "D16")
"""Items whose files attack the reader (memory, time): also run by the installed command."""


@pytest.mark.parametrize(
    "case",
    [p for p in _params() if p.values[0].item.split()[0] in HOSTILE],
)
def test_hostile_file_with_the_installed_command(case: Case, tmp_path: Path) -> None:
    """``obs-blueprint validate FILE`` as a user runs it, in a process of its own."""
    path = case.path(tmp_path)
    command = Path(sys.executable).with_name("obs-blueprint")
    started = time.monotonic()
    try:
        result = subprocess.run(
            [str(command), "validate", str(path)],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=SECONDS,
            preexec_fn=_limit_memory,
            check=False,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{case.name} ({case.item}: {case.what}) did not finish within {SECONDS} s")
    answer = {"exit": result.returncode, "stdout": result.stdout, "stderr": result.stderr}
    failures = check_face(case, "obs-blueprint validate", answer, path)
    seconds = time.monotonic() - started
    assert not failures, f"{case.name} ({case.item}: {case.what}), {seconds:.1f} s\n" + "\n".join(
        failures
    )


def test_every_corpus_file_has_expectations() -> None:
    files = {p.name for p in CORPUS.iterdir() if p.name != "expectations.yaml"}
    named = {case.name for case in CASES}
    assert files == named
    assert len(CASES) >= 120


def test_every_expectation_states_place_value_and_allowed() -> None:
    incomplete = [c.name for c in CASES if not (c.place and c.value and c.allowed)]
    assert incomplete == []


def _within(part: str, other: str) -> bool:
    """True when the check for ``part`` would pass on a message that says only ``other``.

    Compared as :func:`_found` compares (case, white space, thousands separators
    ignored); a regular expression ``other`` and the ``<file>`` place are text no
    message need repeat, so nothing is found within them.
    """
    if part == "<file>" or other == "<file>" or other.startswith("re:"):
        return False
    return _found(part, _normal(other))


def test_value_place_and_allowed_are_three_separate_checks() -> None:
    """No value is found in its place or allowed text, no allowed text in its value or place.

    Otherwise one check passes on what another finds (``0`` in ``alarms[0]``,
    ``aws/`` in ``aws/app/api``), and the expectation cannot fail for lack of it.
    """
    overlapping = [
        f"{case.name}: {kind} {part!r} is found in {other_kind} {other!r}"
        for case in CASES
        for kind, parts, others in (
            ("value", case.value, (("place", case.place), ("allowed", case.allowed))),
            ("allowed", case.allowed, (("value", case.value), ("place", case.place))),
        )
        for part in parts
        for other_kind, other_parts in others
        for other in other_parts
        if _within(part, other)
    ]
    assert overlapping == []


def test_the_overlap_check_finds_what_the_reviewer_found() -> None:
    assert _within("0", "alarms[0].band")
    assert _within("aws/", "aws/app/api")
    assert _within("i-0123456789abcdef0", "I-0123456789ABCDEF0")
    assert _within(r"re:\b1\d{3}\b", "1024")
    assert _within(r"re:\b[5-9]\d\d\b", "500")
    assert not _within("0.0", "alarms[0].band")
    assert not _within(r"re:\b(start|begin)\w* with aws/", "aws/app/api")
    assert not _within("500", r"re:\b[5-9]\d\d\b")


def test_the_corpus_covers_every_class_of_the_issue() -> None:
    items = {case.item.split()[0] for case in CASES}
    classes = {f"A{i}" for i in range(1, 7)} | {f"B{i}" for i in range(7, 12)}
    classes |= {f"C{i}" for i in range(12, 15)} | {f"D{i}" for i in range(15, 21)}
    classes |= {"E21", "E22"}
    assert classes - items == set()


def test_the_checker_needs_place_value_and_allowed_in_one_problem(tmp_path: Path) -> None:
    case = Case(
        name="x.yaml",
        item="D20",
        what="self-test",
        place=("alarms[0].period",),
        value=("86401",),
        allowed=("86400",),
    )
    path = tmp_path / "x.yaml"
    ok: dict[str, Any] = {
        "exit": 1,
        "stdout": "",
        "stderr": f"{path}: alarms[0].period: 86,401 > 86,400\n",
    }
    assert check_face(case, "validate", ok, path) == []
    split = {
        "exit": 1,
        "stdout": "",
        "stderr": f"{path}: alarms[0].period: 86401 is wrong\n{path}: at most 86400\n",
    }
    assert check_face(case, "validate", split, path)
    accepted = {**ok, "exit": 0}
    assert check_face(case, "validate", accepted, path)
    traced = {**ok, "stderr": ok["stderr"] + "Traceback (most recent call last):\n"}
    assert check_face(case, "validate", traced, path)


def _answer(path: Path, problem: str) -> dict[str, Any]:
    return {"exit": 1, "stdout": "", "stderr": f"{path}: {problem}\n"}


def test_the_checker_reads_value_and_allowed_after_the_place(tmp_path: Path) -> None:
    """A value or allowed text found only in the location does not count."""
    path = tmp_path / "x.yaml"
    case = Case(
        name="x.yaml",
        item="D20",
        what="self-test",
        place=("log_groups[0]",),
        value=("retension_days",),
        allowed=("retention_days",),
    )
    named = "log_groups[0].retension_days: unknown key 'retension_days'; use 'retention_days'"
    assert check_face(case, "validate", _answer(path, named), path) == []
    only_in_place = "log_groups[0].retension_days: unknown key; give one the blueprint takes"
    assert check_face(case, "validate", _answer(path, only_in_place), path)
    elsewhere = "stage: 'retension_days' is not 'retention_days' (log_groups[0])"
    assert check_face(case, "validate", _answer(path, elsewhere), path)
    # The location may be a YAML position, with or without a config path before it,
    # or a construct path and then a config path (synthesis warnings).
    lines = Case(
        name="x.yaml",
        item="D18",
        what="self-test",
        place=("line 5, column 5",),
        value=("~",),
        allowed=("text",),
    )
    nested = "log_groups[0] (line 5, column 5): the key ~ is null; a key is text"
    assert check_face(lines, "validate", _answer(path, nested), path) == []
    at_line = "line 5, column 5: the key ~ is null; a key is text"
    assert check_face(lines, "validate", _answer(path, at_line), path) == []
    warned = Case(
        name="x.yaml",
        item="C14",
        what="self-test",
        place=("log_files[0]",),
        value=("/root/.aws/credentials",),
        allowed=("only log files",),
        outcome="warns",
    )
    warning = (
        "/app/Agent: config.log_files[0].file_path: '/root/.aws/credentials' holds keys; "
        "collect only log files"
    )
    accepted = {"exit": 0, "stdout": "", "stderr": "", "warnings": [warning]}
    assert check_face(warned, "synthesis", accepted, path) == []


def test_the_checker_finds_the_place_anywhere_in_a_message_without_location(
    tmp_path: Path,
) -> None:
    """CDK's own messages start with words; the value then follows the place."""
    path = tmp_path / "x.yaml"
    case = Case(
        name="x.yaml",
        item="D19",
        what="self-test",
        place=("big-dev-observability",),
        value=(r"re:\b(5[2-9]\d|[6-9]\d\d)\b",),
        allowed=("500",),
    )
    cdk = "Number of resources in stack 'big-dev-observability': 521 is greater than 500"
    assert check_face(case, "validate", _answer(path, cdk), path) == []
    before = "521 resources, at most 500, in stack 'big-dev-observability'"
    assert check_face(case, "validate", _answer(path, before), path)
