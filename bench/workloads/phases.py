"""Phase timing, cProfile by phase and jsii call counts, for the workload apps.

Set in the environment of an app (``bench/run.py --profile`` does):

``BENCH_REPORT=FILE``
    Write ``{"phases": {name: seconds}, "jsii": {phase: {call: count}}}`` to
    FILE as JSON when the app ends.
``BENCH_PROFILE=DIR``
    Also run each phase under cProfile and dump ``DIR/<phase>.pstats``.

jsii calls are counted by wrapping the methods of jsii's ``ProcessProvider``,
through which every request to the Node process goes (``create``, ``invoke``,
``get``... and ``sync_complete``, the answer to a callback from Node into
Python); import this module before ``aws_cdk``. Standard library only.
"""

from __future__ import annotations

import cProfile
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

KERNEL_CALLS = (
    "load",
    "create",
    "delete",
    "get",
    "set",
    "sget",
    "sset",
    "invoke",
    "sinvoke",
    "begin",
    "sbegin",
    "end",
    "complete",
    "sync_complete",
)
"""The jsii requests counted: the methods of jsii's ``ProcessProvider``, one request each
to the Node process (``sync_complete`` answers a callback from Node into Python)."""


class Phases:
    """Times named phases of one app run; counts jsii calls and profiles when asked."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, Counter[str]] = {}
        self._current = "before"
        self._report = os.environ.get("BENCH_REPORT")
        profile_dir = os.environ.get("BENCH_PROFILE")
        self._profile_dir = Path(profile_dir) if profile_dir else None
        if self._report:
            self._count_jsii_calls()

    def _count_jsii_calls(self) -> None:
        from jsii._kernel.providers.process import ProcessProvider

        def counted(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                self.calls.setdefault(self._current, Counter())[name] += 1
                return method(*args, **kwargs)

            return wrapper

        for name in KERNEL_CALLS:
            method = getattr(ProcessProvider, name, None)
            if method is not None:
                setattr(ProcessProvider, name, counted(name, method))

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Time the block as phase ``name`` (profiled into ``<name>.pstats`` when asked).

        A phase inside another (an app importing another app's module) is part of it.
        """
        if self._current not in ("before", "after"):
            yield
            return
        self._current = name
        profiler = cProfile.Profile() if self._profile_dir else None
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        try:
            yield
        finally:
            if profiler:
                profiler.disable()
            self.seconds[name] = time.perf_counter() - start
            if profiler and self._profile_dir:
                self._profile_dir.mkdir(parents=True, exist_ok=True)
                profiler.dump_stats(self._profile_dir / f"{name}.pstats")
            self._current = "after"

    def write(self) -> None:
        """Write the report file, if one was asked for."""
        if self._report:
            Path(self._report).write_text(
                json.dumps(
                    {
                        "phases": self.seconds,
                        "jsii": {k: dict(v) for k, v in self.calls.items()},
                    }
                )
            )


PHASES = Phases()
"""The phases of this process (one instance, so jsii's kernel is wrapped once)."""


def synth_by_hand(argv: list[str], build: Callable[[Any, int], None]) -> int:
    """Build ``argv[1]`` services with ``build`` into an app synthesized to ``argv[2]``,
    timing the build and synth phases (variants (b) and (c))."""
    from aws_cdk import App

    services, outdir = int(argv[1]), Path(argv[2])
    with PHASES.phase("build"):
        app = App(outdir=str(outdir))
        build(app, services)
    with PHASES.phase("synth"):
        app.synth()
    PHASES.write()
    return 0
