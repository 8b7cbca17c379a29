"""The Data page: forms validated by the schema, all-or-nothing writes, imports, history."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.proto.Block_pb2 import Block as BlockProto
from streamlit.testing.v1 import AppTest

from graph.sensitivity import SYSTEM, Sensitivity
from graph.store import WriteBatch
from graph.stores.embedded_store import EmbeddedStore
from graph.users import Role, User, hash_password
from tests.ui import world
from tests.ui.conftest import app_at, no_exceptions
from tests.ui.test_accounts import PASSWORD, sign_in
from ui.components import data_view, forms

NEW_ACTOR = data_view.form_id("entity", "ArmedActor", None, gen=0)
NEW_INFLUENCE = data_view.form_id("relationship", "INFLUENCES", None, gen=0)


def fill_actor(at: AppTest, *, valid_from: str) -> str:
    at.text_input(key=forms.key(NEW_ACTOR, "name")).input("Hill Guard (fictional)")
    at.selectbox(key=forms.key(NEW_ACTOR, "actor_kind")).set_value("community_militia")
    at.selectbox(key=forms.key(NEW_ACTOR, "structure")).set_value("community_embedded")
    at.text_input(key=forms.key(NEW_ACTOR, "valid_from")).input(valid_from)
    return str(at.text_input(key=forms.key(NEW_ACTOR, "id")).value)


def table_with(at: AppTest, column: str) -> Any:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_form_with_a_bad_date_shows_the_error_and_writes_nothing(
    world_store: EmbeddedStore,
) -> None:
    before = world_store.change_counter()
    at = app_at("data")
    new_id = fill_actor(at, valid_from="2021-13")
    at.button(key=f"{NEW_ACTOR}.submit").click().run()
    no_exceptions(at)
    assert "nothing was written" in at.error[0].value
    problems = table_with(at, "problem")
    assert list(problems["field"]) == ["valid_from"]
    assert "malformed date" in problems["problem"][0]
    assert world_store.get(new_id, viewer=SYSTEM) is None
    assert world_store.change_counter() == before


@pytest.mark.usefixtures("world_store")
def test_form_with_an_empty_required_choice_names_the_field() -> None:
    at = app_at("data")
    at.text_input(key=forms.key(NEW_ACTOR, "name")).input("Nameless structure")
    at.button(key=f"{NEW_ACTOR}.submit").click().run()
    no_exceptions(at)
    fields = set(table_with(at, "problem")["field"])
    assert {"actor_kind", "structure"} <= fields


def test_form_with_good_values_writes_and_appears_in_history(world_store: EmbeddedStore) -> None:
    at = app_at("data")
    new_id = fill_actor(at, valid_from="2021-03")
    at.button(key=f"{NEW_ACTOR}.submit").click().run()
    no_exceptions(at)
    assert not at.error, [e.value for e in at.error]
    assert "created" in at.success[0].value
    stored = world_store.get(new_id, viewer=SYSTEM)
    assert stored is not None and stored.name == "Hill Guard (fictional)"
    assert stored.recorded_by == "ui-tester"
    history = table_with(at, "what changed")
    assert list(history["version"]) == [1]
    assert list(history["by"]) == ["ui-tester"]
    # The next "add" form starts empty, with a new id.
    fresh = data_view.form_id("entity", "ArmedActor", None, gen=1)
    assert at.text_input(key=forms.key(fresh, "name")).value == ""

    # Edit it: a new version, and the history says what changed.
    at.button_group(key="data.entity.mode").set_value("Edit").run()
    at.selectbox(key="data.entity.pick").set_value(new_id).run()
    edit = data_view.form_id("entity", "ArmedActor", new_id)
    at.text_input(key=forms.key(edit, "name")).input("Hill Guard of Orrin (fictional)")
    at.button(key=f"{edit}.submit").click().run()
    no_exceptions(at)
    assert "updated" in at.success[0].value
    history = table_with(at, "what changed")
    assert list(history["version"]) == [1, 2]
    assert (
        "Name: Hill Guard (fictional) → Hill Guard of Orrin (fictional)"
        in history["what changed"][1]
    )
    revisions = world_store.history(new_id, viewer=SYSTEM)
    assert [r.version for r in revisions] == [1, 2]


def test_relationship_form_rejects_a_strength_above_one(world_store: EmbeddedStore) -> None:
    before = world_store.change_counter()
    at = app_at("data")
    at.selectbox(key="data.rel.type").set_value("INFLUENCES").run()
    at.selectbox(key=forms.key(NEW_INFLUENCE, "source_id")).set_value("per_elder")
    at.selectbox(key=forms.key(NEW_INFLUENCE, "target_id")).set_value("per_hostile_cmdr")
    at.number_input(key=forms.key(NEW_INFLUENCE, "strength")).set_value(1.5)
    at.button(key=f"{NEW_INFLUENCE}.submit").click().run()
    no_exceptions(at)
    assert "nothing was written" in at.error[0].value
    assert list(table_with(at, "problem")["field"]) == ["strength"]
    assert world_store.change_counter() == before

    at.number_input(key=forms.key(NEW_INFLUENCE, "strength")).set_value(0.7)
    at.button(key=f"{NEW_INFLUENCE}.submit").click().run()
    no_exceptions(at)
    assert not at.error, [e.value for e in at.error]
    assert world_store.change_counter() == before + 1
    # The save says what was saved, by name, as a sentence; never next to an error.
    saved = at.success[0].value
    assert saved.startswith("Saved: Sheikha Morwen Dask influences ")
    assert "(created; id" in saved


def test_closing_a_relationship_keeps_its_history(world_store: EmbeddedStore) -> None:
    at = app_at("data")
    at.button_group(key="data.rel.mode").set_value("Edit").run()
    at.selectbox(key="data.rel.entity").set_value("per_elder").run()
    at.selectbox(key="data.rel.pick").set_value("rel_inf").run()
    edit = data_view.form_id("relationship", "INFLUENCES", "rel_inf")
    at.text_input(key=forms.key(edit, "valid_to")).input("2026-01")
    at.button(key=f"{edit}.submit").click().run()
    no_exceptions(at)
    assert "closed" in at.success[0].value
    assert [r.operation for r in world_store.history("rel_inf", viewer=SYSTEM)] == [
        "create",
        "close",
    ]


def test_snapshot_upload_shows_the_report_before_writing(
    empty_store: EmbeddedStore, tmp_path: Path
) -> None:
    snapshot = world.write_jsonl(tmp_path / "world.jsonl").read_bytes()
    at = app_at("data")
    at.file_uploader(key="data.import.file").set_value(
        ("world.jsonl", snapshot, "application/jsonl")
    ).run()
    no_exceptions(at)
    assert "every row is valid" in at.success[0].value
    assert empty_store.change_counter() == 0  # nothing written yet
    at.button(key="data.import.write").click().run()
    no_exceptions(at)
    assert any("Imported" in s.value for s in at.success)
    assert empty_store.get("act_hills", viewer=SYSTEM) is not None


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (
            '{"kind": "ArmedActor", "id": "act_x", "name": "X", "actor_kind": "militia", '
            '"structure": "integrated"}',
            "actor_kind",
        ),
        ("{not json", "json"),
    ],
)
def test_bad_snapshot_upload_lists_rows_and_writes_nothing(
    empty_store: EmbeddedStore, tmp_path: Path, line: str, field: str
) -> None:
    good = world.write_jsonl(tmp_path / "world.jsonl").read_text(encoding="utf-8")
    content = good + line + "\n"
    at = app_at("data")
    at.file_uploader(key="data.import.file").set_value(
        ("bad.jsonl", content.encode("utf-8"), "application/jsonl")
    ).run()
    no_exceptions(at)
    assert "cannot be imported" in at.error[0].value
    problems = table_with(at, "problem")
    assert field in list(problems["field"])
    assert int(problems["row"].max()) == len(content.splitlines())
    assert not at.button(key="data.import.write") if _has(at, "data.import.write") else True
    assert empty_store.change_counter() == 0


def _has(at: AppTest, key: str) -> bool:
    try:
        at.button(key=key)
    except KeyError:
        return False
    return True


@pytest.mark.usefixtures("world_store")
def test_history_tab_reads_any_record_by_id() -> None:
    at = app_at("data")
    at.text_input(key="data.history.id").input("rel_acc").run()
    no_exceptions(at)
    history = table_with(at, "what changed")
    assert list(history["by"]) == ["fixture"]
    at.text_input(key="data.history.id").input("no_such_record").run()
    assert any("No record" in i.value for i in at.info)


def test_history_tab_lists_the_links_a_review_decision_withdrew(
    world_store: EmbeddedStore,
) -> None:
    """As the CLI's `history` does: a withdrawn event link is named, with who withdrew it."""
    (link,) = world_store.get_many([], ["rel_eng_local"], viewer=SYSTEM)[1]
    world_store.write(
        WriteBatch.of([link.model_copy(update={"withdrawn_by": "rev_fictional"})]),
        actor="reviewer",
    )
    at = app_at("data")
    at.text_input(key="data.history.id").input("per_local").run()
    no_exceptions(at)
    gone = table_with(at, "withdrawn by")
    assert list(gone["link"]) == ["rel_eng_local"]
    assert list(gone["other end"]) == ["eng_passage"]
    assert list(gone["withdrawn by"]) == ["rev_fictional"]
    # A record with no withdrawn link shows no such table.
    at.text_input(key="data.history.id").input("org_ngo").run()
    assert not any("withdrawn by" in d.value.columns for d in at.dataframe)


INGEST_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


@pytest.mark.parametrize(
    "name", ["template_filled.xlsx", "acled_sample.csv", "ucdp_ged_sample.csv"]
)
def test_template_and_event_data_uploads_are_validated_before_writing(
    empty_store: EmbeddedStore, name: str
) -> None:
    source = INGEST_FIXTURES / name
    if not source.exists():
        pytest.skip(f"{source} is not there yet")
    at = app_at("data")
    at.file_uploader(key="data.import.file").set_value(
        (name, source.read_bytes(), "application/octet-stream")
    ).run()
    no_exceptions(at)
    assert not at.error, [e.value for e in at.error]
    assert "every row is valid" in at.success[0].value
    assert empty_store.change_counter() == 0
    at.button(key="data.import.write").click().run()
    no_exceptions(at)
    assert empty_store.change_counter() == 1


def test_data_page_offers_the_map_as_a_spreadsheet_that_comes_back_unchanged(
    world_store: EmbeddedStore, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from graph.sensitivity import Sensitivity, Viewer
    from ingest.export import template_workbook
    from tests.ingest.helpers import contents, load

    at = app_at("data")
    no_exceptions(at)
    [button] = [b for b in at.get("download_button") if b.proto.id.endswith("data.export.template")]
    assert button.proto.label == "Download the map as a spreadsheet"
    # What the button's deferred download sends: the filled template, audited as an export.
    reader = Viewer(name="ui-tester", clearance=Sensitivity.RESTRICTED)
    audit = len(world_store.audit_entries("export"))
    path = tmp_path / "map.xlsx"
    path.write_bytes(template_workbook(world_store, reader))
    assert len(world_store.audit_entries("export")) == audit + 1
    actors = load_workbook(path)["ArmedActor"]
    assert {"act_hills", "act_army"} <= {actors.cell(r, 1).value for r in range(3, 20)}
    before = contents(world_store)
    report = load(world_store, path, viewer=reader)
    assert (report.created, report.updated, report.closed) == (0, 0, 0)
    assert contents(world_store) == before


@pytest.mark.usefixtures("world_store")
def test_form_fields_and_history_are_labelled_in_words_not_field_names() -> None:
    at = app_at("data")
    at.selectbox(key="data.rel.type").set_value("HAS_ACCESS_TO").run()
    access = data_view.form_id("relationship", "HAS_ACCESS_TO", None, gen=0)
    assert at.selectbox(key=forms.key(access, "source_id")).label == "From *"
    assert at.selectbox(key=forms.key(access, "target_id")).label == "To *"
    assert at.text_input(key=forms.key(access, "valid_from")).label == "Valid from"
    assert at.text_input(key=forms.key(access, "last_contact")).label == "Last contact"
    assert at.text_input(key=forms.key(NEW_ACTOR, "id")).label == "ID *"
    labels = [w.label for w in at.text_input] + [w.label for w in at.selectbox]
    assert not [label for label in labels if "_" in label]


def _add_influence(at: AppTest, form: str, *, valid_from: str = "") -> None:
    at.selectbox(key="data.rel.type").set_value("INFLUENCES").run()
    at.selectbox(key=forms.key(form, "source_id")).set_value("per_elder")
    at.selectbox(key=forms.key(form, "target_id")).set_value("per_local")
    if valid_from:
        at.text_input(key=forms.key(form, "valid_from")).input(valid_from)
    at.button(key=f"{form}.submit").click().run()
    no_exceptions(at)


def test_a_duplicate_relationship_is_flagged_before_it_is_written_and_can_be_cancelled(
    world_store: EmbeddedStore,
) -> None:
    before = world_store.change_counter()
    at = app_at("data")
    _add_influence(at, NEW_INFLUENCE, valid_from="2024")
    # Held back: the existing relationship is shown, nothing is written.
    assert "already recorded" in at.warning[0].value
    shown = table_with(at, "relationship")
    assert list(shown["id"]) == ["rel_inf"]
    assert shown["relationship"][0] == "Sheikha Morwen Dask influences Ilyo Varrant"
    assert not at.success
    assert world_store.change_counter() == before
    at.button(key=f"{NEW_INFLUENCE}.dup.cancel").click().run()
    no_exceptions(at)
    assert not at.warning
    assert world_store.change_counter() == before


def test_a_duplicate_relationship_is_written_when_the_user_confirms(
    world_store: EmbeddedStore,
) -> None:
    before = world_store.change_counter()
    at = app_at("data")
    _add_influence(at, NEW_INFLUENCE)
    assert "already recorded" in at.warning[0].value
    at.button(key=f"{NEW_INFLUENCE}.dup.confirm").click().run()
    no_exceptions(at)
    assert not at.warning
    assert at.success[0].value.startswith("Saved: Sheikha Morwen Dask influences Ilyo Varrant")
    assert world_store.change_counter() == before + 1
    influences = [
        r for r in world_store.iter_relationships(viewer=SYSTEM) if r.type == "INFLUENCES"
    ]
    assert len([r for r in influences if r.source_id == "per_elder"]) == 2


@pytest.mark.usefixtures("world_store")
def test_the_chosen_tab_stays_open_after_a_save() -> None:
    at = app_at("data")
    at.session_state[data_view.TAB_KEY] = "Relationship"
    at.run()
    form = data_view.form_id("relationship", "HAS_ACCESS_TO", None, gen=0)
    at.selectbox(key="data.rel.type").set_value("HAS_ACCESS_TO").run()
    at.selectbox(key=forms.key(form, "source_id")).set_value("org_ocha")
    at.selectbox(key=forms.key(form, "target_id")).set_value("per_local")
    at.button(key=f"{form}.submit").click().run()
    no_exceptions(at)
    assert at.success[0].value.startswith("Saved: ")
    # The save's message appeared above the tabs; the Relationship tab is still the open one:
    # the tabs are one keyed widget (the browser keeps it open), bound to the URL's `tab=`.
    assert at.session_state[data_view.TAB_KEY] == "Relationship"
    container = _tab_container(at)
    assert container.id and container.query_param_key == data_view.TAB_KEY


def _tab_container(at: AppTest) -> Any:
    """The proto of the page's one set of tabs."""
    found = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if isinstance(proto, BlockProto) and proto.WhichOneof("type") == "tab_container":
            found.append(proto.tab_container)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    assert len(found) == 1
    return found[0]


def _account(store: EmbeddedStore, name: str, role: Role) -> AppTest:
    store.save_user(
        User(
            name=name,
            role=role,
            clearance=Sensitivity.RESTRICTED,
            password_hash=hash_password(PASSWORD),
        ),
        actor="fixture",
    )
    at = sign_in(name, PASSWORD)
    at.switch_page("views/data.py").run()
    no_exceptions(at)
    return at


def test_a_viewer_reads_records_as_details_without_any_form(world_store: EmbeddedStore) -> None:
    at = _account(world_store, "reader", Role.VIEWER)
    assert any("may read but not change" in i.value for i in at.info)
    # No form anywhere, not even a greyed-out one: the only text box looks a record up.
    assert _form_widgets(at) == []
    assert [w.key for w in at.text_input] == ["data.history.id"]
    assert not at.number_input and not at.file_uploader
    at.selectbox(key="data.view.entity").set_value("per_elder").run()
    no_exceptions(at)
    record = " ".join(m.value for m in at.markdown)
    assert "Sheikha Morwen Dask" in record and "public" in record
    assert "Evidence count" in list(table_with(at, "field")["field"])
    assert "No source cited." in [c.value for c in at.caption]
    at.selectbox(key="data.view.rel_entity").set_value("per_elder").run()
    no_exceptions(at)
    rels = table_with(at, "relationship")
    assert "Sheikha Morwen Dask influences Ilyo Varrant" in list(rels["relationship"])
    assert set(rels["id"]) == {"rel_inf", "rel_acc"}
    cited = dict(zip(rels["id"], rels["sources"], strict=True))
    assert cited["rel_acc"] == "none cited" and cited["rel_inf"] not in ("", "none cited")
    assert _form_widgets(at) == []


def _form_widgets(at: AppTest) -> list[str]:
    """Keys of the entity and relationship forms' widgets on the page."""
    widgets = [*at.text_input, *at.number_input, *at.selectbox, *at.multiselect, *at.button]
    return [
        str(w.key)
        for w in widgets
        if w.key and str(w.key).startswith(("data.entity.", "data.rel."))
    ]


def test_an_editor_gets_the_forms(world_store: EmbeddedStore) -> None:
    at = _account(world_store, "editor", Role.EDITOR)
    assert not any("may read but not change" in i.value for i in at.info)
    assert at.text_input(key=forms.key(NEW_ACTOR, "name")).value == ""
    assert not at.button(key=f"{NEW_ACTOR}.submit").disabled
    assert at.file_uploader(key="data.import.file") is not None
    assert _form_widgets(at)
