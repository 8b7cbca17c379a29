"""The main analyses each have a docstring example (tests/test_doctests.py runs them all)."""

from __future__ import annotations

import importlib

import pytest

MUST_HAVE_EXAMPLES = [
    "leverage.leverage_paths",
    "reach.reach",
    "influencers.influencers",
    "influencers.key_interlocutors",
    "gaps.gaps",
    "blocs.blocs",
    "blocs.compare_blocs",
    "profiles.profile",
    "contacts.area_contacts",
    "measures.measures",
    "scoring.hop_score",
    "scoring.recency_factor",
    "traversal.influence_graph",
    "paths.k_best_paths",
]


@pytest.mark.parametrize("dotted", MUST_HAVE_EXAMPLES)
def test_public_functions_have_examples(dotted: str) -> None:
    module, name = dotted.split(".")
    func = getattr(importlib.import_module(f"queries.{module}"), name)
    assert func.__doc__ and "Examples\n" in func.__doc__
