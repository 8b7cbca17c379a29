"""HXL-tagged CSV (a hashtag row under the header) → organisations, areas, presence, focal points.

The Humanitarian Exchange Language puts a row of hashtags such as `#org`,
`#adm1+code`, `#date+start` under (or instead of) the header, so files from
any cluster or 3W can be read by meaning rather than by column title. We read
hashtags with a small parser of our own — `#tag` followed by `+attribute`s,
case-insensitive, attribute order irrelevant — instead of depending on libhxl,
whose data loader also fetches URLs; we only ever read a local file.

What becomes what (docs/ingest.md has the full table):

- `#org` / `#org+name`: an `Organisation` (resolved against the store);
  `#org+acronym` an alias, `#org+type` its kind, `#org+id` its key;
- `#country+code`/`+name`, `#adm1+code`/`+name` … `#adm3`: nested `Area`s keyed
  by P-code;
- each row: `OPERATES_IN` from the organisation to its most precise area,
  valid from `#date+start` (or `#date`) to `#date+end`; `#sector` and
  `#activity` go into the relationship's notes;
- `#contact+name`: a `Person` who is the organisation's `FOCAL_POINT_FOR`.
  Email addresses and phone numbers are *not* imported (do no harm: a list of
  contacts is a list of people at risk); a warning says so.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from graph import model as m
from graph.errors import RowError
from graph.schema import NodeKind
from ingest.context import ImportContext
from ingest.drafts import Built, Draft, Resolved, make_id, review_item, row_error
from ingest.identity import on_attach
from ingest.resolve import Match, match_key
from ingest.rows import Row, Table, parse_date_cell

DATASET = "hxl"
_TAG = re.compile(r"^\s*#([a-z][a-z0-9_]*)((?:\s*\+\s*[a-z][a-z0-9_]*)*)\s*$", re.IGNORECASE)

ORG_KINDS: dict[str, m.OrgKind] = {
    "un": m.OrgKind.UN_AGENCY,
    "un agency": m.OrgKind.UN_AGENCY,
    "united nations": m.OrgKind.UN_AGENCY,
    "ingo": m.OrgKind.INGO,
    "international ngo": m.OrgKind.INGO,
    "nngo": m.OrgKind.NNGO,
    "national ngo": m.OrgKind.NNGO,
    "local ngo": m.OrgKind.NNGO,
    "ngo": m.OrgKind.NNGO,
    "icrc": m.OrgKind.ICRC,
    "red cross": m.OrgKind.RED_CROSS_RED_CRESCENT,
    "red crescent": m.OrgKind.RED_CROSS_RED_CRESCENT,
    "rcrc": m.OrgKind.RED_CROSS_RED_CRESCENT,
    "rcrc movement": m.OrgKind.RED_CROSS_RED_CRESCENT,
    "government": m.OrgKind.MINISTRY,
    "ministry": m.OrgKind.MINISTRY,
    "embassy": m.OrgKind.EMBASSY,
    "donor": m.OrgKind.EMBASSY,
    "private sector": m.OrgKind.BUSINESS,
    "business": m.OrgKind.BUSINESS,
    "media": m.OrgKind.MEDIA,
    "faith based": m.OrgKind.RELIGIOUS_INSTITUTION,
    "faith based organisation": m.OrgKind.RELIGIOUS_INSTITUTION,
    "religious": m.OrgKind.RELIGIOUS_INSTITUTION,
    "ocha": m.OrgKind.OCHA_CMCOORD,
    "other": m.OrgKind.OTHER,
}
ORG_KINDS.update({k.value.replace("_", " "): k for k in m.OrgKind})

# Hashtags (tag, attributes) we read; anything else is warned about and ignored.
KNOWN = {
    ("org", frozenset()),
    ("org", frozenset({"name"})),
    ("org", frozenset({"acronym"})),
    ("org", frozenset({"type"})),
    ("org", frozenset({"id"})),
    ("org", frozenset({"code"})),
    ("country", frozenset({"code"})),
    ("country", frozenset({"name"})),
    ("country", frozenset()),
    ("date", frozenset()),
    ("date", frozenset({"start"})),
    ("date", frozenset({"end"})),
    ("date", frozenset({"reported"})),
    ("sector", frozenset()),
    ("sector", frozenset({"name"})),
    ("activity", frozenset()),
    ("activity", frozenset({"name"})),
    ("contact", frozenset()),
    ("contact", frozenset({"name"})),
    ("meta", frozenset({"id"})),
}
for _level in range(1, 4):
    KNOWN.update(
        {
            (f"adm{_level}", frozenset({"code"})),
            (f"adm{_level}", frozenset({"name"})),
            (f"adm{_level}", frozenset()),
        }
    )
PERSONAL = {"email", "phone"}


@dataclass(frozen=True)
class Tag:
    tag: str
    attributes: frozenset[str]
    column: str  # the header text of the column

    def __str__(self) -> str:
        return "#" + self.tag + "".join(f"+{a}" for a in sorted(self.attributes))


def parse_tag(text: str, column: str = "") -> Tag | None:
    """`#adm1 +code` → Tag('adm1', {'code'}); None when the cell is not a hashtag spec."""
    found = _TAG.match(text or "")
    if not found:
        return None
    attrs = frozenset(a.strip().lower() for a in found.group(2).split("+") if a.strip())
    return Tag(found.group(1).lower(), attrs, column)


def _tag_row(cells: list[str]) -> list[Tag | None] | None:
    filled = [c for c in cells if c.strip()]
    if not filled:
        return None
    tags = [parse_tag(c) if c.strip() else None for c in cells]
    if sum(t is not None for t in tags) < max(1, len(filled) // 2 + 1):
        return None
    return tags


def looks_like(table: Table) -> bool:
    if _tag_row(table.header):
        return True
    return bool(table.rows) and _tag_row(table.rows[0].cells) is not None


@dataclass
class Tagged:
    """The hashtag of each column, and the data rows under the hashtag row."""

    tags: list[Tag | None]
    rows: list[Row]
    tag_row: int


def tagged(table: Table) -> Tagged | None:
    head = _tag_row(table.header)
    if head is not None:
        tags = [
            Tag(t.tag, t.attributes, table.header[i]) if t else None for i, t in enumerate(head)
        ]
        return Tagged(tags, table.rows, table.header_row)
    if not table.rows:
        return None
    first = table.rows[0]
    row_tags = _tag_row(first.cells)
    if row_tags is None:
        return None
    tags = [
        Tag(t.tag, t.attributes, table.header[i] if i < len(table.header) else "") if t else None
        for i, t in enumerate(row_tags)
    ]
    # The hashtag row belongs with the header in a reject file.
    if first.raw and first.raw not in table.preamble:
        table.preamble.append(first.raw)
    if first.raw_cells and list(first.raw_cells) not in table.preamble_cells:
        table.preamble_cells.append(list(first.raw_cells))
    return Tagged(tags, table.rows[1:], first.number)


def _value(row: Row, tags: list[Tag | None], tag: str, *attrs: str) -> tuple[str, str]:
    """(value, hashtag) of the first column tagged exactly `#tag+attrs`."""
    want = frozenset(attrs)
    for i, t in enumerate(tags):
        if t is not None and t.tag == tag and t.attributes == want and i < len(row.cells):
            text = row.cells[i].strip()
            if text:
                return text, str(t)
    return "", str(Tag(tag, want, ""))


def build(tables: list[Table], ctx: ImportContext, skip: set[tuple[str, str, int]]) -> Built:
    built = Built()
    resolver = ctx.resolver([NodeKind.ORGANISATION])
    org_drafts: dict[str, Draft] = {}
    area_drafts: dict[str, Draft] = {}
    person_drafts: dict[str, Draft] = {}
    rels: dict[str, Draft] = {}
    sectors: dict[str, set[str]] = defaultdict(set)
    org_of_name: dict[str, str] = {}
    resolved_of: dict[str, Resolved] = {}  # the report's line, repeated on later rows
    stored_areas = {a.pcode: a.id for a in ctx.nodes(NodeKind.AREA) if isinstance(a, m.Area)}

    for table in tables:
        if table.empty:
            continue
        spec = tagged(table)
        if spec is None:
            built.errors.append(
                RowError(
                    field="hashtags",
                    file=table.file,
                    sheet=table.sheet,
                    row=table.header_row + 1,
                    message="no HXL hashtag row (#org, #adm1+code, …) under the header",
                    suggestion="add the hashtag row, or import with --format template",
                )
            )
            continue
        present = {(t.tag, t.attributes) for t in spec.tags if t}
        for t in spec.tags:
            if t is None:
                continue
            if (t.tag, t.attributes) not in KNOWN:
                why = (
                    "personal contact details are not imported"
                    if t.attributes & PERSONAL
                    else "not used"
                )
                built.warnings.append(f"{table.file}: column {t.column!r} ({t}) ignored: {why}")
        for i, cell in enumerate(table.header):
            if cell.strip() and (i >= len(spec.tags) or spec.tags[i] is None):
                built.warnings.append(f"{table.file}: untagged column {cell!r} ignored")
        if not present & {("org", frozenset()), ("org", frozenset({"name"}))}:
            built.errors.append(
                RowError(
                    field="#org",
                    file=table.file,
                    sheet=table.sheet,
                    row=spec.tag_row,
                    message="required hashtag #org is missing",
                    suggestion="tag the organisation-name column #org",
                )
            )
            continue
        for row in spec.rows:
            built.rows += 1
            if row.key in skip:
                continue
            before = len(built.errors)
            name, org_tag = _value(row, spec.tags, "org")
            if not name:
                name, org_tag = _value(row, spec.tags, "org", "name")
            if not name:
                built.errors.append(
                    row_error(row, "#org", "organisation name is empty", "every row needs #org")
                )
            kind_text, kind_tag = _value(row, spec.tags, "org", "type")
            org_kind = m.OrgKind.OTHER
            if kind_text:
                found_kind = ORG_KINDS.get(match_key(kind_text))
                if found_kind is None:
                    built.warnings.append(
                        f"{row.file}, row {row.number}: organisation type {kind_text!r} "
                        "not recognised; recorded as 'other'"
                    )
                else:
                    org_kind = found_kind
            dates: dict[str, str | None] = {}
            for attrs, key in (
                ((), "date"),
                (("start",), "start"),
                (("end",), "end"),
                (("reported",), "reported"),
            ):
                text, hashtag = _value(row, spec.tags, "date", *attrs)
                dates[key] = None
                if text:
                    day, problem = parse_date_cell(text)
                    if problem:
                        built.errors.append(
                            row_error(row, hashtag, problem, "use YYYY-MM-DD", value=text)
                        )
                    dates[key] = day
            chain: list[tuple[str, str, int, str]] = []  # (code, name, level, hashtag)
            for level, tag in enumerate(("country", "adm1", "adm2", "adm3")):
                code, code_tag = _value(row, spec.tags, tag, "code")
                label, _ = _value(row, spec.tags, tag, "name")
                if not label:
                    label, _ = _value(row, spec.tags, tag)
                if label and not code:
                    built.errors.append(
                        row_error(
                            row,
                            code_tag,
                            f"{tag} {label!r} has no P-code",
                            f"fill the {code_tag} column: areas are matched by P-code",
                            value="",
                        )
                    )
                    continue
                if code:
                    chain.append((code.upper(), label or code.upper(), level, code_tag))
            if len(built.errors) > before or not name:
                continue
            # Organisation: resolved against the store and earlier rows.
            key = match_key(name)
            org = org_of_name.get(key)
            attached: Match | None = None
            if org is None:
                given, _ = _value(row, spec.tags, "org", "id")
                given = given or _value(row, spec.tags, "org", "code")[0]
                match = resolver.resolve(name, ["Organisation"])
                if match.attaches and match.id:
                    org = match.id
                    attached = match
                else:
                    if match.status == "ambiguous":
                        built.review.append(review_item(row, org_tag, name, match, "organisation"))
                    org = make_id("org", DATASET, given or key)
                    resolver.add(org, "Organisation", [name])
                org_of_name[key] = org
            elif key in resolved_of:
                built.resolved.append(resolved_of[key].at_row(row))
            if org not in org_drafts:
                stored = ctx.existing(org)
                org_drafts[org] = Draft(
                    data={
                        "id": org,
                        "kind": "Organisation",
                        "name": name,
                        "org_kind": org_kind.value,
                    },
                    rows=[row],
                    policy="enrich" if stored is not None else "overlay",
                    columns={"name": org_tag, "org_kind": kind_tag},
                )
            draft = org_drafts[org]
            draft.add_aliases.append(name)
            if attached is not None:
                on_attach(
                    attached,
                    spelling=name,
                    row=row,
                    column=org_tag,
                    what="organisation",
                    draft=draft,
                    ctx=ctx,
                    built=built,
                )
                resolved_of[key] = built.resolved[-1]
            acronym, _ = _value(row, spec.tags, "org", "acronym")
            if acronym:
                draft.add_aliases.append(acronym)
            # Areas, nested by P-code.
            parent: str | None = None
            for code, label, level, code_tag in chain:
                stored_area = stored_areas.get(code)
                area = stored_area or make_id("are", "pcode", code)
                if area not in area_drafts:
                    area_drafts[area] = Draft(
                        data={
                            "id": area,
                            "kind": "Area",
                            "name": label,
                            "pcode": code,
                            "admin_level": level,
                        },
                        rows=[row],
                        policy="enrich",
                        columns={"pcode": code_tag, "name": code_tag},
                    )
                    if parent is not None and area == make_id("are", "pcode", code):
                        part = make_id("rel", "pcode", "PART_OF", area, parent)
                        rels[part] = Draft(
                            data={
                                "id": part,
                                "type": "PART_OF",
                                "source_id": area,
                                "target_id": parent,
                            },
                            rows=[row],
                            policy="replace",
                            columns={"source_id": code_tag, "target_id": code_tag},
                        )
                parent = area
            start = dates["start"] or dates["date"]
            if parent is not None:
                rel_id = make_id("rel", DATASET, "OPERATES_IN", org, parent, start or "")
                data: dict[str, Any] = {
                    "id": rel_id,
                    "type": "OPERATES_IN",
                    "source_id": org,
                    "target_id": parent,
                }
                if start:
                    data["valid_from"] = start
                if dates["end"]:
                    data["valid_to"] = dates["end"]
                if dates["reported"]:
                    data["last_cited"] = dates["reported"]
                for tag in ("sector", "activity"):
                    for attrs in ((), ("name",)):
                        text, _ = _value(row, spec.tags, tag, *attrs)
                        if text:
                            sectors[rel_id].add(text)
                if rel_id in rels:
                    rels[rel_id].rows.append(row)
                else:
                    rels[rel_id] = Draft(
                        data=data,
                        rows=[row],
                        policy="overlay",
                        columns={"valid_from": "#date+start", "valid_to": "#date+end"},
                    )
            contact, contact_tag = _value(row, spec.tags, "contact", "name")
            if not contact:
                contact, contact_tag = _value(row, spec.tags, "contact")
            if contact:
                person = make_id("per", DATASET, org, match_key(contact))
                person_drafts.setdefault(
                    person,
                    Draft(
                        data={"id": person, "kind": "Person", "name": contact},
                        rows=[row],
                        policy="enrich",
                        columns={"name": contact_tag},
                    ),
                )
                focal = make_id("rel", DATASET, "FOCAL_POINT_FOR", person, org)
                rels.setdefault(
                    focal,
                    Draft(
                        data={
                            "id": focal,
                            "type": "FOCAL_POINT_FOR",
                            "source_id": person,
                            "target_id": org,
                        },
                        rows=[row],
                        policy="replace",
                        columns={"source_id": contact_tag},
                    ),
                )
    for rel_id, names in sectors.items():
        rels[rel_id].data["notes"] = "sectors / activities: " + "; ".join(sorted(names))
    for draft in org_drafts.values():
        draft.add_aliases = list(dict.fromkeys(draft.add_aliases))
    if built.rows == 0 and not built.errors and tables:
        first = tables[0]
        built.errors.append(
            RowError(
                field="rows",
                file=first.file,
                sheet=first.sheet,
                row=first.header_row + 2,
                message="no data rows below the hashtag row",
            )
        )
    built.drafts = [
        *org_drafts.values(),
        *area_drafts.values(),
        *person_drafts.values(),
        *rels.values(),
    ]
    return built
