"""Leverage paths: who of us can reach a target, through whom, and how well."""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.components import partial, paths_view

st.title("Leverage paths")

with state.friendly_errors():
    partial.note_if_partial()
    paths_view.render()
