"""Entry and edit forms generated from the schema registry.

Every form field comes from `SCHEMA.to_dict()` (type, choices, default,
required), so a field added to a model appears here without UI work. The
model is consulted only for two things `to_dict` does not say: whether a
string is a partial date and whether it is long text. Validation is the
schema's own: the form builds a plain dict, `SCHEMA.parse_node` /
`parse_relationship` turn it into a model or raise `InvalidRecords`, and
`store.write` checks endpoints, patterns and sources, all or nothing.

Fields the form does not edit (COM profiles, positions) are carried over
unchanged from the record being edited; the store's stamps are never sent.
"""

from __future__ import annotations

import typing
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st
from pydantic import BaseModel, BeforeValidator, StringConstraints

from graph import model as m
from graph.dates import DATE_HINT, normalise_partial
from graph.errors import InvalidRecords, RowError
from graph.schema import SCHEMA, NodeKind, RelType
from graph.sensitivity import Sensitivity, Viewer

# Set by the store, or constant for the kind; never typed into a form.
SKIPPED = {"recorded_at", "recorded_by", "kind", "type"}
# Nested structures edited elsewhere (or by import); kept as they are. A place's
# geometry digest names its stored shape: only a shape import changes it
# (graph.model.carry_digest), so the form never offers it.
CARRIED = {"profiles", "positions", "identity_reviews", "geometry_digest"}
# Shown in the "more" section to keep the form short.
ADVANCED = {"id", "first_cited", "last_cited", "basis", "evidence_count", "notes"}
# Relationship endpoints get entity pickers, not text boxes.
ENDPOINTS = {"source_id", "target_id"}

FIRST = ["name", "source_id", "target_id"]


@dataclass(frozen=True)
class FieldSpec:
    """One form field, from `SCHEMA.to_dict()` plus what the model says about strings."""

    name: str
    type: str
    required: bool
    choices: tuple[str, ...] = ()
    default: Any = None
    partial_date: bool = False
    long_text: bool = False

    @property
    def optional(self) -> bool:
        return "(optional)" in self.type

    @property
    def label(self) -> str:
        """The field's title from the schema (`valid_from` -> "Valid from"), starred if required."""
        text = SCHEMA.field_title(self.name)
        return f"{text} *" if self.required else text


def _model_for(record_kind: str) -> type[BaseModel]:
    if record_kind in NodeKind.__members__.values():
        return SCHEMA.nodes[NodeKind(record_kind)].model
    return SCHEMA.relationships[RelType(record_kind)].model


def _metadata(annotation: Any) -> list[Any]:
    """Every Annotated metadata item inside an annotation (through Optional and tuple)."""
    found: list[Any] = []
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        args = typing.get_args(annotation)
        found.extend(args[1:])
        found.extend(_metadata(args[0]))
    elif origin is not None:
        for arg in typing.get_args(annotation):
            found.extend(_metadata(arg))
    return found


def field_specs(record_kind: str) -> list[FieldSpec]:
    """The editable fields of a node kind or relationship type, in form order."""
    schema = SCHEMA.to_dict()
    section = schema["nodes"] if record_kind in schema["nodes"] else schema["relationships"]
    fields: Mapping[str, Mapping[str, Any]] = section[record_kind]["fields"]
    model = _model_for(record_kind)
    specs: list[FieldSpec] = []
    for name, info in fields.items():
        if name in SKIPPED or name in CARRIED:
            continue
        model_field = model.model_fields[name]
        meta = _metadata(model_field.annotation) + list(model_field.metadata)
        partial = any(isinstance(x, BeforeValidator) and x.func is normalise_partial for x in meta)
        # Free text (`Text`, up to 20,000 characters) gets a text area; names a line.
        long_text = any(
            isinstance(x, StringConstraints) and (x.max_length or 0) > 500 for x in meta
        )
        specs.append(
            FieldSpec(
                name=name,
                type=str(info["type"]),
                required=bool(info["required"]),
                choices=tuple(str(c) for c in info.get("choices", ())),
                default=info.get("default"),
                partial_date=partial,
                long_text=long_text,
            )
        )
    order = {name: i for i, name in enumerate(FIRST)}
    return sorted(specs, key=lambda s: (order.get(s.name, len(order)), s.name in ADVANCED))


def new_id(record_kind: str) -> str:
    """A hand-entered record's id: a uuid4 with the kind's prefix (CONTRIBUTING.md)."""
    if record_kind in NodeKind.__members__.values():
        prefix = SCHEMA.nodes[NodeKind(record_kind)].id_prefix or "rec"
    else:
        prefix = "rel"
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


def key(form: str, field: str) -> str:
    """The widget key of one field of one form (tests find widgets by it)."""
    return f"{form}.{field}"


# --------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class Choices:
    """Entities a relationship may point at, and the sources a record may cite."""

    source_endpoints: Sequence[tuple[str, str]] = ()  # (id, "name (Kind)")
    target_endpoints: Sequence[tuple[str, str]] = ()
    sources: Sequence[tuple[str, str]] = ()  # Source records: (id, name)


def render_fields(
    form: str,
    record_kind: str,
    *,
    initial: Mapping[str, Any],
    editing: bool,
    viewer: Viewer,
    choices: Choices,
) -> dict[str, Any]:
    """Draw one widget per field inside the caller's `st.form`; return the raw values.

    `initial` fills the widgets (the stored record when `editing`, else a new id).
    """
    specs = field_specs(record_kind)
    values: dict[str, Any] = {}
    main = [s for s in specs if s.name not in ADVANCED]
    more = [s for s in specs if s.name in ADVANCED]
    columns = st.columns(2)
    for i, spec in enumerate(main):
        with columns[i % 2]:
            values[spec.name] = _widget(form, spec, initial, editing, viewer, choices)
    with st.expander("More fields (id, evidence window, basis, notes)"):
        for spec in more:
            values[spec.name] = _widget(form, spec, initial, editing, viewer, choices)
    return values


def _initial(spec: FieldSpec, values: Mapping[str, Any]) -> Any:
    if spec.name in values:
        return values[spec.name]
    return spec.default


def _widget(
    form: str,
    spec: FieldSpec,
    values: Mapping[str, Any],
    editing: bool,
    viewer: Viewer,
    choices: Choices,
) -> Any:
    k = key(form, spec.name)
    initial = _initial(spec, values)
    label = spec.label
    if spec.name == "id":
        return st.text_input(
            label,
            value=str(initial or ""),
            key=k,
            disabled=editing,
            help="Generated for new records; an id never changes once written.",
        )
    if spec.name in ENDPOINTS:
        pairs = choices.source_endpoints if spec.name == "source_id" else choices.target_endpoints
        ids = [i for i, _ in pairs]
        names = dict(pairs)
        if editing:
            # Endpoints never change: close the relationship and record a new one.
            return st.selectbox(
                label, [initial], key=k, disabled=True, format_func=lambda i: names.get(i, i)
            )
        return st.selectbox(
            label,
            ids,
            index=None,
            key=k,
            placeholder="choose an entity",
            format_func=lambda i: names.get(i, i),
        )
    if spec.name == "sensitivity":
        allowed = [s.value for s in Sensitivity if viewer.may_see(s)]
        value = str(initial or Sensitivity.RESTRICTED.value)
        if value not in allowed:
            allowed.append(value)
        return st.selectbox(
            label,
            allowed,
            index=allowed.index(value),
            key=k,
            help="Who may see this record. You cannot label above your own clearance.",
        )
    if spec.name == "sources":
        names = dict(choices.sources)
        chosen = [ref["source_id"] for ref in (initial or []) if isinstance(ref, Mapping)]
        options = list(dict.fromkeys([*names, *chosen]))
        return st.multiselect(
            label, options, default=chosen, key=k, format_func=lambda i: names.get(i, i)
        )
    if spec.type.startswith("list of"):
        text = "\n".join(str(v) for v in (initial or []))
        return st.text_area(label, value=text, key=k, help="One per line.", height=80)
    if spec.choices:
        options = list(spec.choices)
        if spec.optional or (spec.default is None and not spec.required):
            options = ["", *options]
        value = "" if initial is None else str(initial)
        index = options.index(value) if value in options else (None if spec.required else 0)
        return st.selectbox(label, options, index=index, key=k)
    if spec.type.startswith("bool"):
        return st.checkbox(label, value=bool(initial), key=k)
    if spec.type.startswith("float"):
        return st.number_input(
            label,
            value=float(initial) if initial is not None else None,
            step=0.05,
            format="%.2f",
            key=k,
            help="From 0 to 1.",
        )
    if spec.type.startswith("int"):
        return st.number_input(
            label, value=int(initial) if initial is not None else None, step=1, key=k
        )
    text = "" if initial is None else str(initial)
    help_text = DATE_HINT if spec.partial_date else None
    if spec.long_text:
        return st.text_area(label, value=text, key=k, height=80)
    return st.text_input(label, value=text, key=k, help=help_text, placeholder="")


# --------------------------------------------------------------------------- values → record


def to_record_dict(
    record_kind: str, values: Mapping[str, Any], *, current: Mapping[str, Any] | None
) -> dict[str, Any]:
    """Form values → the dict the schema parses. Empty optional fields become None."""
    specs = {s.name: s for s in field_specs(record_kind)}
    data: dict[str, Any] = {}
    if current is not None:
        data.update({k: v for k, v in current.items() if k in CARRIED})
    is_node = record_kind in NodeKind.__members__.values()
    data["kind" if is_node else "type"] = record_kind
    for name, raw in values.items():
        spec = specs[name]
        value: Any = raw
        if isinstance(value, str):
            value = value.strip()
        if name == "sources":
            value = [{"source_id": s} for s in (raw or [])]
            if current is not None:
                locators = {
                    ref["source_id"]: ref.get("locator")
                    for ref in current.get("sources", [])
                    if isinstance(ref, Mapping)
                }
                for ref in value:
                    if locators.get(ref["source_id"]):
                        ref["locator"] = locators[ref["source_id"]]
        elif spec.type.startswith("list of"):
            value = [line.strip() for line in str(raw or "").splitlines() if line.strip()]
        elif value == "" or value is None:
            if not spec.required:
                continue
            # Left empty: let the schema say it is required.
            value = None if spec.choices or spec.type.startswith(("int", "float")) else ""
        data[name] = value
    return data


def parse(record_kind: str, data: Mapping[str, Any]) -> m.AnyRecord:
    """Validate with the schema (raises InvalidRecords naming each field)."""
    if record_kind in NodeKind.__members__.values():
        return SCHEMA.parse_node(data)
    return SCHEMA.parse_relationship(data)


def missing_required(record_kind: str, data: Mapping[str, Any]) -> list[RowError]:
    """Required choices left empty: pydantic would say "field required"; say which."""
    problems = []
    for spec in field_specs(record_kind):
        if spec.required and data.get(spec.name) in (None, ""):
            problems.append(
                RowError(
                    field=spec.name,
                    record=str(data.get("id", "")),
                    message="a value is required",
                    suggestion=f"choose one of: {', '.join(spec.choices)}" if spec.choices else "",
                )
            )
    return problems


def build_record(
    record_kind: str, values: Mapping[str, Any], *, current: Mapping[str, Any] | None
) -> m.AnyRecord:
    """Form values → a validated record, or InvalidRecords listing every problem."""
    data = to_record_dict(record_kind, values, current=current)
    try:
        return parse(record_kind, data)
    except InvalidRecords as e:
        extra = [p for p in missing_required(record_kind, data) if p.field not in _fields_of(e)]
        raise InvalidRecords([*e.errors, *extra]) from e


def _fields_of(error: InvalidRecords) -> set[str]:
    return {e.field for e in error.errors}
