"""Many environments from one blueprint file: ``environments:`` and its overrides.

Pure module: no aws_cdk import.

Each environment is an account and Region the whole blueprint deploys to, as
stacks of its own (``<prefix>-<environment>-observability``) that ``cdk deploy
--all --concurrency N`` runs side by side. An environment changes only a small,
typed set of values (:class:`Overrides`): static alarm thresholds, the
thresholds of the services' resource alarms, topic subscribers, log group
retention and tags. :func:`environment_blueprints` applies them by validating
the file again for each environment, so every rule of the file runs on the
result; a problem an override causes is reported at the override
(``environments[1].overrides.log_groups.app.retention_days``).

``env:`` and ``environments:`` together: ``env`` is the default of every
environment's account and Region (one account, several Regions is
``env: {account: ...}`` and a Region per environment). With ``environments:``
only the environments deploy, never ``env`` by itself.

Physical names are the same in every environment (``/shop/prod/app``,
``shop-prod-errors``): they are unique per account and Region, and the
environments are distinct account and Region pairs by construction (two of one
pair are refused). So are the settings an account has once per Region (the
field index policy, Transaction Search): each environment's stack owns its own
pair's (see :mod:`observability_blueprint.rules.placement`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final

from pydantic import Field

from observability_blueprint.config.base import StrictModel, checked
from observability_blueprint.config.services import by_region
from observability_blueprint.rules import names
from observability_blueprint.rules.errors import BlueprintError, Problem, cut

if TYPE_CHECKING:
    from observability_blueprint.config.blueprint import Blueprint, Env

ENVIRONMENT_NAME_MAX: Final = 32
"""Characters of an environment name. The longest stack id,
``<prefix>-<environment>-observability-us-east-1`` (or ``-monitors-<Region>``), then
stays within CloudFormation's 128-character stack names: the prefix takes at most 30
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html)."""

FORWARDING_REGION: Final = "us-east-1"
"""Where global-service events are forwarded from (the blueprint's us-east-1 stack)."""


def check_environment_name(value: str) -> str | None:
    """Return why ``value`` cannot name an environment, or None when it can."""
    if message := names.check_part(value):
        return message
    if len(value) > ENVIRONMENT_NAME_MAX:
        return (
            f"{cut(value)!r} is {len(value)} characters; an environment name may be at most "
            f"{ENVIRONMENT_NAME_MAX}, so that its stack names fit CloudFormation's 128"
        )
    return None


class ThresholdChange(StrictModel):
    """A new threshold for one alarm."""

    threshold: float | int
    """The threshold in this environment."""


class TopicChange(StrictModel):
    """New subscribers of one topic."""

    subscribers: list[dict[str, str]]
    """Who is told in this environment, written as the topic's ``subscribers``; they
    replace the file's (an empty list: nobody)."""


class LogGroupChange(StrictModel):
    """A new retention for one log group."""

    retention_days: int | None
    """Days events are kept in this environment; null keeps them forever."""


class Overrides(StrictModel):
    """What one environment changes in the blueprint. Every key is optional."""

    alarms: dict[str, ThresholdChange] = {}
    """Static alarms' thresholds, by alarm name."""
    services: dict[str, dict[str, dict[str, ThresholdChange]]] = {}
    """Resource alarms' thresholds: service name, then the resource's name or ARN as the
    service lists it, then the alarm id (``errors`` or ``lambda.errors``)."""
    notifications: dict[str, TopicChange] = {}
    """Topics' subscribers, by topic name."""
    log_groups: dict[str, LogGroupChange] = {}
    """Log groups' retention, by log group name."""
    tags: dict[str, str] = {}
    """Tags added to the file's (a key of the file's takes this value)."""


class Environment(StrictModel):
    """An account and Region the blueprint deploys to, with what it changes there."""

    name: Annotated[str, checked(check_environment_name)]
    """Short name, part of the stack ids: ``<prefix>-<this>-observability``."""
    account: str | None = Field(default=None, pattern=r"^\d{12}$")
    """Twelve-digit AWS account id, quoted in YAML. Default: ``env.account``."""
    region: str | None = None
    """AWS Region such as eu-west-1. Default: ``env.region``."""
    overrides: Overrides = Overrides()
    """Thresholds, subscribers, retention and tags of this environment. Default: none."""


@dataclass(frozen=True)
class Placed:
    """One environment with its account and Region settled (``env`` filled in)."""

    index: int
    environment: Environment
    account: str
    region: str

    @property
    def where(self) -> str:
        """The config path of the environment."""
        return f"environments[{self.index}]"


def placed(
    environments: Sequence[Environment], *, default: Env | None = None
) -> tuple[list[Placed], list[Problem]]:
    """Settle each environment's account and Region (``default`` is the file's ``env``).

    Returns the environments that have both, and a problem for each that lacks one.
    """
    out: list[Placed] = []
    problems: list[Problem] = []
    for index, environment in enumerate(environments):
        account = environment.account or (default.account if default else None)
        region = environment.region or (default.region if default else None)
        missing = [k for k, v in (("account", account), ("region", region)) if v is None]
        if missing:
            problems.append(
                Problem(
                    f"environments[{index}]",
                    f"environment {environment.name!r} has no {' and no '.join(missing)}; give "
                    f"{' and '.join(missing)} here, or in env: as the default of every environment",
                )
            )
            continue
        assert account is not None
        assert region is not None
        out.append(Placed(index, environment, account, region))
    return out, problems


def environment_problems(
    blueprint: Blueprint, environments: Sequence[Environment] | None = None
) -> Iterator[Problem]:
    """Refuse what makes ``environments:`` ambiguous, before any is built.

    Two environments of one name or of one account and Region, an environment
    without an account or Region, and an override naming an alarm, service,
    resource, topic or log group the file does not have. (What an override's
    value does to the file's rules is found by :func:`environment_blueprints`.)
    ``environments`` defaults to the blueprint's own.
    """
    if environments is None:
        environments = _of(blueprint)
    first: dict[str, int] = {}
    for index, environment in enumerate(environments):
        if environment.name in first:
            yield Problem(
                f"environments[{index}].name",
                f"{environment.name!r} is the name of environments[{first[environment.name]}] "
                "too; give each environment its own name (it is part of the stack ids)",
            )
        first.setdefault(environment.name, index)
    settled, problems = placed(environments, default=blueprint.env)
    yield from problems
    owner: dict[tuple[str, str], Placed] = {}
    for item in settled:
        pair = (item.account, item.region)
        if pair in owner:
            other = owner[pair]
            yield Problem(
                f"{item.where}.region",
                f"account {item.account}, Region {item.region!r} is environments[{other.index}] "
                f"({other.environment.name!r}) already; each environment needs its own account "
                "and Region pair (its stacks would replace the other's resources of the same "
                "names)",
            )
        owner.setdefault(pair, item)
    for index, environment in enumerate(environments):
        yield from _override_name_problems(
            f"environments[{index}].overrides", environment.overrides, blueprint
        )


def _override_name_problems(
    where: str, overrides: Overrides, blueprint: Blueprint
) -> Iterator[Problem]:
    alarms = {a.name: a for a in blueprint.alarms}
    for name in overrides.alarms:
        alarm = alarms.get(name)
        if alarm is None:
            yield Problem(f"{where}.alarms.{name}", _unknown("alarm", name, list(alarms)))
        elif alarm.type != "static":
            yield Problem(
                f"{where}.alarms.{name}",
                f"{name!r} is a {alarm.type} alarm; thresholds are for static alarms",
            )
    services = {s.name: s for s in blueprint.services}
    for service_name, resources in overrides.services.items():
        service = services.get(service_name)
        if service is None:
            yield Problem(
                f"{where}.services.{service_name}",
                _unknown("service", service_name, list(services)),
            )
            continue
        listed = [r.reference for r in service.resources]
        for reference in resources:
            if reference not in listed:
                yield Problem(
                    f"{where}.services.{service_name}.{reference}",
                    _unknown(f"resource of service {service_name!r}", reference, listed),
                )
    topics = [t.name for t in blueprint.notifications]
    for name in overrides.notifications:
        if name not in topics:
            yield Problem(f"{where}.notifications.{name}", _unknown("topic", name, topics))
    groups = [g.name for g in blueprint.log_groups]
    for name in overrides.log_groups:
        if name not in groups:
            yield Problem(f"{where}.log_groups.{name}", _unknown("log group", name, groups))


def _unknown(kind: str, name: str, known: Sequence[str]) -> str:
    shown = ", ".join(repr(k) for k in known[:10]) + (", ..." if len(known) > 10 else "")
    return (
        f"{cut(name)!r} is not a {kind} of the file; name one of: {shown}"
        if known
        else f"{cut(name)!r} is not a {kind} of the file; the file has none"
    )


def apply_overrides(
    data: dict[str, Any], overrides: Overrides, *, where: str
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Return the file's ``data`` with ``overrides`` applied, and where each change went.

    ``data`` is the file as a mapping (it is not changed); names the overrides use
    must exist (:func:`environment_problems`). The second value pairs each changed
    config path of the result with the override's path (``where`` is the overrides'
    own), so a problem the file's rules find there is reported at the override.
    """
    out = dict(data)
    moved: list[tuple[str, str]] = []

    def items(key: str) -> list[dict[str, Any]]:
        copied = [dict(item) for item in out.get(key, [])]
        out[key] = copied
        return copied

    if overrides.alarms:
        for index, alarm in enumerate(items("alarms")):
            if (change := overrides.alarms.get(alarm["name"])) is not None:
                alarm["threshold"] = change.threshold
                moved.append((f"alarms[{index}].threshold", f"{where}.alarms.{alarm['name']}"))
    if overrides.services:
        for index, service in enumerate(items("services")):
            changes = overrides.services.get(service["name"], {})
            if not changes:
                continue
            resources = [dict(r) for r in service.get("resources", [])]
            service["resources"] = resources
            for number, resource in enumerate(resources):
                reference = next(
                    (v for k, v in resource.items() if isinstance(v, str) and v in changes), None
                )
                if reference is None:
                    continue
                alarms = {k: dict(v) for k, v in resource.get("alarms", {}).items()}
                for alarm_id, change in changes[reference].items():
                    alarms.setdefault(alarm_id, {})["threshold"] = change.threshold
                    moved.append(
                        (
                            f"services[{index}].resources[{number}].alarms.{alarm_id}",
                            f"{where}.services.{service['name']}.{reference}.{alarm_id}",
                        )
                    )
                resource["alarms"] = alarms
    if overrides.notifications:
        for index, topic in enumerate(items("notifications")):
            if (topic_change := overrides.notifications.get(topic["name"])) is not None:
                topic["subscribers"] = [dict(s) for s in topic_change.subscribers]
                moved.append(
                    (
                        f"notifications[{index}].subscribers",
                        f"{where}.notifications.{topic['name']}.subscribers",
                    )
                )
    if overrides.log_groups:
        for index, group in enumerate(items("log_groups")):
            if (group_change := overrides.log_groups.get(group["name"])) is not None:
                group["retention_days"] = group_change.retention_days
                moved.append(
                    (
                        f"log_groups[{index}].retention_days",
                        f"{where}.log_groups.{group['name']}.retention_days",
                    )
                )
    if overrides.tags:
        out["tags"] = {**out.get("tags", {}), **overrides.tags}
        moved += [(f"tags.{key}", f"{where}.tags.{key}") for key in overrides.tags]
    return out, moved


def _relocated(problem: Problem, moved: Sequence[tuple[str, str]], item: Placed) -> Problem:
    for changed, override in moved:
        if problem.location == changed or problem.location.startswith(
            (f"{changed}.", f"{changed}[")
        ):
            return Problem(override + problem.location[len(changed) :], problem.message)
    # A rule that depends on the account or Region (an ARN of another account, a
    # Region a service lacks): the file's value is fine elsewhere, not here.
    return Problem(
        item.where,
        f"in environment {item.environment.name!r} (account {item.account}, Region "
        f"{item.region}), {problem.location or 'the file'}: {problem.message}",
    )


def environment_blueprints(
    blueprint: Blueprint,
    environments: Sequence[Environment] | None = None,
    *,
    directory: Path | None = None,
) -> list[tuple[Placed, Blueprint]]:
    """Return, for each environment, the blueprint it deploys: overrides applied, validated.

    Each is validated again from the file's values with the environment's ``env``
    and overrides, so every rule of the file runs on it. Raises
    :class:`BlueprintError` with every problem of every environment; a problem an
    override causes is reported at the override. ``directory`` is where files the
    blueprint names are read from (as :meth:`Blueprint.from_dict`); ``environments``
    defaults to the blueprint's own.
    """
    if environments is None:
        environments = _of(blueprint)
    if problems := list(environment_problems(blueprint, environments)):
        raise BlueprintError(problems)
    settled, _ = placed(environments, default=blueprint.env)
    data = blueprint.model_dump(mode="python", by_alias=True, exclude_unset=True, warnings=False)
    data.pop("environments", None)
    out: list[tuple[Placed, Blueprint]] = []
    for item in settled:
        merged, moved = apply_overrides(
            data, item.environment.overrides, where=f"{item.where}.overrides"
        )
        merged["env"] = {"account": item.account, "region": item.region}
        try:
            out.append((item, type(blueprint).from_dict(merged, directory=directory)))
        except BlueprintError as error:
            problems += [_relocated(p, moved, item) for p in error.problems]
    if problems:
        raise BlueprintError(problems)
    problems += list(_shared_place_problems(out))
    if problems:
        raise BlueprintError(problems)
    return out


def _of(blueprint: Blueprint) -> Sequence[Environment]:
    found: Sequence[Environment] = getattr(blueprint, "environments", None) or []
    return found


def places(blueprint: Blueprint, account: str, region: str) -> dict[tuple[str, str], str]:
    """Every account and Region a blueprint's stacks deploy to, with what goes there."""
    out = {(account, region): "the blueprint's stack"}
    if blueprint.needs_us_east_1_stack():
        out.setdefault((account, FORWARDING_REGION), "the forwarding of global-service events")
    for other in by_region(blueprint.planned_resources()):
        out.setdefault((account, other), f"the alarms of the services' resources in {other}")
    return out


def _shared_place_problems(built: Sequence[tuple[Placed, Blueprint]]) -> Iterator[Problem]:
    """Refuse an environment whose extra stacks (us-east-1, other Regions) land where
    another environment deploys: the same names (rules, alarms) would be made twice."""
    taken: dict[tuple[str, str], tuple[Placed, str]] = {}
    for item, blueprint in built:
        mine = places(blueprint, item.account, item.region)
        for pair, what in mine.items():
            if pair in taken and taken[pair][0] is not item:
                other, theirs = taken[pair]
                yield Problem(
                    item.where,
                    f"environment {item.environment.name!r} deploys {what} to account {pair[0]}, "
                    f"Region {pair[1]}, where environments[{other.index}] "
                    f"({other.environment.name!r}) deploys {theirs}: the same names would be made "
                    "twice there; give the two environments different accounts",
                )
        for pair, what in mine.items():
            taken.setdefault(pair, (item, what))


__all__ = [
    "ENVIRONMENT_NAME_MAX",
    "Environment",
    "LogGroupChange",
    "Overrides",
    "Placed",
    "ThresholdChange",
    "TopicChange",
    "apply_overrides",
    "check_environment_name",
    "environment_blueprints",
    "environment_problems",
    "places",
]
