"""Device choice and the floating-point setting training runs under."""

from __future__ import annotations

import pytest
import torch

from synth_core.errors import TrainingError
from synth_core.training.device import denormals_flushed, flushes_denormals, resolve_device


def tiny_product() -> float:
    return float(torch.tensor(1e-30) * 1e-10)  # 1e-40: a denormal float32


def test_denormals_are_flushed_only_inside_the_block():
    assert tiny_product() > 0
    with denormals_flushed():
        assert flushes_denormals()
        assert tiny_product() == 0
    assert not flushes_denormals()
    assert tiny_product() > 0


def test_a_nested_block_leaves_the_outer_setting_on():
    with denormals_flushed():
        with denormals_flushed():
            pass
        assert flushes_denormals()
    assert not flushes_denormals()


def test_the_setting_is_restored_when_the_block_fails():
    with pytest.raises(RuntimeError), denormals_flushed():
        raise RuntimeError("training failed")
    assert not flushes_denormals()


def test_cpu_is_always_available_and_unknown_devices_are_refused():
    assert resolve_device("cpu") == torch.device("cpu")
    with pytest.raises(TrainingError, match="Unknown device 'tpu'"):
        resolve_device("tpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="a CUDA GPU is present")
def test_asking_for_a_missing_gpu_says_what_to_choose_instead():
    with pytest.raises(TrainingError, match="No CUDA GPU is available here"):
        resolve_device("cuda")
