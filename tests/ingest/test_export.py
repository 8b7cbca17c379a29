"""Exports: the history snapshot round-trips losslessly on both stores; GraphML; CSV."""

from __future__ import annotations

import csv
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import networkx as nx
import pytest

from graph import model as m
from graph.sensitivity import SYSTEM, Sensitivity, Viewer
from graph.store import GraphStore, WriteBatch
from graph.stores.embedded_store import EmbeddedStore
from ingest.export import export_store, neutralise
from tests.conftest import open_embedded
from tests.factories import full_batch, one_of_each_relationship
from tests.ingest.helpers import ACLED, HXL, TEMPLATE_XLSX, UCDP, contents, full_history, load

RESTRICTED = Viewer(name="field-officer", clearance=Sensitivity.RESTRICTED)


def _with_history(store: GraphStore) -> None:
    """Creates, updates and closes, by several people, over several writes."""
    store.write(full_batch(), actor="analyst-1")
    access = next(r for r in one_of_each_relationship() if r.id == "rel_acc")
    store.write(WriteBatch.of([access.model_copy(update={"strength": 0.4})]), actor="analyst-2")
    store.write(
        WriteBatch.of([access.model_copy(update={"strength": 0.4, "valid_to": "2026-11"})]),
        actor="analyst-3",
    )
    for path in (TEMPLATE_XLSX, ACLED, UCDP, HXL):
        load(store, path, actor="importer")


def _empty_twin(store: GraphStore, tmp_path: Path) -> GraphStore:
    if isinstance(store, EmbeddedStore):
        return open_embedded(tmp_path / "twin.db", encrypted=store.url.startswith("sqlcipher:"))
    store.wipe()  # type: ignore[attr-defined]
    return store


def test_snapshot_round_trips_history_and_provenance(store: GraphStore, tmp_path: Path) -> None:
    _with_history(store)
    out = tmp_path / "backup.jsonl"
    export_store(store, SYSTEM, "snapshot", out)
    history_before = full_history(store, stamps=False)
    current_before = contents(store)
    twin = _empty_twin(store, tmp_path)
    report = load(twin, out)
    assert report.errors == []
    # Every version, its author and content; the times are the restore's (below).
    assert full_history(twin, stamps=False) == history_before
    by_id = {r["id"]: r for r in current_before}
    for record in contents(twin):
        expected = dict(by_id[record["id"]])
        assert record | {"recorded_at": None} == expected | {"recorded_at": None}
    # And a second import of the same snapshot changes nothing.
    counter = twin.change_counter()
    again = load(twin, out)
    assert (again.created, again.updated, again.closed) == (0, 0, 0)
    assert twin.change_counter() == counter


def test_snapshot_restore_is_dated_by_the_store_not_by_the_file(tmp_path: Path) -> None:
    """Issue 16: no caller dates a write. A snapshot whose lines say 2001 (or
    which keeps the original times) restores with the store's own times, in
    the snapshot's order, and the restored store verifies."""
    source = EmbeddedStore(tmp_path / "a.db")
    _with_history(source)
    out = tmp_path / "backup.jsonl"
    export_store(source, SYSTEM, "snapshot", out)
    lines = [
        json.dumps({**(d := json.loads(x)), "recorded_at": "2001" + d["recorded_at"][4:]})
        if x[:1] == "{"
        else x
        for x in out.read_text("utf-8").splitlines()
    ]
    out.write_text("\n".join(lines) + "\n", "utf-8")
    twin = EmbeddedStore(tmp_path / "b.db")
    started = datetime.now(UTC)
    load(twin, out)
    restored = full_history(twin)
    assert restored and all(
        datetime.fromisoformat(v["recorded_at"]) >= started.replace(microsecond=0) for v in restored
    )
    assert full_history(twin, stamps=False) == full_history(source, stamps=False)
    assert twin.check_audit().ok


def test_export_is_filtered_for_its_audience(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "a.db")
    store.write(full_batch(), actor="a")
    out = tmp_path / "restricted.jsonl"
    export_store(store, RESTRICTED, "snapshot", out)
    lines = [json.loads(x) for x in out.read_text("utf-8").splitlines() if x.startswith("{")]
    assert all(Sensitivity(x["sensitivity"]).rank <= Sensitivity.RESTRICTED.rank for x in lines)
    assert not any(x["id"] == "src_1" for x in lines)
    # No reference to a source the audience may not see.
    assert not any(ref["source_id"] == "src_1" for x in lines for ref in x["sources"])
    twin = EmbeddedStore(tmp_path / "b.db")
    assert load(twin, out).errors == []


def test_graphml_opens_as_a_graph_with_labels(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "a.db")
    store.write(full_batch(), actor="a")
    out = tmp_path / "graph.graphml"
    count = export_store(store, SYSTEM, "graphml", out)
    graph = nx.read_graphml(out, force_multigraph=True)
    assert count == graph.number_of_nodes() + graph.number_of_edges()
    assert graph.nodes["act_1"]["label"] == "Front of the Seven Hills"
    assert graph.nodes["act_1"]["kind"] == "ArmedActor"
    edge_types = {d["type"] for _, _, d in graph.edges(data=True)}
    assert {"COMMANDS", "ALLIED_WITH", "HAS_ACCESS_TO"} <= edge_types
    assert re.search(r'<edge [^>]*id="rel_cmd"', out.read_text("utf-8"))


def test_csv_export_is_a_nodes_and_an_edges_file_with_inert_cells(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "a.db")
    store.write(full_batch(), actor="a")
    evil = m.Person(id="per_evil", name='=HYPERLINK("http://x","click")', aliases=("@cmd", "-2+3"))
    store.write(WriteBatch.of([evil]), actor="a")
    folder = tmp_path / "csv"
    export_store(store, SYSTEM, "csv", folder)
    with (folder / "nodes.csv").open(encoding="utf-8-sig", newline="") as fh:
        nodes = {r["id"]: r for r in csv.DictReader(fh)}
    with (folder / "edges.csv").open(encoding="utf-8-sig", newline="") as fh:
        edges = list(csv.DictReader(fh))
    assert nodes["per_evil"]["name"] == '\'=HYPERLINK("http://x","click")'
    assert nodes["per_evil"]["aliases"] == "'@cmd; -2+3"
    assert nodes["act_1"]["name"] == "Front of the Seven Hills"
    assert {e["type"] for e in edges} >= {"COMMANDS", "PART_OF"}
    assert {"id", "type", "source_id", "target_id"} <= set(edges[0])


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_neutralise_prefixes_every_formula_trigger(text: str) -> None:
    assert neutralise(text) == "'" + text
    assert neutralise("Front " + text) == "Front " + text
