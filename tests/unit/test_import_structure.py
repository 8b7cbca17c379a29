"""No import cycle between project modules, and no hidden project import inside a function.

Issue 17: the pipeline dispatched to the format modules and they imported
their shared types back from it, hidden inside functions. The graph of
module-level imports between the project's modules (graph, ingest, queries,
ui, bench) must be acyclic (imports under `if TYPE_CHECKING:` do not run and
do not count), and an import of a project module inside a function needs a
comment saying why (start-up time counts: the CLI loads a command's modules
when it runs, tests/cli/test_startup_imports.py).
"""

from __future__ import annotations

import ast
import random
import subprocess
import sys
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[2]
INGEST = ROOT / "ingest"
PROJECT = ("graph", "ingest", "queries", "ui", "bench")


def _module(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_files(root: Path = ROOT) -> list[Path]:
    return sorted(p for package in PROJECT for p in (root / package).rglob("*.py"))


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


def import_graph(files: list[Path], root: Path = ROOT) -> nx.DiGraph[str]:
    """Module → project module it imports at import time (a package's
    `__init__` is not counted as imported by its own modules' imports)."""
    modules = {_module(p, root): p for p in files}
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for target in _runtime_imports(tree):
            if target in modules and target != name and target not in PROJECT:
                graph.add_edge(name, target)
    return graph


def test_project_modules_import_each_other_without_a_cycle() -> None:
    graph = import_graph(project_files())
    assert graph.number_of_edges() > 200  # it read the real imports
    assert list(nx.simple_cycles(graph)) == []


def test_the_cycle_check_sees_a_cycle(tmp_path: Path) -> None:
    (tmp_path / "ingest").mkdir()
    (tmp_path / "ingest" / "a.py").write_text("from ingest.b import x\n", encoding="utf-8")
    (tmp_path / "ingest" / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ingest.c import y\n"
        "from ingest.a import z\n",
        encoding="utf-8",
    )
    (tmp_path / "ingest" / "c.py").write_text("from ingest.b import w\n", encoding="utf-8")
    cycles = list(nx.simple_cycles(import_graph(project_files(tmp_path), tmp_path)))
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


def _commented(lines: list[str], lineno: int) -> bool:
    """A comment on the import's line, or on the line above the run of imports it is in."""
    first = lineno - 1
    while first > 0 and lines[first - 1].strip().startswith(("import ", "from ")):
        first -= 1
    return "#" in lines[lineno - 1] or (first > 0 and lines[first - 1].strip().startswith("#"))


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
            if not _commented(lines, node.lineno):
                hidden.append(f"line {node.lineno}: {names[0]}")
    return hidden


def test_no_project_import_inside_a_function_without_a_comment_saying_why() -> None:
    hidden = {}
    for path in project_files():
        text = path.read_text(encoding="utf-8")
        found = _imports_in_functions(ast.parse(text), text.splitlines())
        if found:
            hidden[str(path.relative_to(ROOT))] = found
    assert hidden == {}
