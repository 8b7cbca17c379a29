"""Data: add and edit entities and relationships, import files, read the history of a record."""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.components import data_view

st.title("Data")

with state.friendly_errors():
    data_view.render()
