"""A small builder of FICTIONAL projection graphs from real model objects.

Every record is a real pydantic model and the graph is made with the
projection's own `node_attributes` / `edge_attributes` (through
`queries.examples.graph_from_records`), so the attributes the analyses read
are exactly those the store's projection sets. Every name here is invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx
import pytest

from graph import model as m
from queries.examples import graph_from_records

ASKED = date(2024, 6, 1)


@dataclass
class Builder:
    """Fluent helper: ``b.org("o", engager=True).person("p").access("o", "p")``."""

    records: list[Any] = field(default_factory=list)
    _n: int = 0

    def _id(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}_{self._n}"

    def add(self, record: Any) -> Builder:
        self.records.append(record)
        return self

    # ---------------------------------------------------------------- nodes
    def org(self, node: str, *, engager: bool = False, **kw: Any) -> Builder:
        kw.setdefault("org_kind", "ingo")
        return self.add(m.Organisation(id=node, name=kw.pop("name", node), engager=engager, **kw))

    def person(self, node: str, **kw: Any) -> Builder:
        return self.add(m.Person(id=node, name=kw.pop("name", node), **kw))

    def post(self, node: str, **kw: Any) -> Builder:
        return self.add(m.Post(id=node, name=kw.pop("name", node), **kw))

    def actor(
        self, node: str, *, structure: str = "centralised", party: bool = True, **kw: Any
    ) -> Builder:
        kw.setdefault("actor_kind", "non_state_armed_group")
        return self.add(
            m.ArmedActor(
                id=node,
                name=kw.pop("name", node),
                structure=structure,
                party_to_conflict=party,
                **kw,
            )
        )

    def unit(self, node: str, *, part_of: str | None = None, **kw: Any) -> Builder:
        self.add(m.Unit(id=node, name=kw.pop("name", node), **kw))
        if part_of:
            self.part_of(node, part_of)
        return self

    def community(self, node: str, **kw: Any) -> Builder:
        return self.add(m.Community(id=node, name=kw.pop("name", node), **kw))

    def area(self, node: str, pcode: str, **kw: Any) -> Builder:
        return self.add(m.Area(id=node, name=kw.pop("name", node), pcode=pcode, **kw))

    def source(
        self, node: str, reliability: str = "A", credibility: str = "1", **kw: Any
    ) -> Builder:
        return self.add(
            m.Source(
                id=node,
                name=kw.pop("name", node),
                reliability=reliability,
                credibility=credibility,
                **kw,
            )
        )

    # ---------------------------------------------------------------- relationships
    def rel(self, cls: type[m.RelBase], source: str, target: str, **kw: Any) -> Builder:
        rel_id = kw.pop("id", None) or self._id(cls.__name__.lower())
        return self.add(cls(id=rel_id, source_id=source, target_id=target, **kw))

    def access(self, source: str, target: str, strength: float = 0.8, **kw: Any) -> Builder:
        kw.setdefault("confidence", 1.0)
        kw.setdefault("quality", "regular")
        return self.rel(m.HasAccessTo, source, target, strength=strength, **kw)

    def influences(self, source: str, target: str, strength: float = 0.8, **kw: Any) -> Builder:
        kw.setdefault("confidence", 1.0)
        return self.rel(m.Influences, source, target, strength=strength, **kw)

    def supports(self, source: str, target: str, strength: float = 0.8, **kw: Any) -> Builder:
        kw.setdefault("confidence", 1.0)
        return self.rel(m.Supports, source, target, strength=strength, **kw)

    def commands(self, source: str, target: str, strength: float = 0.8, **kw: Any) -> Builder:
        kw.setdefault("confidence", 1.0)
        return self.rel(m.Commands, source, target, strength=strength, **kw)

    def part_of(self, source: str, target: str, **kw: Any) -> Builder:
        kw.setdefault("confidence", 1.0)
        return self.rel(m.PartOf, source, target, **kw)

    def holds(self, person: str, post: str, **kw: Any) -> Builder:
        kw.setdefault("confidence", 1.0)
        return self.rel(m.Holds, person, post, **kw)

    def member_of(self, source: str, target: str, **kw: Any) -> Builder:
        kw.setdefault("confidence", 1.0)
        return self.rel(m.MemberOf, source, target, **kw)

    def focal_point(self, person: str, body: str, **kw: Any) -> Builder:
        kw.setdefault("confidence", 1.0)
        return self.rel(m.FocalPointFor, person, body, **kw)

    def belongs_to(self, member: str, community: str, **kw: Any) -> Builder:
        kw.setdefault("confidence", 1.0)
        return self.rel(m.BelongsTo, member, community, **kw)

    def allied(self, a: str, b: str, **kw: Any) -> Builder:
        return self.rel(m.AlliedWith, a, b, **kw)

    def opposes(self, a: str, b: str, **kw: Any) -> Builder:
        return self.rel(m.Opposes, a, b, **kw)

    # ---------------------------------------------------------------- output
    def graph(self, as_of: date | None = ASKED) -> nx.MultiDiGraph[str]:
        return graph_from_records(self.records, as_of=as_of)


@pytest.fixture
def build() -> Builder:
    return Builder()
