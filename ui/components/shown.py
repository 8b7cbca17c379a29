"""Audit what a page shows: one `view` entry per page view that shows strictly
confidential records, and one per download.

Pages read through the projection, which the store does not audit per read
(it is built whether or not anyone looks), so each page names what it
shows: the ids in the answer it draws (`queries.shown.records_named`).
Streamlit reruns a page on every click, so a view is logged once per session
for each output and set of strictly confidential records: the first time
that output shows them, and again whenever what it shows changes. Every
download is logged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx
import streamlit as st

from graph import model as m
from graph.access import audit_shown
from graph.sensitivity import Sensitivity
from queries.shown import records_named
from ui import state

_LAST = "shown.last_view"


def _secret_ids(records: Iterable[m.AnyRecord]) -> list[str]:
    return sorted({r.id for r in records if r.sensitivity is Sensitivity.STRICTLY_CONFIDENTIAL})


def audit_records(records: list[m.AnyRecord], how: str, *, once_per_view: bool = True) -> None:
    """One audit entry naming the strictly confidential `records` shown by `how`."""
    secret = _secret_ids(records)
    if not secret:
        return
    if once_per_view:
        logged: dict[str, list[str]] = st.session_state.setdefault(_LAST, {})
        if logged.get(how) == secret:
            return
        logged[how] = secret
    audit_shown(state.store(), records, f"app {how}")


def audit_page(graph: nx.MultiDiGraph[str], answer: Any, how: str) -> None:
    """Audit the records of `graph` that `answer` (the data a page draws) names."""
    audit_records(records_named(graph, answer), how)


def audit_download(records: list[m.AnyRecord], how: str) -> None:
    """A download button's `on_click`: every download is its own entry."""
    audit_records(records, how, once_per_view=False)
