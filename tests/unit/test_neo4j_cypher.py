"""The Neo4j store's statements agree with what the store passes them (no server)."""

from __future__ import annotations

from graph.row_codec import StoredRow
from graph.stores import neo4j_cypher as cy
from graph.stores.neo4j_store import _props


def _row(category: str) -> StoredRow:
    return StoredRow(
        id="x",
        category=category,  # type: ignore[arg-type]
        kind="Person",
        version=1,
        name="X",
        search_names=("x",),
        sensitivity_rank=0,
        from_day=None,
        to_day=None,
        source_id=None,
        target_id=None,
        data="{}",
        recorded_at="",
        recorded_by="",
        operation="create",
    )


def test_a_new_record_is_created_with_every_property_the_store_writes() -> None:
    """The CREATEs name each property (no map SET after them, which made the
    planner buffer every row): a name missing there would silently not be written."""
    assert set(_props(_row("node"))) == set(cy.NODE_PROPERTIES)
    assert set(_props(_row("rel"))) == set(cy.RELATIONSHIP_PROPERTIES)
    for key in cy.NODE_PROPERTIES:
        assert f"{key}: row.props.{key}" in cy.create_nodes("Person")
    for key in cy.RELATIONSHIP_PROPERTIES:
        assert f"{key}: row.props.{key}" in cy.create_relationships("INFLUENCES")
