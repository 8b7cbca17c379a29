"""Map: areas shaded by who controls them on a date, contested areas, sites, routes, incidents."""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.components import map_panel, partial

st.title("Map")

with state.friendly_errors():
    partial.note_if_partial()
    map_panel.render()
