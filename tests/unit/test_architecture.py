"""The one-way street: the engine never imports Streamlit; pages never import torch."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


ENGINE = sorted((ROOT / "synth_core").rglob("*.py"))
FRONT = sorted([ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")])


@pytest.mark.parametrize("path", ENGINE, ids=lambda p: str(p.relative_to(ROOT)))
def test_engine_never_imports_streamlit(path: Path) -> None:
    assert "streamlit" not in imported_modules(path)


@pytest.mark.parametrize("path", FRONT, ids=lambda p: str(p.relative_to(ROOT)))
def test_app_never_imports_torch_or_model_math(path: Path) -> None:
    assert not imported_modules(path) & {"torch", "sklearn", "sdmetrics"}


def test_the_lists_are_not_empty() -> None:
    assert len(ENGINE) > 10
    assert len(FRONT) >= 4


def test_variant_names_match_the_variants() -> None:
    from synth_core.config import VARIANT_NAMES
    from synth_core.models import VARIANTS

    assert tuple(VARIANTS) == VARIANT_NAMES


def test_inspect_does_not_import_torch() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from synth_core.cli import main; "
        "main(['inspect', 'tests/fixtures/passengers.csv', '--json']); "
        "sys.exit(3 if 'torch' in sys.modules else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
