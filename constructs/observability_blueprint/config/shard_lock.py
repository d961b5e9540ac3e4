"""The shard lock file: where each unit of a blueprint deploys, committed beside the file.

``shop.yaml`` has its lock in ``shop.shards.json``. Synthesis follows it (see
:func:`observability_blueprint.rules.shard_plan.plan`) and writes it back when new
units were placed, so the placement survives changes to the placement rules. It is
JSON with sorted keys, two-space indents, one unit id per line and a final newline:
adding a unit is a one-line diff.

Example::

    {
      "limits": {
        "max_resources": 450,
        "max_template_bytes": 800000
      },
      "shards": [
        [
          "area:core",
          "service:checkout"
        ]
      ],
      "version": 1
    }
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, ValidationError

from observability_blueprint.rules.errors import BlueprintError, Problem, cut
from observability_blueprint.rules.limits import STACK_RESOURCES_MAX, TEMPLATE_BODY_S3_MAX
from observability_blueprint.rules.shard_plan import PINNED_UNITS, Limits, Lock

LOCK_VERSION: Final = 1
"""The lock file format this version writes and reads."""
LOCK_SUFFIX: Final = ".shards.json"
LOCK_BYTES_MAX: Final = 10_000_000
"""A lock of 10,000 units is about 300 KB; anything near this is not a lock file."""
RESTORE: Final = (
    "restore it from version control (deleting it re-plans every unit, and each unit that "
    "moves has its resources replaced)"
)


class _StrictFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class LockLimits(_StrictFile):
    """The shard limits the placement was made with."""

    max_resources: int
    """Resources a shard is filled to."""
    max_template_bytes: int
    """Template bytes a shard is filled to."""


class ShardLockFile(_StrictFile):
    """The lock file as written: version, limits, and per shard its unit ids in order."""

    version: int
    """The format, :data:`LOCK_VERSION`."""
    limits: LockLimits
    """The limits the placement was made with."""
    shards: list[list[str]]
    """Shard ``i`` deploys as stack ``<prefix>-observability`` (0) or ``...-<i + 1>``."""

    @classmethod
    def of(cls, lock: Lock) -> ShardLockFile:
        """Return the file form of ``lock``."""
        return cls(
            version=LOCK_VERSION,
            limits=LockLimits(
                max_resources=lock.limits.max_resources,
                max_template_bytes=lock.limits.max_template_bytes,
            ),
            shards=[list(units) for units in lock.shards],
        )

    def lock(self) -> Lock:
        """Return the placement the file records."""
        return Lock(
            Limits(self.limits.max_resources, self.limits.max_template_bytes),
            tuple(tuple(units) for units in self.shards),
        )


def lock_path(blueprint: Path) -> Path:
    """Return the lock file of the blueprint file ``blueprint``: ``<stem>.shards.json`` beside."""
    return blueprint.with_name(blueprint.stem + LOCK_SUFFIX)


def render_lock(lock: Lock) -> str:
    """Return the lock file text: sorted keys, two-space indents, a final newline."""
    data = ShardLockFile.of(lock).model_dump()
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def parse_lock(text: str) -> Lock | list[Problem]:
    """Read a lock file's text; problems are located by JSON path (``shards[1][0]``)."""
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as error:
        return [
            Problem(
                "",
                f"is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}): "
                + RESTORE,
            )
        ]
    if not isinstance(data, dict):
        return [
            Problem(
                "",
                f"holds {cut(json.dumps(data))}, not the lock file's object "
                "(version, limits, shards): " + RESTORE,
            )
        ]
    version = data.get("version")
    if type(version) is not int or version != LOCK_VERSION:
        shown = "no version" if "version" not in data else f"version {cut(json.dumps(version))}"
        return [
            Problem(
                "version",
                f"{shown} is not a lock file version this obs-blueprint reads "
                f"(it reads version {LOCK_VERSION}): use the obs-blueprint that wrote it, or "
                + RESTORE,
            )
        ]
    try:
        model = ShardLockFile.model_validate(data)
    except ValidationError as error:
        return [_problem(e["loc"], e["input"], e["type"]) for e in error.errors(include_url=False)]
    lock = model.lock()
    problems = lock.limits.problems(place="limits")
    problems.extend(_unit_problems(lock))
    return problems or lock


def read_lock(path: Path) -> Lock | None:
    """Return the placement in the lock file at ``path``, or None when there is none yet.

    Raises
    ------
    BlueprintError
        The file is damaged; each problem names the file and the place in it.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None
    if size > LOCK_BYTES_MAX:
        raise BlueprintError(
            [
                Problem(
                    "", f"is {size:,} bytes, more than a lock file's {LOCK_BYTES_MAX:,}: {RESTORE}"
                )
            ],
            source=str(path),
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise BlueprintError(
            [Problem("", f"is not UTF-8 (byte {error.start}): {RESTORE}")], source=str(path)
        ) from None
    found = parse_lock(text)
    if isinstance(found, list):
        raise BlueprintError(found, source=str(path))
    return found


def write_lock(path: Path, lock: Lock) -> bool:
    """Write ``lock`` to ``path`` unless it holds the same already; return True when written."""
    text = render_lock(lock)
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except (FileNotFoundError, UnicodeDecodeError):
        pass
    path.write_text(text, encoding="utf-8")
    return True


_ALLOWED: Final = {
    "version": f"the number {LOCK_VERSION}",
    "limits": "an object with max_resources and max_template_bytes",
    "max_resources": f"a whole number from 1 to {STACK_RESOURCES_MAX}",
    "max_template_bytes": f"a whole number from 1 to {TEMPLATE_BODY_S3_MAX:,}",
    "shards": "a list of shards, each a list of unit ids (strings such as service:checkout)",
}


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _problem(loc: tuple[int | str, ...], value: Any, kind: str) -> Problem:
    where = _location(loc)
    key = next((p for p in reversed(loc) if isinstance(p, str) and p in _ALLOWED), None)
    if kind == "extra_forbidden":
        return Problem(
            where,
            f"is not a lock file key: the keys are {', '.join(sorted(ShardLockFile.model_fields))}"
            f" (limits: {', '.join(sorted(LockLimits.model_fields))}); " + RESTORE,
        )
    if kind == "missing":
        return Problem(where, f"is missing: {RESTORE}")
    allowed = _ALLOWED[key] if key else "what obs-blueprint writes"
    return Problem(where, f"{cut(json.dumps(value))} is not allowed: use {allowed}; or {RESTORE}")


def _unit_problems(lock: Lock) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[str, str] = {}
    for index, units in enumerate(lock.shards):
        for position, unit in enumerate(units):
            where = f"shards[{index}][{position}]"
            if not unit:
                problems.append(Problem(where, f"an empty unit id: {RESTORE}"))
            elif unit in first:
                problems.append(
                    Problem(
                        where,
                        f"unit {cut(unit)!r} is in {first[unit]} too; a unit deploys in one "
                        "shard: keep the place its resources are deployed in and delete the "
                        "other, or " + RESTORE,
                    )
                )
            else:
                first[unit] = where
                if unit in PINNED_UNITS and index != 0:
                    problems.append(
                        Problem(
                            where,
                            f"{unit} (what every shard uses: the key, the topics and the "
                            f"alarms on Region-wide metrics) is always in shard 0, not shard "
                            f"{index}: " + RESTORE,
                        )
                    )
    return problems
