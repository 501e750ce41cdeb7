"""Which device trains: the GPU when there is one, the CPU otherwise."""

from __future__ import annotations

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
