"""Entity pickers and safe text for the pages.

Names are data, not markup: anything that goes into `st.markdown` passes
through `md()`, which backslash-escapes Markdown and Streamlit's own
directives (``:red[…]``, ``$…$``), so a name like ``[x](javascript:…)`` or
``<img …>`` shows as the characters it is. Tables and charts show text as
text already.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

import networkx as nx
import streamlit as st

from ui import state

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def md(text: object) -> str:
    """Escape text for `st.markdown` (and for titles, captions and labels)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def label(graph: nx.MultiDiGraph[str], node_id: str) -> str:
    """ "Name (Kind)" for a node id; the id itself when the node is not visible."""
    if node_id not in graph:
        return node_id
    data = graph.nodes[node_id]
    return f"{data.get('name', node_id)} ({data.get('kind', '?')})"


def ids_of_kinds(graph: nx.MultiDiGraph[str], kinds: Collection[str] | None) -> list[str]:
    """Node ids of the given kinds (all kinds when None), sorted by name."""
    chosen = [n for n, d in graph.nodes(data=True) if kinds is None or d.get("kind") in kinds]
    return sorted(chosen, key=lambda n: (str(graph.nodes[n].get("name", n)).casefold(), n))


def entity_picker(
    title: str,
    graph: nx.MultiDiGraph[str],
    *,
    key: str,
    kinds: Collection[str] | None = None,
    options: Sequence[str] | None = None,
    follow_selection: bool = True,
    placeholder: str = "type to search by name",
    first_by_default: bool = False,
) -> str | None:
    """A selectbox of entities; remembers the choice across pages.

    The widget's own value is lost when the user leaves the page, so the
    choice is also kept in `state.selected_entity` and used as the default
    when the page comes back.
    """
    ids = list(options) if options is not None else ids_of_kinds(graph, kinds)
    current = state.selected_entity() if follow_selection else None
    if key in st.session_state and st.session_state[key] not in ids:
        del st.session_state[key]
    if key not in st.session_state and current in ids:
        st.session_state[key] = current
    elif key not in st.session_state and first_by_default and ids:
        st.session_state[key] = ids[0]
    chosen = st.selectbox(
        title,
        ids,
        index=None,
        key=key,
        format_func=lambda n: label(graph, n),
        placeholder=placeholder,
    )
    if follow_selection and chosen is not None and chosen != current:
        state.select_entity(chosen)
    return chosen
