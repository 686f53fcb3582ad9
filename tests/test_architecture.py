"""The shape of the package: no import cycles, no reaching into another module's private names.

Read from the source with :mod:`ast` (nothing is imported), so that a lazy import inside a
function counts as well: such an import hides a cycle, it does not remove it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "tussenstand"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path, name: str, modules: dict[str, Path]) -> list[tuple[str, list[str]]]:
    """(imported module, imported names) for every import of a project module in ``path``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names if a.name.startswith("tussenstand")]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1]
                    + ([node.module] if node.module else [])
                )
            if not base.startswith("tussenstand"):
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if sub in modules:  # `from tussenstand import charts`: the module itself
                    found.append((sub, []))
                else:
                    found.append((base, [alias.name]))
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for target, _ in _imports(path, name, modules):
            if target in modules and target != name and not name.startswith(target + "."):
                graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles, state, stack = [], {}, []

    def visit(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def test_no_import_cycles():
    cycles = _cycles(_graph())
    assert cycles == [], "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c", "a"]]


def test_no_module_imports_private_names_of_another():
    modules = _modules()
    offences = []
    for name, path in modules.items():
        for target, names in _imports(path, name, modules):
            if target == name or not target.startswith("tussenstand"):
                continue
            offences += [f"{name} imports {target}.{n}" for n in names if n.startswith("_")]
    assert offences == []


@pytest.mark.parametrize(
    "stage, folder_or_file",
    [
        ("data enters", "sources"),
        ("data is cleaned", "cleaning.py"),
        ("a goal is judged", "progress"),
        ("the report is written", "report"),
        ("the site is assembled", "site"),
    ],
)
def test_each_stage_has_a_place_named_after_it(stage, folder_or_file):
    assert (PACKAGE / folder_or_file).exists() or (PACKAGE / f"{folder_or_file}.py").exists(), stage
