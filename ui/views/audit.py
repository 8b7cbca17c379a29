"""Audit log (admins): who wrote, exported or viewed what, and whether the chain is intact."""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.components import audit_view

st.title("Audit log")

with state.friendly_errors():
    audit_view.render()
