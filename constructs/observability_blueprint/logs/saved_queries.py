"""Saved Logs Insights queries in a console folder, checked before they ship."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import Annotations, Token
from aws_cdk import aws_logs as logs
from constructs import Construct

from observability_blueprint.rules import saved_queries as rules
from observability_blueprint.rules.errors import BlueprintError, Problem
from observability_blueprint.rules.structured_logs import (
    DEFAULT_ERROR_LEVELS,
    StructuredLogFields,
    field_problems,
)

WARNING_ID = "observability-blueprint:saved-query-fields"
"""The id of the warnings about fields no known field provides (to acknowledge them)."""


class SavedQueries(Construct):
    """Saved Logs Insights queries, one ``AWS::Logs::QueryDefinition`` each, in one folder.

    Each query is saved as ``<folder>/<name>`` (the console shows each ``/`` as a
    folder) and reads the given log groups. Every query is checked offline
    first: known commands, closed quotes, regular expressions and brackets, no
    empty stage, at most 10,000 characters and 50 log groups; a broken query
    stops synthesis with the query and a caret under the column, at
    ``<construct path>.queries.<name>``.

    With ``fields`` (the structured-log fields the log groups' events carry), a
    query that reads another field, one no ``parse`` or alias in the query
    makes either, gets a construct warning: Logs Insights discovers JSON fields
    by itself, so the field may exist, but it may also be misspelt.

    Parameters
    ----------
    log_groups
        The log groups the queries read (at most 50). Empty: the user picks
        them in the console each time.
    folder
        The console folder, ``/`` between nested folders (``shop/api``).
    queries
        Query text by name (a name has no ``/``). A name the catalogue also
        uses replaces the catalogue's query. Default: none.
    fields
        The JSON field names of the events: the field names of the catalogue,
        and the fields that do not draw a warning. Default: no field warnings,
        and Powertools-compatible names in the catalogue.
    error_levels
        Level values that count as errors, in the catalogue. Default: ERROR, CRITICAL.
    with_defaults
        Also save the catalogue of service queries (see
        :func:`~observability_blueprint.rules.saved_queries.service_queries`):
        failed requests, latency percentiles by 5 minutes, the slowest
        requests, errors by status code, one trace (replace
        ``REPLACE-WITH-TRACE-ID`` before running it) and the top error
        messages (left out when a log group is of the Infrequent Access class,
        which does not run ``pattern``). Default: False.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        log_groups: Sequence[logs.ILogGroup],
        folder: str,
        queries: Mapping[str, str] | None = None,
        fields: StructuredLogFields | None = None,
        error_levels: tuple[str, ...] = DEFAULT_ERROR_LEVELS,
        with_defaults: bool = False,
    ) -> None:
        super().__init__(scope, id)
        at = self.node.path
        problems = self._field_problems(fields, error_levels, with_defaults)
        infrequent_access = any(_infrequent_access(lg) for lg in log_groups)
        texts: dict[str, str] = {}
        if with_defaults:
            # With bad names the catalogue is checked with the defaults, so one pass
            # reports everything else too.
            texts.update(
                rules.service_queries(fields, error_levels, infrequent_access=infrequent_access)
                if not problems
                else rules.service_queries(infrequent_access=infrequent_access)
            )
        texts.update(queries or {})
        # Text known only at deploy time (a token) is saved unchecked.
        known_texts = {n: None if Token.is_unresolved(t) else t for n, t in texts.items()}
        problems += rules.saved_query_problems(
            folder=None if Token.is_unresolved(folder) else folder,
            queries=known_texts,
            log_group_count=len(log_groups),
            infrequent_access=infrequent_access,
        )
        if problems:
            raise BlueprintError([Problem(f"{at}.{p.location}", p.message) for p in problems])

        self.folder = folder
        """The console folder of the queries."""
        self.queries: dict[str, logs.CfnQueryDefinition] = {}
        """The saved queries, by name."""
        names = [lg.log_group_name for lg in log_groups]
        for name, text in texts.items():
            self.queries[name] = logs.CfnQueryDefinition(
                self,
                name,
                name=f"{folder}/{name}",
                query_string=text,
                log_group_names=names or None,
            )

        warnings = (
            rules.saved_query_warnings(known_texts, rules.known_fields(fields))
            if fields is not None
            else []
        )
        self.warnings: tuple[Problem, ...] = tuple(
            Problem(f"{at}.{p.location}", p.message) for p in warnings
        )
        """Queries that read fields ``fields`` does not list (also construct warnings)."""
        for warning in self.warnings:
            Annotations.of(self).add_warning_v2(WARNING_ID, str(warning))

    @staticmethod
    def _field_problems(
        fields: StructuredLogFields | None, error_levels: tuple[str, ...], with_defaults: bool
    ) -> list[Problem]:
        """Bad field names or levels, which the catalogue would write into its queries."""
        if fields is None and not with_defaults:
            return []
        return field_problems(fields or StructuredLogFields(), error_levels)


def _infrequent_access(log_group: logs.ILogGroup) -> bool:
    """Whether a log group is known at synthesis to be of the Infrequent Access class."""
    log_class = getattr(log_group, "log_class", None)
    if log_class is None:
        resource = log_group.node.default_child
        if isinstance(resource, logs.CfnLogGroup):
            log_class = resource.log_group_class
    return log_class == "INFREQUENT_ACCESS"
