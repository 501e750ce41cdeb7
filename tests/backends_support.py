"""The backends under test, as fixtures: the embedded one, and Ray on one local instance per
test session (2 CPUs, one logical GPU, a small object store, no dashboard).

Without the ray package the Ray cases are skipped on a developer's machine and fail in CI
(``make test`` installs requirements-ray.txt)."""

from __future__ import annotations

import os

import pytest

from synth_core.backends.embedded import EmbeddedBackend
from synth_core.backends.ray_backend import RayBackend, connect
from synth_core.jobs import TrainingSlots

RAY_OPTIONS = {
    "num_cpus": 2,
    "num_gpus": 1,  # logical: lets the tests check that fits asking for a GPU take turns
    "object_store_memory": 128 * 2**20,
}


def ray_or_skip():
    try:
        import ray
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("CI must test the Ray backend: install requirements-ray.txt")
        pytest.skip("ray is not installed (pip install -r requirements-ray.txt)")
    return ray


@pytest.fixture(scope="session")
def local_ray():
    ray = ray_or_skip()
    connect(ray, None, **RAY_OPTIONS)  # no dashboard, Ray's logs kept out of the terminal
    yield ray
    ray.shutdown()


@pytest.fixture(params=["embedded", "ray"])
def backend(request):
    """Each backend in turn; the embedded one with a queue of one slot, as if it had one GPU."""
    if request.param == "embedded":
        yield EmbeddedBackend(slots=TrainingSlots(capacity=1))
        return
    request.getfixturevalue("local_ray")
    ray_backend = RayBackend()
    yield ray_backend
    ray_backend.close()
