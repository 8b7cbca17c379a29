"""Coverage: who of us reaches which armed actor, where reach hangs on one thread, stale access."""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.components import gaps_view, partial

st.title("Coverage")

with state.friendly_errors():
    partial.note_if_partial()
    gaps_view.render_coverage()
