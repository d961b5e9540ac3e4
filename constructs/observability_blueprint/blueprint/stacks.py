"""The stack a blueprint file deploys as, and the app that holds it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aws_cdk import (
    App,
    CfnWaitConditionHandle,
    CrossStackReferences,
    Duration,
    Environment,
    ReferenceStrength,
    Stack,
    Tags,
    Validations,
    cx_api,
)
from constructs import Construct

from observability_blueprint.blueprint.dashboard_plan import plan_dashboards
from observability_blueprint.blueprint.dashboards import BlueprintDashboards
from observability_blueprint.blueprint.environments import build_environments
from observability_blueprint.blueprint.events import FORWARDING_UNDELIVERED, forwarded_patterns
from observability_blueprint.blueprint.observability_blueprint import ObservabilityBlueprint
from observability_blueprint.blueprint.regional import (
    RegionalMonitorsStack,
    monitored_regions,
    regional_stack_id,
)
from observability_blueprint.blueprint.sharding import (
    ShardScopes,
    environment_lock_path,
    place,
    read_placement_lock,
)
from observability_blueprint.config.blueprint import Blueprint
from observability_blueprint.config.shard_lock import write_lock
from observability_blueprint.deploy_rules import add_deploy_checks
from observability_blueprint.events import EventDelivery, EventForwarder
from observability_blueprint.events.event_delivery import DEFAULT_RETENTION
from observability_blueprint.rules.audit import SIGNIN_EVENTS_REGION
from observability_blueprint.rules.dashboard_model import estimate_body_bytes
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.event_forwarding import forwarding_groups, group_problems
from observability_blueprint.rules.limits import STACK_OUTPUTS_MAX, STACK_RESOURCES_MAX
from observability_blueprint.rules.shard_plan import Placement

DASHBOARD_BUDGET_BYTES = 300_000
"""Dashboards whose bodies would add more than this to the blueprint's template get a
stack of their own (CloudFormation takes templates of at most 1,000,000 bytes)."""


def _environment(config: Blueprint) -> Environment | None:
    if config.env and (config.env.account or config.env.region):
        return Environment(account=config.env.account, region=config.env.region)
    return None


class BlueprintStack(Stack):
    """A stack holding one :class:`ObservabilityBlueprint`.

    Its name is ``<name>-<stage>-observability``; its environment comes from the
    file's ``env`` (environment-agnostic without one).

    Parameters
    ----------
    config
        The validated blueprint file.
    stack_kwargs
        Passed on to :class:`aws_cdk.Stack` (a synthesizer, for example).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: Blueprint,
        include_dashboards: bool = True,
        shards: ShardScopes | None = None,
        **stack_kwargs: Any,
    ) -> None:
        super().__init__(
            scope,
            id,
            env=_environment(config),
            description=_description(
                config, len(shards.placement.shards) if shards is not None else 1, part=1
            ),
            **stack_kwargs,
        )
        self.placement: Placement | None = shards.placement if shards else None
        """Where the blueprint's units are, when ``build`` placed them (it does)."""
        self.lock_file: Path | None = None
        """The lock file the placement follows and is written to (``build`` sets it)."""
        if shards and len(shards.placement.shards) > 1:
            weak_references(self)
        self.blueprint = ObservabilityBlueprint(
            self,
            "Blueprint",
            config=config,
            include_dashboards=include_dashboards,
            shards=shards if shards and len(shards.placement.shards) > 1 else None,
        )
        """The blueprint construct with everything the file describes (in shard 0: the
        units the other shards hold are built in theirs)."""


class ShardStack(Stack):
    """One more stack of a blueprint larger than one: ``<name>-<stage>-observability-<n>``.

    Its units are built under its ``Blueprint`` construct (:attr:`root`), with the
    construct ids they would have in the first stack. The values it takes from shard 0
    (the key's and topics' ARNs, the shared alarms') are weak references
    (``Fn::GetStackOutput``, no export; see docs/sharding.md). A shard whose units
    are all gone keeps a placeholder that creates nothing (CloudFormation refuses a
    template without resources), so deploying it deletes what it held.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: Blueprint,
        part: int,
        parts: int,
        **stack_kwargs: Any,
    ) -> None:
        super().__init__(
            scope,
            id,
            env=_environment(config),
            description=_description(config, parts, part=part),
            **stack_kwargs,
        )
        weak_references(self)  # before any child: context is set on an empty scope
        self.root = Construct(self, "Blueprint")
        """Where this shard's units are built."""

    def hold_placeholder_if_empty(self) -> None:
        """Add a resource that creates nothing when no unit is left here."""
        if not self.root.node.children:
            CfnWaitConditionHandle(self, "EmptyShard")


def _description(config: Blueprint, parts: int, *, part: int) -> str:
    """A shard's stack description; a blueprint of one stack says no part."""
    return (
        f"Observability baseline for {config.name} ({config.stage}), "
        + (f"part {part} of {parts}, " if parts > 1 else "")
        + "made by observability-blueprint"
    )


def weak_references(stack: Stack) -> None:
    """Make the references ``stack`` takes from other stacks weak (``Fn::GetStackOutput``).

    No export ties the producing stack: its values can change or go (docs/sharding.md).
    """
    CrossStackReferences.of(stack).consume(ReferenceStrength.WEAK)


def stack_id(config: Blueprint) -> str:
    """Return the stack's construct ID and name: ``<name>-<stage>-observability``."""
    return f"{config.prefix}-observability"


def add_compliance_checks(app: App, *, deploy_rules: bool = True) -> None:
    """Run cdk-nag's AwsSolutions pack (and the deploy rules) over the app at synthesis.

    cdk-nag 3 is a validation plugin (not an Aspect); findings fail synthesis
    unless acknowledged with ``Validations.of(scope).acknowledge(...)`` and a reason.
    ``deploy_rules`` also registers :func:`add_deploy_checks` (the constraints
    CloudFormation and the services check only at deploy time); leave it False
    when the app registers them already.
    """
    from cdk_nag import AwsSolutionsChecks

    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    if deploy_rules:
        add_deploy_checks(app)


def add_checks(app: App, *, compliance: bool = True) -> None:
    """Register what synthesis checks: the deploy rules always, cdk-nag when ``compliance``.

    ``app.py`` and ``obs-blueprint validate`` both call this, so they refuse the same.
    """
    if compliance:
        add_compliance_checks(app)
    else:
        add_deploy_checks(app)  # deploy-time constraints are never optional


class DashboardsStack(Stack):
    """A stack holding only a blueprint's dashboards (``<name>-<stage>-dashboards``)."""

    def __init__(
        self, scope: Construct, id: str, *, config: Blueprint, **stack_kwargs: Any
    ) -> None:
        super().__init__(
            scope,
            id,
            env=_environment(config),
            description=(
                f"Dashboards of {config.name} ({config.stage}), made by observability-blueprint"
            ),
            **stack_kwargs,
        )
        self.dashboards = BlueprintDashboards(self, "Dashboards", config=config)
        """The dashboards."""


def dashboards_size(config: Blueprint) -> int:
    """Estimate, from above, the bytes the dashboards add to a template."""
    return sum(estimate_body_bytes(p) for p in plan_dashboards(config, region="us-east-1"))


def build(
    app: App,
    config: Blueprint,
    *,
    dashboard_budget: int = DASHBOARD_BUDGET_BYTES,
    stack_prefix: str | None = None,
    lock_file: Path | None = None,
    replan: bool = False,
    **stack_kwargs: Any,
) -> list[Stack]:
    """Add the blueprint's stacks to ``app`` and return them.

    With ``environments:``, every environment gets its own stacks, named
    ``<name>-<stage>-<environment>-...`` (``stack_prefix``), side by side and
    independent (:mod:`observability_blueprint.blueprint.environments`).

    A blueprint larger than one stack is placed into several, ``<prefix>-observability``
    then ``-observability-2``, ``-3`` ... (:class:`ShardStack`), following the
    placement ``lock_file`` records (read here; write
    ``stacks[0].placement.lock()`` to it after synthesis, as ``app.py`` does).
    ``replan`` places every unit afresh (moved units are replaced). With
    environments, each has its own lock file (:func:`environment_lock_path`).

    The dashboards move to a stack of their own when their bodies would add more
    than ``dashboard_budget`` bytes to the blueprint's template. Resources that
    ``services:`` lists in another Region (``region:``) get their alarms in a stack
    per Region (:class:`RegionalMonitorsStack`, ``<prefix>-monitors-<Region>``).
    """
    if stack_prefix is None and config.environments:
        built = build_environments(
            app,
            config,
            build=build,
            dashboard_budget=dashboard_budget,
            lock_files=(
                {e.name: environment_lock_path(lock_file, e.name) for e in config.environments}
                if lock_file is not None
                else None
            ),
            replan=replan,
            **stack_kwargs,
        )
        return [stack for stacks in built.values() for stack in stacks]
    ids = stack_prefix or config.prefix
    lock = read_placement_lock(lock_file)
    placement: Placement | None = None
    separate = False
    if dashboards_size(config) > dashboard_budget:
        # One stack and large dashboards: the dashboards get a stack of their own, as
        # before sharding. A blueprint of several stacks places its dashboards like
        # any other unit (each dashboard is one).
        alone = place(config, lock=lock, replan=replan, include_dashboards=False, prefix=ids)
        if len(alone.shards) == 1:
            placement, separate = alone, True
    if placement is None:
        placement = place(config, lock=lock, replan=replan, prefix=ids)
    shards = ShardScopes(placement)
    more = [
        ShardStack(
            app,
            shard.name(ids),
            config=config,
            part=shard.index + 1,
            parts=len(placement.shards),
            **stack_kwargs,
        )
        for shard in placement.shards[1:]
    ]
    for shard, stack in zip(placement.shards[1:], more, strict=True):
        shards.roots[shard.index] = stack.root
    main = BlueprintStack(
        app,
        f"{ids}-observability",
        config=config,
        include_dashboards=not separate,
        shards=shards,
        **stack_kwargs,
    )
    main.lock_file = lock_file
    for shard_stack in more:
        shard_stack.hold_placeholder_if_empty()
    stacks: list[Stack] = [main, *more]
    if separate:
        stacks.append(DashboardsStack(app, f"{ids}-dashboards", config=config, **stack_kwargs))
    if config.needs_us_east_1_stack():
        stacks.append(
            GlobalEventsStack(app, f"{ids}-observability-us-east-1", config=config, **stack_kwargs)
        )
    for region in monitored_regions(config):
        stacks.append(
            RegionalMonitorsStack(
                app,
                f"{ids}-monitors-{region}" if stack_prefix else regional_stack_id(config, region),
                config=config,
                region=region,
                **stack_kwargs,
            )
        )
    for other in stacks[1:]:
        # The blueprint construct tags its own subtree; the other stacks' resources here.
        for key, value in config.tags.items():
            Tags.of(other).add(key, value)
    return stacks


class GlobalEventsStack(Stack):
    """The us-east-1 stack that forwards global-service events to the home Region.

    IAM, STS and console sign-in events reach EventBridge in us-east-1 only.
    This stack holds only forwarding rules: the events that the audit trail's
    sign-in alerts and the ``events:`` rules on such events match go, unchanged,
    to the home Region's default event bus, where the blueprint's own rules
    match them and notify its topics (no topic, key or subscriber is copied
    here). Each event is forwarded once: overlapping patterns are merged into
    one rule per group of sources (``Forwarder/forward-<services>``, see
    :mod:`observability_blueprint.rules.event_forwarding`).
    Events the home bus does not take wait in ``Delivery``'s queue; that
    queue's alarm has no actions here: its state changes are forwarded too,
    and the home stack notifies them (:func:`forwarded_alarm_topic`).
    """

    def __init__(
        self, scope: Construct, id: str, *, config: Blueprint, **stack_kwargs: Any
    ) -> None:
        home = config.home_region
        assert home is not None
        super().__init__(
            scope,
            id,
            env=Environment(
                account=config.env.account if config.env else None, region=SIGNIN_EVENTS_REGION
            ),
            description=(
                f"Forwards global-service events of {config.name} ({config.stage}) to {home}, "
                "made by observability-blueprint"
            ),
            **stack_kwargs,
        )
        settings = config.events.delivery if config.events else None
        self.delivery = EventDelivery(
            self,
            "Delivery",
            alarm_name=config.alarm_naming().name(FORWARDING_UNDELIVERED),
            retention=Duration.days(settings.retention_days) if settings else DEFAULT_RETENTION,
        )
        """The dead-letter queue of every forwarding target, and its alarm."""
        self.forwarder = EventForwarder(
            self,
            "Forwarder",
            to_region=home,
            delivery=self.delivery,
            rule_name_prefix=config.prefix,
        )
        """The forwarding rules: ``forward-<services>`` and the queue alarm's."""
        groups = forwarding_groups(forwarded_patterns(config))
        if problems := group_problems(groups):
            raise BlueprintError(
                [Problem(f"{self.node.path}/Forwarder/{p.location}", p.message) for p in problems]
            )
        for group in groups:
            self.forwarder.forward(group.name, group.pattern)
        self.forwarder.forward_alarm_states(
            "forward-alarms", [self.delivery.cloudwatch_alarm.alarm_arn]
        )


def placements(stacks: list[Stack]) -> dict[str, Placement]:
    """Each blueprint's placement among ``stacks``, by its first stack's name."""
    return {
        stack.stack_name: stack.placement
        for stack in stacks
        if isinstance(stack, BlueprintStack) and stack.placement is not None
    }


def write_locks(stacks: list[Stack]) -> list[Path]:
    """Write the placement of every blueprint among ``stacks`` to its lock file.

    Call it after a successful synthesis. Returns the files written: a lock that
    already holds the placement is left as it is.
    """
    return [
        stack.lock_file
        for stack in stacks
        if isinstance(stack, BlueprintStack)
        and stack.placement is not None
        and stack.lock_file is not None
        and write_lock(stack.lock_file, stack.placement.lock())
    ]


def synthesize(app: App) -> cx_api.CloudAssembly:
    """Synthesize ``app``; raise :class:`BlueprintError` with advice on CloudFormation limits.

    aws-cdk-lib stops synthesis with a ``RuntimeError`` when a stack holds more
    than 500 resources, and cdk-nag with one when a finding is not acknowledged
    (its findings are printed above). Both become one readable problem here, so a
    library user gets the same advice as the app.
    """
    try:
        assembly = app.synth()
    except RuntimeError as error:
        text = str(error)
        if "cyclic reference" in text:
            found = text.split("Error: ")[-1].splitlines()[0]
            raise BlueprintError.at(
                "",
                f"{found} The blueprint's stacks refer to each other both ways: a unit in an "
                "earlier stack names something of a later one (a composite alarm or rule naming "
                "a log alarm of a service placed later) while the later one uses the earlier "
                "one's key or topics. Re-plan with `cdk synth -c replan=true` (moves units: "
                "each moved resource is replaced), or name the alarm from the later stack's "
                "units",
            ) from None
        if "TooManyResourcesInStack" in text:
            found = text.split("TooManyResourcesInStack: ")[-1].splitlines()[0]
            raise BlueprintError.at(
                "",
                f"{found}. CloudFormation takes at most {STACK_RESOURCES_MAX} resources per stack: "
                "split the workload into several blueprint files "
                "(one per team or service group)",
            ) from None
        if "ValidationFailed" in text:
            raise BlueprintError.at("", f"compliance checks failed: {text}") from None
        raise
    output_problems = [
        Problem(
            stack.stack_name,
            f"has {count} outputs; CloudFormation takes at most {STACK_OUTPUTS_MAX} per "
            "template: fewer values of this stack should be used by the others "
            "(each shared value is one output)",
        )
        for stack in assembly.stacks
        if (count := _outputs(Path(assembly.directory) / stack.template_file)) > STACK_OUTPUTS_MAX
    ]
    if output_problems:
        raise BlueprintError(output_problems)
    return assembly


def _outputs(template: Path) -> int:
    """Count a synthesized template's outputs (read from the file: no jsii round trip)."""
    data = json.loads(template.read_text(encoding="utf-8"))
    return len(data.get("Outputs", {}))
