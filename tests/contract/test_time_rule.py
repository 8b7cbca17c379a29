"""Both stores decide "holds on day D" by graph.timeline, exactly as Python
does, and a store whose windows were computed under an older rule is brought
up to date when it is opened (FICTIONAL records)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from graph import model as m
from graph.sensitivity import SYSTEM
from graph.store import GraphStore, WriteBatch
from graph.stores.embedded_store import EmbeddedStore
from graph.timeline import holds_on, holds_window
from queries.constraints import PathConstraints
from queries.examples import graph_from_records
from tests.conftest import connect_file, reopen


def _actor(node_id: str, name: str, **window: str) -> m.ArmedActor:
    return m.ArmedActor(
        id=node_id,
        name=name,
        actor_kind="non_state_armed_group",
        structure="centralised",
        **window,  # type: ignore[arg-type]
    )


LATE: list[m.AnyRecord] = [
    _actor("act_1", "Ashen Ridge Brigade"),
    m.Incident(id="inc_late", name="Raid at Tarn Ford", date="2025-03", harm_pattern="unassessed"),
    m.Commitment(id="cmt_late", name="Pledge on schools", commitment_kind="other", date="2025-03"),
    m.Perpetrated(id="r_perp", source_id="act_1", target_id="inc_late", first_cited="2025-03"),
]


@pytest.mark.parametrize("day, holds", [(date(2024, 6, 1), False), (date(2025, 3, 1), True)])
def test_a_record_dated_2025_03_holds_alike_in_python_and_in_each_store(
    store: GraphStore, day: date, holds: bool
) -> None:
    store.write(WriteBatch.of(LATE), actor="analyst-1")
    late = {"inc_late", "cmt_late", "r_perp"}
    in_store = {n.id for n in store.iter_nodes(viewer=SYSTEM, as_of=day)} | {
        r.id for r in store.iter_relationships(viewer=SYSTEM, as_of=day)
    }
    graph = graph_from_records(LATE, as_of=day)
    in_python = set(graph.nodes) | {k for _, _, k in graph.edges(keys=True)}
    by_rule = {r.id for r in LATE if holds_on(r, day)}
    assert (late <= in_store) is holds and (late <= in_python) is holds
    assert in_store & late == in_python & late == by_rule & late
    assert (store.get("inc_late", viewer=SYSTEM, as_of=day) is not None) is holds


OLD_RULE: list[m.AnyRecord] = [
    _actor("act_1", "Ashen Ridge Brigade"),
    _actor("act_2", "Tarn Hollow Guard"),
    m.Incident(
        id="inc_long",
        name="Four-day siege of Tarn Ford",
        date="2021-05-01",
        valid_from="2021-05-01",
        valid_to="2021-05-04",
        harm_pattern="unassessed",
    ),
    m.AlliedWith(
        id="r_ally",
        source_id="act_1",
        target_id="act_2",
        basis="inferred",
        first_cited="2019-03",
        last_cited="2019-07",
    ),
]
# What the rule before graph.timeline stored: an event ended with its end date,
# an inferred tie was timeless.
OLD_WINDOWS = {"inc_long": ("2021-05-01", "2021-05-04"), "r_ally": (None, None)}


def _embedded_to_old_rule(store: GraphStore) -> Callable[[], GraphStore]:
    assert isinstance(store, EmbeddedStore)
    with connect_file(store) as conn:
        for rid, (start, end) in OLD_WINDOWS.items():
            conn.execute(
                "UPDATE records SET from_day = ?, to_day = ? WHERE id = ?", (start, end, rid)
            )
        conn.execute("DELETE FROM meta WHERE key = 'time_rule'")
        # A file written before the time rule carried no schema stamp either.
        conn.execute("PRAGMA user_version = 0")
    return lambda: reopen(store)


def _neo4j_to_old_rule(
    store: GraphStore, request: pytest.FixtureRequest
) -> Callable[[], GraphStore]:
    from graph.stores.neo4j_store import Neo4jStore

    assert isinstance(store, Neo4jStore)
    run = store._driver.execute_query
    start, end = OLD_WINDOWS["inc_long"]
    run(
        "MATCH (n:Entity {id: $id}) SET n.from_day = $start, n.to_day = $end",
        id="inc_long",
        start=start,
        end=end,
        database_=store.database,
    )
    run(
        "MATCH (:Entity)-[r:ALLIED_WITH {id: 'r_ally'}]->(:Entity) "
        "SET r.from_day = null, r.to_day = null",
        database_=store.database,
    )
    run("MATCH (m:Meta {key: 'store'}) REMOVE m.time_rule", database_=store.database)
    creds = request.getfixturevalue("neo4j_credentials")

    def reopen() -> GraphStore:
        opened = Neo4jStore(creds["uri"], user=creds["user"], password=creds["password"])
        request.addfinalizer(opened.close)
        return opened

    return reopen


def _visible(store: GraphStore, day: date) -> set[str]:
    return {n.id for n in store.iter_nodes(viewer=SYSTEM, as_of=day)} | {
        r.id for r in store.iter_relationships(viewer=SYSTEM, as_of=day)
    }


def test_windows_stored_under_an_older_rule_are_recomputed_when_the_store_opens(
    store: GraphStore, request: pytest.FixtureRequest
) -> None:
    store.write(WriteBatch.of(OLD_RULE), actor="analyst-1")
    if isinstance(store, EmbeddedStore):
        reopen = _embedded_to_old_rule(store)
    else:
        reopen = _neo4j_to_old_rule(store, request)
    # The old windows answer the old way until the store is opened again.
    assert "inc_long" not in _visible(store, date(2021, 8, 1))
    assert "r_ally" in _visible(store, date(2023, 1, 1))

    opened = reopen()

    assert "inc_long" in _visible(opened, date(2021, 8, 1)), "an event never expires"
    assert "r_ally" in _visible(opened, date(2019, 5, 1))
    assert "r_ally" not in _visible(opened, date(2023, 1, 1)), "evidence plus horizon"
    assert "r_ally" not in _visible(opened, date(2019, 2, 28)), "not before first_cited"


def _answers_on(store: GraphStore, day: date) -> dict[str, object]:
    from graph.projection import build_projection
    from queries.gaps import gaps
    from queries.leverage import leverage_paths
    from queries.profiles import profile

    graph = build_projection(store, viewer=SYSTEM, as_of=day)
    history = build_projection(store, viewer=SYSTEM)
    return {
        "edges": sorted(k for _, _, k in graph.edges(keys=True)),
        "paths": leverage_paths(
            graph, "per_local", constraints=PathConstraints(as_of=day)
        ).as_dict(),
        "gaps": gaps(graph, constraints=PathConstraints(as_of=day)).as_dict(),
        "profile": profile(
            graph, "act_front", history_graph=history, constraints=PathConstraints(as_of=day)
        ).as_dict(),
    }


def test_records_dated_after_the_question_date_do_not_move_its_answers(store: GraphStore) -> None:
    """The invariant, through a store: a later source, a later incident, a later
    inferred alliance and later access leave every 2024-06-01 answer as it was.
    (Overwriting a field such as last_contact replaces what the record says;
    only adding dated records is covered.)"""
    from queries.examples import QUESTION_DATE, tiny_records

    records = tiny_records()
    store.write(WriteBatch.of(records), actor="analyst-1")
    before = _answers_on(store, QUESTION_DATE)
    access = next(r for r in records if r.id == "r_acc_elder")
    later: list[m.AnyRecord] = [
        m.Source(
            id="src_2025",
            name="Later report",
            reliability="A",
            credibility="1",
            first_cited="2025-01",
        ),
        # A 2025 report now backs the 2024 access: it must not lift its grade in 2024.
        access.model_copy(update={"sources": (m.SourceRef(source_id="src_2025"),)}),
        m.Incident(
            id="inc_2025", name="Raid", date="2025-01-10", harm_pattern="deliberate", fatalities=3
        ),
        m.Perpetrated(id="r_perp_2025", source_id="act_front", target_id="inc_2025"),
        m.AlliedWith(
            id="r_ally_2025",
            source_id="act_front",
            target_id="act_army",
            basis="inferred",
            first_cited="2025-01",
            last_cited="2025-03",
        ),
        m.HasAccessTo(
            id="r_acc_2025",
            source_id="org_ngo",
            target_id="per_local",
            quality="regular",
            confidence=0.9,
            valid_from="2025-01",
        ),
    ]
    store.write(WriteBatch.of(later), actor="analyst-1")

    assert _answers_on(store, QUESTION_DATE) == before
    assert _answers_on(store, date(2025, 4, 1)) != before  # the records do count later


WINDOWS: list[m.AnyRecord] = [
    _actor("act_b1", "Sable Fen Rangers"),
    _actor("act_b2", "Copper Weir Militia"),
    _actor("act_month", "Grey Mere Company", valid_from="2024-03", valid_to="2024-09-15"),
    _actor("act_open_start", "Old Kiln Watch", valid_to="2023"),
    _actor("act_open_end", "New Kiln Watch", valid_from="2024-07-01"),
    m.AlliedWith(
        id="r_inferred",
        source_id="act_b1",
        target_id="act_b2",
        basis="inferred",
        first_cited="2022-01-10",
        last_cited="2022-06",
    ),
    m.Supports(
        id="r_one_day",
        source_id="act_b1",
        target_id="act_b2",
        valid_from="2021-05-05",
        valid_to="2021-05-05",
    ),
]


def test_the_stores_translation_of_the_rule_agrees_with_python_at_every_window_edge(
    store: GraphStore,
) -> None:
    """The stores' SQL and Cypher copies of "holds on D" against `holds_on`, on the day
    before, the first day, the last day and the day after every record's window:
    partial dates, open ends, one-day windows and the inferred-evidence horizon."""
    store.write(WriteBatch.of(WINDOWS), actor="analyst-1")
    days = set()
    for record in WINDOWS:
        start, end = holds_window(record)
        for edge in (start, end):
            if edge is not None:
                days.update({edge - timedelta(days=1), edge, edge + timedelta(days=1)})
    assert len(days) >= 12  # every window has a dated edge: the test is not vacuous
    for day in sorted(days):
        in_store = {n.id for n in store.iter_nodes(viewer=SYSTEM, as_of=day)} | {
            r.id for r in store.iter_relationships(viewer=SYSTEM, as_of=day)
        }
        by_rule = {r.id for r in WINDOWS if holds_on(r, day)}
        assert in_store == by_rule, day
