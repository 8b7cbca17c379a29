"""The analysis commands: paths, reach, influencers, gaps, blocs, profile, contacts, measures.

Each builds the projection of what the viewer may see at the question date
(today unless `--as-of` says otherwise) and hands it to `queries/`; nothing
here computes an answer. Targets may be given by id or by name (aliases and
transliterations match as in `search`); an ambiguous name is an error listing
the candidates, never a guess. `--json` prints only JSON on stdout.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from graph.errors import NotFound
from graph.names import normalise
from graph.schema import TARGET_KINDS, NodeKind
from ui.cli_support import EXIT_INVALID, CliState, emit_json, fail, info, parse_as_of, state

if TYPE_CHECKING:  # networkx costs a fifth of a second: only the commands that analyse load it
    import networkx as nx

    from queries.constraints import PathConstraints

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON only, on stdout.")]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Question date, YYYY, YYYY-MM or YYYY-MM-DD (a partial date means its last day); "
        "default today.",
    ),
]
MaxHopsOpt = Annotated[int, typer.Option("--max-hops", min=1, help="Longest path, in hops.")]
MinConfOpt = Annotated[
    float | None,
    typer.Option(
        "--min-confidence",
        min=0.0,
        max=1.0,
        help="Ignore less certain relationships (default: the analyses' floor, "
        "queries.constraints.MIN_CONFIDENCE).",
    ),
]
FromOpt = Annotated[
    list[str] | None,
    typer.Option("--from", help="Engager to start from (id or name); repeat for several."),
]
ThroughPartiesOpt = Annotated[
    bool,
    typer.Option(
        "--allow-through-parties",
        help="Allow paths through another party to the conflict (they carry a warning).",
    ),
]

ENGAGER_KINDS = [NodeKind.ORGANISATION, NodeKind.PERSON]


# --------------------------------------------------------------------------- helpers


_TARGETS = [NodeKind(k) for k in sorted(TARGET_KINDS)]  # the store's search takes kinds


def _constraints(
    day: date, max_hops: int | None = None, min_confidence: float | None = None
) -> PathConstraints:
    """The one `PathConstraints` a command asks its question with, from its options.

    An option left out keeps the analyses' own default (`queries.constraints`).
    """
    from queries.constraints import PathConstraints  # not at module level: start-up time

    chosen = PathConstraints(as_of=day, max_hops=max_hops)
    return chosen if min_confidence is None else replace(chosen, min_confidence=min_confidence)


def _day(text: str | None) -> date:
    return parse_as_of(text) or date.today()


def _graph(st: CliState, day: date | None) -> nx.MultiDiGraph[str]:
    # Imported here, not at the top: the projection pulls in networkx, which
    # every other command (and `--help`) would pay for at start-up.
    from graph.projection import projection

    return projection(st.store(), viewer=st.viewer, as_of=day)


def _shown(st: CliState, graph: nx.MultiDiGraph[str], answer: Any, command: str) -> None:
    """Audit the strictly confidential records the answer names, before it is printed."""
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from graph.access import audit_shown
    from queries.shown import records_named

    audit_shown(st.store(), records_named(graph, answer), f"cli {command}")


def resolve(
    st: CliState,
    graph: nx.MultiDiGraph[str],
    text: str,
    *,
    kinds: list[NodeKind] | None = None,
    what: str = "target",
) -> str:
    """An id from an id or a name: exact id first, then a unique name or alias match.

    Only records in the projection count, so a record hidden from the viewer,
    or not valid at the question date, is "not found" like one that never existed.
    """
    if text in graph:
        return text
    found = [
        n for n in st.store().search(text, viewer=st.viewer, kinds=kinds, limit=25) if n.id in graph
    ]
    if not found:
        raise NotFound(
            f"no {what} matching {text!r} (or it is above your clearance, or not valid then)"
        )
    wanted = normalise(text)
    exact = [n for n in found if wanted in {normalise(n.name), *(normalise(a) for a in n.aliases)}]
    if len(exact) == 1:
        return exact[0].id
    if len(found) == 1:
        return found[0].id
    listed = "; ".join(f"{n.id} ({n.kind}: {n.name})" for n in (exact or found)[:10])
    fail(f"{what} {text!r} is ambiguous: {listed}. Give an id.", EXIT_INVALID)


def _resolve_many(
    st: CliState,
    graph: nx.MultiDiGraph[str],
    texts: list[str] | None,
    *,
    kinds: list[NodeKind],
    what: str,
) -> list[str] | None:
    if not texts:
        return None
    return [resolve(st, graph, t, kinds=kinds, what=what) for t in texts]


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


# --------------------------------------------------------------------------- commands


def paths(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", help="Target: armed actor, unit, person or post.")],
    from_: FromOpt = None,
    k: Annotated[int, typer.Option("-k", min=1, help="How many paths.")] = 5,
    max_hops: MaxHopsOpt = 5,
    min_confidence: MinConfOpt = None,
    as_of: AsOfOpt = None,
    allow_through_parties: ThroughPartiesOpt = False,
    exclude: Annotated[
        list[str] | None,
        typer.Option("--exclude", help="Intermediary not to use (id or name); repeatable."),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """The k best leverage paths from our engagers to a target, every hop explained."""
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from queries.leverage import leverage_paths

    st = state(ctx)
    day = _day(as_of)
    graph = _graph(st, day)
    asked = _constraints(day, max_hops, min_confidence)
    target = resolve(st, graph, to, kinds=_TARGETS)
    engagers = _resolve_many(st, graph, from_, kinds=ENGAGER_KINDS, what="engager")
    avoid = _resolve_many(st, graph, exclude, kinds=list(NodeKind), what="intermediary") or []
    result = leverage_paths(
        graph,
        target,
        engagers=engagers,
        k=k,
        constraints=asked,
        allow_through_parties=allow_through_parties,
        exclude=avoid,
    )
    _shown(st, graph, result.as_dict(), "paths")
    if json_out:
        emit_json(result.as_dict())
        return
    typer.echo(f"leverage paths to {result.target_name} ({result.target}) as of {day}")
    for i, path in enumerate(result.paths, start=1):
        lines = path.describe()
        typer.echo(f"{i}. {lines[0]}")
        for line in lines[1:]:
            typer.echo(f"   {line}")
        folded = result.variants_of(i - 1)
        if folded:
            via = ", ".join(f"via {v.hops[-1].source_name} ({v.score:.3f})" for v in folded)
            typer.echo(f"   + {len(folded)} similar, varying the last hop: {via}")
    for note in result.notes:
        info(f"note: {note}")


def reach(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(help="Armed actor, unit, person or post (id or name).")],
    from_: FromOpt = None,
    max_hops: MaxHopsOpt = 5,
    min_confidence: MinConfOpt = None,
    as_of: AsOfOpt = None,
    allow_through_parties: ThroughPartiesOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Each engager's best path to a target, and where engagement should land given
    how the target's group is commanded."""
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from queries.reach import reach as run_reach

    st = state(ctx)
    day = _day(as_of)
    graph = _graph(st, day)
    asked = _constraints(day, max_hops, min_confidence)
    node = resolve(st, graph, target, kinds=_TARGETS)
    engagers = _resolve_many(st, graph, from_, kinds=ENGAGER_KINDS, what="engager")
    result = run_reach(
        graph,
        node,
        engagers=engagers,
        constraints=asked,
        allow_through_parties=allow_through_parties,
    )
    _shown(st, graph, result.as_dict(), "reach")
    if json_out:
        emit_json(result.as_dict())
        return
    typer.echo(f"reach to {result.target_name} ({result.target}) as of {day}")
    if result.actor:
        typer.echo(f"armed actor: {result.actor_name} ({result.structure})")
    typer.echo(f"entry point: {result.entry_point}")
    for approach in result.approaches:
        typer.echo(f"  - {approach}")
    typer.echo("engagers:")
    for row in result.engagers:
        via = " -> ".join(h.target_name for h in row.path.hops) if row.path else "no path"
        typer.echo(f"  {_score(row.score):>6}  {row.engager_name}: {via}")
    typer.echo("where to land:")
    for landing in result.landings:
        who = f" (best: {landing.engager})" if landing.engager else ""
        typer.echo(f"  {_score(landing.score):>6}  {landing.name} - {landing.role}{who}")
    for note in result.notes:
        info(f"note: {note}")


def influencers(
    ctx: typer.Context,
    over: Annotated[
        list[str] | None,
        typer.Option("--over", help="Armed actor to rank influence over (default: all); repeat."),
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many to list.")] = 10,
    key: Annotated[
        int | None,
        typer.Option("--key", min=1, help="Also pick N interlocutors who together cover most."),
    ] = None,
    max_hops: Annotated[
        int, typer.Option("--max-hops", min=1, help="How far influence may travel.")
    ] = 3,
    min_confidence: MinConfOpt = None,
    as_of: AsOfOpt = None,
    include_members: Annotated[
        bool,
        typer.Option(
            "--include-members",
            help="List the actor's own commanders and members too (flagged as members).",
        ),
    ] = False,
    include_engagers: Annotated[
        bool,
        typer.Option("--include-engagers", help="List our own engagers and their staff too."),
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Who has influence over the armed actors, who brokers, and who of us reaches them.

    When no one is listed, the reason is printed (members or our own people left out).
    """
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from queries.influencers import influencers as rank
    from queries.influencers import key_interlocutors

    st = state(ctx)
    day = _day(as_of)
    graph = _graph(st, day)
    asked = _constraints(day, max_hops, min_confidence)
    actors = _resolve_many(st, graph, over, kinds=_TARGETS, what="armed actor")
    report = rank(
        graph,
        over=actors,
        top=top,
        constraints=asked,
        include_members=include_members,
        include_engagers=include_engagers,
    )
    chosen = (
        key_interlocutors(
            graph,
            key,
            over=actors,
            constraints=asked,
            include_members=include_members,
            include_engagers=include_engagers,
        )
        if key
        else None
    )
    data: dict[str, Any] = report.as_dict()
    if chosen is not None:
        data["key_interlocutors"] = chosen.as_dict()
    _shown(st, graph, data, "influencers")
    if json_out:
        emit_json(data)
        return
    typer.echo(f"influencers as of {day} (reach = sum of best path scores, {max_hops} hops max)")
    for i, item in enumerate(report.ranked, start=1):
        reached = ", ".join(f"{graph.nodes[a]['name']} {s:.2f}" for a, s in item.actors[:3])
        access = ", ".join(sorted({graph.nodes[e]["name"] for e, _, _ in item.access})) or "none"
        risk = "  [AT RISK]" if item.at_risk else ""
        member = (
            "  [MEMBER of " + ", ".join(graph.nodes[a]["name"] for a in item.member_of) + "]"
            if item.member_of
            else ""
        )
        typer.echo(f"{i:>2}. {item.name} ({item.kind}){risk}{member}")
        typer.echo(f"    reach {item.reach:.3f}  brokerage {item.brokerage:.3f}  over: {reached}")
        typer.echo(f"    our access: {access}")
    if report.reason:
        typer.echo(f"  none listed: {report.reason}")
    if chosen is not None:
        typer.echo(f"key interlocutors (coverage {chosen.coverage:.0%}):")
        for pick in chosen.picks:
            best_for = ", ".join(graph.nodes[a]["name"] for a in pick.best_for)
            typer.echo(f"  {pick.name}: +{pick.gain:.3f} ({pick.coverage:.0%}) - {best_for}")
        if chosen.uncovered:
            names = ", ".join(graph.nodes[a]["name"] for a in chosen.uncovered)
            typer.echo(f"  no one reaches: {names}")


def gaps(
    ctx: typer.Context,
    stale_days: Annotated[
        int, typer.Option("--stale-days", min=0, help="Access older than this is stale.")
    ] = 365,
    max_hops: MaxHopsOpt = 5,
    min_confidence: MinConfOpt = None,
    as_of: AsOfOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Who no engager reaches, single points of failure, stale access, complementarity."""
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from queries.gaps import gaps as find_gaps

    st = state(ctx)
    day = _day(as_of)
    graph = _graph(st, day)
    report = find_gaps(graph, _constraints(day, max_hops, min_confidence), stale_days)
    _shown(st, graph, report.as_dict(), "gaps")
    if json_out:
        emit_json(report.as_dict())
        return
    typer.echo(f"gaps as of {day} ({max_hops} hops max, access stale after {stale_days} days)")
    typer.echo("armed actors no engager reaches:")
    for u in report.unreachable_actors or []:
        typer.echo(f"  {u.name} ({u.node})")
    if not report.unreachable_actors:
        typer.echo("  none")
    typer.echo("commanders no engager reaches:")
    for u in report.unreachable_commanders:
        typer.echo(f"  {u.name} ({u.node}, {u.kind})")
    if not report.unreachable_commanders:
        typer.echo("  none")
    typer.echo("single points of failure:")
    for s in report.single_points:
        parts = []
        if s.through:
            parts.append("only through " + ", ".join(name for _, name in s.through))
        if s.sole_engager:
            parts.append(f"only {s.sole_engager[1]} reaches it")
        typer.echo(f"  {s.actor_name}: {'; '.join(parts)}")
    typer.echo("single points of failure per engager and entry point:")
    for e in report.engager_single_points:
        through = ", ".join(name for _, name in e.through)
        typer.echo(
            f"  {e.engager_name} -> {e.entry_name} ({e.role}; {e.actor_name}): "
            f"only through {through}"
        )
    if not report.engager_single_points:
        typer.echo("  none")
    typer.echo("stale access:")
    for a in report.stale_access:
        typer.echo(
            f"  {a.source_name} -> {a.target_name}: last contact {a.last_contact} "
            f"({a.age_days} days, {a.quality})"
        )
    for a in report.undated_access:
        typer.echo(f"  {a.source_name} -> {a.target_name}: never dated")
    typer.echo("complementarity (best score per engager):")
    engagers = [e for e, _ in report.engagers]
    typer.echo("  " + " ".join(f"{e[:12]:>12}" for e in engagers) + "  actor")
    for actor, name in report.actors:
        cells = " ".join(f"{_score(report.matrix[actor][e]):>12}" for e in engagers)
        typer.echo(f"  {cells}  {name}")


def blocs(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    compare: Annotated[
        str | None,
        typer.Option(
            "--compare", help="Earlier date to compare with: whose own ties changed since."
        ),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Blocs of armed actors on a date, from their own alliances and oppositions
    then (contested pairs listed apart); with --compare, whose ties changed."""
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from queries.blocs import bloc_map, compare_blocs

    st = state(ctx)
    day = _day(as_of)
    graph = _graph(st, day)  # the projection of the question date, never an undated one
    if compare is None:
        found = bloc_map(graph)
        _shown(st, graph, found.as_dict(), "blocs")
        if json_out:
            emit_json(found.as_dict())
            return
        typer.echo(f"blocs as of {day}")
        for b in found.blocs:
            against = f"  (opposes {', '.join(b.opposes)})" if b.opposes else ""
            typer.echo(f"  {b.id} {b.label}: {', '.join(b.names)}{against}")
        if found.contested:
            typer.echo(
                "contested pairs (allied and opposed that day; they neither join nor split):"
            )
            for contest in found.contested:
                typer.echo(f"  {contest.describe()}")
        return
    before_day = _day(compare)
    before = _graph(st, before_day)
    result = compare_blocs(before, graph)
    _shown(st, before, result.as_dict(), "blocs --compare")
    _shown(st, graph, result.as_dict(), "blocs --compare")
    if json_out:
        emit_json({"from": before_day.isoformat(), "to": day.isoformat(), **result.as_dict()})
        return
    typer.echo(f"ties that changed {before_day} -> {day} (only actors whose own ties changed)")
    actor = None
    for change in result.changes:
        if change.actor != actor:
            actor = change.actor
            typer.echo(f"  {change.name}")
        typer.echo(f"    {change.category}: {change.transition()}")
    if not result.changes:
        typer.echo("  none")
    if result.membership_changed:
        typer.echo("bloc membership changed through other actors' ties (own ties unchanged):")
        for mc in result.membership_changed:
            parts = []
            if mc.now_with:
                parts.append("now with " + ", ".join(result.names[a] for a in mc.now_with))
            if mc.no_longer_with:
                parts.append(
                    "no longer with " + ", ".join(result.names[a] for a in mc.no_longer_with)
                )
            typer.echo(f"  {mc.name}: {'; '.join(parts)}")
    for side in (result.before, result.after):
        typer.echo(
            f"blocs on {side.as_of}: "
            + "; ".join(f"{b.id} {b.label} ({len(b.members)})" for b in side.blocs)
        )


def profile(
    ctx: typer.Context,
    actor: Annotated[str, typer.Argument(help="Armed actor (id or name).")],
    as_of: AsOfOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """An armed actor's profile: COM, command tree, allegiances, influence, access,
    incidents against commitments, engagements, and a recommended approach."""
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from queries.profiles import profile as build_profile

    st = state(ctx)
    day = _day(as_of)
    graph = _graph(st, day)
    node = resolve(st, graph, actor, kinds=[NodeKind.ARMED_ACTOR], what="armed actor")
    history = _graph(st, None)
    data = build_profile(
        graph, node, history_graph=history, constraints=_constraints(day)
    ).as_dict()
    _shown(st, history, data, "profile")
    if json_out:
        emit_json(data)
        return
    _print_profile(data)


def _print_profile(data: dict[str, Any]) -> None:
    typer.echo(f"{data['name']} ({data['actor']}) as of {data['as_of']}")
    typer.echo(
        f"  {data['actor_kind']}, {data['structure']}, "
        f"{'party to the conflict' if data['party_to_conflict'] else 'not a party'}"
        + (f", threat {data['threat_level']}" if data["threat_level"] else "")
    )
    com = data["com"]
    if com:
        scores = ", ".join(
            f"{d} {com[d]['score']:.2f}" for d in ("capability", "opportunity", "motivation")
        )
        typer.echo(f"  COM ({com['assessed_on']}): {scores}; weakest: {com['weakest']}")
    typer.echo("command:")
    _print_tree(data["command_tree"], 1)
    typer.echo("allegiances:")
    for a in data["allegiances"]:
        when = f"{a['holds_from'] or '?'} to {a['holds_to'] or 'now'}"
        if a["basis"] == "inferred":  # say what the window rests on
            when = f"{when} (evidence {a['first_cited'] or '?'} to {a['last_cited'] or '?'})"
        if a.get("ended_by"):
            when = f"{when}, ended by contrary evidence"
        flag = "" if a["current"] else " (past)"
        typer.echo(f"  {a['type']} {a['with_name']} {when}{flag}")
    typer.echo("influencers:")
    for i in data["influencers"]:
        typer.echo(f"  {i['name']} (reach {i['reach']:.3f})")
    typer.echo("our reach:")
    for e in data["reach"]["engagers"]:
        if e["score"] is not None:
            typer.echo(f"  {e['score']:.3f}  {e['engager_name']}")
    typer.echo("incidents:")
    for pattern, group in data["incidents"].items():
        typer.echo(f"  {pattern}: {group['count']} ({group['fatalities']} killed)")
    for c in data["commitments"]:
        typer.echo(
            f"  commitment {c['name']} ({c['date']}): {c['harm_since']} harmful incident(s) and "
            f"{c['restraint_since']} restraint since"
        )
    typer.echo(f"engagements: {len(data['engagements'])}")
    for e in data["engagements"][:5]:
        typer.echo(f"  {e['date']} {e['name']}: {e['outcome'] or ''}")
    typer.echo("recommended approach:")
    for line in data["recommended_approach"]:
        typer.echo(f"  - {line}")


def _print_tree(node: dict[str, Any], depth: int) -> None:
    pad = "  " * depth
    heads = ", ".join(c["name"] for c in node["commanders"]) or "commander unknown"
    typer.echo(f"{pad}{node['name']} - {heads}")
    for child in node["units"]:
        _print_tree(child, depth + 1)


def contacts(
    ctx: typer.Context,
    area: Annotated[
        str | None, typer.Option("--area", help="P-code of the area, e.g. KL0101.")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", help="LON,LAT: the areas covering the point and sites near it."),
    ] = None,
    radius_km: Annotated[
        float, typer.Option("--radius-km", min=0.0, help="With --at: how far to look for sites.")
    ] = 10.0,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", "--on", help="Question date (YYYY, YYYY-MM, YYYY-MM-DD)."),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Who controls or operates in an area (and the areas inside it), or at a point and
    the sites near it, their commanders, and who of us has access."""
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from queries.contacts import area_contacts

    st = state(ctx)
    day = _day(as_of)
    graph = _graph(st, day)
    if (area is None) == (at is None):
        fail("give --area PCODE or --at LON,LAT (one of them)", EXIT_INVALID)
    if at is not None:
        # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
        from ui.cli_places import contacts_at_point

        contacts_at_point(st, graph, at, day, radius_km, json_out)
        return
    assert area is not None
    data = area_contacts(graph, area, constraints=_constraints(day))
    _shown(st, graph, data, "contacts")
    if json_out:
        emit_json(data)
        return
    typer.echo(
        f"{data['name']} ({data['pcode']}) and {len(data['areas']) - 1} area(s) inside it, "
        f"as of {data['as_of']}"
    )
    print_contacts(data)


def print_contacts(data: dict[str, Any], indent: str = "  ") -> None:
    """The armed actors (with commanders and engagers) and others of one place."""
    for entry in data["armed"]:
        places = ", ".join(sorted({a["name"] for a in entry["areas"]}))
        typer.echo(f"{indent}{entry['relation']:<11} {entry['name']} ({places})")
        heads = ", ".join(c["name"] for c in entry["commanders"]) or "commander unknown"
        typer.echo(f"{indent}    commanders: {heads}")
        for e in entry["engagers"]:
            typer.echo(f"{indent}    {e['score']:.3f}  {e['engager_name']}")
        if not entry["engagers"]:
            typer.echo(f"{indent}    no engager reaches them")
    for entry in data["others"]:
        typer.echo(f"{indent}{entry['relation']:<11} {entry['name']} ({entry['kind']})")


def _names(values: list[str] | None) -> list[str] | None:
    """Repeated options, each possibly a comma-separated list: `--kinds Person,Unit`."""
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def measures(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    kinds: Annotated[
        list[str] | None,
        typer.Option(
            "--kinds",
            help="Node kinds to measure (repeat, or comma-separate); default: Person, "
            "ArmedActor, Unit, Organisation, Community (posts fold into their holders).",
        ),
    ] = None,
    types: Annotated[
        list[str] | None,
        typer.Option(
            "--types",
            help="Relationship types that count as ties (repeat, or comma-separate); default: "
            "every tie between actors except OPPOSES.",
        ),
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many nodes to list.")] = 10,
    json_out: JsonOpt = False,
) -> None:
    """Network measures: degree, betweenness, closeness, eigenvector per node; density,
    transitivity, diameter, components and communities, each with its normalisation."""
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from queries.measures import measures as compute

    st = state(ctx)
    day = _day(as_of)
    graph = _graph(st, day)
    result = compute(graph, kinds=_names(kinds), types=_names(types))
    data = result.as_dict(top)
    data["as_of"] = day.isoformat()
    _shown(st, graph, data, "measures")
    if json_out:
        emit_json(data)
        return
    net = data["network"]
    typer.echo(f"network measures as of {day}")
    typer.echo(f"  kinds: {', '.join(result.kinds)}")
    typer.echo(f"  ties: {', '.join(result.types)} (undirected, unweighted, one per pair)")
    if result.posts_folded:
        typer.echo("  posts folded into the people holding them")
    typer.echo(
        f"  {net['nodes']} nodes, {net['ties']} ties; density {net['density']:.4f}; "
        f"transitivity {net['transitivity']:.4f}; average clustering "
        f"{net['average_clustering']:.4f}"
    )
    sizes = ", ".join(str(size) for size in net["component_sizes"]) or "none"
    typer.echo(f"  components: {len(net['component_sizes'])} (sizes {sizes})")
    if net["connected"]:
        typer.echo(
            f"  diameter {net['diameter']}; average path length {net['average_path_length']:.4f}"
        )
    else:
        for c in result.components:
            if c.size > 1:
                typer.echo(
                    f"  component {c.index} ({c.size} nodes): diameter {c.diameter}, "
                    f"average path length {c.average_path_length:.4f}"
                )
    typer.echo(
        f"  communities (greedy modularity): {len(result.communities)}, "
        f"modularity {result.modularity:.4f}"
    )
    typer.echo("  rank  betweenness (raw)   degree  closeness  eigenvector  name")
    for i, n in enumerate(result.ranked[:top], start=1):
        typer.echo(
            f"  {i:>4}  {n.betweenness:.4f} ({n.betweenness_raw:>8.2f})  {n.degree:>6}  "
            f"{n.closeness:.4f}     {n.eigenvector:.4f}       {n.name} ({n.node})"
        )
    typer.echo("normalisation:")
    for key, text in data["normalisation"].items():
        typer.echo(f"  {key}: {text}")
    for note in result.notes:
        info(f"note: {note}")


def register(app: typer.Typer) -> None:
    """Add the analysis commands to the `actorgraph` CLI."""
    app.command("paths")(paths)
    app.command("reach")(reach)
    app.command("influencers")(influencers)
    app.command("gaps")(gaps)
    app.command("blocs")(blocs)
    app.command("profile")(profile)
    app.command("contacts")(contacts)
    app.command("measures")(measures)
