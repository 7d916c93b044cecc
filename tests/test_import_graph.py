"""The import graph of forum/ has no cycle (issue 22: web → services → queries → policy → models,
nothing runs back up).

Every module under forum/ is parsed with :mod:`ast`. An edge A → B is any import of B in A: at
module level and inside functions alike (an import moved into a function to dodge a cycle is
still a cycle), but not under ``if TYPE_CHECKING:`` (never run). Relative imports are resolved,
and ``from package import name`` is an edge to ``package.name`` when that is a module, else to
``package``. Importing ``a.b`` also runs ``a/__init__.py``; that implied edge is not counted, or
every module would reach the ``forum`` package and its application factory.

A package ``__init__`` that imports its own submodules while they import names back from it is
a cycle like any other, with one exception, the blueprint pattern Flask cannot avoid: a web
package ``forum.web.X`` holds its blueprint ``bp`` in ``__init__.py`` and imports its view
modules, which take ``bp`` (and nothing else) from ``forum.web.X``. Only that edge, a direct
submodule of ``forum.web.X`` importing blueprints alone (``bp``, or ``*_bp`` where a package has
a second one) from it, is left out of the graph.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORUM = ROOT / "forum"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class Imports(ast.NodeVisitor):
    """Every import statement of a module, at any depth, except under ``if TYPE_CHECKING:``."""

    def __init__(self) -> None:
        self.found: list[ast.Import | ast.ImportFrom] = []

    def visit_If(self, node: ast.If) -> None:
        if not is_type_checking(node):
            self.generic_visit(node)
            return
        for child in node.orelse:
            self.visit(child)

    def visit_Import(self, node: ast.Import) -> None:
        self.found.append(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self.found.append(node)


def imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    collector = Imports()
    collector.visit(tree)
    return collector.found


def blueprint_import(source: str, target: str, names: list[str]) -> bool:
    """The one allowed back edge: ``forum.web.X.views`` (or a sibling) taking its blueprint
    from ``forum.web.X``."""
    parts = target.split(".")
    return (
        len(parts) == 3
        and parts[:2] == ["forum", "web"]
        and source.rsplit(".", 1)[0] == target
        and all(name == "bp" or name.endswith("_bp") for name in names)
    )


def import_graph(root: Path = FORUM) -> dict[str, set[str]]:
    paths = {module_name(path, root): path for path in root.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in paths}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in imports(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in graph:
                        graph[name].add(alias.name)
                continue
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            plain = []
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in graph:
                    graph[name].add(submodule)
                else:
                    plain.append(alias.name)
            if plain and target in graph and not blueprint_import(name, target, plain):
                graph[name].add(target)
        graph[name].discard(name)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        return error.args[1]
    return None


def test_forum_has_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "Import cycle: " + " → ".join(cycle)


def test_the_checker_reads_imports_as_python_runs_them(tmp_path):
    """The checker sees what it must: function-level and relative imports, submodules named in
    ``from package import name``; it skips TYPE_CHECKING and allows only the blueprint edge."""
    forum = tmp_path / "forum"
    (forum / "web" / "things").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "a.py": "def f():\n    from forum import b\n",
        "b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from forum import c\n",
        "c.py": "from . import a\n",
        "web/__init__.py": "",
        "web/things/__init__.py": "bp = 1\nfrom forum.web.things import views\n",
        "web/things/views.py": "from forum.web.things import bp\nfrom forum.web import things\n",
    }
    for name, text in files.items():
        (forum / name).write_text(text)
    graph = import_graph(forum)
    assert graph["forum.a"] == {"forum.b"}
    assert graph["forum.b"] == set()
    assert graph["forum.c"] == {"forum.a"}
    assert graph["forum.web.things"] == {"forum.web.things.views"}
    # "from forum.web import things" names the package itself: counted, so a cycle.
    assert graph["forum.web.things.views"] == {"forum.web.things"}
    assert find_cycle(graph)
    (forum / "web/things/views.py").write_text("from forum.web.things import bp\n")
    assert find_cycle(import_graph(forum)) is None
    (forum / "b.py").write_text("import forum.c\n")
    cycle = find_cycle(import_graph(forum))
    assert cycle and cycle[0] == cycle[-1]
    assert set(cycle) == {"forum.a", "forum.b", "forum.c"}


@pytest.mark.parametrize("names", [["bp", "helper"], ["helper"], ["bp_helper"]])
def test_only_blueprints_are_allowed_back(names):
    assert not blueprint_import("forum.web.x.views", "forum.web.x", names)
    assert blueprint_import("forum.web.x.views", "forum.web.x", ["bp"])
    assert blueprint_import("forum.web.x.data_views", "forum.web.x", ["bp", "consents_bp"])
    assert not blueprint_import("forum.web.x.views", "forum.web", ["bp"])
    assert not blueprint_import("forum.services.x", "forum.services", ["bp"])
