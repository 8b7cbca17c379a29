"""The schema registry: the one place that says what may be stored.

`graph.model` gives each kind its shape; `SCHEMA` adds what a class cannot
say on its own: which relationship may join which node kinds, which
relationships carry influence, which are symmetric. Stores derive their
constraints from it, importers their column names, the UI its form fields and
`docs/schema.md` its tables. It validates itself at import, the way
FollowTheMoney does, so a typo in a pattern fails the first test that imports it.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from functools import cached_property
from typing import Any, TypeVar, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import SchemaValidator

from graph import model as m
from graph.dates import normalise_partial
from graph.errors import InvalidRecords, RowError, SchemaError


class NodeKind(StrEnum):
    ARMED_ACTOR = "ArmedActor"
    UNIT = "Unit"
    PERSON = "Person"
    POST = "Post"
    ORGANISATION = "Organisation"
    COMMUNITY = "Community"
    AREA = "Area"
    SITE = "Site"
    INCIDENT = "Incident"
    ENGAGEMENT = "Engagement"
    COMMITMENT = "Commitment"
    SOURCE = "Source"


# Groups of node kinds the analyses and commands share, named from the registry's
# kinds so a misspelt kind fails at import instead of matching nothing (plain
# strings: they are compared with the projection's `kind` attributes).
ARMED = frozenset({NodeKind.ARMED_ACTOR.value, NodeKind.UNIT.value})
COMMAND_HOLDERS = frozenset({NodeKind.PERSON.value, NodeKind.POST.value})
PLACES = frozenset({NodeKind.AREA.value, NodeKind.SITE.value})
TARGET_KINDS = ARMED | COMMAND_HOLDERS  # what leverage paths and reach may aim at


class RelType(StrEnum):
    COMMANDS = "COMMANDS"
    PART_OF = "PART_OF"
    HOLDS = "HOLDS"
    ALLIED_WITH = "ALLIED_WITH"
    OPPOSES = "OPPOSES"
    SPLINTER_OF = "SPLINTER_OF"
    SUPPORTS = "SUPPORTS"
    INFLUENCES = "INFLUENCES"
    HAS_ACCESS_TO = "HAS_ACCESS_TO"
    ASSOCIATED_WITH = "ASSOCIATED_WITH"
    MEMBER_OF = "MEMBER_OF"
    FOCAL_POINT_FOR = "FOCAL_POINT_FOR"
    BELONGS_TO = "BELONGS_TO"
    CONTROLS = "CONTROLS"
    OPERATES_IN = "OPERATES_IN"
    OCCURRED_IN = "OCCURRED_IN"
    PERPETRATED = "PERPETRATED"
    PARTICIPATED_IN = "PARTICIPATED_IN"
    COMMITTED_TO = "COMMITTED_TO"
    CITES = "CITES"


@dataclass(frozen=True)
class NodeSpec:
    """What the registry adds to a node model: the model is the class named as its kind.

    The model is looked up when first asked for, not when the registry is
    built: naming it here would create every model class at import (see
    `graph.model`), which `actorgraph stats` never needs.
    """

    kind: NodeKind
    description: str
    caption: str = "name"
    id_prefix: str = ""

    @property
    def model(self) -> type[m.NodeBase]:
        found: type[m.NodeBase] = getattr(m, self.kind.value)
        return found


@dataclass(frozen=True)
class RelSpec:
    """What the registry adds to a relationship model: the model is the class named
    as its type in PascalCase (`HAS_ACCESS_TO` -> `HasAccessTo`), looked up when
    first asked for (see `NodeSpec`)."""

    rel_type: RelType
    description: str
    patterns: frozenset[tuple[NodeKind, NodeKind]]
    influence: bool = False
    symmetric: bool = False

    @property
    def model(self) -> type[m.RelBase]:
        name = "".join(word.capitalize() for word in self.rel_type.value.split("_"))
        found: type[m.RelBase] = getattr(m, name)
        return found

    def allows(self, source: NodeKind, target: NodeKind) -> bool:
        return (source, target) in self.patterns


def _nodes(*specs: NodeSpec) -> dict[NodeKind, NodeSpec]:
    return {spec.kind: spec for spec in specs}


def _relationships(*specs: RelSpec) -> dict[RelType, RelSpec]:
    return {spec.rel_type: spec for spec in specs}


def _pairs(sources: set[NodeKind], targets: set[NodeKind]) -> frozenset[tuple[NodeKind, NodeKind]]:
    return frozenset((s, t) for s in sources for t in targets)


def _same_kind(kinds: set[NodeKind]) -> frozenset[tuple[NodeKind, NodeKind]]:
    return frozenset((k, k) for k in kinds)


K = NodeKind
_ARMED = {K.ARMED_ACTOR, K.UNIT}
_STAKEHOLDERS = {K.PERSON, K.ORGANISATION, K.COMMUNITY, K.ARMED_ACTOR, K.UNIT, K.POST}
_ALL = set(NodeKind)
_PLACES = {K.AREA, K.SITE}

R = TypeVar("R", bound=BaseModel)


def _rechecks(schema: Mapping[str, Any]) -> bool:
    """Whether `schema` is a Python validator that, on its own output, changes
    nothing and can only reject: the partial-date rule (`normalise_partial`
    returns the string stripped, and stored text is its output) and the
    envelope's interval-order check."""
    kind = schema.get("type")
    function = schema.get("function", {}).get("function") if kind else None
    if kind == "function-before":
        return function is normalise_partial
    if kind == "function-after":
        return getattr(function, "__qualname__", "") == "Envelope._intervals_in_order"
    return False


def _without_rechecks(schema: Any) -> Any:
    """A copy of a pydantic core schema without the checks `_rechecks` names
    and without string patterns (which only reject): what validating text
    this program wrote from a validated record needs. Everything that shapes
    the record (types, enums, defaults, stripping) stays."""
    if isinstance(schema, list):
        return [_without_rechecks(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    if _rechecks(schema):
        return _without_rechecks(schema["schema"])
    copy = {k: _without_rechecks(v) for k, v in schema.items()}
    if copy.get("type") == "str":
        copy.pop("pattern", None)
    return copy


@dataclass(frozen=True)
class Schema:
    nodes: Mapping[NodeKind, NodeSpec]
    relationships: Mapping[RelType, RelSpec]
    _all_fields: dict[type[BaseModel], set[str]] = field(default_factory=dict, repr=False)

    # The union validators are built on first use (see `graph.model._CONFIG`):
    # building them validates every model, which commands that never parse a
    # record should not pay for at start-up.
    @cached_property
    def _node_adapter(self) -> TypeAdapter[Any]:
        return TypeAdapter(m.Node)

    @cached_property
    def _rel_adapter(self) -> TypeAdapter[Any]:
        return TypeAdapter(m.Relationship)

    @cached_property
    def _stored_node_validator(self) -> SchemaValidator:
        return SchemaValidator(_without_rechecks(self._node_adapter.core_schema))

    @cached_property
    def _stored_rel_validator(self) -> SchemaValidator:
        return SchemaValidator(_without_rechecks(self._rel_adapter.core_schema))

    # ------------------------------------------------------------------ lookups

    def node_kind_of(self, record: m.NodeBase) -> NodeKind:
        return NodeKind(record.kind)  # type: ignore[attr-defined]

    def rel_type_of(self, record: m.RelBase) -> RelType:
        return RelType(record.type)  # type: ignore[attr-defined]

    def label(self, kind: str) -> str:
        """The Neo4j label for a kind; asserts membership so user text never reaches Cypher."""
        return NodeKind(kind).value

    def rel_label(self, rel_type: str) -> str:
        """The Neo4j relationship type; asserts membership (see `label`)."""
        return RelType(rel_type).value

    # ------------------------------------------------------------------ field titles

    @cached_property
    def _titles(self) -> dict[str, str]:
        """Every field's reader-facing name, from the models' `title=` (else its own words)."""
        titles: dict[str, str] = {}
        models: list[type[BaseModel]] = [s.model for s in self.nodes.values()]
        models += [s.model for s in self.relationships.values()]
        for model in models:
            for name, info in model.model_fields.items():
                title = info.title or plain_title(name)
                if titles.setdefault(name, title) != title:
                    raise SchemaError(f"field {name!r} has two titles: {titles[name]!r}, {title!r}")
        return titles

    def field_title(self, name: str) -> str:
        """The label a reader sees for field `name` (`valid_from` -> "Valid from").

        One rule for every form and table: a model's `Field(title=...)` when the
        words alone would mislead (`source_id` is the relationship's "From" end,
        not a Source record), else the name in plain words. A column that is no
        field (a table's own "what changed") is put in plain words the same way.
        """
        return self._titles.get(name) or plain_title(name)

    # ------------------------------------------------------------------ validation

    def check_registry(self) -> None:
        """Raise SchemaError if the registry contradicts itself: a kind without a
        spec, a spec under another kind, a pattern naming an unknown kind, a
        symmetric type allowed one way only. Needs no model class, so it runs at
        import."""
        for kind, spec in self.nodes.items():
            if spec.kind is not kind:
                raise SchemaError(f"{kind}: registered under another kind")
        if set(self.nodes) != set(NodeKind):
            raise SchemaError(f"node kinds without a spec: {set(NodeKind) - set(self.nodes)}")
        if set(self.relationships) != set(RelType):
            missing = set(RelType) - set(self.relationships)
            raise SchemaError(f"relationship types without a spec: {missing}")
        for rel_type, rspec in self.relationships.items():
            if rspec.rel_type is not rel_type:
                raise SchemaError(f"{rel_type}: registered under another type")
            if not rspec.patterns:
                raise SchemaError(f"{rel_type}: no (source, target) patterns")
            for s, t in rspec.patterns:
                if s not in self.nodes or t not in self.nodes:
                    raise SchemaError(f"{rel_type}: pattern ({s}, {t}) names an unknown kind")
            if rspec.symmetric and any((t, s) not in rspec.patterns for s, t in rspec.patterns):
                raise SchemaError(f"{rel_type}: a symmetric type needs every pattern both ways")

    def check_self(self) -> None:
        """Raise SchemaError if the registry contradicts itself or the models.

        At import only `check_registry` runs: the model checks create every
        model class (see `graph.model`). The unit tests and `python -m
        graph.schema_doc --check` run all of it.
        """
        self.check_registry()
        for kind, spec in self.nodes.items():
            fields = spec.model.model_fields
            if fields["kind"].default != kind.value:
                raise SchemaError(f"{kind}: model {spec.model.__name__} has another kind")
            if spec.caption not in fields:
                raise SchemaError(f"{kind}: caption field {spec.caption!r} does not exist")
        # The model unions and the registry name the same models: a kind added to
        # one and not the other would validate records nothing else can store.
        for union, specs in (
            (m.AnyNode, self.nodes.values()),
            (m.AnyRelationship, self.relationships.values()),
        ):
            differ = set(get_args(union)) ^ {spec.model for spec in specs}
            if differ:
                names = sorted(model.__name__ for model in differ)
                raise SchemaError(f"models in the union or the registry, not both: {names}")
        for rel_type, rspec in self.relationships.items():
            if rspec.model.model_fields["type"].default != rel_type.value:
                raise SchemaError(f"{rel_type}: model {rspec.model.__name__} has another type")
            if rspec.influence and "strength" not in rspec.model.model_fields:
                raise SchemaError(f"{rel_type}: influence relationships need a strength")
        self._titles  # noqa: B018 -- builds the titles, raising SchemaError on a conflict

    @cached_property
    def _node_models(self) -> dict[str, type[BaseModel]]:
        return {kind.value: spec.model for kind, spec in self.nodes.items()}

    @cached_property
    def _rel_models(self) -> dict[str, type[BaseModel]]:
        return {rel_type.value: spec.model for rel_type, spec in self.relationships.items()}

    @staticmethod
    def _as_kind(models: dict[str, type[BaseModel]], tag: Any, data: Mapping[str, Any]) -> Any:
        """The record validated by the one model its tag names, or None.

        The discriminated union would pick that same model, but building the
        union builds every kind's validator: a command that shows one armed
        actor paid for all of them (issue 13, CLI start-up). Any failure goes
        back to the union, so error messages stay the union's.
        """
        model = models.get(tag) if isinstance(tag, str) else None
        if model is None:
            return None
        try:
            return model.model_validate(dict(data))
        except ValidationError:
            return None

    def parse_node(self, data: Mapping[str, Any]) -> m.AnyNode:
        """Validate a dict into a node model, or raise InvalidRecords naming id and fields."""
        found: m.AnyNode | None = self._as_kind(self._node_models, data.get("kind"), data)
        if found is not None:
            return found
        try:
            node: m.AnyNode = self._node_adapter.validate_python(dict(data))
        except ValidationError as e:
            raise InvalidRecords(errors_from_validation(e, record=str(data.get("id", "")))) from e
        return node

    def parse_relationship(self, data: Mapping[str, Any]) -> m.AnyRelationship:
        """Validate a dict into a relationship model (see `parse_node`)."""
        found: m.AnyRelationship | None = self._as_kind(self._rel_models, data.get("type"), data)
        if found is not None:
            return found
        try:
            rel: m.AnyRelationship = self._rel_adapter.validate_python(dict(data))
        except ValidationError as e:
            raise InvalidRecords(errors_from_validation(e, record=str(data.get("id", "")))) from e
        return rel

    def _compact(self, record: R) -> R:
        """Share one 'fields set' among all records of a class that set every field.

        pydantic keeps, per instance, the set of fields the input gave: stored
        JSON gives all of them, and that set (about 2 KiB) outweighed the rest
        of the record in large projections. Frozen models never change it in
        place (copies copy it), so one set per class serves them all.
        """
        cls = type(record)
        shared = self._all_fields.get(cls)
        if shared is None:
            shared = self._all_fields.setdefault(cls, set(cls.model_fields))
        if len(record.__pydantic_fields_set__) == len(shared):
            object.__setattr__(record, "__pydantic_fields_set__", shared)
        return record

    def parse_node_json(self, text: str | bytes) -> m.AnyNode:
        """`parse_node` from JSON text, parsed and validated in one pass."""
        try:
            # The SchemaValidator itself: TypeAdapter's wrapper costs more than the parse.
            node: m.AnyNode = self._node_adapter.validator.validate_json(text)
        except ValidationError as e:
            raise InvalidRecords(errors_from_validation(e, record="")) from e
        return self._compact(node)

    def parse_relationship_json(self, text: str | bytes) -> m.AnyRelationship:
        """`parse_relationship` from JSON text (see `parse_node_json`)."""
        try:
            rel: m.AnyRelationship = self._rel_adapter.validator.validate_json(text)
        except ValidationError as e:
            raise InvalidRecords(errors_from_validation(e, record="")) from e
        return self._compact(rel)

    def parse_stored_node_json(self, text: str | bytes) -> m.AnyNode:
        """`parse_node_json` for JSON a store wrote from a validated record.

        The same models, less the checks that only repeat on such text what
        validation did before it was written (`_without_rechecks`): the
        partial-date rule, the interval order, the id patterns. On text that
        passed them they change nothing, so the record is the one
        `parse_node_json` gives (tests/unit/test_row_codec.py); they were
        a fifth of a projection build's decoding. Text the lighter validator
        refuses goes through `parse_node_json`, for its error.
        """
        try:
            node: m.AnyNode = self._stored_node_validator.validate_json(text)
        except ValidationError:
            return self.parse_node_json(text)
        return self._compact(node)

    def parse_stored_relationship_json(self, text: str | bytes) -> m.AnyRelationship:
        """`parse_relationship_json` for stored JSON (see `parse_stored_node_json`)."""
        try:
            rel: m.AnyRelationship = self._stored_rel_validator.validate_json(text)
        except ValidationError:
            return self.parse_relationship_json(text)
        return self._compact(rel)

    def parse_record(self, data: Mapping[str, Any]) -> m.AnyRecord:
        """A node when the dict has `kind`, a relationship when it has `type`."""
        if "kind" in data:
            return self.parse_node(data)
        if "type" in data:
            return self.parse_relationship(data)
        raise InvalidRecords(
            [
                RowError(
                    field="kind",
                    record=str(data.get("id", "")),
                    message="record has neither 'kind' (node) nor 'type' (relationship)",
                )
            ]
        )

    # ------------------------------------------------------------------ export

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able description of the schema: feeds docs, templates and forms."""
        return {
            "nodes": {
                k.value: {
                    "description": s.description,
                    "fields": _fields(s.model),
                }
                for k, s in self.nodes.items()
            },
            "relationships": {
                t.value: {
                    "description": s.description,
                    "influence": s.influence,
                    "symmetric": s.symmetric,
                    "patterns": sorted([a.value, b.value] for a, b in s.patterns),
                    "fields": _fields(s.model),
                }
                for t, s in self.relationships.items()
            },
        }


def plain_title(name: str) -> str:
    """A snake_case name in plain words, first letter capital (`valid_from` -> "Valid from")."""
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _describe_type(annotation: Any) -> tuple[str, list[str] | None]:
    """A short type name and, for enums, the allowed values."""
    origin = get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        parts = [a for a in get_args(annotation) if a is not type(None)]
        if len(parts) == 1:
            name, choices = _describe_type(parts[0])
            return f"{name} (optional)", choices
        return " | ".join(_describe_type(p)[0] for p in parts), None
    if origin is typing.Annotated:
        return _describe_type(get_args(annotation)[0])
    if origin is typing.Literal:
        return "constant", [str(a) for a in get_args(annotation)]
    if origin is tuple:
        inner = get_args(annotation)[0]
        name, choices = _describe_type(inner)
        return f"list of {name}", choices
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "choice", [str(v.value) for v in annotation]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__name__, None
    return getattr(annotation, "__name__", str(annotation)), None


def _fields(model: type[BaseModel]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, info in model.model_fields.items():
        type_name, choices = _describe_type(info.annotation)
        entry: dict[str, Any] = {"type": type_name, "required": info.is_required()}
        if choices:
            entry["choices"] = choices
        if not info.is_required() and info.default is not None:
            default = info.default
            entry["default"] = default.value if isinstance(default, Enum) else default
            if isinstance(entry["default"], tuple):
                entry["default"] = list(entry["default"])
        out[name] = entry
    return out


def _closest(value: object, expected: str) -> str:
    """Suggest the nearest allowed enum value ("militia" -> "community_militia")."""
    choices = [c.strip(" '") for c in expected.replace(" or ", ", ").split(",")]
    text = str(value).strip().lower().replace(" ", "_").replace("-", "_")
    matches = difflib.get_close_matches(text, choices, n=1, cutoff=0.5)
    if not matches:
        matches = [c for c in choices if text and (text in c or c in text)][:1]
    return f"did you mean {matches[0]!r}?" if matches else ""


def errors_from_validation(error: ValidationError, *, record: str = "") -> list[RowError]:
    """Turn pydantic's errors into RowErrors naming the field and, for enums, the choices."""
    problems: list[RowError] = []
    for item in error.errors(include_url=False):
        loc = [str(p) for p in item["loc"]]
        # Discriminated unions prefix the loc with the tag ("ArmedActor", "COMMANDS").
        if loc and (
            loc[0] in NodeKind.__members__.values() or loc[0] in RelType._value2member_map_
        ):
            loc = loc[1:]
        field_name = ".".join(loc) or "record"
        message = item["msg"]
        suggestion = ""
        ctx = item.get("ctx") or {}
        if item["type"] == "enum" and "expected" in ctx:
            suggestion = _closest(item.get("input"), str(ctx["expected"]))
        if item["type"] == "union_tag_invalid":
            field_name = "kind" if "kind" in str(ctx.get("discriminator", "")) else "type"
            suggestion = f"allowed: {ctx.get('expected_tags', '')}"
        if item["type"] == "union_tag_not_found":
            field_name = str(ctx.get("discriminator", "kind")).strip("'")
        problems.append(
            RowError(field=field_name, message=message, record=record, suggestion=suggestion)
        )
    return problems


SCHEMA = Schema(
    nodes=_nodes(
        NodeSpec(
            K.ARMED_ACTOR,
            "A state force, non-state armed group, militia, peace operation, foreign force or PMC.",
            id_prefix="act",
        ),
        NodeSpec(K.UNIT, "A formation inside an armed actor; units nest.", id_prefix="unt"),
        NodeSpec(K.PERSON, "A commander, leader, influencer or focal point.", id_prefix="per"),
        NodeSpec(K.POST, "A position that outlives its holder.", id_prefix="pst"),
        NodeSpec(
            K.ORGANISATION,
            "An HCT member, OCHA, embassy, ministry, religious institution, business or media.",
            id_prefix="org",
        ),
        NodeSpec(
            K.COMMUNITY,
            "A tribe, clan, village or displaced community.",
            id_prefix="com",
        ),
        NodeSpec(K.AREA, "An administrative area with its P-code; areas nest.", id_prefix="are"),
        NodeSpec(
            K.SITE,
            "A checkpoint, screening site or crossing point (a point) or a route (a line).",
            id_prefix="sit",
        ),
        NodeSpec(K.INCIDENT, "A harm event or an instance of restraint.", id_prefix="inc"),
        NodeSpec(K.ENGAGEMENT, "A dialogue, meeting or call.", id_prefix="eng"),
        NodeSpec(
            K.COMMITMENT,
            "A deed of commitment, declaration, code of conduct or action plan.",
            id_prefix="cmt",
        ),
        NodeSpec(
            K.SOURCE,
            "Where a claim came from, graded for reliability and credibility.",
            id_prefix="src",
        ),
    ),
    relationships=_relationships(
        RelSpec(
            RelType.COMMANDS,
            "A person or post commands a unit or actor; a formation may command a unit "
            "(a brigade and the battalion attached to it).",
            _pairs({K.PERSON, K.POST}, _ARMED) | _pairs(_ARMED, {K.UNIT}),
            influence=True,
        ),
        RelSpec(
            RelType.PART_OF,
            "Nesting: units in actors, posts in units, areas in areas.",
            _pairs({K.UNIT}, _ARMED)
            | _pairs({K.ARMED_ACTOR}, {K.ARMED_ACTOR})
            | _pairs({K.POST}, _ARMED | {K.ORGANISATION})
            | _pairs({K.AREA}, {K.AREA})
            | _pairs({K.SITE}, {K.AREA})
            | _pairs({K.ORGANISATION}, {K.ORGANISATION}),
        ),
        RelSpec(RelType.HOLDS, "A person holds a post over time.", _pairs({K.PERSON}, {K.POST})),
        RelSpec(
            RelType.ALLIED_WITH,
            "An alliance.",
            _pairs(_ARMED, _ARMED),
            symmetric=True,
        ),
        RelSpec(RelType.OPPOSES, "Opposing sides.", _pairs(_ARMED, _ARMED), symmetric=True),
        RelSpec(
            RelType.SPLINTER_OF,
            "A group split from another.",
            _pairs({K.ARMED_ACTOR}, {K.ARMED_ACTOR}),
        ),
        RelSpec(
            RelType.SUPPORTS,
            "Material, financial or political support.",
            _pairs(_STAKEHOLDERS, _ARMED),
            influence=True,
        ),
        RelSpec(
            RelType.INFLUENCES,
            "Influence over a person, post, group or community.",
            _pairs(_STAKEHOLDERS, _STAKEHOLDERS),
            influence=True,
        ),
        RelSpec(
            RelType.HAS_ACCESS_TO,
            "Who can reach whom, how well, when last.",
            _pairs({K.ORGANISATION, K.PERSON}, _STAKEHOLDERS),
            influence=True,
        ),
        RelSpec(
            RelType.ASSOCIATED_WITH,
            "A symmetric tie (association, co-participation, kinship, marriage ...) between "
            "two people, two communities or two organisations.",
            _same_kind({K.PERSON, K.COMMUNITY, K.ORGANISATION}),
            symmetric=True,
        ),
        RelSpec(
            RelType.MEMBER_OF,
            "Membership of an organisation, group or community.",
            _pairs({K.PERSON}, {K.ORGANISATION, K.ARMED_ACTOR, K.UNIT, K.COMMUNITY})
            | _pairs({K.ORGANISATION}, {K.ORGANISATION}),
        ),
        RelSpec(
            RelType.FOCAL_POINT_FOR,
            "A person is the focal point of an organisation, group or community.",
            _pairs({K.PERSON}, {K.ORGANISATION, K.ARMED_ACTOR, K.UNIT, K.COMMUNITY}),
        ),
        RelSpec(
            RelType.BELONGS_TO,
            "Community ties of a person or armed group.",
            _pairs({K.PERSON, K.ARMED_ACTOR, K.UNIT}, {K.COMMUNITY}),
        ),
        RelSpec(
            RelType.CONTROLS,
            "Area of control; control of a site or route.",
            _pairs(_ARMED, _PLACES),
        ),
        RelSpec(
            RelType.OPERATES_IN,
            "Area of operation or presence; who runs a site (a screening site's operator).",
            _pairs(_ARMED | {K.ORGANISATION, K.COMMUNITY}, _PLACES),
        ),
        RelSpec(
            RelType.OCCURRED_IN,
            "Where an incident or engagement took place.",
            _pairs({K.INCIDENT, K.ENGAGEMENT}, _PLACES),
        ),
        RelSpec(
            RelType.PERPETRATED,
            "Perpetrator attribution of an incident.",
            _pairs(_ARMED | {K.PERSON}, {K.INCIDENT}),
        ),
        RelSpec(
            RelType.PARTICIPATED_IN,
            "Took part in an engagement or an incident.",
            _pairs({K.PERSON, K.POST, K.ORGANISATION} | _ARMED, {K.ENGAGEMENT, K.INCIDENT}),
        ),
        RelSpec(
            RelType.COMMITTED_TO,
            "An armed actor made a commitment.",
            _pairs(_ARMED, {K.COMMITMENT}),
        ),
        RelSpec(
            RelType.CITES,
            "A record cites a source.",
            _pairs(_ALL - {K.SOURCE}, {K.SOURCE}),
        ),
    ),
)
SCHEMA.check_registry()
