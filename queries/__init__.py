"""Analyses on the NetworkX projection: leverage paths, reach, influencers,
gaps, blocs, profiles and area contacts.

Everything here reads a `nx.MultiDiGraph` that a store built for one viewer
at one date (`graph.projection.projection`); nothing here talks to a
database, so every analysis behaves the same on both stores, and a record the
viewer may not see is simply not in the graph.
"""

from __future__ import annotations

from queries.blocs import blocs, compare_blocs
from queries.contacts import area_contacts
from queries.gaps import gaps
from queries.influencers import influencers, key_interlocutors
from queries.leverage import LeverageResult, leverage_paths
from queries.profiles import profile
from queries.reach import reach
from queries.scoring import ScoringParams

__all__ = [
    "LeverageResult",
    "ScoringParams",
    "area_contacts",
    "blocs",
    "compare_blocs",
    "gaps",
    "influencers",
    "key_interlocutors",
    "leverage_paths",
    "profile",
    "reach",
]
