"""The floor plan: one package per stage, imports one way (cli -> api -> stages), no test doubles shipped."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "localize"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _runtime_imports(tree: ast.Module, module: str, is_package: bool) -> Iterator[tuple[str, int]]:
    """Imported localize modules, outside ``if TYPE_CHECKING:`` blocks, with their line."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".") if is_package else module.split(".")[:-1]
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                yield (candidate if candidate in MODULES else base), node.lineno
        stack.extend(ast.iter_child_nodes(node))


def _graph() -> dict[str, dict[str, int]]:
    graph: dict[str, dict[str, int]] = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        edges = graph.setdefault(module, {})
        for target, line in _runtime_imports(tree, module, path.name == "__init__.py"):
            if target in MODULES and target != module:
                edges.setdefault(target, line)
    return graph


def _stage(module: str) -> str:
    """The package (stage) a module belongs to: ``localize.qa.checks`` -> ``qa``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "localize"


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` if there is any (iterative DFS, colours)."""
    colour: dict[str, int] = {}
    for start in sorted(graph):
        if colour.get(start):
            continue
        path, stack = [start], [iter(sorted(graph[start]))]
        colour[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                colour[path.pop()] = 2
                stack.pop()
            elif colour.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            elif not colour.get(nxt):
                colour[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(graph.get(nxt, ()))))
    return None


def test_the_checker_finds_a_planted_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_circle_between_modules() -> None:
    graph = {module: set(edges) for module, edges in _graph().items()}
    assert _cycle(graph) is None


def test_no_import_circle_between_stage_packages() -> None:
    stages: dict[str, set[str]] = {}
    for module, edges in _graph().items():
        here = _stage(module)
        stages.setdefault(here, set()).update(_stage(t) for t in edges if _stage(t) != here)
    # the package root (``localize/__init__``: the version) is imported by all, imports none
    stages.pop("localize", None)
    for targets in stages.values():
        targets.discard("localize")
    assert _cycle(stages) is None


def test_imports_run_one_way_from_cli_through_api_to_the_stages() -> None:
    offenders = []
    graph = _graph()
    assert "localize.api" in graph["localize.cli"]  # the checker sees imports at all
    for module, edges in graph.items():
        for target, line in edges.items():
            if target == "localize.cli" and module != "localize.__main__":
                offenders.append(f"{MODULES[module].relative_to(ROOT)}:{line} imports the CLI")
            if target == "localize.api" and module not in ("localize.cli", "localize.__main__"):
                offenders.append(f"{MODULES[module].relative_to(ROOT)}:{line} imports localize.api")
    assert offenders == []


def test_nothing_under_src_serves_http() -> None:
    servers = [
        str(path.relative_to(ROOT))
        for path in PACKAGE.rglob("*.py")
        if re.search(r"^\s*(from|import) (http\.server|socketserver)\b", path.read_text(), re.M)
    ]
    assert servers == []


def test_no_module_over_500_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for path in PACKAGE.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert long == {}


@pytest.mark.parametrize(
    "doc", sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")]), ids=lambda p: p.name
)
def test_docs_point_at_nothing_outside_the_repository(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    assert "../shared" not in text and "SPEC.md" not in text
    for target in re.findall(r"\]\(([^)#\s]+)", text):
        if re.match(r"[a-z]+:", target):
            continue
        resolved = (doc.parent / target).resolve()
        assert resolved.is_relative_to(ROOT), f"{doc.name} links outside the repository: {target}"
        assert resolved.exists(), f"{doc.name} links to a missing file: {target}"
