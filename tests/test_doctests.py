"""Every docstring example in the four packages runs, and every package has some.

Examples in docstrings are the quickest worked answer a reader gets ("what
does this return for …?"); one that no longer runs is worse than none. The
Streamlit page scripts (`ui.views.*`, `ui.app`) draw a page when imported,
so they are not imported here; the components they call are.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from types import ModuleType

import pytest

PACKAGES = ["graph", "ingest", "queries", "ui"]
PAGE_SCRIPTS = ("ui.app", "ui.views")


def _modules(package: str) -> list[str]:
    root = importlib.import_module(package)
    names = [package]
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
        if not info.name.startswith(PAGE_SCRIPTS):
            names.append(info.name)
    return sorted(names)


MODULES = [name for package in PACKAGES for name in _modules(package)]


def _run(module: ModuleType) -> doctest.TestResults:
    return doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    assert _run(importlib.import_module(name)).failed == 0


@pytest.mark.parametrize("package", PACKAGES)
def test_every_package_has_examples(package: str) -> None:
    attempted = sum(_run(importlib.import_module(n)).attempted for n in _modules(package))
    assert attempted > 0, f"no docstring example runs in {package}/"
