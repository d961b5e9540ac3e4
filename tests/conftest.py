"""Test-wide guards: fake AWS credentials and no network beyond this machine.

No AWS account exists for these tests and none may be contacted: credentials
are fake, instance-metadata lookups are off, and any socket connection to an
address that is not loopback fails the test that made it.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from observability_blueprint.cli.node import use_installed_node

use_installed_node()  # before support imports aws_cdk: jsii starts Node on that import

from support import EXAMPLES, Synthesized, synthesize  # noqa: E402

_FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "CDK_DISABLE_CLI_TELEMETRY": "true",
    "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
}


class NetworkBlockedError(RuntimeError):
    """A test tried to reach a host other than this machine."""


def _is_local(address: Any) -> bool:
    if not isinstance(address, tuple):
        return True  # AF_UNIX path
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True, scope="session")
def _offline() -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in [*_FAKE_ENV, "AWS_PROFILE"]}
    os.environ.pop("AWS_PROFILE", None)
    os.environ.update(_FAKE_ENV)
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def connect(self: socket.socket, address: Any) -> Any:
        if not _is_local(address):
            raise NetworkBlockedError(f"tests may not connect to {address!r}")
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        if not _is_local(address):
            raise NetworkBlockedError(f"tests may not connect to {address!r}")
        return real_connect_ex(self, address)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    try:
        yield
    finally:
        socket.socket.connect = real_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = real_connect_ex  # type: ignore[method-assign]
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# The shipped examples, synthesized once for the whole run (unit and integration).


@pytest.fixture(scope="session")
def examples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Synthesized]:
    """Both shipped example files, each synthesized once."""
    return {
        name: synthesize(path, tmp_path_factory.mktemp(name.replace("/", "-")))
        for name, path in EXAMPLES.items()
    }


@pytest.fixture(scope="session")
def full(examples: dict[str, Synthesized]) -> Synthesized:
    """examples/full.yaml, synthesized."""
    return examples["examples/full.yaml"]


@pytest.fixture(scope="session")
def small(examples: dict[str, Synthesized]) -> Synthesized:
    """blueprint.yaml, synthesized."""
    return examples["blueprint.yaml"]
