"""Team mode: the CLI talks to the team's server, which alone holds the database.

Each test starts `actorgraph serve-api` in a subprocess on 127.0.0.1 over the
backing store of the `store_url` fixture (an embedded file, and the Neo4j test
server), then works through the CLI as a team member would: with their own
account and no database password in their environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.audit import AuditEvent
from graph.errors import NotPermitted
from graph.remote_api import HIDDEN_HASH
from graph.sensitivity import Sensitivity
from graph.store import WriteBatch
from graph.stores.remote_store import RemoteStore
from tests.cli.teamserver import (
    ADMIN,
    EDITOR,
    ROOT,
    VIEWER,
    as_json,
    call,
    cli,
    make_tls,
    ok,
    serving,
    sign_in,
    team,
)
from tests.cli.test_cli import write_fixture
from tests.factories import one_of_each_node
from ui.cli import DEMO_SCENARIO, app

# --------------------------------------------------------------------------- reads


READS = [
    ("stats", "--json"),
    ("list", "--json"),
    ("search", "sunward", "--json"),
    ("show", "act_fhu", "--json"),
    ("neighbours", "act_fhu", "--json"),
    ("history", "act_fhu", "--json"),
    ("influencers", "--json"),
    ("paths", "--to", "act_fhu", "--json"),
    ("reach", "act_fhu", "--json"),
    ("gaps", "--json"),
    ("blocs", "--json"),
    ("profile", "act_fhu", "--json"),
]


def test_a_restricted_viewer_sees_through_the_server_exactly_what_they_see_locally(
    runner: CliRunner, store_url: str, tmp_path: Path
) -> None:
    url = team(runner, store_url, DEMO_SCENARIO)
    with serving(url, tmp_path) as server:
        for args in READS:
            local = as_json(cli(runner, url, *args, who=VIEWER))
            remote = as_json(cli(runner, server.url, *args, who=VIEWER))
            assert remote == local, args
        # Nothing above restricted: the whole listing is within it, and records
        # above it (a confidential person, a strictly confidential engagement)
        # are "not found" through the server as they are locally.
        listed = as_json(cli(runner, server.url, "list", "--json", who=VIEWER))
        assert {row["sensitivity"] for row in listed} == {"public", "restricted"}
        for hidden in ("per_sarnethe", "eng_2026_drevan_contact"):
            refused = cli(runner, server.url, "show", hidden, who=VIEWER)
            assert refused.exit_code == 6, refused.stderr
            shown = as_json(cli(runner, server.url, "show", hidden, "--json", who=ADMIN))
            assert shown["id"] == hidden  # the admin's clearance reaches it: the test can see it
        asked = cli(runner, server.url, "--clearance", "confidential", "stats", who=VIEWER)
        assert asked.exit_code == 5 and "restricted only" in asked.stderr
        # The admin's view of a strictly confidential record is audited on the server.
        log = as_json(cli(runner, server.url, "audit", "log", "--json", who=ADMIN))
        views = [e for e in log if e["action"] == "view" and e["actor"] == ADMIN[0]]
        assert any("eng_2026_drevan_contact" in e["details"]["records"] for e in views)
        # So is a listing computed on the client: the server records what it showed.
        ok(cli(runner, server.url, "list", "--type", "Engagement", "--json", who=ADMIN))
        log = as_json(cli(runner, server.url, "audit", "log", "--json", who=ADMIN))
        listings = [e for e in log if e["action"] == "view" and e["details"]["how"] == "cli list"]
        assert len(listings) == 1 and listings[0]["actor"] == ADMIN[0]
        assert "eng_2026_drevan_contact" in listings[0]["details"]["records"]
    assert VIEWER[1] not in server.log.read_text()


# --------------------------------------------------------------------------- sign-in


def test_a_wrong_password_is_refused_then_throttled_and_audited(
    runner: CliRunner, store_url: str, tmp_path: Path
) -> None:
    url = team(runner, store_url, None)
    wrong = (VIEWER[0], "not the passphrase")
    with serving(url, tmp_path) as server:
        for _ in range(4):
            refused = cli(runner, server.url, "stats", who=wrong)
            assert refused.exit_code == 5
            assert "unknown user, wrong password or disabled account" in refused.stderr
        locked = cli(runner, server.url, "stats", who=wrong)
        assert locked.exit_code == 5 and "too many failed sign-ins" in locked.stderr
        # Locked: now even the right password is refused until the lock ends.
        right = cli(runner, server.url, "stats", who=VIEWER)
        assert right.exit_code == 5 and "too many failed sign-ins" in right.stderr
        log = as_json(cli(runner, server.url, "audit", "log", "--json", who=ADMIN))
    sign_ins = [e["details"] for e in log if e["action"] == "sign-in"]
    outcomes = [d["outcome"] for d in sign_ins if d["account"] == VIEWER[0]]
    assert outcomes == ["failed"] * 5 + ["locked"]
    # The throttle counts the client the socket saw, not a name it chose.
    assert {d["client"] for d in sign_ins} == {"127.0.0.1"}
    text = server.log.read_text()
    assert "not the passphrase" not in text and VIEWER[1] not in text


# --------------------------------------------------------------------------- writes


def test_an_editor_imports_through_the_server_and_history_and_audit_name_them(
    runner: CliRunner, store_url: str, tmp_path: Path
) -> None:
    url = team(runner, store_url, None)
    data = write_fixture(tmp_path / "field-notes.jsonl")
    with serving(url, tmp_path) as server:
        report = as_json(cli(runner, server.url, "import", str(data), "--json", who=EDITOR))
        assert report["created"] > 0 and report["written"] is True
        revisions = as_json(cli(runner, server.url, "history", "act_1", "--json", who=EDITOR))
        assert [r["recorded_by"] for r in revisions] == [EDITOR[0]]
        log = as_json(cli(runner, server.url, "audit", "log", "--json", who=ADMIN))
        writes = [e for e in log if e["action"] == "write"]
        assert [e["actor"] for e in writes] == [EDITOR[0]]
        # A viewer may not write: refused by the server with NotPermitted's exit code.
        again = cli(runner, server.url, "import", str(data), who=VIEWER)
        assert again.exit_code == 5 and "may not change data" in again.stderr
    # And locally the same history: the server wrote to the team's store.
    local = as_json(cli(runner, url, "history", "act_1", "--json", who=ADMIN))
    assert [r["recorded_by"] for r in local] == [EDITOR[0]]


def test_a_bad_file_sent_through_the_server_names_row_and_field_and_writes_nothing(
    runner: CliRunner, store_url: str, tmp_path: Path
) -> None:
    url = team(runner, store_url, None)
    bad = write_fixture(tmp_path / "bad.jsonl")
    with bad.open("a", encoding="utf-8") as fh:
        # A relationship to a node that does not exist: refused by the server's planner.
        fh.write(
            json.dumps(
                {
                    "id": "rel_dangling",
                    "type": "ALLIED_WITH",
                    "source_id": "act_1",
                    "target_id": "act_missing",
                    "sensitivity": "public",
                }
            )
            + "\n"
        )
    with serving(url, tmp_path) as server:
        before = as_json(cli(runner, server.url, "stats", "--json", who=EDITOR))
        result = cli(runner, server.url, "import", str(bad), who=EDITOR)
        assert result.exit_code == 3, result.stderr
        assert "rel_dangling" in result.stderr and "target_id" in result.stderr
        assert as_json(cli(runner, server.url, "stats", "--json", who=EDITOR)) == before


# --------------------------------------------------------------------------- secrets


def test_a_team_member_needs_no_database_password(
    runner: CliRunner, store_url: str, tmp_path: Path
) -> None:
    """A separate process with only the member's own account in its environment."""
    url = team(runner, store_url, write_fixture(tmp_path / "f.jsonl"))
    member_env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path),
        "ACTORGRAPH_USER": VIEWER[0],
        "ACTORGRAPH_PASSWORD": VIEWER[1],
    }
    expected = as_json(cli(runner, url, "stats", "--json", who=VIEWER))
    with serving(url, tmp_path) as server:
        command = [sys.executable, "-m", "ui.cli", "--store", server.url, "stats", "--json"]
        done = subprocess.run(command, env=member_env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == expected
        assert VIEWER[1] not in done.stdout + done.stderr
    if url.startswith("sqlite:"):
        return  # an embedded file's secret is the file itself (and its key), not a password
    # The same environment cannot open the database itself.
    direct = subprocess.run(
        [*command[:4], url, "stats"], env=member_env, capture_output=True, text=True, timeout=300
    )
    assert direct.returncode == 4 and "no Neo4j password" in direct.stderr


def test_password_hashes_never_leave_the_server(
    runner: CliRunner, store_url: str, tmp_path: Path
) -> None:
    url = team(runner, store_url, None)
    with serving(url, tmp_path) as server:
        admin = RemoteStore(server.url, user=ADMIN[0], password=ADMIN[1])
        try:
            accounts = admin.list_users()
            assert {u.password_hash for u in accounts} == {HIDDEN_HASH}
            # An account saved back without its hash keeps it: the viewer's
            # password still works after the admin lowers their clearance.
            viewer = admin.get_user(VIEWER[0])
            assert viewer is not None
            admin.save_user(viewer.model_copy(update={"clearance": Sensitivity.PUBLIC}))
        finally:
            admin.close()
        again = RemoteStore(server.url, user=VIEWER[0], password=VIEWER[1])
        assert again.user.clearance is Sensitivity.PUBLIC
        again.close()
        # At the HTTP level too: no argon2 hash in any answer about accounts.
        token = sign_in(server.url, ADMIN)
        body = call(server.url, token, "list_users")
        assert "argon2" not in body and "$" not in body


def test_the_server_caps_reads_at_the_users_clearance_whatever_the_client_asks(
    runner: CliRunner, store_url: str, tmp_path: Path
) -> None:
    """A client is not trusted to send its own clearance: a modified one asking for
    more is refused by the server, not answered."""
    url = team(runner, store_url, DEMO_SCENARIO)
    with serving(url, tmp_path) as server:
        token = sign_in(server.url, VIEWER)
        for clearance in ("confidential", "strictly_confidential"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                call(server.url, token, "get", record_id="per_sarnethe", viewer=clearance)
            assert refused.value.code == 403
            assert json.loads(refused.value.read())["error"] == "NotPermitted"
        within = json.loads(
            call(server.url, token, "get", record_id="act_fhu", viewer="restricted")
        )
        assert within["id"] == "act_fhu"
        with pytest.raises(urllib.error.HTTPError) as ended:
            call(server.url, token + "x", "change_counter")
        assert ended.value.code == 403


def test_an_oversized_or_malformed_request_is_refused_without_reading_it_all(
    runner: CliRunner, store_url: str, tmp_path: Path
) -> None:
    url = team(runner, store_url, None)
    with serving(url, tmp_path) as server:
        huge = json.dumps({"name": VIEWER[0], "password": "x" * 200_000}).encode()
        for body in (huge, b"not json", b"[1, 2]"):
            req = urllib.request.Request(server.url + "/api/sign-in", data=body)
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(req, timeout=60)
            assert refused.value.code == 422
            assert json.loads(refused.value.read())["error"] == "InvalidRecords"
        token = sign_in(server.url, VIEWER)
        with pytest.raises(urllib.error.HTTPError) as unknown:
            call(server.url, token, "wipe")
        assert unknown.value.code == 422
        # The refused sign-ins never reached the password check: nothing was throttled.
        member = RemoteStore(server.url, user=VIEWER[0], password=VIEWER[1])
        assert member.change_counter() >= 0
        member.close()


def test_a_client_cannot_forge_sign_in_entries_nor_date_writes(
    runner: CliRunner, store_url: str, tmp_path: Path
) -> None:
    url = team(runner, store_url, None)
    with serving(url, tmp_path) as server:
        editor = RemoteStore(server.url, user=EDITOR[0], password=EDITOR[1])
        try:
            # A forged "ok" sign-in for another account would reset its lockout.
            forged = AuditEvent(
                actor=EDITOR[0],
                action="sign-in",
                details={"account": "ada", "client": "x", "outcome": "ok", "at": "2999-01-01"},
            )
            with pytest.raises(NotPermitted, match="writes 'sign-in' audit entries itself"):
                editor.append_audit(forged)
            batch = WriteBatch.of(one_of_each_node()[:1])
            assert editor.write(batch).created == 1
        finally:
            editor.close()
        # No one dates a write: the store sets every time (docs/audit.md), so a
        # call naming one is refused, whoever asks.
        token = sign_in(server.url, ADMIN)
        record = one_of_each_node()[1].model_dump(mode="json")
        with pytest.raises(urllib.error.HTTPError) as refused:
            call(server.url, token, "write", batch=[record], at="2001-01-01T00:00:00+00:00")
        assert refused.value.code == 422 and "no argument 'at'" in refused.value.read().decode()


def test_a_disabled_account_loses_its_session_at_the_nextcall(
    runner: CliRunner, store_url: str, tmp_path: Path
) -> None:
    url = team(runner, store_url, None)
    with serving(url, tmp_path) as server:
        viewer = RemoteStore(server.url, user=VIEWER[0], password=VIEWER[1])
        assert viewer.change_counter() >= 0
        ok(cli(runner, server.url, "user", "disable", VIEWER[0], who=ADMIN))
        with pytest.raises(NotPermitted, match="session has ended"):
            viewer.change_counter()
        viewer.close()


# --------------------------------------------------------------------------- transport


def test_tls_with_the_teams_own_certificate_works_and_an_untrusted_one_is_refused(
    runner: CliRunner, store_url: str, tmp_path: Path
) -> None:
    url = team(runner, store_url, write_fixture(tmp_path / "f.jsonl"))
    ca, cert, key = make_tls(tmp_path)
    expected = as_json(cli(runner, url, "stats", "--json", who=VIEWER))
    tls = ("--tls-cert", str(cert), "--tls-key", str(key))
    with serving(url, tmp_path, *tls, scheme="https", ca=ca) as server:
        assert server.url.startswith("https://")
        shown = cli(runner, server.url, "--tls-ca", str(ca), "stats", "--json", who=VIEWER)
        assert as_json(shown) == expected
        untrusted = cli(runner, server.url, "stats", who=VIEWER)
        assert untrusted.exit_code == 4 and "--tls-ca" in untrusted.stderr
        # Plain HTTP to the TLS port does not get an answer either.
        plain = cli(runner, server.url.replace("https", "http"), "stats", who=VIEWER)
        assert plain.exit_code == 4


def test_plain_http_to_another_host_is_refused_before_any_password_is_sent(
    runner: CliRunner,
) -> None:
    result = cli(runner, "http://team.example.invalid:8765", "stats", who=VIEWER)
    assert result.exit_code == 5
    assert "refusing plain http:// to team.example.invalid" in result.stderr
    assert VIEWER[1] not in result.stderr + result.stdout


def test_the_server_refuses_plain_http_off_loopback_and_a_store_without_accounts(
    runner: CliRunner, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'team.db'}"
    open_to_all = runner.invoke(app, ["--store", url, "serve-api", "--host", "0.0.0.0"])
    assert open_to_all.exit_code == 5
    assert "refusing plain HTTP on 0.0.0.0" in open_to_all.stderr
    ok(runner.invoke(app, ["--store", url, "init"]))
    no_accounts = runner.invoke(app, ["--store", url, "serve-api", "--port", "1"])
    assert no_accounts.exit_code == 5 and "no accounts" in no_accounts.stderr


def test_commands_on_the_database_itself_are_refused_through_a_server(
    runner: CliRunner,
) -> None:
    result = cli(runner, "https://127.0.0.1:1", "init", "--admin", "x")
    assert result.exit_code == 5 and "team server's machine" in result.stderr
    # (--clearance makes a regression fail at sign-in rather than start an app.)
    app_on_server = cli(
        runner, "https://127.0.0.1:1", "--clearance", "public", "ui", "--port", "1", who=VIEWER
    )
    assert app_on_server.exit_code == 5 and "app runs on the team server's host" in (
        app_on_server.stderr
    )
