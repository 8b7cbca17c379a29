"""`graph.shared_copy`: an update of the projection shares with the cached one
what it does not change (`SharedCopy` for the graph, `SharedMap` for its
relationship-id index). Every version must read as the plain graph or dict it
stands for, and an update must never change an older version a reader may
still hold."""

from __future__ import annotations

import random

import networkx as nx

from graph import shared_copy
from graph.shared_copy import SharedCopy, SharedMap


def test_random_edits_read_as_the_plain_dict_and_leave_older_versions_unchanged() -> None:
    rng = random.Random(13)
    plain = {f"rel_{i}": (f"a{i}", f"b{i}") for i in range(300)}
    versions = [(SharedMap(dict(plain)), dict(plain))]
    for step in range(400):  # enough changed keys to merge into a new base more than once
        shared, expected = versions[-1]
        draft = shared.edit()
        expected = dict(expected)
        for _ in range(rng.randint(1, 12)):
            key = f"rel_{rng.randrange(450)}"
            if rng.random() < 0.4 and key in draft:
                assert draft.pop(key) == expected.pop(key)
            else:
                draft[key] = expected[key] = (f"x{step}", key)
            assert (key in draft) == (key in expected)
        versions.append((draft.done(), expected))
    for shared, expected in versions:  # the oldest as well as the newest
        assert dict(shared) == expected
        assert len(shared) == len(expected)
        assert all(shared[k] == v for k, v in expected.items())
        assert "rel_absent" not in shared and shared.get("rel_absent") is None


def test_a_few_changes_share_the_base_instead_of_copying_it() -> None:
    base = {f"rel_{i}": ("a", "b") for i in range(20_000)}
    one = SharedMap(base)
    two = one.edited({"rel_new": ("c", "d")}, removed=["rel_7"])
    assert two._base is base  # ten changes do not copy twenty thousand entries
    assert "rel_7" in one and "rel_7" not in two and "rel_new" not in one
    assert len(one) == 20_000 and len(two) == 20_000


def test_many_changes_merge_into_a_new_base_that_older_versions_do_not_see() -> None:
    base = {f"rel_{i}": ("a", "b") for i in range(shared_copy._MERGE_FLOOR * 2)}
    one = SharedMap(base)
    changed = {f"rel_new_{i}": ("c", "d") for i in range(shared_copy._MERGE_FLOOR + 1)}
    two = one.edited(changed, removed=["rel_0"])
    assert two._base is not base and not two._removed and not two._set
    assert dict(two) == {**{k: v for k, v in base.items() if k != "rel_0"}, **changed}
    assert len(base) == shared_copy._MERGE_FLOOR * 2 and "rel_0" in one


def _base() -> nx.MultiDiGraph[str]:
    base: nx.MultiDiGraph[str] = nx.MultiDiGraph(as_of="2024-01-01")
    base.add_edge("org_a", "per_b", key="rel_1", type="HAS_ACCESS_TO")
    base.add_edge("per_b", "act_c", key="rel_2", type="INFLUENCES")
    base.add_node("per_d", kind="Person")
    return base


def _content(graph: nx.MultiDiGraph[str]) -> tuple[object, ...]:
    return (
        dict(graph.nodes(data=True)),
        sorted((u, v, k, sorted(d.items())) for u, v, k, d in graph.edges(keys=True, data=True)),
        dict(graph.graph),
    )


def test_new_edges_share_the_node_table_and_leave_the_base_unchanged() -> None:
    base = _base()
    before = _content(base)
    edit = SharedCopy(base)
    edit.add_edge("org_a", "per_d", "rel_3", {"type": "HAS_ACCESS_TO"})
    edit.remove_edge("per_b", "act_c", "rel_2")

    expected = _base()
    expected.add_edge("org_a", "per_d", key="rel_3", type="HAS_ACCESS_TO")
    expected.remove_edge("per_b", "act_c", "rel_2")
    assert _content(edit.graph) == _content(expected)
    assert _content(base) == before
    assert edit.graph._node is base._node  # no node changed: the table is not copied
    assert edit.graph._succ is not base._succ and edit.graph._adj is edit.graph._succ


def test_node_edits_copy_the_tables_they_write_and_read_as_networkx_would() -> None:
    base = _base()
    before = _content(base)
    edit = SharedCopy(base)
    edit.set_node("per_e", {"kind": "Person"})
    edit.set_node("per_d", {"kind": "Person", "name": "Fictional Renamed"})
    edit.add_edge("per_e", "org_a", "rel_4", {"type": "INFLUENCES"})
    removed = edit.remove_node("per_b")

    expected = _base()
    expected.add_node("per_e", kind="Person")
    expected.nodes["per_d"]["name"] = "Fictional Renamed"
    expected.add_edge("per_e", "org_a", key="rel_4", type="INFLUENCES")
    expected.remove_node("per_b")
    assert sorted(removed) == [("org_a", "per_b", "rel_1"), ("per_b", "act_c", "rel_2")]
    assert _content(edit.graph) == _content(expected)
    assert list(edit.graph.successors("per_e")) == ["org_a"] and "per_b" not in edit.graph
    assert _content(base) == before and "per_e" not in base
