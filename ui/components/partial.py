"""Saying, without saying what, that an answer is computed on part of the map.

A reader cleared below the highest label in the store sees a partial map, and
every analysis on it is partial: the pages say so ("computed on what you may
see"), and their empty answers say "none you may see" rather than "none
recorded", which would be false. The store gives a bare yes/no
(`RecordStore.hides_records_from`): no count, no kind, no date, so the note
tells a reader nothing about what is hidden beyond that something is.
"""

from __future__ import annotations

import streamlit as st

from graph.sensitivity import Sensitivity, Viewer
from graph.store import RecordStore
from ui import state

NOTE = (
    "Computed on what you may see: the store holds records above your clearance "
    "({clearance}), and they are left out of this answer."
)


@st.cache_data(max_entries=64, show_spinner=False)
def _hides(
    _store: RecordStore,
    *,
    store_url: str,  # noqa: ARG001 (the cache key names the store)
    clearance: str,
    change_counter: int,  # noqa: ARG001 (the cache key: a write makes a new answer)
) -> bool:
    # Shared across users: the answer depends only on the clearance and the data,
    # both in the key (`_store` is not hashed: it is named by the URL).
    return _store.hides_records_from(
        viewer=Viewer(name="partial-view check", clearance=Sensitivity(clearance))
    )


def is_partial() -> bool:
    """Whether this reader's answers leave out records above their clearance."""
    viewer = state.viewer()
    return _hides(
        state.store(),
        store_url=state.store_url(),
        clearance=viewer.clearance.value,
        change_counter=state.change_counter(),
    )


def note_if_partial() -> None:
    """The page's one line about a partial view, when it is partial."""
    if is_partial():
        st.caption(
            ":material/visibility_off: " + NOTE.format(clearance=state.viewer().clearance.value)
        )


def none(recorded: str, visible: str) -> str:
    """`recorded` ("No influencers recorded.") on a full view; `visible` ("No influencers
    you may see.") on a partial one, where "none recorded" would not be true."""
    return visible if is_partial() else recorded


def empty_map(hint: str) -> str:
    """What an empty map says: nothing you may see, or nothing yet (and how to add some)."""
    if is_partial():
        return "Nothing here you may see at your clearance."
    return f"The map is empty: {hint}"
