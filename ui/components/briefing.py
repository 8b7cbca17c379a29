"""A leverage-path answer as a short briefing, in Markdown and in HTML.

The briefing carries its own sensitivity label (the highest label among
everything it shows: the target, every record on its paths, and the sources
it names with their locators as evidence), the question's constraints, every hop with its
evidence, the warnings that must travel with a path, and the audit chain's
head when it was made (a witness: `actorgraph audit verify --against` that
line proves the store's history was not rewritten since). In HTML every piece
of data is escaped; in Markdown it is backslash-escaped, so a name cannot
become a link or markup in whatever renders the file.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date

import networkx as nx

from graph import model as m
from graph.audit import Checkpoint
from graph.sensitivity import Sensitivity
from queries.explain import Hop, LeveragePath
from queries.leverage import LeverageResult
from queries.shown import records_of

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def _md(text: object) -> str:
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _h(text: object) -> str:
    return html.escape(str(text), quote=True)


@dataclass(frozen=True)
class Evidence:
    """What backs one hop: visible sources with their grades, and how many are not visible.

    `labels` are the sensitivities of the sources named: a source's name and
    locator can be more sensitive than the relationship it backs, and the
    briefing that names it must carry that label.
    """

    sources: list[str] = field(default_factory=list)
    hidden: int = 0
    labels: list[Sensitivity] = field(default_factory=list)

    def text(self) -> str:
        parts = list(self.sources)
        if self.hidden:
            parts.append(f"{self.hidden} source(s) above your clearance")
        return "; ".join(parts) if parts else "no source cited"


def _relationship(graph: nx.MultiDiGraph[str], hop: Hop) -> m.AnyRelationship | None:
    for u, v in ((hop.source, hop.target), (hop.target, hop.source)):
        if graph.has_edge(u, v, key=hop.relationship):
            record = graph.edges[u, v, hop.relationship].get("record")
            if isinstance(record, m.RelBase):
                return record  # type: ignore[return-value]
    return None


def hop_evidence(graph: nx.MultiDiGraph[str], hop: Hop) -> Evidence:
    record = _relationship(graph, hop)
    if record is None:
        return Evidence()
    shown: list[str] = []
    labels: list[Sensitivity] = []
    hidden = 0
    for ref in record.sources:
        source = graph.nodes[ref.source_id].get("record") if ref.source_id in graph else None
        if not isinstance(source, m.Source):
            hidden += 1
            continue
        grade = f"{source.reliability.value}{source.credibility.value}"
        where = f", {ref.locator}" if ref.locator else ""
        shown.append(f"{source.name} ({grade}{where})")
        labels.append(source.sensitivity)
    return Evidence(shown, hidden, labels)


def label_of(result: LeverageResult, graph: nx.MultiDiGraph[str]) -> str:
    """The briefing's label: the highest sensitivity of everything it shows.

    That is the target, each path (its nodes and relationships) and each
    source named as a hop's evidence: a reader cleared to the label can read
    the whole briefing, and whoever forwards it knows how far it may go.
    """
    labels = [Sensitivity(p.sensitivity) for p in result.paths]
    if result.target in graph:
        labels.append(Sensitivity(graph.nodes[result.target]["sensitivity"]))
    for path in result.paths:
        for hop in path.hops:
            labels.extend(hop_evidence(graph, hop).labels)
    return max(labels, key=lambda s: s.rank, default=Sensitivity.PUBLIC).value


def _constraints(result: LeverageResult) -> list[str]:
    c = result.constraints
    out = [
        f"at most {c.get('max_hops')} hops",
        f"minimum confidence {c.get('min_confidence')}",
        "paths through other parties to the conflict "
        + ("allowed (with a warning)" if c.get("allow_through_parties") else "excluded"),
    ]
    if c.get("exclude"):
        out.append("excluded intermediaries: " + ", ".join(c["exclude"]))
    return out


def _hop_line(i: int, hop: Hop) -> str:
    arrow = "→" if hop.direction == "forward" else "←"
    return f"{i}. {hop.source_name} {arrow} {hop.type} {arrow} {hop.target_name}"


def _hop_facts(hop: Hop) -> str:
    facts = [
        f"hop score {hop.score:.2f}",
        f"strength {hop.strength:.2f}",
        f"confidence {hop.confidence:.2f}",
    ]
    if hop.source_grade:
        facts.append(f"source grade {hop.source_grade}")
    facts.append(f"last verified {hop.last_verified or 'unknown'}")
    facts.append(hop.sensitivity)
    return ", ".join(facts)


def _head_line(head: Checkpoint) -> str:
    return f"Audit head when made: {head.line()}"


def _provenance(author: str, store: str) -> list[str]:
    """Who made the briefing and from which store (left out when unknown)."""
    return [
        *([f"Prepared by: {author}"] if author else []),
        *([f"Store: {store}"] if store else []),
    ]


def markdown(
    result: LeverageResult,
    graph: nx.MultiDiGraph[str],
    *,
    made_on: date,
    head: Checkpoint,
    author: str = "",
    store: str = "",
) -> str:
    """The briefing as CommonMark that also reads as plain text.

    Structure is real Markdown (a heading per path, each hop an ordered list
    item with its facts as a nested list, notes as a block quote set apart by
    blank lines), so any viewer renders it as such; the label opens and
    closes the file, so a printed or pasted excerpt from either end carries it.
    The audit head it was made at is a witness (`audit verify --against`).
    """
    label = label_of(result, graph)
    banner = f"**Sensitivity: {label.upper()}**: share only with readers cleared to {label}."
    lines = [
        f"# Leverage paths to {_md(result.target_name)}",
        "",
        banner,
        "",
        f"- Target: {_md(result.target_name)} ({_md(result.target_kind)}, `{result.target}`)",
        f"- Question date: {result.as_of.isoformat()}; briefing made {made_on.isoformat()}",
        *(f"- {_md(p)}" for p in _provenance(author, store)),
        f"- Engagers considered: {len(result.engagers)}",
        *(f"- {_md(c)}" for c in _constraints(result)),
        "",
    ]
    for note in result.notes:
        lines += [f"> {_md(note)}", ""]
    if not result.paths:
        lines += ["No path was found within these constraints.", ""]
    for rank, path in enumerate(result.paths, start=1):
        lines += [
            f"## {rank}. From {_md(path.engager_name)}: score {path.score:.3f}, "
            f"{len(path)} hop(s) [{path.sensitivity}]",
            "",
        ]
        for i, hop in enumerate(path.hops, start=1):
            lines.append(f"{i}. {_md(_hop_line(i, hop).split('. ', 1)[1])}")
            lines.append(f"   - {_md(_hop_facts(hop))}")
            lines.append(f"   - evidence: {_md(hop_evidence(graph, hop).text())}")
            if hop.note:
                lines.append(f"   - note: {_md(hop.note)}")
        lines.append("")
        for warning in path.warnings:
            lines += [f"**Warning:** {_md(warning)}", ""]
    lines += [
        "_Generated by actorgraph from the data you are cleared to see._",
        "",
        f"`{_head_line(head)}`",
        "",
        banner,
    ]
    return "\n".join(lines) + "\n"


def html_document(
    result: LeverageResult,
    graph: nx.MultiDiGraph[str],
    *,
    made_on: date,
    head: Checkpoint,
    author: str = "",
    store: str = "",
) -> str:
    """The briefing as one self-contained HTML page; printed, every page carries the label
    (a fixed element repeats on each printed page)."""
    label = label_of(result, graph)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">",
        f"<title>Leverage paths to {_h(result.target_name)}</title>",
        "<style>body{font-family:Arial,sans-serif;max-width:56em;margin:2em auto;color:#222}"
        ".label{border:2px solid #922b21;color:#922b21;padding:.3em .6em;font-weight:bold;"
        "display:inline-block}.warn{color:#922b21}table{border-collapse:collapse;width:100%}"
        "td,th{border:1px solid #ccc;padding:.25em .4em;font-size:.9em;text-align:left}"
        ".pagelabel{display:none}@media print{.pagelabel{display:block;position:fixed;"
        "top:0;right:0;font-size:.8em;font-weight:bold;color:#922b21}body{margin-top:2em}}"
        "</style></head><body>",
        f'<div class="pagelabel">{_h(label.upper())}</div>',
        f'<p class="label">Sensitivity: {_h(label.upper())}: share only with readers '
        f"cleared to {_h(label)}</p>",
        f"<h1>Leverage paths to {_h(result.target_name)}</h1>",
        "<ul>",
        f"<li>Target: {_h(result.target_name)} ({_h(result.target_kind)}, "
        f"<code>{_h(result.target)}</code>)</li>",
        f"<li>Question date: {_h(result.as_of.isoformat())}; briefing made "
        f"{_h(made_on.isoformat())}</li>",
        *(f"<li>{_h(p)}</li>" for p in _provenance(author, store)),
        f"<li>Engagers considered: {len(result.engagers)}</li>",
        *(f"<li>{_h(c)}</li>" for c in _constraints(result)),
        "</ul>",
    ]
    parts.extend(f"<p><em>{_h(note)}</em></p>" for note in result.notes)
    if not result.paths:
        parts.append("<p>No path was found within these constraints.</p>")
    for rank, path in enumerate(result.paths, start=1):
        parts.append(
            f"<h2>{rank}. From {_h(path.engager_name)}: score {path.score:.3f}, "
            f"{len(path)} hop(s) [{_h(path.sensitivity)}]</h2>"
        )
        parts.append("<table><tr><th>#</th><th>hop</th><th>facts</th><th>evidence</th></tr>")
        for i, hop in enumerate(path.hops, start=1):
            note = f"<br><em>{_h(hop.note)}</em>" if hop.note else ""
            parts.append(
                f"<tr><td>{i}</td><td>{_h(_hop_line(i, hop).split('. ', 1)[1])}{note}</td>"
                f"<td>{_h(_hop_facts(hop))}</td>"
                f"<td>{_h(hop_evidence(graph, hop).text())}</td></tr>"
            )
        parts.append("</table>")
        parts.extend(f'<p class="warn">Warning: {_h(w)}</p>' for w in path.warnings)
    parts.append(
        "<p><small>Generated by actorgraph from the data you are cleared to see."
        f"</small></p><p><small><code>{_h(_head_line(head))}</code></small></p></body></html>"
    )
    return "\n".join(parts) + "\n"


def path_edges(path: LeveragePath) -> list[str]:
    """Relationship ids along a path (for highlighting)."""
    return [hop.relationship for hop in path.hops]


def shown_ids(result: LeverageResult, graph: nx.MultiDiGraph[str]) -> list[str]:
    """Every record the paths (and their briefing) show: the target, each path's
    nodes and relationships (folded variants too), and each source named as a
    hop's evidence."""
    ids = [result.target, *result.engagers]
    folded = [v for variants in result.variants for v in variants]
    for path in [*result.paths, *folded]:
        for hop in path.hops:
            ids += [hop.source, hop.target, hop.relationship]
            record = _relationship(graph, hop)
            if record is not None:
                ids += [ref.source_id for ref in record.sources]
    return ids


def shown_records(result: LeverageResult, graph: nx.MultiDiGraph[str]) -> list[m.AnyRecord]:
    """The records behind `shown_ids` (what a briefing download is audited as showing)."""
    return records_of(graph, shown_ids(result, graph))
