"""`graph.model` names every model class; the classes are created on first use.

The classes live in three home modules (issue 13: creating all of them cost
every CLI command a tenth of its start-up). mypy reads them through the homes'
`__all__`, the running code through `graph.model._HOMES`: a class added to a
home and not to `_HOMES` would type-check and then fail at run time, so the
two lists are compared here.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest

from graph import model as m

ROOT = Path(__file__).resolve().parents[2]


def test_every_class_of_a_home_module_is_named_by_graph_model() -> None:
    for home, names in m._HOMES.items():
        module = importlib.import_module(home)
        assert sorted(names) == sorted(module.__all__), home
        for name in names:
            assert getattr(m, name) is getattr(module, name)


def test_a_lazily_found_class_is_the_one_in_the_unions() -> None:
    from graph.model import ArmedActor, Cites

    assert ArmedActor in get_args(m.AnyNode)
    assert Cites in get_args(m.AnyRelationship)
    assert set(get_args(m.AnyRecord)) == set(get_args(m.AnyNode)) | set(get_args(m.AnyRelationship))
    assert {"ArmedActor", "Cites", "AnyRecord", "ActorKind"} <= set(dir(m))


def test_a_misspelt_name_is_an_attribute_error_naming_it() -> None:
    with pytest.raises(AttributeError, match="'ArmedActr'"):
        m.ArmedActr  # type: ignore[attr-defined]  # noqa: B018 -- the lookup is the test


def test_importing_the_schema_creates_no_model_class() -> None:
    # A fresh interpreter: this one has created them already.
    probe = (
        "import sys, graph.schema, graph.model as m\n"
        "homes = ('graph.envelope', 'graph.node_models', 'graph.relationship_models')\n"
        "print([h for h in homes if h in sys.modules], 'ArmedActor' in vars(m))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.split() == ["[]", "False"]
