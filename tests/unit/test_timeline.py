"""graph.timeline's docstring examples run (they are the rule's worked
examples), and the episode split of event-derived ties follows its horizon."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["graph.timeline", "ingest.acled"])
def test_time_rule_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_evidence_silent_for_longer_than_the_horizon_starts_a_new_episode() -> None:
    from ingest.acled import _episodes

    dates = {"a": "2019-01-01", "b": "2020-01-01", "c": "2021-01-02", "d": "2021-01-01"}
    # a -> b: 365 days, within the horizon; b -> d: 366 days, beyond it.
    assert _episodes(["a", "b"], dates) == [["a", "b"]]
    assert _episodes(["b", "d", "a"], dates) == [["a", "b"], ["d"]]
    assert _episodes(["c", "d"], dates) == [["d", "c"]]
