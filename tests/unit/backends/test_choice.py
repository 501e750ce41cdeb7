"""Choosing a backend: the default, the setting, and plain refusals."""

from __future__ import annotations

import sys

import pytest

from synth_core.backends.choice import BACKEND_ENV, backend_for, backend_name
from synth_core.backends.embedded import EmbeddedBackend
from synth_core.backends.ray_backend import MISSING_RAY
from synth_core.errors import SynthError


def test_without_a_name_or_setting_the_embedded_backend_works_here(monkeypatch):
    monkeypatch.delenv(BACKEND_ENV, raising=False)
    backend = backend_for()
    assert isinstance(backend, EmbeddedBackend)
    assert backend.describe().startswith("this computer")


def test_the_setting_chooses_and_a_given_name_wins(monkeypatch):
    monkeypatch.setenv(BACKEND_ENV, "Ray")
    assert backend_name() == "ray"
    assert backend_name("embedded") == "embedded"


def test_an_unknown_backend_is_refused_with_the_names_to_use(monkeypatch):
    monkeypatch.setenv(BACKEND_ENV, "spark")
    with pytest.raises(SynthError, match="use embedded or ray"):
        backend_name()


def test_ray_asked_for_without_the_ray_package_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # what an absent package looks like to import
    with pytest.raises(SynthError) as raised:
        backend_for("ray")
    assert str(raised.value) == MISSING_RAY
    assert "pip install -r requirements-ray.txt" in MISSING_RAY
