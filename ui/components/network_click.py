"""The network drawing as a two-way Streamlit component: a click on a node reaches the app.

`st.iframe` / `components.html` show HTML but cannot send a value back, so the
Network page draws through a component declared on a local folder
(`ui/assets/network_component`, served by Streamlit itself: no internet, no
npm build). We chose this over query-string navigation, where a click would
reload the page: that starts a new session, losing the sign-in and every
choice not in the URL, and redraws the whole app for one click.

The component returns ``{"node": id, "click": n}``; `n` counts clicks in the
frame, so a second click on the same node is still news. The page keeps the
chosen node in its own session key (`SELECTED`), which is what the details
panel reads: the panel can be opened without a click (a link with `?node=`,
a test), and it stays shut once closed even though the component keeps
returning its last value.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
import streamlit.components.v1 as components

from ui.components.network_view import ASSETS

SELECTED = "net.selected"
_LAST_CLICK = "net.last_click"

_component = components.declare_component("ag_network", path=str(ASSETS / "network_component"))


def draw(html: str, *, height: int, key: str = "net.drawing") -> str | None:
    """Draw `html` (network_view.network_html) and return a node newly clicked, if any."""
    value: Any = _component(html=html, height=height, key=key, default=None)
    return newly_clicked(value)


def newly_clicked(value: Any) -> str | None:
    """The node id of a click not seen before in this session, else None."""
    if not isinstance(value, dict) or not isinstance(value.get("node"), str):
        return None
    stamp = (value["node"], value.get("click"))
    if st.session_state.get(_LAST_CLICK) == stamp:
        return None
    st.session_state[_LAST_CLICK] = stamp
    return str(value["node"])
