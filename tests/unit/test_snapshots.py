"""One snapshot per example stack: any change to what users deploy shows up in review.

Update deliberately with `make snapshots` and read the diff.
"""

from __future__ import annotations

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from support import EXAMPLES, Synthesized


@pytest.fixture
def snapshot_json(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_example_templates(
    examples: dict[str, Synthesized], example: str, snapshot_json: SnapshotAssertion
) -> None:
    synthesized = examples[example]
    for stack in synthesized.stacks:
        assert synthesized.template_json(stack) == snapshot_json(name=stack.stack_name)
