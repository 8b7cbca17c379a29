"""Information-sharing protocols as configuration: who may receive what.

An audience (the protection cluster, the UN mission, public advocacy …) has a
maximum sensitivity, the kinds of record it may never receive, and the fields
that are stripped from everything it does receive. An export for an audience
carries a manifest of what was withheld — counts per kind and field names,
never content — so the recipient knows the picture is partial without
learning what is missing.

Audiences come from a TOML file (`ACTORGRAPH_AUDIENCES`, see
docs/sharing.md); `DEFAULT_AUDIENCES` is used when none is configured.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from graph import model as m
from graph.errors import InvalidRecords, NotFound, RowError
from graph.schema import NodeKind
from graph.sensitivity import Sensitivity

# Fields that say who recorded what: never needed outside the team.
_INTERNAL = ("recorded_by", "notes")


class Audience(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str = ""
    max_sensitivity: Sensitivity
    exclude_kinds: tuple[NodeKind, ...] = ()
    exclude_fields: tuple[str, ...] = _INTERNAL


DEFAULT_AUDIENCES: dict[str, Audience] = {
    a.name: a
    for a in (
        Audience(
            name="protection_cluster",
            description="Protection cluster partners bound by the cluster's data-sharing protocol.",
            max_sensitivity=Sensitivity.CONFIDENTIAL,
            exclude_kinds=(NodeKind.SOURCE,),
            exclude_fields=(*_INTERNAL, "sources"),
        ),
        Audience(
            name="un_mission",
            description="Mission components (civil affairs, human rights, JMAC liaison).",
            max_sensitivity=Sensitivity.RESTRICTED,
            exclude_kinds=(NodeKind.SOURCE, NodeKind.ENGAGEMENT),
            exclude_fields=(*_INTERNAL, "sources", "positions", "at_risk"),
        ),
        Audience(
            name="public_advocacy",
            description="Material that may appear in public advocacy and reports.",
            max_sensitivity=Sensitivity.PUBLIC,
            exclude_kinds=(
                NodeKind.SOURCE,
                NodeKind.PERSON,
                NodeKind.POST,
                NodeKind.ENGAGEMENT,
                NodeKind.COMMUNITY,
            ),
            exclude_fields=(
                *_INTERNAL,
                "sources",
                "positions",
                "at_risk",
                "profiles",
                "description",
                "aliases",
            ),
        ),
    )
}


def load_audiences(path: Path | None) -> dict[str, Audience]:
    """Audiences from a TOML file (`[audiences.NAME]` tables), or the defaults."""
    if path is None:
        return dict(DEFAULT_AUDIENCES)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise InvalidRecords([RowError(field="audiences", file=str(path), message=str(e))]) from e
    audiences: dict[str, Audience] = {}
    problems: list[RowError] = []
    for name, spec in (data.get("audiences") or {}).items():
        try:
            audiences[name] = Audience(name=name, **spec)
        except ValidationError as e:
            for err in e.errors(include_url=False):
                problems.append(
                    RowError(
                        field=".".join(str(p) for p in err["loc"]),
                        record=name,
                        file=str(path),
                        message=err["msg"],
                    )
                )
    if problems:
        raise InvalidRecords(problems)
    if not audiences:
        raise InvalidRecords(
            [RowError(field="audiences", file=str(path), message="no [audiences.NAME] table")]
        )
    return audiences


def audience(name: str, audiences: dict[str, Audience]) -> Audience:
    if name not in audiences:
        raise NotFound(f"no audience {name!r}; known: {', '.join(sorted(audiences))}")
    return audiences[name]


@dataclass
class Manifest:
    """What an export withheld: counts and field names only."""

    audience: str
    max_sensitivity: str
    exported: Counter[str] = field(default_factory=Counter)
    withheld_kinds: Counter[str] = field(default_factory=Counter)
    withheld_links: Counter[str] = field(default_factory=Counter)
    stripped_fields: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "audience": self.audience,
            "max_sensitivity": self.max_sensitivity,
            "exported": dict(sorted(self.exported.items())),
            "withheld_by_kind": dict(sorted(self.withheld_kinds.items())),
            "withheld_relationships_to_withheld_records": dict(sorted(self.withheld_links.items())),
            "fields_removed": dict(sorted(self.stripped_fields.items())),
            "note": "Records above the audience's ceiling are neither exported nor counted.",
        }


def share(
    records: Iterable[m.AnyRecord], target: Audience
) -> tuple[list[dict[str, Any]], Manifest]:
    """Filter records (already read at the audience's ceiling) for one audience.

    Drops excluded kinds and any relationship touching a dropped node, strips
    the audience's excluded fields, and counts what was withheld.
    """
    manifest = Manifest(audience=target.name, max_sensitivity=target.max_sensitivity.value)
    excluded = {k.value for k in target.exclude_kinds}
    items = list(records)
    dropped: set[str] = set()
    kept_nodes: list[m.AnyRecord] = []
    for record in items:
        if isinstance(record, m.NodeBase):
            if record.sensitivity.rank > target.max_sensitivity.rank:
                dropped.add(record.id)  # never counted: above the ceiling
            elif m.label_of(record) in excluded:
                dropped.add(record.id)
                manifest.withheld_kinds[m.label_of(record)] += 1
            else:
                kept_nodes.append(record)
    out: list[dict[str, Any]] = []
    for record in [*kept_nodes, *(r for r in items if isinstance(r, m.RelBase))]:
        label = m.label_of(record)
        if isinstance(record, m.RelBase):
            if record.sensitivity.rank > target.max_sensitivity.rank:
                continue
            if record.source_id in dropped or record.target_id in dropped:
                manifest.withheld_links[label] += 1
                continue
        data = record.model_dump(mode="json")
        for name in target.exclude_fields:
            if data.get(name) not in (None, [], ""):
                manifest.stripped_fields[name] += 1
            data.pop(name, None)
        out.append(data)
        manifest.exported[label] += 1
    return out, manifest
