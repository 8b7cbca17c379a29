"""The Network page's measures panel shows `queries.measures` for the view on screen."""

from __future__ import annotations

from datetime import date

from streamlit.testing.v1 import AppTest

from graph.projection import projection
from graph.sensitivity import SYSTEM
from graph.stores.embedded_store import EmbeddedStore
from queries.measures import measures
from tests.ui.conftest import app_at, no_exceptions, texts


def metric(at: AppTest, label: str) -> str:
    return str(next(m.value for m in at.metric if m.label == label))


def test_measures_are_off_until_asked_then_match_the_query(world_store: EmbeddedStore) -> None:
    at = app_at("network")
    no_exceptions(at)
    assert not at.metric, "betweenness is not computed until the user asks for it"
    at.toggle(key="net.measures").set_value(True).run()
    no_exceptions(at)
    expected = measures(projection(world_store, viewer=SYSTEM, as_of=date.today()))
    assert metric(at, "Actors") == str(expected.nodes)
    assert metric(at, "Ties") == str(expected.ties)
    assert metric(at, "Density") == f"{expected.density:.3f}"
    broker = expected.top_broker
    assert broker is not None
    assert "Top broker:" in texts(at) and broker.name.split()[0] in texts(at)
    table = at.dataframe[-1].value  # the measures table is the last one on the page
    assert next(iter(table["name"])) == broker.name
    assert "(n - 1)(n - 2) / 2" in texts(at)


def test_measures_follow_the_kinds_in_view(world_store: EmbeddedStore) -> None:
    at = app_at("network")
    at.toggle(key="net.measures").set_value(True).run()
    everyone = int(metric(at, "Actors"))
    at.multiselect(key="net.kinds").set_value(["Person"]).run()
    no_exceptions(at)
    people = measures(projection(world_store, viewer=SYSTEM, as_of=date.today()), kinds=["Person"])
    assert int(metric(at, "Actors")) == people.nodes < everyone
    at.multiselect(key="net.kinds").set_value(["Area"]).run()
    assert "at least one kind of actor" in texts(at)
