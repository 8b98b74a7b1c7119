"""The layering (docs/adr/0015-layering.md) holds: import-linter's contracts in pyproject.toml are kept."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_import_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([str(lint_imports), "--no-cache"], cwd=REPO, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def _import_cycles(graph, packages: tuple[str, ...]) -> list[list[str]]:
    """Sets of modules that import each other, directly or through others (Tarjan's strongly connected
    components over the module graph; imports inside functions count, as they are still dependencies)."""
    modules = sorted(m for m in graph.modules if m.split(".")[0] in packages)
    edges = {
        m: sorted(i for i in graph.find_modules_directly_imported_by(m) if i.split(".")[0] in packages) for m in modules
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in edges[module]:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in modules:
        if module not in index:
            visit(module)
    return cycles


def test_no_module_imports_itself_through_others() -> None:
    """No import cycles between modules, not even ones hidden by imports inside functions: a cycle means neither
    module can be understood (or imported) without the other. Break one with a signal, a parameter, or by moving
    the shared piece below both."""
    import grimp

    packages = ("harrow_bbp", "outcomes", "workstreams", "dashboards", "audit")
    sys.path.insert(0, str(REPO))
    try:
        graph = grimp.build_graph(*packages, cache_dir=None)
    finally:
        sys.path.remove(str(REPO))
    assert _import_cycles(graph, packages) == []


#: Views and page builders: they read through selectors (ADR 0015), so none of them names a model manager.
VIEWS_AND_PAGE_BUILDERS = [
    *sorted((REPO / "dashboards" / "views").glob("*.py")),
    *sorted((REPO / "dashboards").glob("*_page.py")),
    *(
        REPO / "dashboards" / name
        for name in ("board.py", "overview.py", "pages.py", "warm.py", "logic_model.py", "controlled.py")
    ),
    REPO / "dashboards" / "board_pack" / "content.py",
]


#: Django's shortcuts that query a model themselves: a read in disguise.
QUERYING_SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def _direct_reads(source: str) -> list[tuple[int, str]]:
    """Each place (line, what) where ``source`` reads the ORM itself: a ``Model.objects`` manager, or one of
    Django's querying shortcuts, however it is imported or called."""
    import ast

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in {"objects", *QUERYING_SHORTCUTS}:
            found.append((node.lineno, node.attr))
        elif isinstance(node, ast.Name) and node.id in QUERYING_SHORTCUTS:
            found.append((node.lineno, node.id))
        elif isinstance(node, ast.ImportFrom):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name in QUERYING_SHORTCUTS]
    return sorted(found)


def test_direct_reads_are_found() -> None:
    """The check below sees each way a view could read the ORM itself, and passes a selector call."""
    source = (
        "from django.shortcuts import get_object_or_404 as fetch\n"
        "from django import shortcuts\n"
        "a = Extract.objects.get(pk=1)\n"
        "b = shortcuts.get_list_or_404(Extract)\n"
        "c = get_object_or_404(Extract, pk=1)\n"
        "d = extract_detail(1)\n"
    )
    assert _direct_reads(source) == [
        (1, "get_object_or_404"),
        (3, "objects"),
        (4, "get_list_or_404"),
        (5, "get_object_or_404"),
    ]


def test_views_and_page_builders_read_through_selectors() -> None:
    """No ``Model.objects`` and no ``get_object_or_404`` / ``get_list_or_404`` in a view or a page builder: a query
    there escapes the selectors' fixed query counts and their tests. Add a selector instead (``outcomes/selectors/``,
    or ``workstreams`` or ``dashboards`` ``selectors.py``) that returns None for a missing row; the view raises
    Http404.
    """
    offenders = [
        f"{path.relative_to(REPO)}:{line} {what}"
        for path in VIEWS_AND_PAGE_BUILDERS
        for line, what in _direct_reads(path.read_text())
    ]
    assert len(VIEWS_AND_PAGE_BUILDERS) > 15
    assert offenders == []
