"""The CLI on both stores: exit codes, JSON only on stdout, errors on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.schema import NodeKind, RelType
from ingest.snapshot import write_snapshot
from tests.factories import one_of_each_node, one_of_each_relationship
from ui.cli import app


def invoke(runner: CliRunner, store_url: str, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--store", store_url, *args])


def write_fixture(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        write_snapshot(
            [*one_of_each_node(), *one_of_each_relationship()], fh, header="FICTIONAL test data"
        )
    return path


def test_init_then_stats_prints_valid_json(runner: CliRunner, store_url: str) -> None:
    result = invoke(runner, store_url, "init", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["change_counter"] == 0
    result = invoke(runner, store_url, "stats", "--json")
    assert result.exit_code == 0, result.stderr
    stats = json.loads(result.stdout)
    assert set(stats["nodes"]) == {k.value for k in NodeKind}
    assert set(stats["relationships"]) == {t.value for t in RelType}
    assert stats["total_nodes"] == 0


def test_import_list_search_show_history(runner: CliRunner, store_url: str, tmp_path: Path) -> None:
    snapshot = write_fixture(tmp_path / "one-of-each.jsonl")
    result = invoke(runner, store_url, "import", str(snapshot), "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["created"] == len(one_of_each_node()) + len(
        one_of_each_relationship()
    )

    listed = json.loads(invoke(runner, store_url, "list", "--type", "ArmedActor", "--json").stdout)
    assert {
        "id": "act_1",
        "type": "ArmedActor",
        "name": "Front of the Seven Hills",
        "sensitivity": "public",
        "kind": "non_state_armed_group",
        "structure": "decentralised",
        "aliases": ["F7H", "Jabhat Sab'a"],
    } in listed
    assert {row["type"] for row in listed} == {"ArmedActor"}

    found = json.loads(invoke(runner, store_url, "search", "ilyô", "--json").stdout)
    assert [row["id"] for row in found] == ["per_1"]

    shown = json.loads(invoke(runner, store_url, "show", "rel_acc", "--json").stdout)
    assert shown["type"] == "HAS_ACCESS_TO" and shown["last_contact"] == "2026-10-01"

    result = invoke(runner, store_url, "history", "rel_acc", "--json")
    assert [r["operation"] for r in json.loads(result.stdout)] == ["create"]

    # per_2 is labelled restricted: found at that clearance, invisible below it.
    result = invoke(runner, store_url, "--clearance", "restricted", "search", "morwen", "--json")
    assert [row["id"] for row in json.loads(result.stdout)] == ["per_2"]
    result = invoke(runner, store_url, "--clearance", "public", "search", "morwen", "--json")
    assert json.loads(result.stdout) == []
    stats = json.loads(invoke(runner, store_url, "--clearance", "public", "stats", "--json").stdout)
    assert stats["nodes"]["Source"] == 0 and stats["nodes"]["ArmedActor"] == 2


def _bad_line(tmp_path: Path, name: str, record: dict[str, object]) -> Path:
    path = write_fixture(tmp_path / name)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")
    return path


def test_bad_input_names_entity_and_field_and_writes_nothing(
    runner: CliRunner, store_url: str, tmp_path: Path
) -> None:
    cases = {
        "unknown-enum.jsonl": (
            {
                "kind": "ArmedActor",
                "id": "act_bad",
                "name": "Fictional X",
                "actor_kind": "militia",
                "structure": "decentralised",
            },
            "actor_kind",
            "community_militia",
        ),
        "wrong-types.jsonl": (
            {"type": "COMMANDS", "id": "rel_bad", "source_id": "com_1", "target_id": "act_1"},
            "type",
            "Community -> ArmedActor",
        ),
        "bad-date.jsonl": (
            {"kind": "Person", "id": "per_bad", "name": "Fictional Y", "valid_from": "2021-13-01"},
            "valid_from",
            "month 13",
        ),
    }
    before = invoke(runner, store_url, "stats", "--json").stdout
    for name, (record, field, hint) in cases.items():
        path = _bad_line(tmp_path, name, record)
        result = invoke(runner, store_url, "import", str(path))
        assert result.exit_code == 3, (name, result.stderr)
        assert str(record["id"]) in result.stderr
        assert f"field {field!r}" in result.stderr
        assert hint in result.stderr
        assert name in result.stderr and "row " in result.stderr
        assert result.stdout == ""
        assert invoke(runner, store_url, "stats", "--json").stdout == before


def test_missing_record_and_bad_store_url_exit_non_zero(runner: CliRunner, store_url: str) -> None:
    result = invoke(runner, store_url, "show", "nothing-here")
    assert result.exit_code == 6 and result.stdout == ""
    assert "no record 'nothing-here'" in result.stderr
    result = runner.invoke(app, ["--store", "ftp://user:secret@example.invalid", "stats"])
    assert result.exit_code == 4
    assert "secret" not in result.stderr


@pytest.mark.neo4j
def test_neo4j_with_wrong_password_fails_cleanly_without_echoing_it(
    runner: CliRunner,
    neo4j_credentials: dict[str, str],
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setenv("ACTORGRAPH_NEO4J_PASSWORD", "not-the-password-123")
    result = runner.invoke(app, ["--store", neo4j_credentials["uri"], "stats"])
    assert result.exit_code == 4
    assert "refused the credentials" in result.stderr
    assert "not-the-password-123" not in result.stderr


def test_export_writes_only_what_the_clearance_allows(
    runner: CliRunner, store_url: str, tmp_path: Path
) -> None:
    invoke(runner, store_url, "import", str(write_fixture(tmp_path / "in.jsonl")))
    out = tmp_path / "public.jsonl"
    result = invoke(runner, store_url, "--clearance", "public", "export", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    ids = {json.loads(line)["id"] for line in out.read_text().splitlines() if line.startswith("{")}
    # Only the two public armed actors; every relationship in the fixture is restricted.
    # plus the mask of the source act_1 cites: a pseudonym, never its identity
    masks = {i for i in ids if i.startswith("src~")}
    assert len(masks) == 1 and ids - masks == {"act_1", "act_2"}


def test_demo_no_ui_loads_every_node_kind_and_relationship_type(
    runner: CliRunner, store_url: str
) -> None:
    result = invoke(runner, store_url, "demo", "--no-ui", "--json")
    assert result.exit_code == 0, result.stderr
    assert "fictional" in result.stderr
    stats = json.loads(invoke(runner, store_url, "stats", "--json").stdout)
    assert all(n > 0 for n in stats["nodes"].values()), stats["nodes"]
    assert all(n > 0 for n in stats["relationships"].values()), stats["relationships"]
    assert stats["total_nodes"] >= 150 and stats["total_relationships"] >= 400
    # Loading it again changes nothing.
    again = invoke(runner, store_url, "demo", "--no-ui", "--json")
    assert json.loads(again.stdout)["change_counter"] == stats["change_counter"]


def test_history_says_what_changed_field_by_field(
    runner: CliRunner, store_url: str, tmp_path: Path
) -> None:
    snapshot = write_fixture(tmp_path / "one-of-each.jsonl")
    assert invoke(runner, store_url, "import", str(snapshot)).exit_code == 0
    access = next(r for r in one_of_each_relationship() if r.id == "rel_acc")
    changed = access.model_copy(update={"strength": 0.4, "notes": "met twice since"})
    later = tmp_path / "later.jsonl"
    with later.open("w", encoding="utf-8") as fh:
        write_snapshot([changed], fh, header="FICTIONAL test data")
    assert invoke(runner, store_url, "import", str(later)).exit_code == 0

    result = invoke(runner, store_url, "history", "rel_acc", "--json")
    versions = json.loads(result.stdout)
    assert next(v["changes"] for v in versions) == []
    assert {c["field"]: (c["before"], c["after"]) for c in versions[1]["changes"]} == {
        "strength": (access.strength, 0.4),
        "notes": (access.notes, "met twice since"),
    }
    text = invoke(runner, store_url, "history", "rel_acc").stdout
    assert f"  strength: {access.strength} -> 0.4" in text
    assert "  notes: " in text and "-> met twice since" in text
