"""Who to call about an area: the armed actors that control or operate in it
(and in the areas inside it), their commanders, and who of us has access.

A convoy planner asks by place, not by group: "who holds the road through
Orrin district, who commands them there, and who of us can call them?"
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from graph import model as m
from graph.errors import NotFound
from graph.names import normalise
from graph.schema import ARMED
from graph.timeline import contact_on
from queries.command import (
    breadth_first,
    commanders,
    in_by_type,
    kind_of,
    name_of,
    owning_actors,
    sits_in,
)
from queries.constraints import ANY_PATH, PathConstraints
from queries.engagers import acting_for, resolve_engagers
from queries.explain import explain_path
from queries.leverage import passable_for
from queries.paths import best_paths
from queries.reach import influence_points
from queries.scoring import score_of
from queries.traversal import influence_graph


def find_area(graph: nx.MultiDiGraph[str], pcode: str) -> str:
    """The area with this P-code (case-insensitive), or NotFound."""
    wanted = normalise(pcode)
    for node, data in graph.nodes(data=True):
        record = data.get("record")
        if isinstance(record, m.Area) and normalise(record.pcode) == wanted:
            return str(node)
    raise NotFound(f"no area with P-code {pcode!r} (or it is above your clearance)")


def sub_areas(graph: nx.MultiDiGraph[str], area: str) -> list[str]:
    """The area and every area nested inside it (`PART_OF`), breadth first."""

    def inside(node: str) -> list[str]:
        return [c for c in in_by_type(graph, node, "PART_OF") if kind_of(graph, c) == "Area"]

    return breadth_first(graph, area, inside)


def area_contacts(
    graph: nx.MultiDiGraph[str],
    pcode: str,
    *,
    engagers: Iterable[str] | None = None,
    constraints: PathConstraints = ANY_PATH,
) -> dict[str, Any]:
    """Armed actors and others present in an area, their commanders, our access.

    For each armed actor or unit that `CONTROLS` or `OPERATES_IN` the area or
    an area inside it: its commanders (and post holders, marked ``local`` when
    they sit in the unit), the engagers with direct access to it or to where
    engagement should land given its structure (`queries.reach.influence_points`),
    and each engager's best path score to those points (same neutrality rule
    as leverage paths). Organisations and
    communities present are listed too. O(engagers * max_hops * E) per actor.

    Examples
    --------
    >>> from queries.examples import graph_from_records, tiny_records
    >>> from graph import model as m
    >>> g = graph_from_records([*tiny_records(),
    ...     m.Area(id="are_orrin", name="Orrin District", pcode="KL0101"),
    ...     m.Controls(id="r_ctl", source_id="unt_cp", target_id="are_orrin")])
    >>> found = area_contacts(g, "kl0101")
    >>> [(a["node"], a["relation"], [c["name"] for c in a["commanders"]]) for a in found["armed"]]
    [('unt_cp', 'CONTROLS', ['Commander, Checkpoint Zeta', 'Ilyo Varrant'])]
    """
    area = find_area(graph, pcode)
    found = place_contacts(
        graph,
        area,
        engagers=engagers,
        constraints=constraints,
    )
    return {**found, "pcode": pcode.upper()}


def place_contacts(
    graph: nx.MultiDiGraph[str],
    place: str,
    *,
    engagers: Iterable[str] | None = None,
    constraints: PathConstraints = ANY_PATH,
) -> dict[str, Any]:
    """`area_contacts` for a place given by id: an area (with the areas inside
    it) or a site (a checkpoint, screening site, crossing point or route)."""
    max_hops = constraints.hops(5)
    area = place
    areas = sub_areas(graph, area) if kind_of(graph, area) == "Area" else [area]
    chosen = resolve_engagers(graph, engagers)
    ig = influence_graph(graph, constraints)
    armed: dict[str, dict[str, Any]] = {}
    others: dict[str, dict[str, Any]] = {}
    for place in areas:
        for u, _, key, data in graph.in_edges(place, keys=True, data=True):
            rel_type = data.get("type")
            if rel_type not in ("CONTROLS", "OPERATES_IN"):
                continue
            bucket = armed if kind_of(graph, u) in ARMED else others
            entry = bucket.setdefault(
                u,
                {
                    "node": u,
                    "name": name_of(graph, u),
                    "kind": kind_of(graph, u),
                    "relation": rel_type,
                    "areas": [],
                },
            )
            if rel_type == "CONTROLS":
                entry["relation"] = "CONTROLS"  # control outranks presence
            entry["areas"].append(
                {
                    "area": place,
                    "name": name_of(graph, place),
                    "relationship": key,
                    "type": rel_type,
                }
            )
    searches: dict[frozenset[str], dict[str, dict[str, tuple[float, list[str]]]]] = {}
    for node, entry in armed.items():
        owners = owning_actors(graph, node)
        entry["actor"] = owners[0] if owners else None
        entry["actor_name"] = name_of(graph, owners[0]) if owners else None
        entry["structure"] = graph.nodes[owners[0]].get("structure") if owners else None
        entry["commanders"] = [
            {
                "node": c,
                "name": name_of(graph, c),
                "kind": kind_of(graph, c),
                "local": kind_of(graph, node) == "Unit" and sits_in(graph, c, node),
            }
            for c in commanders(graph, node)
        ]
        # Where a call counts follows the group's structure: the local commanders
        # of a decentralised group, the top command of an integrated one.
        doors = influence_points(graph, node)
        direct = []
        for door in doors:
            for u, _, key, data in graph.in_edges(door, keys=True, data=True):
                if data.get("type") == "HAS_ACCESS_TO" and acting_for(graph, u):
                    direct.append(
                        {
                            "from": u,
                            "from_name": name_of(graph, u),
                            "engagers": acting_for(graph, u),
                            "to": door,
                            "to_name": name_of(graph, door),
                            "relationship": key,
                            "last_contact": contact_on(data.get("record"), ig.as_of),
                        }
                    )
        entry["direct_access"] = direct
        side = ig.parties.of(node)
        if side not in searches:
            # One search per engager per side: the neutrality rule depends only on the side.
            rule = passable_for(ig, node)
            searches[side] = {
                e: best_paths(ig.digraph, [e], max_hops=max_hops, passable=rule, no_entry=chosen)
                for e in chosen
            }
        reach_rows: list[dict[str, Any]] = []
        for e in chosen:
            found = searches[side][e]
            best = min(
                ((found[d][0], found[d][1]) for d in doors if d in found and d != e),
                default=None,
            )
            if best is not None:
                reach_rows.append(
                    {
                        "engager": e,
                        "engager_name": name_of(graph, e),
                        "score": round(score_of(best[0]), 4),
                        "path": explain_path(ig, best[1], target=best[1][-1]).as_dict(),
                    }
                )
        reach_rows.sort(key=lambda r: (-r["score"], r["engager"]))
        entry["engagers"] = reach_rows
    return {
        "area": area,
        "name": name_of(graph, area),
        "kind": kind_of(graph, area),
        "as_of": ig.as_of.isoformat(),
        "areas": [{"area": a, "name": name_of(graph, a)} for a in areas],
        "armed": sorted(armed.values(), key=lambda e: (e["relation"] != "CONTROLS", e["name"])),
        "others": sorted(others.values(), key=lambda e: e["name"]),
    }
