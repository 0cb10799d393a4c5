"""The layout is the architecture (docs/architecture.md): the import-linter contracts in
pyproject.toml hold, no module takes part in an import cycle, folders stay small enough
to read, and every folder says what lives in it."""
from __future__ import annotations

import ast
from pathlib import Path

import grimp
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("chatrec", "intents", "models")
MAX_MODULES = 15      # per folder
MAX_LINES = 310       # per module: "about 300"


def test_the_import_linter_contracts_hold():
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True,
                        no_logo=True) == 0


def _cycles(graph) -> list[set[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter[0]; counter[0] += 1
        stack.append(root); on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]; counter[0] += 1
                    stack.append(child); on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop(); on_stack.discard(member); component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        out.append(component)
    return out


def test_no_module_is_part_of_an_import_cycle():
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    # a package's __init__ is imported with each of its modules: leave those edges out
    for module in list(graph.modules):
        if graph.find_children(module):
            for importer in graph.find_modules_that_directly_import(module):
                if importer.startswith(module + "."):
                    graph.remove_import(importer=importer, imported=module)
    assert _cycles(graph) == []


def _folders():
    for package in PACKAGES:
        for init in (ROOT / package).rglob("__init__.py"):
            yield init.parent


def test_folders_are_small_and_say_what_lives_in_them():
    for folder in _folders():
        modules = [p for p in folder.glob("*.py") if p.name != "__init__.py"]
        assert len(modules) <= MAX_MODULES, f"{folder.relative_to(ROOT)}: {len(modules)} modules"
        doc = ast.get_docstring(ast.parse((folder / "__init__.py").read_text()))
        assert doc and len(doc.split()) >= 8, f"{folder.relative_to(ROOT)}/__init__.py: no docstring"


def test_modules_stay_readable_in_one_sitting():
    long = {str(p.relative_to(ROOT)): n for folder in _folders() for p in folder.glob("*.py")
            if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}
