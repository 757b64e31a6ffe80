"""The shape of the code, checked on every run: no import cycles between modules (imports made
inside functions count), no module over 500 lines, no function over 80 lines. The direction of
the stages is checked by import-linter (``lint-imports``, run by ``scripts/test``; its contract
is in ``pyproject.toml``)."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp

SRC = Path(__file__).resolve().parents[1] / "src" / "audioguide"
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the groups of modules that import each other, directly or not."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def module_graph() -> dict[str, set[str]]:
    """Module -> the modules it imports (a package's ``__init__`` counts as the package)."""
    g = grimp.build_graph("audioguide", cache_dir=None)
    return {m: set(g.find_modules_directly_imported_by(m)) for m in g.modules}


def test_the_graph_sees_imports_made_inside_functions() -> None:
    graph = module_graph()
    # pipeline imports nothing lazily, but render.build imports the cluster inside a function
    assert "audioguide.render.cluster" in graph["audioguide.render.build"]


def test_no_import_cycles() -> None:
    cycles = strongly_connected(module_graph())
    assert cycles == [], f"import cycles: {cycles}"


def test_no_module_over_500_lines() -> None:
    sizes = {p.relative_to(SRC).as_posix(): len(p.read_text("utf-8").splitlines()) for p in SRC.rglob("*.py")}
    assert {k: v for k, v in sizes.items() if v > MAX_MODULE_LINES} == {}


def test_no_function_over_80_lines() -> None:
    long = {}
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
                length = (node.end_lineno or node.lineno) - first + 1
                if length > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(SRC).as_posix()}:{node.name}"] = length
    assert long == {}
