"""Log file paths that would ship credentials to CloudWatch Logs.

Pure module: no aws_cdk import. The CloudWatch agent reads what ``file_path``
names, wildcards included, and sends every line to a log group, where whoever may
read the group (and every subscription and export) reads it. A path into a home
directory's ``.ssh`` or ``.aws``, ``/root``, ``/etc/shadow`` or a private key file
puts secrets there. :func:`credential_path_warning` says which, or None.

Three checks, each tolerant of the agent's wildcards (``*`` and ``?`` within a
name, ``**`` across directories; "CloudWatch agent configuration file: Logs
section", file_path, Amazon CloudWatch User Guide:
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Agent-Configuration-File-Details.html):

- the path could match a well-known credential file (``/home/*/.ssh/*`` matches
  ``/home/USER/.ssh/id_rsa``; ``/etc/*`` matches ``/etc/shadow``; ``/**`` matches
  everything);
- a directory of the path, as written, is a credential store (``.ssh``, ``.aws``,
  ``.gnupg``... anywhere; ``/root`` on Linux);
- the file name, as written, is a key or password file (``*.pem``, ``*.key``,
  ``id_rsa``, ``.netrc``...).

The second and third checks read the path literally, so a wildcard that merely
*could* hit a key somewhere (``/var/log/*``) does not warn: only paths into the
places where credentials live do. Windows paths compare case-insensitively.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from typing import Final

from observability_blueprint.rules.agent_metrics import OperatingSystem

LINUX_CREDENTIAL_FILES: Final[tuple[tuple[str, str], ...]] = (
    ("/root/.ssh/id_rsa", "the root user's SSH private key"),
    ("/root/.aws/credentials", "the root user's AWS access keys"),
    ("/home/USER/.ssh/id_rsa", "an SSH private key"),
    ("/home/USER/.ssh/id_ed25519", "an SSH private key"),
    ("/home/USER/.aws/credentials", "AWS access keys"),
    ("/home/USER/.aws/sso/cache/token.json", "AWS SSO tokens"),
    ("/home/USER/.netrc", "saved passwords (.netrc)"),
    ("/home/USER/.pgpass", "PostgreSQL passwords"),
    ("/home/USER/.git-credentials", "Git passwords and tokens"),
    ("/home/USER/.docker/config.json", "container registry tokens"),
    ("/home/USER/.kube/config", "Kubernetes credentials"),
    ("/home/USER/.gnupg/private-keys-v1.d/KEY.key", "GnuPG private keys"),
    ("/etc/shadow", "the password hashes of every user"),
    ("/etc/gshadow", "group password hashes"),
    ("/etc/ssh/ssh_host_ed25519_key", "the server's SSH host key"),
    ("/etc/ssl/private/server.key", "TLS private keys"),
    ("/etc/pki/tls/private/server.key", "TLS private keys"),
    ("/proc/1/environ", "process environments, which often hold secrets"),
    ("/var/lib/cloud/instance/user-data.txt", "EC2 user data, which often holds secrets"),
)
"""Where credentials live on Linux: a glob that matches one of these paths warns."""

WINDOWS_CREDENTIAL_FILES: Final[tuple[tuple[str, str], ...]] = (
    (r"C:\Users\USER\.aws\credentials", "AWS access keys"),
    (r"C:\Users\USER\.ssh\id_rsa", "an SSH private key"),
    (r"C:\Users\USER\.ssh\id_ed25519", "an SSH private key"),
    (r"C:\Users\USER\.docker\config.json", "container registry tokens"),
    (r"C:\Users\USER\.kube\config", "Kubernetes credentials"),
    (r"C:\Users\USER\_netrc", "saved passwords (_netrc)"),
    (r"C:\Windows\System32\config\SAM", "the SAM registry hive (local password hashes)"),
    (r"C:\Windows\System32\config\SECURITY", "the SECURITY registry hive (LSA secrets)"),
    (
        r"C:\Windows\System32\config\systemprofile\.aws\credentials",
        "the SYSTEM account's AWS access keys",
    ),
    (r"C:\ProgramData\ssh\ssh_host_ed25519_key", "the server's SSH host key"),
)
"""Where credentials live on Windows (compared case-insensitively)."""

CREDENTIAL_DIRECTORIES: Final[dict[str, str]] = {
    ".ssh": "SSH keys",
    ".aws": "AWS credentials",
    ".gnupg": "GnuPG keys",
    ".kube": "Kubernetes credentials",
    ".docker": "container registry tokens",
    ".azure": "Azure credentials",
    ".password-store": "a password store",
}
"""Directories that exist to hold credentials, wherever they are."""

LINUX_CREDENTIAL_ROOTS: Final[dict[str, str]] = {
    "/root": "the root user's home (its SSH keys and AWS credentials)",
    "/etc/ssh": "the server's SSH host keys",
    "/etc/ssl/private": "TLS private keys",
    "/etc/pki/tls/private": "TLS private keys",
    "/etc/letsencrypt": "certificates and their private keys",
}
"""Linux directories whose every file is sensitive."""

WINDOWS_CREDENTIAL_ROOTS: Final[dict[str, str]] = {
    r"C:\Windows\System32\config": "the registry hives (password hashes, LSA secrets)",
    r"C:\ProgramData\ssh": "the server's SSH host keys",
}
"""Windows directories whose every file is sensitive (compared case-insensitively)."""

_KEY_NAME_RE: Final = re.compile(
    r"""(?x)
    .*\.(?:pem|key|p12|pfx|jks|keystore|kdbx|keytab|ppk)
    | id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?
    | g?shadow-?
    | [._]netrc | \.pgpass | \.git-credentials | \.htpasswd | \.env | credentials
    """
)
"""File names of keys and password files (the name as written, wildcards included)."""


def credential_path_warning(path: str, os: OperatingSystem) -> str | None:
    """Return why shipping ``path`` would send credentials to CloudWatch Logs, or None."""
    normal = _normalize(path, os)
    name = re.split(r"[/\\]" if os == "windows" else "/", path)[-1]
    what = _credential_file_match(normal, os) or _credential_place(normal, os, name)
    if what is None:
        return None
    return (
        f"{path[:120]!r} {what}: the agent would send it to CloudWatch Logs, where everyone "
        "who may read the log group reads it. Collect only log files, or narrow the path"
    )


def _normalize(path: str, os: OperatingSystem) -> str:
    if os == "windows":
        return posixpath.normpath(path.replace("\\", "/").lower()) if path else path
    # POSIX keeps a leading //, which Linux reads as /.
    return re.sub(r"^/+", "/", posixpath.normpath(path)) if path else path


def _credential_file_match(path: str, os: OperatingSystem) -> str | None:
    examples = LINUX_CREDENTIAL_FILES if os == "linux" else WINDOWS_CREDENTIAL_FILES
    for example, what in examples:
        target = _normalize(example, os)
        if glob_matches(path, target):
            if path == target:
                return f"is {example}, which holds {what}"
            return f"can match {example}, which holds {what}"
    return None


def _credential_place(path: str, os: OperatingSystem, name: str) -> str | None:
    parts = [p for p in path.split("/") if p]
    roots = LINUX_CREDENTIAL_ROOTS if os == "linux" else WINDOWS_CREDENTIAL_ROOTS
    for root, what in roots.items():
        normal = _normalize(root, os)
        if path == normal or path.startswith(normal + "/"):
            return f"is under {root}, {what}"
    for part in parts[:-1]:
        if part in CREDENTIAL_DIRECTORIES:
            return f"is in a {part} directory, which holds {CREDENTIAL_DIRECTORIES[part]}"
    if parts and _KEY_NAME_RE.fullmatch(parts[-1].rstrip("*?")):
        return f"names {name[:60]!r}: a private key or password file"
    return None


def glob_matches(pattern: str, path: str) -> bool:
    """True when the agent's glob ``pattern`` matches the concrete ``path``.

    ``**`` as a whole directory level matches any number of levels; ``*`` and
    ``?`` match within one name (dot files included, as in Go's globbing). Each
    pair of levels is compared once, so the time is bounded by the product of
    the two lengths.
    """
    levels = pattern.split("/")
    names = path.split("/")
    # matched[j]: the levels read so far match the first j names.
    matched = [True] + [False] * len(names)
    for level in levels:
        if level == "**":
            for j in range(1, len(names) + 1):
                matched[j] = matched[j] or matched[j - 1]
            continue
        matched = [False] + [
            matched[j - 1] and _name_matches(level, names[j - 1]) for j in range(1, len(names) + 1)
        ]
    return matched[-1]


def _name_matches(pattern: str, name: str) -> bool:
    if "**" in pattern:  # ** inside a name (a**b) is a plain *
        pattern = re.sub(r"\*+", "*", pattern)
    return fnmatch.fnmatchcase(name, pattern)
