"""The ingest package has no import cycle, and no hidden project import inside a function.

Issue 17: the pipeline dispatched to the format modules and they imported
their shared types back from it, hidden inside functions. The graph of
module-level imports between `ingest/` modules must be acyclic (imports under
`if TYPE_CHECKING:` do not run and do not count), and an import of a project
module inside a function needs a comment saying why.
"""

from __future__ import annotations

import ast
import random
import subprocess
import sys
from pathlib import Path

import networkx as nx

INGEST = Path(__file__).resolve().parents[2] / "ingest"
PROJECT = ("graph", "ingest", "queries", "ui")


def _module(path: Path) -> str:
    return "ingest" if path.stem == "__init__" else f"ingest.{path.stem}"


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.Module) -> list[str]:
    """Modules imported when the module is imported (top level, outside TYPE_CHECKING)."""
    found: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.If) and _is_type_checking(node):
            continue
        for inner in ast.walk(node) if isinstance(node, ast.If | ast.Try) else [node]:
            if isinstance(inner, ast.ImportFrom) and inner.module:
                found.append(inner.module)
                found.extend(f"{inner.module}.{a.name}" for a in inner.names)
            elif isinstance(inner, ast.Import):
                found.extend(a.name for a in inner.names)
    return found


def import_graph(folder: Path) -> nx.DiGraph[str]:
    """Module → ingest module it imports at import time."""
    modules = {_module(p): p for p in folder.glob("*.py")}
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for target in _runtime_imports(tree):
            if target in modules and target != name and target != "ingest":
                graph.add_edge(name, target)
    return graph


def test_ingest_modules_import_each_other_without_a_cycle() -> None:
    graph = import_graph(INGEST)
    assert graph.number_of_edges() > 10  # it read the real imports
    assert list(nx.simple_cycles(graph)) == []


def test_the_cycle_check_sees_a_cycle(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("from ingest.b import x\n", encoding="utf-8")
    (tmp_path / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ingest.c import y\n"
        "from ingest.a import z\n",
        encoding="utf-8",
    )
    (tmp_path / "c.py").write_text("from ingest.b import w\n", encoding="utf-8")
    cycles = list(nx.simple_cycles(import_graph(tmp_path)))
    assert [sorted(c) for c in cycles] == [["ingest.a", "ingest.b"]]


def test_every_ingest_module_imports_first_in_a_fresh_process_in_any_order() -> None:
    names = sorted(_module(p) for p in INGEST.glob("*.py"))
    order = names[:]
    random.Random(17).shuffle(order)
    for first in (order, list(reversed(order))):
        code = "import importlib\n" + "".join(f"importlib.import_module({n!r})\n" for n in first)
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=False,
            cwd=INGEST.parent,
        )
        assert done.returncode == 0, done.stderr


def _imports_in_functions(tree: ast.Module, lines: list[str]) -> list[str]:
    hidden: list[str] = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(func):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            if not any(n.split(".")[0] in PROJECT for n in names):
                continue
            around = " ".join(lines[max(0, node.lineno - 3) : node.lineno])
            if "#" not in around:
                hidden.append(f"line {node.lineno}: {names[0]}")
    return hidden


def test_no_project_import_inside_a_function_without_a_comment_saying_why() -> None:
    hidden = {}
    for path in sorted(INGEST.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        found = _imports_in_functions(ast.parse(text), text.splitlines())
        if found:
            hidden[path.name] = found
    assert hidden == {}
