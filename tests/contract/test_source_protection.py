"""Source protection on both stores: below a source's label, only a mask is seen."""

from __future__ import annotations

from graph import model as m
from graph.projection import build_projection
from graph.sensitivity import SYSTEM, Sensitivity, Viewer
from graph.store import GraphStore, WriteBatch
from tests.factories import full_batch

ANALYST = Viewer(name="analyst", clearance=Sensitivity.CONFIDENTIAL)


def test_a_protected_source_is_seen_only_as_a_pseudonym_with_its_grades(
    store: GraphStore,
) -> None:
    store.write(full_batch(), actor="a")
    masked = [n for n in store.iter_nodes(viewer=ANALYST) if n.kind == "Source"]
    (mask,) = masked
    assert mask.id.startswith("src~") and mask.id != "src_1"
    assert isinstance(mask, m.Source)
    assert (mask.reliability, mask.credibility) == (m.Reliability.B, m.Credibility.C2)
    assert "Field report" not in mask.name and mask.locator is None and mask.aliases == ()

    # Every reference carries the same pseudonym and no locator.
    access = store.get("rel_acc", viewer=ANALYST)
    assert access is not None and [r.source_id for r in access.sources] == [mask.id]
    actor = store.get("act_1", viewer=ANALYST)
    assert isinstance(actor, m.ArmedActor)
    assert actor.sources[0] == m.SourceRef(source_id=mask.id)
    assert actor.profiles[0].capability.evidence[0].source_id == mask.id
    cites = store.get("rel_cites", viewer=ANALYST)
    assert cites is None  # a direct read of an edge to a protected source is refused
    graph = build_projection(store, viewer=ANALYST)
    assert graph.has_edge("inc_1", mask.id)
    assert graph.edges["inc_1", mask.id, "rel_cites"]["record"].locator is None

    # The real identity cannot be looked up or searched for.
    assert store.get("src_1", viewer=ANALYST) is None
    assert store.search("Field report", viewer=ANALYST) == []


def test_cleared_readers_see_the_source_in_clear_and_pseudonyms_are_stable(
    store: GraphStore,
) -> None:
    store.write(full_batch(), actor="a")
    clear = store.get("src_1", viewer=SYSTEM)
    assert isinstance(clear, m.Source) and clear.name == "Field report Q2 (fictional)"
    first = {n.id for n in store.iter_nodes(viewer=ANALYST) if n.kind == "Source"}
    store.write(WriteBatch.of([m.Person(id="per_new", name="Fictional New")]), actor="a")
    second = {n.id for n in store.iter_nodes(viewer=ANALYST) if n.kind == "Source"}
    assert first == second


def test_a_public_source_is_shown_in_clear(store: GraphStore) -> None:
    report = m.Source(
        id="src_pub",
        name="Published fictional report",
        reliability="A",
        credibility="1",
        sensitivity=Sensitivity.PUBLIC,
    )
    cited = m.Person(
        id="per_c", name="Fictional C", sources=(m.SourceRef(source_id="src_pub", locator="p. 2"),)
    )
    store.write(WriteBatch.of([report, cited]), actor="a")
    seen = store.get("per_c", viewer=Viewer(name="p", clearance=Sensitivity.RESTRICTED))
    assert seen is not None and seen.sources[0].source_id == "src_pub"
    assert seen.sources[0].locator == "p. 2"


def test_an_editor_below_a_source_updates_a_record_and_its_real_sources_stay(
    store: GraphStore,
) -> None:
    from graph.access import SecuredStore
    from graph.errors import InvalidRecords
    from graph.users import Role, User

    store.write(full_batch(), actor="a")
    stored = store.get("act_1", viewer=SYSTEM)
    assert stored is not None and stored.sources[0].locator  # the real ref has a locator
    editor = User(
        name="editor", role=Role.EDITOR, clearance=Sensitivity.CONFIDENTIAL, password_hash="x"
    )
    secured = SecuredStore(store, editor)
    seen = secured.get("act_1", viewer=ANALYST)
    assert isinstance(seen, m.ArmedActor) and seen.sources[0].source_id.startswith("src~")
    report = secured.write(
        WriteBatch.of([seen.model_copy(update={"description": "Edited by a fictional editor"})])
    )
    assert report.updated == 1
    after = store.get("act_1", viewer=SYSTEM)
    assert isinstance(after, m.ArmedActor) and after.description == "Edited by a fictional editor"
    assert after.sources == stored.sources  # the real ids and locators, not the masks
    assert after.profiles == stored.profiles  # COM evidence unmasked too
    # A pseudonym that was never on this record cannot be used to attach a source.
    other = m.Person(id="per_x", name="Fictional Other", sources=(seen.sources[0],))
    try:
        secured.write(WriteBatch.of([other]))
    except InvalidRecords as e:
        assert "no Source" in str(e)
    else:
        raise AssertionError("a mask was accepted on a record that never cited it")
