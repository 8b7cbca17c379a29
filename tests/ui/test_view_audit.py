"""A page that shows a strictly confidential record leaves one `view` audit entry.

Pages read through the projection, which the store does not audit per read;
each page names what it shows (`ui/components/shown.py`). A rerun that shows
the same records is the same view; what changes is a new one. Data is
FICTIONAL (tests/ui/world.py), with the local commander made strictly
confidential.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from graph.projection import projection
from graph.sensitivity import SYSTEM, Sensitivity, Viewer
from graph.store import WriteBatch
from graph.stores.embedded_store import EmbeddedStore
from queries.constraints import PathConstraints
from queries.leverage import leverage_paths
from tests.ui.conftest import no_exceptions
from tests.ui.test_accounts import PASSWORD, accounts, sign_in  # noqa: F401 (fixture)
from ui.components import briefing

SECRET = "per_local"


@pytest.fixture
def secret_store(accounts: EmbeddedStore) -> EmbeddedStore:  # noqa: F811
    record = accounts.get(SECRET, viewer=SYSTEM)
    assert record is not None
    raised = record.model_copy(update={"sensitivity": Sensitivity.STRICTLY_CONFIDENTIAL})
    accounts.write(WriteBatch.of([raised]), actor="fixture")
    return accounts


def views(store: EmbeddedStore) -> list[dict[str, Any]]:
    return [
        {"actor": e.actor, **e.as_dict()["details"]}
        for e in store.audit_log().entries
        if e.action == "view"
    ]


def test_the_paths_page_audits_the_secret_target_once_per_view(
    secret_store: EmbeddedStore,
) -> None:
    at = sign_in("amira", PASSWORD)
    at.switch_page("views/paths.py").run()
    at.selectbox(key="paths.target").set_value(SECRET).run()
    no_exceptions(at)
    shown = [v for v in views(secret_store) if v["how"] == "app paths"]
    assert len(shown) == 1 and shown[0]["actor"] == "amira"
    assert SECRET in shown[0]["records"]
    at.run()  # a rerun showing the same paths is the same view
    assert [v for v in views(secret_store) if v["how"] == "app paths"] == shown


def test_the_network_page_audits_what_it_draws(secret_store: EmbeddedStore) -> None:
    at = sign_in("amira", PASSWORD)
    at.switch_page("views/network.py").run()
    no_exceptions(at)
    drawn = [v for v in views(secret_store) if v["how"] == "app network"]
    assert len(drawn) == 1 and SECRET in drawn[0]["records"]


def test_a_reader_who_cannot_see_the_record_leaves_no_view_entry(
    secret_store: EmbeddedStore,
) -> None:
    before = views(secret_store)
    at = sign_in("reader", PASSWORD)
    for page in ("network", "coverage", "paths"):
        at.switch_page(f"views/{page}.py").run()
        no_exceptions(at)
    assert views(secret_store) == before


def test_a_briefing_download_is_audited_with_the_sources_it_cites(
    secret_store: EmbeddedStore,
) -> None:
    """The download buttons' on_click audits `briefing.shown_records`: what the
    briefing shows, its evidence sources included (AppTest cannot press a
    download button, so the records are checked here)."""
    graph = projection(secret_store, viewer=Viewer("amira", Sensitivity.STRICTLY_CONFIDENTIAL))
    result = leverage_paths(graph, SECRET, constraints=PathConstraints(as_of=date.today()), k=2)
    records = {r.id for r in briefing.shown_records(result, graph)}
    # The elder's influence on the commander is cited to a source report.
    assert {SECRET, "per_elder", "rel_inf", "src_report"} <= records
