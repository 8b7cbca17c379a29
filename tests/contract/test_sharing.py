"""Audience exports on both stores: exactly what the protocol allows, encrypted on request."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph import model as m
from graph.audit import Checkpoint
from graph.sensitivity import SYSTEM, Sensitivity
from graph.sharing import DEFAULT_AUDIENCES, load_audiences
from graph.store import GraphStore, WriteBatch
from ingest.audience_export import export_for_audience, manifest_path
from ingest.encryption import DecryptionFailed, decrypt
from tests.factories import one_of_each_node, one_of_each_relationship


def load(store: GraphStore) -> None:
    nodes = one_of_each_node()
    # A confidential person: only the protection cluster may receive her.
    nodes = [
        n.model_copy(update={"sensitivity": Sensitivity.CONFIDENTIAL}) if n.id == "per_2" else n
        for n in nodes
    ]
    rels = [
        r.model_copy(update={"sensitivity": Sensitivity.PUBLIC})
        if r.id in {"rel_ally", "rel_opp", "rel_ctl"}
        else r
        for r in one_of_each_relationship()
    ]
    public_area = [
        m.Area(
            id="are_p",
            name="Orrin Plain",
            pcode="KL02",
            sensitivity=Sensitivity.PUBLIC,
            notes="internal: checkpoint nearby",
        )
    ]
    store.write(WriteBatch(nodes=[*nodes, *public_area], relationships=rels), actor="setup")


def lines(path: Path) -> list[dict[str, object]]:
    return [
        json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.startswith("{")
    ]


def test_each_audience_receives_exactly_what_its_protocol_allows(
    store: GraphStore, tmp_path: Path
) -> None:
    load(store)
    files = {}
    for name, audience in DEFAULT_AUDIENCES.items():
        out = tmp_path / f"{name}.jsonl"
        export_for_audience(store, viewer=SYSTEM, audience=audience, out=out)
        files[name] = lines(out)

    public = {r["id"] for r in files["public_advocacy"]}
    # Public nodes of allowed kinds, and public relationships between them; nothing else.
    assert public == {"act_1", "act_2", "are_p", "rel_ally", "rel_opp"}
    for row in files["public_advocacy"]:
        assert "notes" not in row and "recorded_by" not in row and "sources" not in row

    mission = {r["id"] for r in files["un_mission"]}
    assert "per_2" not in mission and "eng_1" not in mission and "src_1" not in mission
    assert {"per_1", "unt_1", "rel_inf"} - mission == {"rel_inf"}  # per_2 is withheld

    protection = {r["id"] for r in files["protection_cluster"]}
    assert {"per_2", "rel_inf", "eng_1"} <= protection
    assert "src_1" not in protection and "rel_cites" not in protection

    # The mission may not receive engagements or sources (not even masked ones): withheld
    # and counted, with the links to them.
    manifest = json.loads(manifest_path(tmp_path / "un_mission.jsonl").read_text())
    assert manifest["withheld_by_kind"] == {"Engagement": 1, "Source": 1}
    assert manifest["withheld_relationships_to_withheld_records"] == {
        "PARTICIPATED_IN": 1,
        "CITES": 1,
    }
    assert manifest["fields_removed"]["sources"] >= 1
    text = json.dumps(manifest)
    assert "Checkpoint dialogue" not in text and "eng_1" not in text  # counts, never content
    # The head the export was made at: a witness `audit verify --against` accepts.
    head = Checkpoint.parse(str(manifest_path(tmp_path / "un_mission.jsonl")))
    assert head.seq >= 1 and store.check_audit(head).ok
    assert [e.hash for e in store.audit_log().entries if e.seq == head.seq] == [head.hash]


def test_encrypted_export_opens_only_with_the_passphrase(store: GraphStore, tmp_path: Path) -> None:
    load(store)
    out = tmp_path / "mission.jsonl.enc"
    export_for_audience(
        store,
        viewer=SYSTEM,
        audience=DEFAULT_AUDIENCES["un_mission"],
        out=out,
        passphrase="a long shared passphrase",
    )
    blob = out.read_bytes()
    assert b"Kalmoran" not in blob and b"Orrin" not in blob
    plain = decrypt(blob, "a long shared passphrase").decode("utf-8")
    assert "Kalmoran Armed Forces" in plain
    with pytest.raises(DecryptionFailed, match="wrong passphrase"):
        decrypt(blob, "not the passphrase at all")
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(DecryptionFailed):
        decrypt(tampered, "a long shared passphrase")


def test_every_export_is_audited(store: GraphStore, tmp_path: Path) -> None:
    load(store)
    export_for_audience(
        store,
        viewer=SYSTEM,
        audience=DEFAULT_AUDIENCES["public_advocacy"],
        out=tmp_path / "p.jsonl",
    )
    entry = store.audit_log().entries[-1].as_dict()
    assert entry["action"] == "export"
    assert entry["details"]["audience"] == "public_advocacy"
    assert entry["details"]["exported"]["ArmedActor"] == 2


def test_audiences_load_from_toml_and_bad_config_names_the_field(tmp_path: Path) -> None:
    good = tmp_path / "audiences.toml"
    good.write_text(
        '[audiences.donors]\nmax_sensitivity = "public"\nexclude_kinds = ["Person", "Source"]\n',
        encoding="utf-8",
    )
    loaded = load_audiences(good)
    assert loaded["donors"].max_sensitivity is Sensitivity.PUBLIC
    bad = tmp_path / "bad.toml"
    bad.write_text('[audiences.donors]\nmax_sensitivity = "secret"\n', encoding="utf-8")
    with pytest.raises(Exception) as caught:
        load_audiences(bad)
    assert "max_sensitivity" in str(caught.value) and "bad.toml" in str(caught.value)
