"""Actor profile: search an armed actor (or one of its units or commanders) and read its profile."""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.components import partial, profile_view

st.title("Actor profile")

with state.friendly_errors():
    partial.note_if_partial()
    profile_view.render()
