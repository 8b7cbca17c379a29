"""The docstring examples in queries/ run, and the main functions have one."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import queries

MODULES = sorted(name for _, name, _ in pkgutil.iter_modules(queries.__path__))

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


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(f"queries.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


@pytest.mark.parametrize("dotted", MUST_HAVE_EXAMPLES)
def test_public_functions_have_examples(dotted: str) -> None:
    module, name = dotted.split(".")
    func = getattr(importlib.import_module(f"queries.{module}"), name)
    assert func.__doc__ and "Examples\n" in func.__doc__
