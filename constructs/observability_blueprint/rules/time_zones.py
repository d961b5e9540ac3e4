"""IANA time zones, as anomaly models, schedules and the agent's clock take them.

Pure module: no aws_cdk import. The names come from the machine's zone database
(``zoneinfo``), minus the files it holds that are not IANA zone names
(``localtime``, ``posixrules``, ``Factory`` and the ``posix/`` and ``right/``
copies): AWS refuses those, and ``localtime`` would mean this machine's zone.
"""

from __future__ import annotations

from functools import cache
from typing import Final
from zoneinfo import available_timezones

from observability_blueprint.rules.errors import cut
from observability_blueprint.rules.limits import closest

_NOT_ZONES: Final = frozenset({"localtime", "posixrules", "Factory"})


@cache
def iana_zones() -> frozenset[str]:
    """The IANA zone names this machine knows (UTC at least)."""
    zones = {
        zone
        for zone in available_timezones()
        if zone not in _NOT_ZONES and not zone.startswith(("posix/", "right/"))
    }
    return frozenset(zones | {"UTC"})


def check_timezone(name: str) -> str | None:
    """Return why ``name`` is not an IANA time zone, or None."""
    zones = iana_zones()
    if name in zones:
        return None
    hint = closest(name, sorted(zones))
    suggestion = f" (did you mean {hint!r}?)" if hint else ""
    return (
        f"{cut(name)!r} is not an IANA time zone{suggestion}; use a name such as "
        "Europe/Berlin or UTC"
    )
