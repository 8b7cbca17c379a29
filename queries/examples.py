"""A tiny FICTIONAL graph for docstring examples and tests. Every name is invented.

`graph_from_records` builds a projection-shaped `MultiDiGraph` straight from
model objects, with the same node and edge attributes the store's projection
sets (`graph.projection.node_attributes` / `edge_attributes`), optionally
filtered to what is valid on one date, as the store would filter it.

The tiny scenario: the *Front of the Seven Hills*, a decentralised armed
group, holds *Checkpoint Zeta*, whose commander is *Ilyo Varrant*. Our CMCoord
cell has regular access to the Front's top leader; its focal point knows
*Elder Besim Quor*, who has tribal influence over Varrant. A national NGO has
access to *General Sask* of the opposing army, who is Varrant's cousin.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import networkx as nx

from graph import model as m
from graph.projection import edge_attributes, node_attributes
from graph.timeline import ended_by_contrary, holds_on

QUESTION_DATE = date(2024, 6, 1)


def graph_from_records(
    records: Iterable[m.AnyRecord], *, as_of: date | None = None
) -> nx.MultiDiGraph[str]:
    """A projection-shaped graph of `records` (those holding at `as_of`, if given).

    Relationships whose endpoints are absent are dropped, as the store drops
    relationships to records a viewer may not see; at a date, validity and the
    pair rule are graph.timeline's, exactly as the store's projection applies them.
    """
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(
        as_of=as_of.isoformat() if as_of else None, clearance="strictly_confidential"
    )
    rels: list[m.AnyRelationship] = []
    for record in records:
        if isinstance(record, m.NodeBase):
            if as_of is None or holds_on(record, as_of):
                graph.add_node(record.id, **node_attributes(record))
        else:
            rels.append(record)
    if as_of is not None:
        rels = [r for r in rels if holds_on(r, as_of)]
        rels = [r for r in rels if r.source_id in graph and r.target_id in graph]
        ended = ended_by_contrary(rels, as_of)
        rels = [r for r in rels if r.id not in ended]
    for rel in rels:
        if rel.source_id in graph and rel.target_id in graph:
            graph.add_edge(rel.source_id, rel.target_id, key=rel.id, **edge_attributes(rel))
    return graph


def tiny_records() -> list[m.AnyRecord]:
    """The records of the tiny fictional scenario (module docstring)."""
    return [
        m.Organisation(
            id="org_ocha",
            name="CMCoord cell (fictional)",
            org_kind="ocha_cmcoord",
            engager=True,
            hct_member=True,
        ),
        m.Organisation(
            id="org_ngo", name="Hill Relief (fictional NNGO)", org_kind="nngo", engager=True
        ),
        m.Person(id="per_fp", name="Ama Torsk"),
        m.Person(id="per_elder", name="Elder Besim Quor"),
        m.Person(id="per_top", name="Dorran Vell", title="leader"),
        m.Person(id="per_local", name="Ilyo Varrant", title="local commander"),
        m.Person(id="per_gen", name="General Sask"),
        m.Post(id="pst_cp", name="Commander, Checkpoint Zeta"),
        m.ArmedActor(
            id="act_front",
            name="Front of the Seven Hills",
            actor_kind="non_state_armed_group",
            structure="decentralised",
        ),
        m.ArmedActor(
            id="act_army",
            name="Kalmoran Armed Forces",
            actor_kind="state_force",
            structure="integrated",
        ),
        m.Unit(id="unt_cp", name="Checkpoint Zeta", echelon="checkpoint"),
        m.FocalPointFor(id="r_fp", source_id="per_fp", target_id="org_ocha", confidence=0.9),
        m.HasAccessTo(
            id="r_acc_top",
            source_id="org_ocha",
            target_id="per_top",
            strength=0.9,
            confidence=0.9,
            quality="regular",
            last_contact="2024-05",
        ),
        m.HasAccessTo(
            id="r_acc_elder",
            source_id="per_fp",
            target_id="per_elder",
            strength=0.8,
            confidence=0.8,
            quality="regular",
            last_contact="2024-05",
        ),
        m.Influences(
            id="r_inf_elder",
            source_id="per_elder",
            target_id="per_local",
            strength=0.8,
            confidence=0.7,
            channel="tribal",
            last_cited="2024-04",
        ),
        m.Commands(id="r_cmd_top", source_id="per_top", target_id="act_front", confidence=0.9),
        m.PartOf(id="r_cp_in_front", source_id="unt_cp", target_id="act_front", confidence=0.9),
        m.PartOf(id="r_post_in_cp", source_id="pst_cp", target_id="unt_cp", confidence=0.9),
        m.Commands(id="r_cmd_cp", source_id="pst_cp", target_id="unt_cp", confidence=0.9),
        m.Holds(
            id="r_holds",
            source_id="per_local",
            target_id="pst_cp",
            confidence=0.9,
            valid_from="2023-01",
        ),
        m.Commands(id="r_cmd_army", source_id="per_gen", target_id="act_army", confidence=0.9),
        m.HasAccessTo(
            id="r_acc_gen",
            source_id="org_ngo",
            target_id="per_gen",
            strength=0.9,
            confidence=0.9,
            quality="regular",
            last_contact="2024-05",
        ),
        m.Influences(
            id="r_inf_gen",
            source_id="per_gen",
            target_id="per_local",
            strength=0.9,
            confidence=0.8,
            channel="kinship",
            last_cited="2024-05",
        ),
        m.Opposes(id="r_opp", source_id="act_army", target_id="act_front", valid_from="2019"),
    ]


def tiny_graph(as_of: date | None = QUESTION_DATE) -> nx.MultiDiGraph[str]:
    """The tiny fictional scenario as a projection at `as_of` (2024-06-01 by default)."""
    return graph_from_records(tiny_records(), as_of=as_of)
