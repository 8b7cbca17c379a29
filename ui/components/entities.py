"""Entity pickers and safe text for the pages.

Every picker searches as you type over names and aliases, ignoring case and
diacritics: Streamlit filters the options by their labels in the browser, so
each option's label carries the entity's aliases and, where a name has
diacritics, its plain spelling (`graph.names.normalise`, the store search's
own rule). A cleared picker stays cleared, on this page and the others.

Names are data, not markup: anything that goes into `st.markdown` passes
through `md()`, which backslash-escapes Markdown and Streamlit's own
directives (``:red[…]``, ``$…$``), so a name like ``[x](javascript:…)`` or
``<img …>`` shows as the characters it is. Tables and charts show text as
text already.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import cast

import networkx as nx
import streamlit as st

from graph import model as m
from graph.name_search import search_names
from queries.memo import remembered
from ui import query_string, state

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


def search_label(graph: nx.MultiDiGraph[str], node_id: str) -> str:
    """`label`, then what else a reader may type to find the entity: its aliases,
    and the plain spelling of any name with diacritics ("Ṣaḥrāwī" → "sahrawi")."""
    base = label(graph, node_id)
    record = graph.nodes[node_id].get("record") if node_id in graph else None
    if not isinstance(record, m.NodeBase):
        return base
    extra = [" ".join(a.split()) for a in record.aliases]
    plain = set(search_names(cast(m.AnyNode, record)))
    spelt = {" ".join(t.casefold().split()) for t in (record.name, *record.aliases)}
    extra.extend(sorted(plain - spelt - {e.casefold() for e in extra}))
    extra = [e for e in dict.fromkeys(extra) if e]
    return f"{base} · {', '.join(extra)}" if extra else base


def ids_of_kinds(graph: nx.MultiDiGraph[str], kinds: Collection[str] | None) -> list[str]:
    """Node ids of the given kinds (all kinds when None), sorted by name.

    Remembered on a frozen projection (a copy is returned): a picker over the
    whole map sorts 20,000 names at M on every page run otherwise."""
    wanted = None if kinds is None else frozenset(kinds)

    def compute() -> tuple[str, ...]:
        chosen = [n for n, d in graph.nodes(data=True) if wanted is None or d.get("kind") in wanted]
        return tuple(
            sorted(chosen, key=lambda n: (str(graph.nodes[n].get("name", n)).casefold(), n))
        )

    return list(remembered(graph, ("entities.ids_of_kinds", wanted), compute))


def search_labels(graph: nx.MultiDiGraph[str]) -> dict[str, str]:
    """`search_label` per node, remembered on a frozen projection and filled as
    pickers ask: a picker formats each of its options on every run (20,000 at
    M, most of a Network page's first load after the projection itself). The
    app's warm-up fills it for the whole map (`warm_labels`)."""
    return remembered(graph, "entities.search_labels", dict)


def _formatted(graph: nx.MultiDiGraph[str], labels: dict[str, str], node_id: str) -> str:
    text = labels.get(node_id)
    if text is None:
        text = labels[node_id] = search_label(graph, node_id)
    return text


def warm_labels(graph: nx.MultiDiGraph[str]) -> None:
    """Fill `search_labels` for every node of `graph` (the app's warm-up)."""
    labels = search_labels(graph)
    for node_id in graph:
        _formatted(graph, labels, node_id)


def entity_picker(
    title: str,
    graph: nx.MultiDiGraph[str],
    *,
    key: str,
    kinds: Collection[str] | None = None,
    options: Sequence[str] | None = None,
    follow_selection: bool = True,
    placeholder: str = "type a name or alias",
    first_by_default: bool = False,
    url: str | None = None,
) -> str | None:
    """A selectbox of entities; remembers the choice across pages and in the URL.

    The widget's own value is lost when the user leaves the page, so the
    choice is also kept in `state.selected_entity` and used as the default
    when the page comes back. Clearing the picker clears that choice too (it
    must not come back on the next run, nor on another page). With `url`, the
    picker first takes the id under that query-string name, if this reader may
    see it (otherwise nothing, silently: see `ui.query_string`).
    """
    ids = list(options) if options is not None else ids_of_kinds(graph, kinds)
    labels = search_labels(graph)
    current = state.selected_entity() if follow_selection else None
    held = st.session_state.get(key)
    if held is not None and held not in ids:  # e.g. not valid at the new date
        del st.session_state[key]
    if key not in st.session_state:
        if url is not None and query_string.present(url):
            wanted = query_string.text(url)
            st.session_state[key] = wanted if wanted in ids else None
        elif current in ids:
            st.session_state[key] = current
        elif first_by_default and ids:
            st.session_state[key] = ids[0]
    chosen = st.selectbox(
        title,
        ids,
        index=None,
        key=key,
        format_func=lambda n: _formatted(graph, labels, n),
        placeholder=placeholder,
        on_change=_remember if follow_selection else None,
        args=(key,),
    )
    if follow_selection and chosen is not None and chosen != current:
        state.select_entity(chosen)
    return chosen


def _remember(key: str) -> None:
    """The user picked or cleared: the shared choice follows, a clear included."""
    state.select_entity(cast(str | None, st.session_state.get(key)))
