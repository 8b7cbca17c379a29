"""The audit page's content: the full check first, then the head, then the newest entries.

The store refuses the log to anyone but an admin (`SecuredStore.audit_log`),
so this page cannot show it to the wrong person even if it is reached. The
check is `audit verify`'s (graph.integrity): the chain, and every record,
history row and account against what the chain committed to.
"""

from __future__ import annotations

import json

import streamlit as st

from graph.audit import AuditEntry
from graph.audit_trail import with_versions
from graph.store import ChangeLogStore
from ui import state


def render() -> None:
    store = state.store()
    result = store.check_audit()
    log = store.audit_log()
    if result.problems:
        st.error(
            "The store has been tampered with:\n\n" + "\n".join(f"- {p}" for p in result.problems)
        )
    else:
        st.success(
            f"Chain intact: {result.entries} entries, each linked to the one before; "
            f"{result.records} records, {result.versions} versions and {result.accounts} "
            "accounts match what it committed to."
        )
    st.caption(
        "Keep this checkpoint elsewhere; `actorgraph audit verify --against` it later "
        "proves the chain was not rewritten since:"
    )
    st.code(store.audit_head().line(), language="json")
    if not log.entries:
        st.info("Nothing has been recorded yet.")
        return
    limit = st.slider("Newest entries", 10, 500, 100, step=10, key="audit.limit")
    actions = sorted({e.action for e in log.entries})
    chosen = st.multiselect("Actions", actions, default=actions, key="audit.actions")
    rows = [
        {
            "#": e.seq,
            "when": e.at,
            "who": e.actor,
            "action": e.action,
            "what": _summary(e.details),
        }
        for e in reversed(log.entries)
        if e.action in chosen
    ][:limit]
    st.dataframe(rows, hide_index=True, use_container_width=True)
    _write_detail(store, [e for e in log.entries if e.action == "write" and not e.withheld])


def _write_detail(store: ChangeLogStore, writes: list[AuditEntry]) -> None:
    """One write's records before and after, read from history at the reader's
    clearance (the entry itself holds only ids, versions and hashes)."""
    if not writes:
        return
    newest = [e.seq for e in reversed(writes)][:200]
    seq = st.selectbox("Show a write's before and after", newest, key="audit.write")
    entry = next(e for e in writes if e.seq == seq)
    (shown,) = with_versions(store, [entry], viewer=state.viewer())
    st.json(shown["details"], expanded=False)


def _summary(details: str) -> str:
    """One line per entry: ids and counts, never record content."""
    data = json.loads(details)
    if "withheld" in data:
        return "content withheld: about records above your clearance"
    if "records" in data and isinstance(data["records"], list):
        ids = [r["id"] if isinstance(r, dict) else str(r) for r in data["records"]]
        head = ", ".join(ids[:5]) + (f" … (+{len(ids) - 5})" if len(ids) > 5 else "")
        return f"{len(ids)} record(s): {head}"
    keys = ("audience", "format", "file", "name", "role", "how")
    return ", ".join(f"{k}={data[k]}" for k in keys if k in data) or "-"
