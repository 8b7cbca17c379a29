"""Plotly figures for the pages: COM radar, allegiance timeline, harm bars, coverage heatmap.

Plotly is not plain text: tick labels, titles and hover text are parsed for
a subset of HTML (`<b>`, `<i>`, `<br>`, `<span style>`, `<a href>`, which
becomes a live link). A name like `<a href="https://x.example">X</a>` would
render as an outbound link on the Coverage page. So every value that comes
from the data goes through `plotly_text` before it reaches a figure, axis
categories included; Plotly decodes the entities back to the characters and
shows them as text. Hover templates are fixed strings of ours.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import plotly.graph_objects as go

from graph.dates import lower_bound, upper_bound

COM_LABELS = ("Capability", "Opportunity", "Motivation")
HARM_COLOURS = {
    "deliberate": "#922b21",
    "reckless": "#e67e22",
    "accidental": "#f4d03f",
    "restraint": "#27ae60",
}
ALLEGIANCE_COLOURS = {"ALLIED_WITH": "#27ae60", "OPPOSES": "#c0392b"}


def plotly_text(value: object) -> str:
    """`value` as text Plotly shows literally: `&`, `<` and `>` as entities.

    Only these three: Plotly decodes `&amp;`, `&lt;` and `&gt;` (and numeric
    entities), but shows `&quot;` as written, and quotes are harmless outside
    a tag.

    >>> plotly_text('<a href="https://x.example">X</a> & co')
    '&lt;a href="https://x.example"&gt;X&lt;/a&gt; &amp; co'
    """
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _layout(fig: go.Figure, *, height: int) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        font={"family": "Source Sans Pro, Arial, sans-serif"},
    )
    return fig


def com_radar(scores: Mapping[str, float], *, title: str = "") -> go.Figure:
    """Capability / Opportunity / Motivation on one radar, 0 to 1."""
    values = [float(scores.get(label.lower(), 0.0)) for label in COM_LABELS]
    fig = go.Figure(
        go.Scatterpolar(
            r=[*values, values[0]],
            theta=[*COM_LABELS, COM_LABELS[0]],
            fill="toself",
            line={"color": "#2e86c1"},
            hovertemplate="%{theta}: %{r:.2f}<extra></extra>",
            name="score",
        )
    )
    fig.update_layout(
        polar={"radialaxis": {"range": [0, 1], "tickvals": [0.25, 0.5, 0.75, 1.0]}},
        showlegend=False,
        title={"text": plotly_text(title), "font": {"size": 13}},
    )
    return _layout(fig, height=300)


def allegiance_timeline(rows: Sequence[Mapping[str, Any]], *, today: date) -> go.Figure:
    """One bar per alliance or opposition over its validity; shifts show as colour changes."""
    fig = go.Figure()
    for row in rows:
        # The window the tie holds over (an inferred one's evidence plus horizon).
        first = row.get("holds_from", row.get("valid_from"))
        last = row.get("holds_to", row.get("valid_to"))
        start = lower_bound(first) if first else None
        end = upper_bound(last) if last else today
        if start is None:
            start = end
        label = plotly_text(row.get("with_name") or row.get("with"))
        kind = str(row.get("type"))
        fig.add_trace(
            go.Bar(
                # On a date axis a bar's length is a duration in milliseconds.
                x=[max((end - start).days, 1) * 86_400_000],
                base=[start.isoformat()],
                y=[label],
                orientation="h",
                marker={"color": ALLEGIANCE_COLOURS.get(kind, "#7f8c8d")},
                name=kind,
                customdata=[
                    [
                        plotly_text(kind),
                        plotly_text(first or "?"),
                        plotly_text(last or "now"),
                    ]
                ],
                hovertemplate="%{y}: %{customdata[0]}<br>%{customdata[1]} – %{customdata[2]}"
                "<extra></extra>",
                showlegend=False,
            )
        )
    fig.update_xaxes(type="date")
    fig.update_layout(barmode="overlay")
    return _layout(fig, height=max(160, 48 * len({str(r.get("with")) for r in rows}) + 60))


def harm_bars(patterns: Mapping[str, Mapping[str, Any]]) -> go.Figure:
    """Incidents per pattern of harm (restraint included), with fatalities on hover."""
    names = [p for p in HARM_COLOURS if p in patterns]
    fig = go.Figure(
        go.Bar(
            x=names,
            y=[int(patterns[p]["count"]) for p in names],
            marker={"color": [HARM_COLOURS[p] for p in names]},
            customdata=[[int(patterns[p].get("fatalities") or 0)] for p in names],
            hovertemplate="%{x}: %{y} incident(s), %{customdata[0]} fatalities<extra></extra>",
        )
    )
    fig.update_yaxes(title="incidents", dtick=1)
    return _layout(fig, height=260)


def coverage_heatmap(
    actors: Sequence[str],
    engagers: Sequence[str],
    scores: Sequence[Sequence[float | None]],
) -> go.Figure:
    """Engagers × armed actors, best leverage score; empty cells are no reach."""
    # Path scores are products of hop scores and rarely near 1: scale to the best one.
    best = max((s for row in scores for s in row if s is not None), default=1.0)
    fig = go.Figure(
        go.Heatmap(
            z=[[s if s is not None else None for s in row] for row in scores],
            x=[plotly_text(e) for e in engagers],
            y=[plotly_text(a) for a in actors],
            zmin=0,
            zmax=max(best, 0.05),
            colorscale="Greens",
            hoverongaps=False,
            hovertemplate="%{x} → %{y}: %{z:.2f}<extra></extra>",
            colorbar={"title": "best path"},
            xgap=2,
            ygap=2,
        )
    )
    fig.update_xaxes(side="top", tickangle=-30)
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, height=max(300, 30 * len(actors) + 160))
