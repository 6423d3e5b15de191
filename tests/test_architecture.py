"""The layer rule of docs/ARCHITECTURE.md, checked on the source.

Every module under ``medkg/`` belongs to a layer; a module may import its own layer and the layers
below it, never one above. Imports are read from the syntax tree: ``import``/``from`` statements
(relative ones resolved), and string literals naming a ``medkg.`` module (``importlib``
lookups, registries, lazy ``__getattr__`` tables). The same test bounds file length and test names.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "medkg"

#: Lowest first. Names on one row are one layer; ``extract`` sits above ``link`` (it may use
#: linking, linking may not use extraction).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "_resources", "_data", "_plugins", "spec"),
    ("images",),
    ("datasets",),
    ("ontology",),
    ("link",),
    ("extract",),
    ("labels",),
    ("compare",),
    ("graph",),
    ("store",),
    ("export",),
    ("kge",),
    ("rag",),
    ("evaluation",),
    ("distributed",),
    ("testing",),
    ("workflows",),
    ("demo",),
    ("cli",),
    ("__init__", "__main__"),
)
RANK = {name: rank for rank, row in enumerate(LAYERS) for name in row}
MAX_LINES = 450
MEDKG_NAME = re.compile(r"^medkg(\.[A-Za-z_][A-Za-z0-9_]*)+")


def _layer(module: str) -> str:
    """``medkg.extract.pipeline`` → ``extract``; ``medkg`` itself → ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1] if len(parts) > 1 else parts
        if parts == ["medkg", "__init__"]:
            return "medkg"
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, imported medkg module) for every import and every ``medkg.`` string in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("medkg")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("medkg"):
                if target == "medkg" or node.module is None:
                    # ``from medkg import extract`` / ``from . import x`` may name submodules.
                    found += [(node.lineno, f"{target}.{a.name}") for a in node.names]
                else:
                    found.append((node.lineno, target))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = MEDKG_NAME.match(node.value.split(":")[0])
            if match and match.group(0) == node.value.split(":")[0]:
                found.append((node.lineno, match.group(0)))
    return found


def _is_deprecation_shim(path: Path) -> bool:
    """A module left behind by a move: it only re-exports and warns with ``DeprecationWarning``.

    Such a module may name the module it moved to, even in a later layer; nothing else may.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    warns = False
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, ast.Assign) and all(
            isinstance(t, ast.Name) and t.id.startswith("__") for t in node.targets
        ):
            continue  # __all__ and the like
        if isinstance(node, ast.FunctionDef) and node.name == "__getattr__":
            warns = warns or "DeprecationWarning" in ast.unparse(node)
            continue
        if isinstance(node, ast.Expr) and "DeprecationWarning" in ast.unparse(node):
            warns = True
            continue
        return False
    return warns


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def layer_violations() -> list[str]:
    problems = []
    for path in _sources():
        module = _module_name(path)
        own = _layer(module)
        if own not in RANK:
            problems.append(f"{path.relative_to(ROOT)}: package {own!r} has no place in LAYERS")
            continue
        if _is_deprecation_shim(path):
            continue
        for line, target in _imports(path):
            other = _layer(target)
            if other not in RANK:
                if target.split(".")[1:2] and (PACKAGE / other).exists():
                    problems.append(f"{path.relative_to(ROOT)}:{line}: {other!r} has no place in LAYERS")
                continue
            if RANK[other] > RANK[own]:
                problems.append(f"{path.relative_to(ROOT)}:{line}: {own} imports later stage {target}")
    return problems


def test_every_package_has_a_layer():
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    assert sorted((packages | modules) - set(RANK)) == []


def test_stages_import_only_downward():
    assert layer_violations() == []


def test_the_checker_sees_relative_and_string_imports(tmp_path):
    # The checker itself, on a fixture shaped like the package.
    fake = tmp_path / "medkg" / "graph"
    fake.mkdir(parents=True)
    (tmp_path / "medkg" / "__init__.py").write_text("")
    (fake / "__init__.py").write_text("")
    source = fake / "workflow.py"
    source.write_text(
        "from ..store import ladybug\n"
        "from . import model\n"
        "import importlib\n"
        "PLUGINS = ('medkg.export',)\n"
        "x = importlib.import_module('medkg.rag.index')\n"
    )
    global ROOT
    saved = ROOT
    ROOT = tmp_path
    try:
        found = sorted(_imports(source))
    finally:
        ROOT = saved
    assert found == [(1, "medkg.store"), (2, "medkg.graph.model"), (4, "medkg.export"),
                     (5, "medkg.rag.index")]


def test_no_source_file_is_over_the_limit():
    long = {
        str(p.relative_to(ROOT)): n
        for p in _sources()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_tests_are_named_by_what_they_test():
    rounds = [str(p.relative_to(ROOT)) for p in (ROOT / "tests").rglob("test_*.py")
              if re.search(r"(round|stop|session|issue|step|part)_?\d", p.stem)]
    assert rounds == []


def test_moved_modules_warn_and_still_work():
    import importlib
    import warnings

    import pytest

    shims = [_module_name(p) for p in _sources() if _is_deprecation_shim(p)]
    assert "medkg.graph.workflow" in shims and "medkg.extract.batch" in shims
    for name in shims:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            module = importlib.import_module(name)
        with pytest.warns(DeprecationWarning, match="moved to"):
            importlib.reload(module)
        for public in getattr(module, "__all__", ()):
            assert getattr(module, public) is not None, f"{name}.{public}"


def test_workflows_names_are_all_served():
    import medkg.workflows as workflows

    assert sorted(workflows.__all__) == sorted(workflows._HOMES)
    for name in workflows.__all__:
        assert getattr(workflows, name) is not None
