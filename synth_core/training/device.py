"""Which device trains: the GPU when there is one, the CPU otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch

from synth_core.errors import TrainingError


def resolve_device(name: str = "auto") -> torch.device:
    """``auto`` picks CUDA, then Apple MPS, then the CPU; a named device must be available."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise TrainingError("No CUDA GPU is available here. Choose 'auto' or 'cpu' as the device.")
    if name == "mps" and not (torch.backends.mps.is_available()):
        raise TrainingError("Apple's GPU (MPS) is not available here. Choose 'auto' or 'cpu'.")
    if name not in ("cpu", "cuda", "mps"):
        raise TrainingError(f"Unknown device '{name}'. Choose auto, cpu, cuda or mps.")
    return torch.device(name)


def describe_device(device: torch.device | str) -> str:
    """A label for people: the GPU's name, or the CPU with its thread count."""
    device = torch.device(device)
    if device.type == "cuda":
        return f"GPU: {torch.cuda.get_device_name(device)}"
    if device.type == "mps":
        return "GPU: Apple silicon (MPS)"
    return f"CPU ({torch.get_num_threads()} threads)"


@contextmanager
def denormals_flushed() -> Iterator[None]:
    """Within the block, this thread's floating-point unit flushes denormal numbers to zero.

    An operation on a denormal float (magnitude under about 1.2e-38) costs the CPU many times a
    normal one. Over a long run, the optimisers' moment estimates of weights whose gradients stay
    at zero decay into that range: the VAE-GAN's epochs on Adult slowed from 0.45 s to 1.25 s
    over 180 epochs (bench/README.md). The setting belongs to the thread, and PyTorch's worker
    threads copy it when the thread first computes in parallel, so it helps most when training
    runs on a thread of its own (as the app's training jobs do). The thread's earlier setting is
    restored at the end; other threads are not touched.
    """
    was_on = flushes_denormals()
    torch.set_flush_denormal(True)
    try:
        yield
    finally:
        if not was_on:
            torch.set_flush_denormal(False)


def flushes_denormals() -> bool:
    """Whether this thread flushes denormal floats to zero (a product of two tiny numbers, on a
    tensor small enough to be computed on this thread)."""
    return bool(torch.tensor(1e-30) * 1e-10 == 0)
