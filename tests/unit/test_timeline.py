"""The episode split of event-derived ties follows its horizon."""

from __future__ import annotations


def test_evidence_silent_for_longer_than_the_horizon_starts_a_new_episode() -> None:
    from ingest.events import _episodes

    dates = {"a": "2019-01-01", "b": "2020-01-01", "c": "2021-01-02", "d": "2021-01-01"}
    # a -> b: 365 days, within the horizon; b -> d: 366 days, beyond it.
    assert _episodes(["a", "b"], dates) == [["a", "b"]]
    assert _episodes(["b", "d", "a"], dates) == [["a", "b"], ["d"]]
    assert _episodes(["c", "d"], dates) == [["d", "c"]]
