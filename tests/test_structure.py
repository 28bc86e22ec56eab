"""The project's shape, from its imports: data flows nn_core -> lessons -> ui -> pages.

Every import is read from the source (function-level ones included; those under
``if TYPE_CHECKING:`` are for type checkers only and never run). The engine imports nothing of
the teaching, the app or Streamlit and names no page; the teaching imports nothing of the app;
and no module imports itself round a circle.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = {"nn_core": 0, "lessons": 1, "ui": 2}  # a package may import only from its own layer or below
APP_ONLY = ("streamlit", "plotly")  # what only ui and the pages use


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _never_imported_so(node: ast.If) -> bool:
    """``if TYPE_CHECKING:`` (for type checkers only) and ``if __name__ == "__main__":`` (runs when
    the file is the program, and then it is the module ``__main__``, not the one imported)."""
    test = ast.unparse(node.test)
    return test in ("TYPE_CHECKING", "typing.TYPE_CHECKING", "__name__ == '__main__'")


def imports_of(path: Path, root: Path = ROOT) -> set[str]:
    """The modules ``path`` imports when it is imported, anywhere in it, as absolute names."""
    here = module_name(path, root)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _never_imported_so(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from . import x` imports x
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(), str(path)))
    return found


def project_modules() -> dict[str, Path]:
    files = [p for layer in LAYERS for p in (ROOT / layer).rglob("*.py")]
    return {module_name(p): p for p in files}


def graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: {m for m in imports_of(path) if m in modules and m != name} for name, path in modules.items()}


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), as a sorted list."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def connect(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            connect(v)
    return found


def layer_of(module: str) -> int | None:
    return LAYERS.get(module.split(".")[0])


def test_the_import_reader_sees_function_level_and_relative_imports_and_skips_type_checking(tmp_path):
    package = tmp_path / "nn_core"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text(
        "from typing import TYPE_CHECKING\nfrom . import b\nif TYPE_CHECKING:\n    from lessons import x\n"
        "def f():\n    from .c import thing\n    import ui.live\n"
        "if __name__ == '__main__':\n    from .cli import main\n"
    )
    found = imports_of(package / "a.py", tmp_path)
    assert {"nn_core.b", "nn_core.c", "ui.live"} <= found
    assert not any(m.startswith(("lessons", "nn_core.cli")) for m in found)
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_package_imports_from_a_layer_above_it():
    upward = []
    for name, path in project_modules().items():
        for imported in imports_of(path):
            above = layer_of(imported)
            if above is not None and above > layer_of(name):
                upward.append(f"{name} imports {imported}")
            if layer_of(name) < LAYERS["ui"] and imported.split(".")[0] in APP_ONLY:
                upward.append(f"{name} imports {imported}")
    assert not upward, "imports against the flow nn_core -> lessons -> ui:\n" + "\n".join(sorted(upward))


def test_there_is_no_import_circle():
    found = circles(graph())
    assert not found, "import circles: " + "; ".join(" <-> ".join(group) for group in found)


def test_the_engine_names_no_page():
    named = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in (ROOT / "nn_core").rglob("*.py")
        for match in re.finditer(r"pages/\d+_\w+\.py|\bapp\.py\b", path.read_text())
    ]
    assert not named, "the engine names pages:\n" + "\n".join(named)


def test_only_lessons_pages_spells_a_pages_path_below_the_pages():
    spelled = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for layer in LAYERS
        for path in (ROOT / layer).rglob("*.py")
        if path != ROOT / "lessons" / "pages.py"
        for match in re.finditer(r"[\"']pages/\d+_\w+\.py[\"']", path.read_text())
    ]
    assert not spelled, "page paths spelled outside lessons/pages.py:\n" + "\n".join(spelled)
