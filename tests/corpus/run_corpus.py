"""Worker of the bad-file corpus: validate and synthesize each file it is given.

Run by ``tests/unit/test_bad_corpus.py`` as a process of its own, bounded in
memory, that reads one blueprint file path per line on stdin and answers each
with one line ``@@corpus@@ <json>`` on stdout. The test bounds the time of every
file: a file that hangs gets no answer in time, and the test kills this process
(and the Node process jsii started) and starts a new one for the next file.

For each file it runs the two faces a user runs, in this process so that jsii
starts once for the whole corpus:

- ``obs-blueprint validate FILE``: the command's own ``main``;
- synthesis as ``cdk synth -c blueprint=FILE`` runs it: ``app.py``'s ``main``
  with the context and output directory the CDK CLI passes in the environment.

Whatever either prints, and any exception that escapes it (as a traceback), is
reported; the test decides.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
MARK = "@@corpus@@ "


def _context() -> dict[str, Any]:
    context: dict[str, Any] = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]
    return context


class _Captured(io.TextIOWrapper):
    """A text stream with a ``buffer``, as a terminal's: jsii writes what Node prints to
    ``sys.stderr.buffer`` (without one, it prints the raw, base64-encoded messages)."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", errors="replace", write_through=True)

    def text(self) -> str:
        self.flush()
        raw = self.buffer
        assert isinstance(raw, io.BytesIO)
        return raw.getvalue().decode("utf-8", "replace")


def _capture(run: Any) -> dict[str, Any]:
    """Run ``run()``; return its exit code and what it printed (a traceback if it raised)."""
    out, err = _Captured(), _Captured()
    started = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = run()
        except BaseException:  # a traceback is a finding, reported as text
            traceback.print_exc(file=err)
            code = -1
        time.sleep(0.05)  # what Node printed last reaches jsii's reader thread
    return {
        "exit": code,
        "stdout": out.text(),
        "stderr": err.text(),
        "seconds": round(time.monotonic() - started, 3),
    }


def _synthesize(path: str, app: Any) -> dict[str, Any]:
    """Run app.py's main as ``cdk synth -c blueprint=PATH`` would.

    The CDK CLI passes the context and output directory in the environment of a
    new process; jsii's Node process has read its environment already, so the
    app's ``App()`` is given them directly instead.
    """
    from aws_cdk import App

    from observability_blueprint.cli.report import read_assembly

    outdir = tempfile.mkdtemp(prefix="corpus-synth-")
    context = {**_context(), "blueprint": path}
    app.App = lambda: App(context=context, outdir=outdir)
    try:
        result = _capture(app.main)
        if result["exit"] == 0:
            result["warnings"] = [w for r in read_assembly(outdir) for w in r.warnings]
        return result
    finally:
        app.App = App
        shutil.rmtree(outdir, ignore_errors=True)


def main() -> int:
    """Answer every path read from stdin until stdin closes."""
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    from observability_blueprint.cli.node import use_installed_node

    use_installed_node()
    import app  # the CDK app at the repository root, as `cdk synth` runs it
    from observability_blueprint.cli.main import main as cli_main

    print(MARK + json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        path = line.rstrip("\n")
        if not path:
            continue
        argv = ["validate", path]
        answer = {
            "file": path,
            "validate": _capture(lambda: cli_main(argv)),  # noqa: B023 - called at once
            "synth": _synthesize(path, app),
        }
        print(MARK + json.dumps(answer), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
