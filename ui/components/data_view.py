"""The Data page: add and edit entities and relationships, import files, read history.

Every write goes through the same schema and store as everything else:
`forms.build_record` (SCHEMA.parse_node / parse_relationship) and
`store.write`, all or nothing; their `InvalidRecords` is shown as a table of
row problems and nothing is written. Imports run the ingest pipeline as a
dry run first, so the row-by-row report is on screen before anything is
written.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import streamlit as st

from graph import model as m
from graph.errors import InvalidRecords
from graph.overlaps import duplicates_in_store
from graph.revisions import field_changes, withdrawn_links
from graph.schema import SCHEMA, NodeKind, RelType
from graph.store import Revision, WriteBatch
from ui import state
from ui.components import forms, record_view, tables
from ui.components.entities import entity_picker, ids_of_kinds, label, md

if TYPE_CHECKING:
    # Loaded when asked for (upload, download): the Data page's first load stays light.
    from ingest.pipeline import ImportOptions, ImportReport

ENTITY, RELATIONSHIP = "entity", "relationship"
_GENERATION = "data.generation"
_NEW_IDS = "data.new_ids"
_PENDING = "data.pending_duplicate"  # a relationship waiting for "Save anyway" or "Cancel"


# --------------------------------------------------------------------------- form identity


def generation() -> int:
    """Bumped after each successful "add", so the next form starts empty."""
    return int(st.session_state.get(_GENERATION, 0))


def form_id(category: str, kind: str, record_id: str | None, gen: int | None = None) -> str:
    """The form's name and its widgets' key prefix (`forms.key(form_id, field)`)."""
    if record_id is not None:
        return f"data.{category}.{kind}.edit.{record_id}"
    return f"data.{category}.{kind}.new.{generation() if gen is None else gen}"


def _new_id(form: str, kind: str) -> str:
    ids: dict[str, str] = st.session_state.setdefault(_NEW_IDS, {})
    if form not in ids:
        ids[form] = forms.new_id(kind)
    return ids[form]


# --------------------------------------------------------------------------- page


TABS = ("Entity", "Relationship", "Import a file", "History")
# The chosen tab is a widget with a key, bound to the URL's `tab=`: a save or a
# selection reruns the page with the same tab open (without a key Streamlit
# treats tabs whose surroundings changed as new ones and opens the first), and
# a link can open the History tab directly.
TAB_KEY = "tab"


def render() -> None:
    writable = state.may_write()
    if not writable:
        st.info(
            "Your account may read but not change data (editor role needed): "
            "records are shown as they are stored, without forms."
        )
    done = state.last_write()
    if done:
        st.success(f"Saved: {md(done['name'])} ({done['outcome']}; id `{done['id']}`).")
        revisions = state.store().history(str(done["id"]), viewer=state.viewer())
        if revisions:
            st.dataframe(history_rows(revisions), hide_index=True, key="data.saved.history")
    entity_tab, rel_tab, import_tab, history_tab = st.tabs(
        list(TABS), key=TAB_KEY, on_change="rerun", bind="query-params"
    )
    graph = state.graph(None)
    with entity_tab:
        if writable:
            entity_form(graph, writable=writable)
        else:
            record_view.entity_details(graph)
    with rel_tab:
        if writable:
            relationship_form(graph, writable=writable)
        else:
            record_view.relationship_details(graph)
    with import_tab:
        if writable:
            import_panel(writable=writable)
        else:
            template_download()
            st.caption("Importing a file needs the editor role.")
    with history_tab:
        history_panel(graph)


def _choices(graph: nx.MultiDiGraph[str], rel_type: str | None) -> forms.Choices:
    sources = [(s, str(graph.nodes[s].get("name", s))) for s in ids_of_kinds(graph, {"Source"})]
    if rel_type is None:
        return forms.Choices(sources=sources)
    spec = SCHEMA.relationships[RelType(rel_type)]
    src_kinds = {a.value for a, _ in spec.patterns}
    dst_kinds = {b.value for _, b in spec.patterns}
    return forms.Choices(
        sources=sources,
        source_endpoints=[(n, label(graph, n)) for n in ids_of_kinds(graph, src_kinds)],
        target_endpoints=[(n, label(graph, n)) for n in ids_of_kinds(graph, dst_kinds)],
    )


def entity_form(graph: nx.MultiDiGraph[str], *, writable: bool) -> None:
    mode = st.segmented_control(
        "Entity", ["Add", "Edit"], default="Add", key="data.entity.mode", required=True
    )
    current: dict[str, Any] | None = None
    if mode == "Edit":
        picked = entity_picker("Entity to edit", graph, key="data.entity.pick")
        if picked is None:
            st.caption("Choose an entity to edit.")
            return
        record = graph.nodes[picked]["record"]
        kind = record.kind
        current = record.model_dump(mode="json")
    else:
        kind = st.selectbox(
            "Kind",
            [k.value for k in NodeKind],
            key="data.entity.kind",
            help="; ".join(f"{k.value}: {SCHEMA.nodes[k].description}" for k in NodeKind),
        )
    st.caption(md(SCHEMA.nodes[NodeKind(kind)].description))
    _record_form(graph, ENTITY, kind, current, writable=writable)


def relationship_form(graph: nx.MultiDiGraph[str], *, writable: bool) -> None:
    mode = st.segmented_control(
        "Relationship", ["Add", "Edit"], default="Add", key="data.rel.mode", required=True
    )
    current: dict[str, Any] | None = None
    if mode == "Edit":
        entity = entity_picker("Relationships of", graph, key="data.rel.entity")
        if entity is None:
            st.caption("Choose an entity, then one of its relationships.")
            return
        edges = {
            key: data["record"]
            for u, v, key, data in graph.edges(keys=True, data=True)
            if entity in (u, v)
        }
        if not edges:
            st.caption("This entity has no relationships you may see.")
            return
        rel_id = st.selectbox(
            "Relationship to edit",
            sorted(edges),
            key="data.rel.pick",
            format_func=lambda k: _rel_label(graph, edges[k]),
        )
        record = edges[rel_id]
        rel_type = record.type
        current = record.model_dump(mode="json")
    else:
        rel_type = st.selectbox(
            "Type",
            [t.value for t in RelType],
            key="data.rel.type",
            help="Which kinds each type may join is checked on save.",
        )
    spec = SCHEMA.relationships[RelType(rel_type)]
    st.caption(md(spec.description))
    _record_form(graph, RELATIONSHIP, rel_type, current, writable=writable)


def _rel_label(graph: nx.MultiDiGraph[str], record: m.RelBase) -> str:
    interval = ""
    if record.valid_from or record.valid_to:
        interval = f" [{record.valid_from or '…'} – {record.valid_to or 'now'}]"
    kind = getattr(record, "type", "")
    src = graph.nodes[record.source_id].get("name", record.source_id)
    dst = graph.nodes[record.target_id].get("name", record.target_id)
    return f"{src} → {kind} → {dst}{interval}"


def _record_form(
    graph: nx.MultiDiGraph[str],
    category: str,
    kind: str,
    current: Mapping[str, Any] | None,
    *,
    writable: bool,
) -> None:
    record_id = str(current["id"]) if current is not None else None
    form = form_id(category, kind, record_id)
    if current is None:
        current_values: dict[str, Any] | None = None
        initial: dict[str, Any] = {"id": _new_id(form, kind)}
    else:
        current_values = dict(current)
        initial = current_values
    choices = _choices(graph, kind if category == RELATIONSHIP else None)
    with st.form(form, border=True):
        values = forms.render_fields(
            form,
            kind,
            initial=initial,
            editing=current is not None,
            viewer=state.viewer(),
            choices=choices,
        )
        if current is not None:
            st.caption(
                "Saving records a new version; nothing is overwritten. To end a relationship, "
                "give it a 'Valid to' date: it is closed, not deleted."
            )
        submitted = st.form_submit_button(
            "Save changes" if current is not None else "Add",
            type="primary",
            disabled=not writable,
            key=f"{form}.submit",
        )
    if submitted:
        save(kind, values, current=current_values, form=form)
    confirm_duplicate(graph, form)


def save(
    kind: str,
    values: Mapping[str, Any],
    *,
    current: Mapping[str, Any] | None,
    form: str,
    confirmed: bool = False,
) -> None:
    """Validate with the schema, write all or nothing, then show what happened.

    A relationship that repeats one already recorded (`graph.overlaps`) is not
    written until the user confirms it (`confirm_duplicate`): counted twice,
    one tie would weigh double in every path and coverage number.
    """
    st.session_state.pop(_PENDING, None)
    try:
        record = forms.build_record(kind, values, current=current)
        viewer = state.viewer()
        if isinstance(record, m.RelBase) and not confirmed:
            existing = duplicates_in_store(state.store(), record, viewer=viewer)
            if existing:
                st.session_state[_PENDING] = {
                    "form": form,
                    "kind": kind,
                    "values": dict(values),
                    "current": current,
                    "duplicates": existing,
                }
                return
        # At the reader's clearance: the form showed sources above it as masks,
        # and the store keeps the real citations behind them only when it knows.
        report = state.store().write(
            WriteBatch.of([record]), actor=viewer.name, clearance=viewer.clearance
        )
    except InvalidRecords as e:
        state.show_row_errors(e)
        return
    if report.created:
        outcome = "created"
    elif report.closed:
        outcome = "closed (a new version with its end date)"
    elif report.updated:
        outcome = "updated (a new version)"
    else:
        outcome = "unchanged: the values were the same as stored"
    state.set_last_write(
        {"id": record.id, "kind": kind, "name": saved_as(record), "outcome": outcome}
    )
    if current is None:
        st.session_state[_GENERATION] = generation() + 1
    st.session_state["data.history.id"] = record.id
    if isinstance(record, m.NodeBase):
        state.select_entity(record.id)
    st.rerun()


def confirm_duplicate(graph: nx.MultiDiGraph[str], form: str) -> None:
    """The relationship held back by `save`: the existing one(s) it repeats, save or cancel."""
    pending: dict[str, Any] | None = st.session_state.get(_PENDING)
    if not pending or pending["form"] != form:
        return
    existing: list[m.RelBase] = pending["duplicates"]
    st.warning(
        "Not saved yet: this relationship is already recorded for an overlapping period. "
        "Save it anyway only if it is a different tie (e.g. another channel); otherwise "
        "edit the existing one."
    )
    tables.show([record_view.relationship_row(graph, r) for r in existing], key=f"{form}.dup")
    save_col, cancel_col = st.columns(2)
    if save_col.button("Save anyway", key=f"{form}.dup.confirm", type="primary"):
        save(
            str(pending["kind"]),
            pending["values"],
            current=pending["current"],
            form=form,
            confirmed=True,
        )
    if cancel_col.button("Cancel", key=f"{form}.dup.cancel"):
        st.session_state.pop(_PENDING, None)
        st.rerun()


def saved_as(record: m.AnyRecord) -> str:
    """What was saved, as the analyst would say it: a name, or the relationship as a sentence
    ("Fernwell Relief International has regular access to the Elder")."""
    if isinstance(record, m.NodeBase):
        return record.name
    return record_view.sentence(state.graph(None), record)


# --------------------------------------------------------------------------- import


def template_download() -> None:
    """The map as the filled import workbook: keep it in a spreadsheet, upload it back.

    The workbook is made only when the button is pressed (a deferred download),
    from the store and viewer of this run: the download request runs outside
    the script, where session state cannot be read.
    """
    # Loaded when asked for (upload, download): the Data page's first load stays light.
    from ingest.export import template_workbook

    store, viewer = state.store(), state.viewer()
    st.download_button(
        "Download the map as a spreadsheet",
        lambda: template_workbook(store, viewer),
        file_name=f"actorgraph-map-{date.today().isoformat()}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="data.export.template",
        icon=":material/table_view:",
        on_click="ignore",
    )
    st.caption(
        f"Everything you may see (clearance {viewer.clearance.value}), in the import "
        "template's layout with ids and drop-downs. Edit cells and upload the file here: "
        "only the rows you changed are written, each with its history."
    )


def import_panel(*, writable: bool) -> None:
    template_download()
    st.markdown(
        "Upload a **snapshot** (`.jsonl`), a filled-in **template** (`.xlsx`, or one sheet as "
        "`.csv` named after its kind, e.g. `ArmedActor.csv`), or an **ACLED** / **UCDP** "
        "export (`.csv`). Every row is checked first; the report is shown before anything "
        "is written, and a file with any problem writes nothing."
    )
    upload = st.file_uploader(
        "File to import",
        type=["jsonl", "ndjson", "json", "csv", "xlsx"],
        key="data.import.file",
    )
    if upload is None:
        return
    with tempfile.TemporaryDirectory(prefix="actorgraph-upload-") as folder:
        # Keep the file's own name: a template sheet is recognised by it.
        path = Path(folder) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        _check_then_write(path, upload.name, writable=writable)


def _check_then_write(path: Path, name: str, *, writable: bool) -> None:
    try:
        summary = dry_run(path)
    except InvalidRecords as e:
        st.error(f"{name}: the file cannot be imported as it is.")
        show_import_errors(_named(e, str(path), name))
        return
    st.success(f"{name}: every row is valid. {summary['text']}")
    if summary.get("rows"):
        st.dataframe(summary["rows"], hide_index=True, key="data.import.preview")
    show_matches(summary["matches"], summary["new"], dry=True)
    if st.button(
        f"Write {summary['records']} record(s) to the store",
        key="data.import.write",
        type="primary",
        disabled=not writable or not summary["records"],
    ):
        try:
            outcome = write_import(path)
        except InvalidRecords as e:
            show_import_errors(_named(e, str(path), name))
            return
        st.success(f"Imported: {outcome['text'].replace(str(path), name)}")
        show_matches(outcome["matches"], outcome["new"], dry=False)
        state.set_last_write(None)


def show_import_errors(error: InvalidRecords) -> None:
    """Every problem of an upload with the sheet, row, field and the bad value itself."""
    st.error(f"{len(error.errors)} problem(s); nothing was written.")
    rows = [
        {
            "file": e.file,
            "sheet": e.sheet or "",
            "row": e.row,
            "field": e.field,
            "value": e.value or "",
            "problem": e.message,
            "suggestion": e.suggestion,
        }
        for e in error.errors
    ]
    st.dataframe(rows, hide_index=True, key="data.import.problems")


def show_matches(matches: list[dict[str, Any]], new: list[dict[str, str]], *, dry: bool) -> None:
    """What each row's names matched (fuzzy ones first: they are merges to check),
    and the records the import creates, as the CLI's report lists them."""
    if matches:
        fuzzy = sum(1 for r in matches if not str(r["score"]).startswith("exact"))
        st.markdown(
            f"**Names matched to records**: {len(matches)} row(s), {fuzzy} not exact "
            "(check them: each was added as an alias and awaits review)."
        )
        st.dataframe(matches, hide_index=True, key=f"data.import.matches.{dry}")
    if new:
        st.markdown(f"**{'Would create' if dry else 'Created'}**: {len(new)} record(s).")
        st.dataframe(new, hide_index=True, key=f"data.import.new.{dry}")


def _named(error: InvalidRecords, path: str, name: str) -> InvalidRecords:
    """The same problems, naming the uploaded file rather than its temporary copy."""
    return InvalidRecords(
        [dataclasses.replace(e, file=name) if e.file == path else e for e in error.errors]
    )


def dry_run(path: Path) -> dict[str, Any]:
    """Validate a file with the ingest pipeline without writing; raise InvalidRecords."""
    # Loaded when asked for (upload, download): the Data page's first load stays light.
    from ingest.pipeline import run_import

    report = run_import(state.store(), path, _import_options(dry_run=True))
    text = (
        f"{report.rows} row(s): would create {report.created}, update {report.updated}, "
        f"close {report.closed}; {report.unchanged} unchanged."
    )
    rows = [{"warning": w} for w in report.warnings]
    return {"records": report.records, "rows": rows, "text": text} | _report_tables(report)


def write_import(path: Path) -> dict[str, Any]:
    """The same pipeline, for real: one all-or-nothing write."""
    # Loaded when asked for (upload, download): the Data page's first load stays light.
    from ingest.pipeline import run_import

    report = run_import(state.store(), path, _import_options(dry_run=False))
    return {"text": report.summary()} | _report_tables(report)


def _report_tables(report: ImportReport) -> dict[str, Any]:
    """The report's matches (not exact first) and new records, as table rows."""
    ordered = sorted(report.matches, key=lambda r: r.exact)
    matches = [
        {
            "sheet": r.sheet or Path(r.file).name,
            "row": r.row,
            "spelling": r.spelling,
            "matched record": f"{r.record_id} ({r.record_name})",
            "score": r.score_text,
        }
        for r in ordered
    ]
    new = [{"id": r.id, "kind": r.kind, "name": r.name} for r in report.new_records]
    return {"matches": matches, "new": new}


def _import_options(*, dry_run: bool) -> ImportOptions:
    """As the signed-in viewer: the pipeline's lookups read what they may see.

    The options' default viewer is SYSTEM (strictly confidential), which a
    signed-in store refuses for anyone cleared lower: every such import failed.
    """
    # Loaded when asked for (upload, download): the Data page's first load stays light.
    from ingest.pipeline import ImportOptions

    viewer = state.viewer()
    return ImportOptions(dry_run=dry_run, actor=viewer.name, viewer=viewer)


# --------------------------------------------------------------------------- history


def history_panel(graph: nx.MultiDiGraph[str]) -> None:
    st.markdown("Every version of a record: what changed, when, and by whom.")
    left, right = st.columns(2)
    with left:
        picked = entity_picker("Entity", graph, key="data.history.pick", follow_selection=False)
    with right:
        typed = st.text_input(
            "…or a record id (entity or relationship)", key="data.history.id"
        ).strip()
    record_id = typed or picked
    if not record_id:
        st.caption("Choose an entity or type an id.")
        return
    revisions = state.store().history(record_id, viewer=state.viewer())
    if not revisions:
        st.info(f"No record {md(record_id)} (or it is above your clearance).")
        return
    st.dataframe(history_rows(revisions), hide_index=True, key="data.history.table")
    gone = withdrawn_links(state.store(), record_id, viewer=state.viewer())
    if gone:
        # The CLI's `history` says the same: which event links no longer count
        # for this record, and which review decision withdrew them.
        st.markdown(f"**Withdrawn links ({len(gone)})**, not counted by any analysis")
        tables.show(withdrawn_rows(record_id, gone), key="data.history.withdrawn")


def withdrawn_rows(record_id: str, links: list[m.AnyRelationship]) -> list[dict[str, Any]]:
    """One row per withdrawn link: what it joined this record to, and who withdrew it."""
    return [
        {
            "link": rel.id,
            "type": rel.type,
            "other end": rel.target_id if rel.source_id == record_id else rel.source_id,
            "withdrawn by": rel.__dict__["withdrawn_by"],
        }
        for rel in links
    ]


def history_rows(revisions: list[Revision]) -> list[dict[str, Any]]:
    """One row per version, with the fields that changed since the one before."""
    rows = []
    for revision, changes in zip(revisions, field_changes(revisions), strict=True):
        said = [
            f"{SCHEMA.field_title(c.field)}: {_short(c.before)} → {_short(c.after)}"
            for c in changes
        ]
        rows.append(
            {
                "version": revision.version,
                "when": revision.recorded_at,
                "by": revision.recorded_by,
                "operation": revision.operation,
                "what changed": "created"
                if revision.version == 1
                else ("; ".join(said) or "(no field changed)"),
            }
        )
    return rows


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:59] + "…"
