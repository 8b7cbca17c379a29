"""The network view's HTML: self-contained, escaped, bounded (no browser needed)."""

from __future__ import annotations

import re

import networkx as nx
import pytest

from graph import model as m
from graph.projection import edge_attributes, node_attributes
from graph.sensitivity import Sensitivity
from tests.ui import world
from ui.components import network_view as nv


def small_graph() -> nx.MultiDiGraph[str]:
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    records = world.records()
    for record in records:
        if isinstance(record, m.NodeBase):
            graph.add_node(record.id, **node_attributes(record))
    for record in records:
        if isinstance(record, m.RelBase):
            graph.add_edge(
                record.source_id, record.target_id, key=record.id, **edge_attributes(record)
            )
    return graph


@pytest.fixture
def html() -> str:
    return nv.network_html(small_graph(), heading=f"Around {world.HOSTILE} <b>&</b>")


def test_no_name_reaches_the_html_as_markup(html: str) -> None:
    for raw in (world.HOSTILE, "<script>alert(3)", "<b>&</b>"):
        assert raw not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # the heading, escaped
    # Exactly our two script blocks: vis-network and the drawing code.
    assert len(re.findall(r"<script\b", html)) == 2


def test_tooltips_never_carry_a_raw_href() -> None:
    tip = nv.escape('<a href="https://example.org">x</a> HREF')
    assert "href" not in tip.lower()
    assert "&lt;a" in tip


def test_html_is_self_contained(html: str) -> None:
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, flags=re.I)
    assert "sourceMappingURL" not in html
    assert "bootstrap" not in html.lower()
    assert "default-src 'none'" in html  # and the page forbids fetching anything


def test_positions_are_computed_and_physics_is_off(html: str) -> None:
    assert '"physics": {"enabled": false}' in html
    assert re.search(r'"x": -?\d', html) and re.search(r'"y": -?\d', html)


def test_layout_is_deterministic_and_finite() -> None:
    graph = small_graph()
    first, second = nv.layout(graph), nv.layout(graph)
    assert first == second
    assert set(first) == set(graph.nodes)
    assert all(abs(x) < 10_000 and abs(y) < 10_000 for x, y in first.values())


def test_more_nodes_than_the_limit_is_refused() -> None:
    graph = small_graph()
    with pytest.raises(nv.TooManyNodes) as raised:
        nv.network_html(graph, limit=3)
    assert raised.value.count == graph.number_of_nodes()


def test_filters_keep_kinds_types_confidence_area_and_ego() -> None:
    graph = small_graph()
    only_people = nv.filter_graph(graph, nv.Filters(node_kinds=frozenset({"Person"})))
    assert {d["kind"] for _, d in only_people.nodes(data=True)} == {"Person"}
    access = nv.filter_graph(graph, nv.Filters(rel_types=frozenset({"HAS_ACCESS_TO"})))
    assert {d["type"] for _, _, d in access.edges(data=True)} == {"HAS_ACCESS_TO"}
    sure = nv.filter_graph(graph, nv.Filters(min_confidence=0.85))
    assert [k for _, _, k in sure.edges(keys=True)] == ["rel_acc"]
    area = nv.filter_graph(graph, nv.Filters(area_id="are_orrin"))
    assert set(area.nodes) == {"are_orrin", "act_hills", "org_ngo"}
    ego = nv.filter_graph(graph, nv.Filters(center="per_elder", depth=1))
    assert set(ego.nodes) == {"per_elder", "per_local", "org_ngo"}
    integrated = nv.filter_graph(graph, nv.Filters(structures=frozenset({"integrated"})))
    assert "act_hills" not in integrated and "act_army" in integrated


def test_legend_names_kinds_and_types_present() -> None:
    nodes, edges = nv.legend(small_graph())
    assert any(item.label.startswith("ArmedActor") for item in nodes)
    assert {item.label for item in edges} >= {"INFLUENCES", "HAS_ACCESS_TO", "OPPOSES"}


def test_node_and_edge_tooltips_escape_every_piece_of_data() -> None:
    """Mutation: a tooltip line joined without `escape` (the whole-page test missed it,
    because `tojson` hides raw `<` in the page; the tooltip itself is HTML to vis)."""
    graph = small_graph()
    hostile = nv.node_tooltip(world.HOSTILE_ID, graph.nodes[world.HOSTILE_ID])
    assert "<img" not in hostile and "&lt;img src=x onerror=alert(1)&gt;" in hostile
    assert "[click](javascript:alert(2))" in hostile  # the alias, as text
    commander = nv.node_tooltip("per_hostile_cmdr", graph.nodes["per_hostile_cmdr"])
    assert "<script>" not in commander and "&lt;script&gt;alert(3)&lt;/script&gt;" in commander
    # Only our own markup remains: bold field names and line breaks.
    for tip in (hostile, commander):
        assert set(re.findall(r"</?[a-z]+", tip)) <= {"<b", "</b", "<br"}

    rel = m.Influences(
        id="rel_x",
        source_id="per_elder",
        target_id="per_local",
        channel="religious",
        topic='<a href="https://x.example">click</a>',
    )
    edge = nv.edge_tooltip("rel_x", edge_attributes(rel))
    assert "<a " not in edge and "href" not in edge.lower()
    assert "&lt;a hr&#101;f=&quot;https://x.example&quot;&gt;click&lt;/a&gt;" in edge


def _node_options(graph: nx.MultiDiGraph[str]) -> dict[str, dict[str, object]]:
    return {n["id"]: n for n in nv.build_network(graph).get_network_data()[0]}


def test_sensitivity_is_the_node_border_heavier_and_broken_as_the_label_rises() -> None:
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for label in Sensitivity:
        person = m.Person(id=f"per_{label.value}", name=f"Person {label.value}", sensitivity=label)
        graph.add_node(person.id, **node_attributes(person))
    drawn = _node_options(graph)
    widths = [drawn[f"per_{label.value}"]["borderWidth"] for label in Sensitivity]
    assert widths == sorted(widths) and len(set(widths)) == 4
    dashes = {
        label: drawn[f"per_{label.value}"]["shapeProperties"]["borderDashes"]  # type: ignore[index]
        for label in Sensitivity
    }
    assert dashes[Sensitivity.PUBLIC] is False and dashes[Sensitivity.RESTRICTED] is False
    assert dashes[Sensitivity.CONFIDENTIAL] != dashes[Sensitivity.STRICTLY_CONFIDENTIAL]
    assert all(
        dashes[label] for label in (Sensitivity.CONFIDENTIAL, Sensitivity.STRICTLY_CONFIDENTIAL)
    )
    legend = [item.label for item in nv.border_legend(graph)]
    assert legend[2] == "confidential (dashed border)" and len(legend) == 4


def test_an_edge_tooltip_shows_its_note_and_evidence_by_source_name() -> None:
    rel = m.Influences(
        id="rel_y",
        source_id="per_elder",
        target_id="per_local",
        channel="religious",
        notes="Met at the <market> shura, twice",
        sources=(m.SourceRef(source_id="src_report", locator="p. 4"),),
    )
    tip = nv.edge_tooltip("rel_y", edge_attributes(rel), {"src_report": "Field report (fictional)"})
    assert "<b>note</b> Met at the &lt;market&gt; shura, twice" in tip
    assert "<b>evidence</b> Field report (fictional), p. 4" in tip
    bare = nv.edge_tooltip("rel_y", edge_attributes(rel.model_copy(update={"sources": ()})))
    assert "<b>evidence</b> no source cited" in bare


def test_a_large_map_labels_only_its_important_nodes_and_sizes_hubs() -> None:
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    actor = m.ArmedActor(
        id="act_big", name="Big Front", actor_kind="non_state_armed_group", structure="centralised"
    )
    graph.add_node(actor.id, **node_attributes(actor))
    for i in range(120):
        person = m.Person(id=f"per_{i:03}", name=f"Member {i}")
        graph.add_node(person.id, **node_attributes(person))
    hub = "per_000"
    for i in range(1, 40):
        rel = m.Influences(id=f"rel_{i}", source_id=hub, target_id=f"per_{i:03}", channel="tribal")
        graph.add_edge(rel.source_id, rel.target_id, key=rel.id, **edge_attributes(rel))
    drawn = _node_options(graph)
    assert drawn["act_big"]["label"] == "Big Front"  # an armed actor: always named
    assert drawn[hub]["label"] == "Member 0"  # the best-connected: named
    assert drawn["per_119"]["label"].strip() == ""  # type: ignore[union-attr]
    assert "Member 119" in str(drawn["per_119"]["title"])  # still named on hover
    assert drawn[hub]["size"] > drawn["per_119"]["size"]  # type: ignore[operator]
    # A small map names everyone.
    small = _node_options(small_graph())
    assert all(str(n["label"]).strip() for n in small.values())
