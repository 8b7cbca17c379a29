"""Timeline: allegiances, command, control, incidents, engagements and commitments on one axis."""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.components import partial, timeline_panel

st.title("Timeline")

with state.friendly_errors():
    partial.note_if_partial()
    timeline_panel.render()
