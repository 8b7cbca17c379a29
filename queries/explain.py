"""Every hop of a leverage path, explained: what relationship, how strong, how
sure, how fresh, on what evidence, under what label.

An HC briefing cannot rest on a bare score: it needs the chain of people and
relationships, each with its evidence, and the warnings that must travel with
it (an intermediary at risk, access not confirmed for a year, a path that runs
through a party to the conflict because the user allowed it). A path's
sensitivity is the highest label among its records, so whoever shares it
knows with whom it may be shared.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.dates import upper_bound
from graph.schema import COMMAND_HOLDERS
from graph.sensitivity import Sensitivity
from queries.command import kind_of, name_of, out_by_type
from queries.engagers import acting_for
from queries.scoring import HopScore, path_score
from queries.traversal import InfluenceGraph

STALE_ACCESS_DAYS = 365


def _r(value: float) -> float:
    return round(value, 4)


@dataclass(frozen=True)
class Hop:
    """One hop: a relationship walked in one direction, with its score's factors."""

    source: str
    target: str
    source_name: str
    target_name: str
    type: str
    relationship: str
    direction: str
    strength: float
    confidence: float
    recency: float
    source_grade: str | None
    grade_factor: float
    structure_factor: float
    quality_factor: float
    type_factor: float
    score: float
    last_verified: str | None
    recency_basis: str | None
    sensitivity: str
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.source,
            "to": self.target,
            "from_name": self.source_name,
            "to_name": self.target_name,
            "type": self.type,
            "relationship": self.relationship,
            "direction": self.direction,
            "strength": _r(self.strength),
            "confidence": _r(self.confidence),
            "recency": _r(self.recency),
            "source_grade": self.source_grade,
            "grade_factor": _r(self.grade_factor),
            "structure_factor": _r(self.structure_factor),
            "quality_factor": _r(self.quality_factor),
            "type_factor": _r(self.type_factor),
            "hop_score": _r(self.score),
            "last_verified": self.last_verified,
            "recency_basis": self.recency_basis,
            "sensitivity": self.sensitivity,
            "note": self.note,
        }

    def describe(self) -> str:
        """One line for text output."""
        arrow = "->" if self.direction == "forward" else "<-"
        facts = [f"strength {self.strength:.2f}", f"confidence {self.confidence:.2f}"]
        if self.source_grade:
            facts.append(f"source {self.source_grade}")
        if self.last_verified:
            facts.append(f"last verified {self.last_verified}")
        facts.append(self.sensitivity)
        text = (
            f"{self.source_name} {arrow}[{self.type}]{arrow} {self.target_name}"
            f"  hop {self.score:.3f} ({', '.join(facts)})"
        )
        return f"{text}; {self.note}" if self.note else text


@dataclass
class LeveragePath:
    """A ranked path from one of our engagers to the target."""

    nodes: list[str]
    hops: list[Hop]
    engager: str
    engager_name: str
    acting_for: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sensitivity: str = Sensitivity.PUBLIC.value

    @property
    def score(self) -> float:
        return path_score(h.score for h in self.hops)

    def __len__(self) -> int:
        return len(self.hops)

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": _r(self.score),
            "engager": self.engager,
            "engager_name": self.engager_name,
            "acting_for": list(self.acting_for),
            "length": len(self.hops),
            "nodes": list(self.nodes),
            "sensitivity": self.sensitivity,
            "warnings": list(self.warnings),
            "hops": [h.as_dict() for h in self.hops],
        }

    def describe(self) -> list[str]:
        lines = [f"score {self.score:.3f}  from {self.engager_name}  [{self.sensitivity}]"]
        lines.extend(f"  {i}. {hop.describe()}" for i, hop in enumerate(self.hops, start=1))
        lines.extend(f"  ! {w}" for w in self.warnings)
        return lines


def _max_label(labels: list[str]) -> str:
    ranked = [Sensitivity(label) for label in labels if label in Sensitivity._value2member_map_]
    return max(ranked, key=lambda s: s.rank, default=Sensitivity.PUBLIC).value


def explain_hop(ig: InfluenceGraph, u: str, v: str) -> Hop:
    data = ig.digraph.edges[u, v]
    scored: HopScore = data["hop"]
    record = data["record"]
    return Hop(
        source=u,
        target=v,
        source_name=name_of(ig.graph, u),
        target_name=name_of(ig.graph, v),
        type=str(data["type"]),
        relationship=str(data["rel"]),
        direction=str(data["direction"]),
        strength=scored.strength,
        confidence=scored.confidence,
        recency=scored.recency,
        source_grade=scored.source_grade,
        grade_factor=scored.grade,
        structure_factor=scored.structure,
        quality_factor=scored.quality,
        type_factor=scored.type_weight,
        score=scored.score,
        last_verified=scored.last_verified,
        recency_basis=scored.recency_basis,
        sensitivity=record.sensitivity.value,
        note=data.get("note"),
    )


def path_warnings(
    ig: InfluenceGraph,
    nodes: list[str],
    hops: list[Hop],
    *,
    target: str,
    stale_after_days: int = STALE_ACCESS_DAYS,
) -> list[str]:
    """What must travel with a path: people at risk, other parties, stale access."""
    warnings: list[str] = []
    for i, node in enumerate(nodes):
        if not ig.graph.nodes[node].get("at_risk", False):
            continue
        role = (
            "the target"
            if node == target
            else ("the starting point" if i == 0 else "an intermediary")
        )
        warnings.append(
            f"{name_of(ig.graph, node)} ({node}), {role}, is marked at risk: "
            "do no harm - weigh the exposure before using this path"
        )
    for node in nodes[1:-1]:
        if ig.parties.is_other_party(node, relative_to=target):
            sides = ", ".join(name_of(ig.graph, a) for a in sorted(ig.parties.of(node)))
            warnings.append(
                f"passes through {name_of(ig.graph, node)} ({node}), on the side of {sides}, "
                "another party to the conflict: neutrality and perception risk"
            )
    for hop in hops:
        if hop.type != "HAS_ACCESS_TO":
            continue
        if hop.last_verified is None:
            warnings.append(
                f"access {hop.source_name} -> {hop.target_name} has no date of last contact"
            )
            continue
        age = (ig.as_of - upper_bound(hop.last_verified)).days
        if age > stale_after_days:
            warnings.append(
                f"access {hop.source_name} -> {hop.target_name} last confirmed "
                f"{hop.last_verified} ({age} days before {ig.as_of.isoformat()})"
            )
    return warnings


def explain_path(ig: InfluenceGraph, nodes: list[str], *, target: str) -> LeveragePath:
    """Turn a node sequence on the collapsed graph into an explained path."""
    hops = [explain_hop(ig, u, v) for u, v in itertools.pairwise(nodes)]
    labels = [h.sensitivity for h in hops]
    labels.extend(str(ig.graph.nodes[n].get("sensitivity", "")) for n in nodes)
    engager = nodes[0]
    return LeveragePath(
        nodes=list(nodes),
        hops=hops,
        engager=engager,
        engager_name=name_of(ig.graph, engager),
        acting_for=[a for a in acting_for(ig.graph, engager) if a != engager],
        warnings=path_warnings(ig, nodes, hops, target=target),
        sensitivity=_max_label(labels),
    )


# How a hop reads in a sentence, walked along its recorded direction ...
_FORWARD = {
    "HAS_ACCESS_TO": "has {quality}access to",
    "INFLUENCES": "influences",
    "SUPPORTS": "supports",
    "COMMANDS": "commands",
    "PART_OF": "is part of",
    "HOLDS": "holds",
    "ALLIED_WITH": "is allied with",
    "OPPOSES": "opposes",
    "SPLINTER_OF": "split from",
    "ASSOCIATED_WITH": "is associated with",
    "MEMBER_OF": "is a member of",
    "FOCAL_POINT_FOR": "is the focal point for",
    "BELONGS_TO": "belongs to",
}
# ... and against it (the path walks from the record's target to its source).
_BACKWARD = {
    "HAS_ACCESS_TO": "is reached by",
    "INFLUENCES": "is influenced by",
    "SUPPORTS": "is supported by",
    "COMMANDS": "is commanded by",
    "PART_OF": "includes",
    "HOLDS": "is held by",
    "ALLIED_WITH": "is allied with",
    "SPLINTER_OF": "gave rise to",
    "ASSOCIATED_WITH": "is associated with",
    "MEMBER_OF": "has as a member",
    "FOCAL_POINT_FOR": "has as focal point",
    "BELONGS_TO": "counts among its own",
}
# Kinds that read as people in a sentence ("who"); the rest are groups or places ("which").
_PEOPLE = COMMAND_HOLDERS


def relationship_sentence(
    source_name: str, target_name: str, rel_type: str, *, quality: str | None = None
) -> str:
    """One relationship read aloud, along its recorded direction.

    >>> relationship_sentence("Fernwell Relief", "the Elder", "HAS_ACCESS_TO", quality="regular")
    'Fernwell Relief has regular access to the Elder'
    >>> relationship_sentence("The Front", "The Guard", "OPPOSES")
    'The Front opposes The Guard'
    """
    phrase = _FORWARD.get(rel_type, rel_type.lower().replace("_", " "))
    phrase = phrase.format(quality=f"{quality} " if quality else "")
    return f"{source_name} {phrase} {target_name}"


def _verb(graph: nx.MultiDiGraph[str], hop: Hop) -> str:
    table = _FORWARD if hop.direction == "forward" else _BACKWARD
    phrase = table.get(hop.type, hop.type.lower().replace("_", " "))
    if "{quality}" not in phrase:
        return phrase
    quality = ""
    ends = (hop.source, hop.target)
    if graph.has_edge(*ends, key=hop.relationship):
        found = graph.edges[(*ends, hop.relationship)].get("record")
        quality = f"{getattr(found, 'quality', '') or ''} ".lstrip()
    return phrase.format(quality=quality)


def _subject(graph: nx.MultiDiGraph[str], path: LeveragePath) -> str:
    """The engager as a colleague would say it: "Fernwell's focal point Hanne"."""
    if not path.acting_for or path.engager not in graph:
        return path.engager_name
    org = path.acting_for[0]
    role = (
        "focal point" if org in out_by_type(graph, path.engager, "FOCAL_POINT_FOR") else "colleague"
    )
    return f"{name_of(graph, org)}'s {role} {path.engager_name}"


def path_sentence(graph: nx.MultiDiGraph[str], path: LeveragePath) -> str:
    """A leverage path read aloud, one clause per hop, for a briefing or a table's caption.

    `graph` is the projection the path was found on (for the access quality, the
    kind of each intermediary and the engager's organisation).

    >>> from graph import model as m
    >>> g = nx.MultiDiGraph()
    >>> for n, kind in (("h", "Person"), ("e", "Person"), ("c", "Person")):
    ...     g.add_node(n, name={"h": "Hanne", "e": "the Elder", "c": "the commander"}[n], kind=kind)
    >>> access = m.HasAccessTo(id="r1", source_id="h", target_id="e", quality="regular")
    >>> g.add_edge("h", "e", key="r1", record=access)
    'r1'
    >>> def hop(u, v, t, rel):
    ...     return Hop(u, v, g.nodes[u]["name"], g.nodes[v]["name"], t, rel, "forward",
    ...                1, 1, 1, None, 1, 1, 1, 1, 1, None, None, "public")
    >>> path = LeveragePath(["h", "e", "c"], [hop("h", "e", "HAS_ACCESS_TO", "r1"),
    ...                     hop("e", "c", "INFLUENCES", "r2")], "h", "Hanne")
    >>> path_sentence(g, path)
    'Hanne has regular access to the Elder, who influences the commander.'
    """
    if not path.hops:
        return f"{path.engager_name} is the target."
    clauses = [f"{_verb(graph, hop)} {hop.target_name}" for hop in path.hops]
    text = f"{_subject(graph, path)} {clauses[0]}"
    for hop, clause in zip(path.hops[1:], clauses[1:], strict=True):
        person = hop.source in graph and kind_of(graph, hop.source) in _PEOPLE
        relative = "who" if person else "which"
        text += f", {relative} {clause}"
    return text + "."
