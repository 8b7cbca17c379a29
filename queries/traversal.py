"""Which relationships a leverage path may walk, in which direction, at what cost.

Leverage flows from our side to the target's side. The rules:

- ``HAS_ACCESS_TO`` forward: who can reach whom.
- ``INFLUENCES`` forward: who can move whom.
- ``SUPPORTS`` forward, weaker: a supporter can condition its support.
- ``FOCAL_POINT_FOR`` forward (the focal point is how a body is reached) and,
  from an organisation, reverse (an organisation acts through its focal point).
- ``MEMBER_OF`` reverse from an organisation or community (they act on their
  members) and forward into an organisation (a member carries a message in).
- ``HOLDS`` both ways: access to a post reaches its current holder, and the
  holder acts with the post's authority.
- ``COMMANDS`` forward. Command over a whole group, or over a unit from above
  it, runs *down* the hierarchy and is weakened by the group's structure
  (strongly in decentralised groups); a commander who sits in their own unit
  exercises local command, which keeps its strength. A formation may command
  a unit attached to it (``Unit COMMANDS Unit``), walked the same way.
- ``COMMANDS`` reverse, from a formation to its own commander (a person or
  post that does not sit or command higher up its chain): orders that reach
  a unit from above reach whoever commands it, however that is recorded.
- ``PART_OF`` reverse, from the parent to its part: down a hierarchy, weakened
  by structure; from a formation or organisation to the posts inside it.
- ``ASSOCIATED_WITH`` both ways, weaker: a symmetric tie (association,
  co-participation, kinship) says two people know each other, not that one
  can move the other, so it scores strength x ``type_weight`` 0.6
  (`queries.scoring.TYPE_WEIGHT`), the same in either direction.
- ``BELONGS_TO`` reverse, from a community to its members: a community's
  leaders and norms reach the groups embedded in it, strongly only for
  community-embedded groups.

Everything else (alliances, oppositions, areas, incidents, sources) is not a
channel of leverage and is not walked.

`influence_graph` collapses the projection (a `MultiDiGraph`, several
relationships per pair) into a simple `DiGraph` that keeps, for each directed
pair, only the best hop, with its relationship id and the factors of its
score, and ``weight = -log(score)`` so that shortest paths are best products.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import networkx as nx

from graph import model as m
from graph.schema import ARMED
from graph.timeline import holds_on
from queries.command import (
    Parties,
    is_own_commander,
    kind_of,
    owning_actors,
    sits_in,
    structure_of,
)
from queries.constraints import ANY_PATH, PathConstraints
from queries.memo import remembered
from queries.scoring import DEFAULT_PARAMS, HopScore, ScoringParams, hop_score, question_date
from queries.scoring import weight_of as _weight_of

Direction = Literal["forward", "reverse"]


@dataclass(frozen=True)
class Step:
    """One way to walk one relationship: from `source` to `target`."""

    source: str
    target: str
    direction: Direction
    structure: float = 1.0
    note: str | None = None


def _structure_note(structure: str | None, factor: float, what: str) -> str | None:
    if factor >= 1.0:
        return None
    label = (structure or "unknown structure").replace("_", "-")
    return f"{what} in a {label} group carries less influence (x{factor:g})"


def steps_for(
    graph: nx.MultiDiGraph[str],
    source: str,
    target: str,
    rel_type: str,
    params: ScoringParams = DEFAULT_PARAMS,
) -> list[Step]:
    """The traversal rules (module docstring) applied to one relationship."""
    sk, tk = kind_of(graph, source), kind_of(graph, target)
    if rel_type in ("HAS_ACCESS_TO", "INFLUENCES", "SUPPORTS"):
        return [Step(source, target, "forward")]
    if rel_type in ("HOLDS", "ASSOCIATED_WITH"):
        return [Step(source, target, "forward"), Step(target, source, "reverse")]
    if rel_type == "FOCAL_POINT_FOR":
        steps = [Step(source, target, "forward")]
        if tk == "Organisation":
            steps.append(Step(target, source, "reverse"))
        return steps
    if rel_type == "MEMBER_OF":
        steps = []
        if tk in ("Organisation", "Community"):
            steps.append(Step(target, source, "reverse"))
        if tk == "Organisation":
            steps.append(Step(source, target, "forward"))
        return steps
    if rel_type == "COMMANDS":
        # Orders that reach a formation from above reach its own commander,
        # however command is recorded (Person COMMANDS Unit has no post to
        # walk through): the reverse step, unweakened, since the way down to
        # the formation already paid for the structure. Not toward a commander
        # who sits higher up (the chair "commanding" a checkpoint): that
        # would walk up the hierarchy.
        back = (
            [Step(target, source, "reverse")]
            if tk in ARMED and is_own_commander(graph, source, target)
            else []
        )
        if tk == "ArmedActor":
            structure = structure_of(graph, target)
            factor = params.structure_down(structure)
            note = _structure_note(structure, factor, "command from the top")
            return [Step(source, target, "forward", factor, note), *back]
        if params.local_command is not None and sits_in(graph, source, target):
            return [Step(source, target, "forward", params.local_command), *back]
        structure = structure_of(graph, target)
        factor = params.structure_down(structure)
        note = _structure_note(structure, factor, "command")
        return [Step(source, target, "forward", factor, note), *back]
    if rel_type == "PART_OF":
        # Walked downward only: from the parent to its part.
        if sk in ARMED and tk in ARMED:
            actors = owning_actors(graph, target)
            structure = graph.nodes[actors[0]].get("structure") if actors else None
            factor = params.structure_down(structure if isinstance(structure, str) else None)
            note = _structure_note(
                structure if isinstance(structure, str) else None, factor, "command down a level"
            )
            return [Step(target, source, "reverse", factor, note)]
        if sk == "Post" and tk in ARMED | {"Organisation"}:
            return [Step(target, source, "reverse")]
        if sk == "Organisation" and tk == "Organisation":
            return [Step(target, source, "reverse")]
        return []
    if rel_type == "BELONGS_TO":
        if sk in ARMED:
            structure = structure_of(graph, source)
            factor = params.community_pull.get(structure or "", params.unknown_structure)
            note = None
            if factor < 1.0:
                label = (structure or "unknown structure").replace("_", "-")
                note = f"a community's pull on a {label} group is limited (x{factor:g})"
            return [Step(target, source, "reverse", factor, note)]
        return [Step(target, source, "reverse")]
    return []


@dataclass
class InfluenceGraph:
    """The collapsed graph a question is answered on, with what it was built from.

    ``digraph`` edges carry: ``weight`` (``-log(score)``), ``score``, ``hop``
    (the `HopScore` factors), ``rel`` (relationship id), ``type``,
    ``direction``, ``record`` (the relationship model) and ``note``.
    """

    graph: nx.MultiDiGraph[str]
    digraph: nx.DiGraph[str]
    as_of: date
    params: ScoringParams
    min_confidence: float
    parties: Parties

    def hop(self, u: str, v: str) -> dict[str, Any]:
        return dict(self.digraph.edges[u, v])


def influence_graph(
    graph: nx.MultiDiGraph[str], constraints: PathConstraints = ANY_PATH
) -> InfluenceGraph:
    """Collapse the projection to the best hop per directed pair (cached when frozen).

    The store's projections are frozen, so the collapse is computed once per
    projection and question; the returned graph is then shared and frozen too.
    An unfrozen graph (built by hand, say) is collapsed afresh every call.

    Examples
    --------
    >>> import networkx as nx
    >>> from queries.examples import tiny_graph
    >>> projection = nx.freeze(tiny_graph())
    >>> june = PathConstraints(as_of=date(2024, 6, 1))
    >>> first = influence_graph(projection, june)
    >>> influence_graph(projection, june) is first
    True
    >>> nx.is_frozen(first.digraph)
    True
    """
    min_confidence = constraints.min_confidence
    params = constraints.params or DEFAULT_PARAMS
    day = question_date(graph, constraints.as_of)
    # ScoringParams holds dicts, so it is keyed by its (deterministic) repr.
    key = (day, float(min_confidence), repr(params))
    if not nx.is_frozen(graph):
        return collapse(graph, PathConstraints(day, min_confidence, params=params))

    def shared() -> InfluenceGraph:
        # A frozen projection never changes (a write makes the store build a new
        # one): its collapse for one question is computed once, and frozen too.
        built = collapse(graph, PathConstraints(day, min_confidence, params=params))
        nx.freeze(built.digraph)
        return built

    return remembered(graph, ("influence_graph", *key), shared)


def collapse(
    graph: nx.MultiDiGraph[str], constraints: PathConstraints = ANY_PATH
) -> InfluenceGraph:
    """Collapse the projection to the best hop per directed pair.

    O(E) plus one `PART_OF` walk per command or nesting edge. Relationships
    below `min_confidence`, outside their validity at the question date, or
    whose hop scores zero (suspended access) are left out.

    Examples
    --------
    >>> from datetime import date
    >>> from queries.examples import tiny_graph
    >>> ig = influence_graph(tiny_graph(), PathConstraints(as_of=date(2024, 6, 1)))
    >>> ig.digraph.edges["org_ocha", "per_fp"]["type"]  # OCHA acts through its focal point
    'FOCAL_POINT_FOR'
    >>> ig.digraph.edges["org_ocha", "per_fp"]["direction"]
    'reverse'
    >>> ("per_local", "per_elder") in ig.digraph.edges  # influence runs one way
    False
    """
    min_confidence = constraints.min_confidence
    params = constraints.params or DEFAULT_PARAMS
    day = question_date(graph, constraints.as_of)
    digraph: nx.DiGraph[str] = nx.DiGraph()
    live: set[str] = set()
    for node, data in graph.nodes(data=True):
        record = data.get("record")
        if not isinstance(record, m.Envelope) or holds_on(record, day):
            live.add(node)
    digraph.add_nodes_from(sorted(live))
    for u, v, key, data in graph.edges(keys=True, data=True):
        record = data.get("record")
        if not isinstance(record, m.RelBase) or u not in live or v not in live:
            continue
        if record.confidence < min_confidence or not holds_on(record, day):
            continue
        for step in steps_for(graph, u, v, str(data.get("type")), params):
            scored: HopScore = hop_score(
                graph, record, as_of=day, structure=step.structure, params=params
            )
            score = scored.score
            if score <= 0.0:
                continue
            if digraph.has_edge(step.source, step.target):
                held = digraph.edges[step.source, step.target]
                # Best score wins; equal scores fall back to the smaller id, so
                # the answer never depends on the order the store returned rows.
                better = score > held["score"] or (
                    score == held["score"] and str(key) < str(held["rel"])
                )
                if not better:
                    continue
            digraph.add_edge(
                step.source,
                step.target,
                weight=_weight_of(score),
                score=score,
                hop=scored,
                rel=str(key),
                type=str(data.get("type")),
                direction=step.direction,
                record=record,
                note=step.note,
            )
    return InfluenceGraph(
        graph=graph,
        digraph=digraph,
        as_of=day,
        params=params,
        min_confidence=min_confidence,
        parties=Parties(graph),
    )
