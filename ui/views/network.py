"""Network: the map as a graph, filtered, at a date, or around one entity."""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.components import network_panel, partial

st.title("Network")

with state.friendly_errors():
    partial.note_if_partial()
    network_panel.render()
