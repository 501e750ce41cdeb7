"""The ``.synth`` model file: a zip of safetensors weights and JSON, never a pickle.

Members: ``manifest.json`` (format marker and a SHA-256 per member), ``model.json`` (config,
schema, transform state, conditioning, the formats of replaced personal-data columns (never a
real value), the ε a differentially private training spent, library versions) and
``tensors.safetensors`` (generator weights, category counts and hashes of the training rows
used to drop copies when sampling; no hashes for a differentially private model, whose file
holds nothing else read from the data).
Loading parses JSON and safetensors only, so a file cannot run code; anything unexpected is
refused with a ``ModelFileError`` that says what to do.

A model file is as sensitive as the data it was trained on: GANs can memorise rows.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors

from synth_core.config import TrainingConfig
from synth_core.encoding.transform import TableTransform
from synth_core.errors import ModelFileError, SynthError
from synth_core.models import variants
from synth_core.models.build import build_core
from synth_core.parts import ModelParts
from synth_core.privacy.dp import PrivacyRecord
from synth_core.privacy.pii import PiiPlan
from synth_core.schema import Schema
from synth_core.training.device import resolve_device
from synth_core.training.progress import RunState
from synth_core.version import __version__

FORMAT = "synth-studio-model"
FORMAT_VERSION = 1
MEMBERS = ("model.json", "tensors.safetensors")
MAX_MEMBER_BYTES = 2 * 1024**3  # refuse zip bombs before reading
GENERATOR_PREFIX = "generator."
COUNTS_KEY = "condition_counts"
HASHES_KEY = "training_row_hashes"


def library_versions() -> dict[str, str]:
    """Versions of the libraries that shape a model, recorded in every file and report."""
    versions = {}
    for name in ("torch", "numpy", "pandas", "scikit-learn", "sdmetrics"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return {"synth-studio": __version__, **versions}


def to_bytes(parts: ModelParts) -> bytes:
    """A fitted model's ``parts`` as ``.synth`` bytes (for a download button, or a file)."""
    members = {
        "model.json": json.dumps(_model_json(parts)).encode("utf-8"),
        "tensors.safetensors": save_tensors(_tensors(parts)),
    }
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "sha256": {name: hashlib.sha256(data).hexdigest() for name, data in members.items()},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _tensors(parts: ModelParts) -> dict[str, torch.Tensor]:
    core = parts.core
    tensors = {
        GENERATOR_PREFIX + k: v.detach().cpu().contiguous()
        for k, v in core.generator.state_dict().items()
    }
    if core.sampler.enabled:
        tensors[COUNTS_KEY] = core.sampler.counts.detach().cpu().contiguous()
    hashes = parts.training_hashes.view(np.int64)
    if parts.config.dp_epsilon is not None:  # row fingerprints would leak around the guarantee
        hashes = hashes[:0]
    tensors[HASHES_KEY] = torch.from_numpy(hashes.copy())
    return tensors


def _model_json(parts: ModelParts) -> dict[str, Any]:
    return {
        "config": parts.config.to_dict(),
        "schema": parts.schema.to_dict(),
        "transform": parts.transform.to_dict(),
        "condition_columns": list(parts.core.sampler.columns),
        "training_rows": int(parts.training_rows),
        "pii": parts.pii.to_dict(),
        "privacy": parts.privacy.to_dict() if parts.privacy is not None else None,
        "versions": library_versions(),
    }


def save(parts: ModelParts, path) -> None:
    """Write a fitted model's ``parts`` to ``path`` as a ``.synth`` file."""
    Path(path).write_bytes(to_bytes(parts))


def read_parts(source, device: str = "auto") -> ModelParts:
    """Read a ``.synth`` file (path or bytes): the parts of a ready-to-sample model."""
    try:
        return _read_parts(source, device)
    except ModelFileError:
        raise
    except SynthError as error:
        message = f"This model file does not fit this version of Synth Studio: {error}"
        raise ModelFileError(message) from error
    except Exception as error:  # anything else means a damaged or foreign file
        raise ModelFileError(
            "This model file is damaged or was not made by Synth Studio. "
            "Train the model again, or pick another file."
        ) from error


def _read_members(source) -> dict[str, bytes]:
    if isinstance(source, (bytes, bytearray)):
        raw = bytes(source)
    else:
        path = Path(source)
        if not path.is_file():
            raise ModelFileError(f"There is no model file at '{path}'. Check the path.")
        raw = path.read_bytes()
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise ModelFileError(
            "This is not a Synth Studio model file (.synth). Pick the file the app or "
            "'python -m synth_core fit' saved."
        )
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        names = set(archive.namelist())
        if "manifest.json" not in names or not set(MEMBERS) <= names:
            raise ModelFileError(
                "This zip file is not a Synth Studio model: parts of a model are missing."
            )
        for info in archive.infolist():
            if info.file_size > MAX_MEMBER_BYTES:
                raise ModelFileError("This model file is too large to be a Synth Studio model.")
        return {name: archive.read(name) for name in ("manifest.json", *MEMBERS)}


def _check_manifest(members: dict[str, bytes]) -> None:
    manifest = json.loads(members["manifest.json"])
    if manifest.get("format") != FORMAT:
        raise ModelFileError("This zip file is not a Synth Studio model.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(
            f"This model file has format version {manifest.get('format_version')}, but this "
            f"Synth Studio reads version {FORMAT_VERSION}. Train the model again here."
        )
    for name in MEMBERS:
        if hashlib.sha256(members[name]).hexdigest() != manifest.get("sha256", {}).get(name):
            raise ModelFileError(
                "This model file was changed after it was saved (its checksums do not match). "
                "Use the original file, or train the model again."
            )


def _read_parts(source, device: str) -> ModelParts:
    members = _read_members(source)
    _check_manifest(members)
    model: dict[str, Any] = json.loads(members["model.json"])
    tensors = load_tensors(members["tensors.safetensors"])
    config = TrainingConfig.from_dict(model["config"])
    if config.variant not in variants.VARIANTS:
        raise ModelFileError(f"This model uses an unknown model type '{config.variant}'.")
    variant = variants.get(config.variant)
    transform = TableTransform.from_dict(model["transform"])
    target = resolve_device(device)
    core = build_core(
        variant,
        config,
        transform.spans,
        list(model["condition_columns"]),
        None,
        torch.Generator(target).manual_seed(config.seed),
        device=target,
        counts=tensors.get(COUNTS_KEY),
    )
    weights = {
        k[len(GENERATOR_PREFIX) :]: v.to(target)
        for k, v in tensors.items()
        if k.startswith(GENERATOR_PREFIX)
    }
    core.generator.load_state_dict(weights, strict=True)
    return ModelParts(
        config=config,
        schema=Schema.from_dict(model["schema"]),
        transform=transform,
        variant=variant,
        core=core,
        pii=PiiPlan.from_dict(model.get("pii"), transform.columns),
        privacy=PrivacyRecord.from_dict(model.get("privacy")),
        training_hashes=tensors[HASHES_KEY].numpy().view(np.uint64),
        training_rows=int(model["training_rows"]),
        state=RunState.LOADED,
    )
