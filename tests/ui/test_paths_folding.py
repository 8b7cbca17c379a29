"""The Paths page lists distinct approaches: last-hop variants are folded, with a count.

Data is FICTIONAL (the three-elders graph of tests/queries/test_leverage.py).
"""

from __future__ import annotations

from graph.store import WriteBatch
from graph.stores.embedded_store import EmbeddedStore
from tests.queries.conftest import Builder
from tests.queries.test_leverage import three_elders
from tests.ui.conftest import app_at, no_exceptions, texts


def test_last_hop_variants_are_folded_under_their_path_with_a_count(
    empty_store: EmbeddedStore,
) -> None:
    empty_store.write(WriteBatch.of(three_elders(Builder()).records), actor="tester")
    at = app_at("paths")
    at.selectbox(key="paths.target").set_value("local").run()
    no_exceptions(at)
    titles = at.radio(key="paths.choice").options
    # Two approaches, not three paths through the focal point crowding out the chief.
    assert len(titles) == 2
    assert "(+3 similar, varying the last hop)" in titles[0]
    assert "ngo" in titles[1] and "similar" not in titles[1]
    folded = next(d.value for d in at.dataframe if "last intermediary" in d.value.columns)
    assert list(folded["last intermediary"]) == ["deputy", "elder2", "elder3"]
    assert "3 similar path(s)" in texts(at)
