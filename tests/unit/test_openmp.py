"""PyTorch's CPU threads are told to sleep soon when they wait (``synth_core.openmp``), by the
command line and the app, before PyTorch is first imported; a person's own setting stays."""

from __future__ import annotations

from pathlib import Path

from synth_core.openmp import SPIN_COUNT, wait_briefly
from tests.helpers import run_python


def test_a_short_spin_is_set_unless_the_environment_says_how_to_wait():
    environ: dict[str, str] = {}
    wait_briefly(environ)
    assert environ == {"GOMP_SPINCOUNT": SPIN_COUNT}
    for own in ({"OMP_WAIT_POLICY": "ACTIVE"}, {"GOMP_SPINCOUNT": "300000"}):
        environ = dict(own)
        wait_briefly(environ)
        assert environ == own


def test_the_command_line_sets_it_before_pytorch_is_imported():
    done = run_python(
        "import os, runpy, sys\n"
        "os.environ.pop('GOMP_SPINCOUNT', None); os.environ.pop('OMP_WAIT_POLICY', None)\n"
        "sys.argv = ['synth_core', '--version']\n"
        "try:\n"
        "    runpy.run_module('synth_core', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('spin', os.environ.get('GOMP_SPINCOUNT'), 'torch' in sys.modules)\n"
    )
    assert f"spin {SPIN_COUNT} " in done.stdout, done.stderr


def test_the_app_sets_it_before_anything_imports_pytorch():
    source = (Path(__file__).parents[2] / "app.py").read_text(encoding="utf-8")
    assert source.index("wait_briefly()") < source.index("from ui import")
