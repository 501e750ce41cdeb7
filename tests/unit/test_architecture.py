"""The architecture as the imports show it: one-way layers, no cycles, no hidden imports.

The engine never imports Streamlit; pages never import torch. Inside ``synth_core`` each
package imports only from the packages below it (``LAYERS``), the module graph has no cycle,
and no function imports a module except a documented optional dependency (``LAZY_IMPORTS``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import run_python

ROOT = Path(__file__).parents[2]
ENGINE_ROOT = ROOT / "synth_core"

#: synth_core's layers, lowest first: a module may import from its own layer and those below.
LAYERS = [
    {"errors", "config", "version", "wording", "openmp", "interrupt"},
    {"tables"},
    {"schema"},
    {"rules"},
    {"encoding"},
    {"models"},
    {"privacy"},
    {"training"},
    {"evaluation"},
    {"reporting"},
    {
        "parts",
        "modelcheck",
        "modelformat",
        "modelfile",
        "synthesizer",
        "jobs",
        "backends",
        "handoff",
        "cli",
        "__init__",
        "__main__",
    },
]
#: Imports that may stay inside a function, each for a reason a reader accepts.
LAZY_IMPORTS = {
    "faker": "Faker takes a second to import; only columns replaced by fake values need it",
    "openpyxl": "only workbooks need it, and it slows the start of the app and of inspect",
    "openpyxl.cell": "as openpyxl",
    "openpyxl.cell.cell": "as openpyxl",
    "torch": "the report names torch's version only when it is already loaded",
    "ray": "optional (requirements-ray.txt): only the Ray backend and its workers need it",
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


ENGINE = sorted(ENGINE_ROOT.rglob("*.py"))
MODULES = {module_name(path): path for path in ENGINE}
FRONT = sorted([ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")])


def engine_imports(path: Path) -> list[tuple[str, bool]]:
    """(synth_core module imported, whether the import is inside a function) for ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                found.extend((alias.name, inside) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                for alias in child.names:
                    submodule = f"{child.module}.{alias.name}"
                    found.append((submodule if submodule in MODULES else child.module, inside))
            visit(child, inside)

    visit(tree, False)
    return found


def layer_of(module: str) -> int:
    top = module.split(".")[1] if "." in module else "__init__"
    return next(i for i, layer in enumerate(LAYERS) if top in layer)


@pytest.mark.parametrize("path", ENGINE, ids=lambda p: str(p.relative_to(ROOT)))
def test_engine_never_imports_streamlit(path: Path) -> None:
    assert "streamlit" not in imported_modules(path)


@pytest.mark.parametrize("path", FRONT, ids=lambda p: str(p.relative_to(ROOT)))
def test_app_never_imports_torch_or_model_math(path: Path) -> None:
    assert not imported_modules(path) & {"torch", "sklearn", "sdmetrics"}


def test_the_lists_are_not_empty() -> None:
    assert len(ENGINE) > 10
    assert len(FRONT) >= 4


def test_every_engine_package_has_a_layer() -> None:
    packages = {p.name for p in ENGINE_ROOT.iterdir() if (p / "__init__.py").exists()}
    modules = {p.stem for p in ENGINE_ROOT.glob("*.py")}
    assert packages | modules <= set().union(*LAYERS)


@pytest.mark.parametrize("path", ENGINE, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_module_imports_only_from_its_layer_and_below(path: Path) -> None:
    own = layer_of(module_name(path))
    upward = [
        module
        for module, _ in engine_imports(path)
        if module.startswith("synth_core.") and layer_of(module) > own
    ]
    assert upward == []


@pytest.mark.parametrize("path", ENGINE, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_function_imports_a_module_except_a_documented_optional_one(path: Path) -> None:
    hidden = [module for module, inside in engine_imports(path) if inside]
    assert [module for module in hidden if module not in LAZY_IMPORTS] == []


def test_the_module_graph_has_no_cycle() -> None:
    graph = {
        name: {m for m, _ in engine_imports(path) if m in MODULES and m != name}
        for name, path in MODULES.items()
    }
    done: set[str] = set()

    def cycle_from(name: str, trail: list[str]) -> list[str] | None:
        if name in trail:
            return [*trail[trail.index(name) :], name]
        if name in done:
            return None
        for target in sorted(graph[name]):
            if found := cycle_from(target, [*trail, name]):
                return found
        done.add(name)
        return None

    cycles = [found for name in sorted(graph) if (found := cycle_from(name, []))]
    assert cycles == []


def test_the_checks_see_an_upward_import_and_a_cycle(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("import synth_core.synthesizer\n\ndef f():\n    import synth_core.config\n")
    assert engine_imports(probe) == [("synth_core.synthesizer", False), ("synth_core.config", True)]
    assert layer_of("synth_core.synthesizer") > layer_of("synth_core.tables.read")


def test_no_private_name_is_imported_from_another_module() -> None:
    private = []
    for path in ENGINE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("synth_core"):
                private += [
                    f"{path.name}: {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_") and alias.name != "__version__"
                ]
    assert private == []


def test_inspect_does_not_import_torch() -> None:
    code = (
        "import sys; from synth_core.cli import main; "
        "main(['inspect', 'tests/fixtures/passengers.csv', '--json']); "
        "sys.exit(3 if 'torch' in sys.modules else 0)"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr


def test_the_public_api_loads_its_names_on_first_use() -> None:
    code = (
        "import sys, synth_core as sc; assert 'torch' not in sys.modules; "
        "names = [getattr(sc, name) for name in sc.__all__]; "
        "sys.exit(0 if 'torch' in sys.modules and all(names) else 3)"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("path", FRONT, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_app_imports_nothing_inside_a_function(path: Path) -> None:
    assert [module for module, inside in engine_imports(path) if inside] == []
