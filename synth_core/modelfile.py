"""The ``.synth`` model file: a zip of safetensors weights and JSON, never a pickle.

Members: ``manifest.json`` (format marker and a SHA-256 per member), ``model.json`` (config,
schema (without the values its reasons quote for identifiers, personal data and free text),
transform state, conditioning, the formats of replaced personal-data columns (never a real
value), the ε a differentially private training spent, library versions) and
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

from synth_core import modelcheck, modelformat
from synth_core.errors import ModelFileError, SynthError
from synth_core.models.build import build_core
from synth_core.parts import ModelParts
from synth_core.privacy.dp import PrivacyRecord
from synth_core.privacy.pii import PiiPlan
from synth_core.rules import rules_to_dicts
from synth_core.schema import Schema
from synth_core.training.device import resolve_device
from synth_core.training.progress import RunState
from synth_core.version import __version__
from synth_core.wording import shorten

FORMAT, FORMAT_VERSION = modelformat.FORMAT, modelformat.FORMAT_VERSION
MANIFEST = "manifest.json"
MEMBERS = ("model.json", "tensors.safetensors")
GENERATOR_PREFIX = "generator."
COUNTS_KEY = "condition_counts"
HASHES_KEY = "training_row_hashes"
SAVED_AT = (1980, 1, 1, 0, 0, 0)  # the zip format's first date


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
        **modelformat.manifest_fields(),
        "sha256": {name: hashlib.sha256(data).hexdigest() for name, data in members.items()},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in {MANIFEST: json.dumps(manifest).encode("utf-8"), **members}.items():
            # A fixed date: the same model gives the same bytes (and SHA-256) at every save.
            info = zipfile.ZipInfo(name, date_time=SAVED_AT)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def _tensors(parts: ModelParts) -> dict[str, torch.Tensor]:
    core = parts.core
    tensors = {
        GENERATOR_PREFIX + k: v.detach().cpu().contiguous()
        for k, v in core.generator.state_dict().items()
    }
    if core.sampler.enabled:
        tensors[COUNTS_KEY] = core.sampler.counts.detach().cpu().contiguous()
    tensors[HASHES_KEY] = torch.from_numpy(_fingerprints(parts).copy())
    return tensors


def _fingerprints(parts: ModelParts) -> np.ndarray:
    """The real rows' fingerprints the file keeps for the copy filter (int64)."""
    hashes = parts.copy_hashes.view(np.int64)
    if parts.config.dp_epsilon is not None:  # row fingerprints would leak around the guarantee
        return hashes[:0]
    return hashes


def _model_json(parts: ModelParts) -> dict[str, Any]:
    return {
        "config": parts.config.to_dict(),
        "schema": parts.schema.without_examples().to_dict(),
        "transform": parts.transform.to_dict(),
        "condition_columns": list(parts.core.sampler.columns),
        "training_rows": int(parts.training_rows),
        "fingerprinted_rows": len(_fingerprints(parts)),
        "epochs_trained": parts.epochs_trained,
        "pii": parts.pii.to_dict(),
        "privacy": parts.privacy.to_dict() if parts.privacy is not None else None,
        "rules": rules_to_dicts(parts.rules),
        "versions": library_versions(),
    }


def save(parts: ModelParts, path) -> None:
    """Write a fitted model's ``parts`` to ``path`` as a ``.synth`` file."""
    Path(path).write_bytes(to_bytes(parts))


def read_parts(source, device: str = "auto") -> ModelParts:
    """Read a ``.synth`` file (path or bytes): the parts of a ready-to-sample model."""
    target = resolve_device(device)  # an unavailable device: the TrainingError says what to pick
    try:
        return _read_parts(source, target)
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


def _read_raw(source) -> bytes:
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    path = Path(source)
    if not path.is_file():
        raise ModelFileError(f"There is no model file at '{shorten(str(path))}'. Check the path.")
    if path.stat().st_size > sum(modelcheck.MEMBER_LIMITS.values()):
        raise ModelFileError(
            "This model file is larger than any Synth Studio model could be, so it was not "
            "opened. Use the original file, or train the model again."
        )
    return path.read_bytes()


def _open_archive(raw: bytes) -> zipfile.ZipFile:
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise ModelFileError(
            "This is not a Synth Studio model file (.synth). Pick the file the app or "
            "'python -m synth_core fit' saved."
        )
    archive = zipfile.ZipFile(io.BytesIO(raw))
    names = set(archive.namelist())
    if MANIFEST not in names or not set(MEMBERS) <= names:
        raise ModelFileError(
            "This zip file is not a Synth Studio model: parts of a model are missing."
        )
    modelcheck.check_archive(archive)
    return archive


def _check_manifest(manifest: Any) -> tuple[dict[str, str], int]:
    """The manifest's checksums per member and the file's format version, once its format is
    known to be ours and a version this Synth Studio reads (``modelformat``)."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ModelFileError("This zip file is not a Synth Studio model.")
    version = modelformat.check_version(manifest)
    checksums = manifest.get("sha256")
    return (checksums if isinstance(checksums, dict) else {}), version


def _checked_member(
    zipped: bytes, archive: zipfile.ZipFile, name: str, checksums: dict[str, str], limit=None
) -> bytes:
    data = modelcheck.read_member(zipped, archive, name, limit)
    if hashlib.sha256(data).hexdigest() != checksums.get(name):
        raise ModelFileError(
            "This model file was changed after it was saved (its checksums do not match). "
            "Use the original file, or train the model again."
        )
    return data


def _read_parts(source, target: torch.device) -> ModelParts:
    zipped = _read_raw(source)
    with _open_archive(zipped) as archive:
        manifest = modelcheck.read_member(zipped, archive, MANIFEST)
        checksums, version = _check_manifest(json.loads(manifest))
        model = json.loads(_checked_member(zipped, archive, "model.json", checksums))
        model = modelformat.upgrade(model, version)
        checked = modelcheck.check_model(model)
        limit = modelcheck.tensor_bytes_bound(checked)
        raw = _checked_member(zipped, archive, "tensors.safetensors", checksums, limit)
    found = modelcheck.tensor_header(raw)
    _check_extra_tensors(found, checked)
    tensors = load_tensors(raw)
    core = _sampling_core(checked, tensors.get(COUNTS_KEY), target)
    _load_generator(core, found, tensors)
    schema = Schema.from_dict(model["schema"])
    return ModelParts(
        config=checked.config,
        schema=schema,
        transform=checked.transform,
        variant=checked.variant,
        core=core,
        pii=PiiPlan.from_dict(model.get("pii"), checked.transform.columns),
        privacy=PrivacyRecord.from_dict(model.get("privacy")),
        copy_hashes=tensors[HASHES_KEY].numpy().view(np.uint64),
        training_rows=checked.training_rows,
        state=RunState.LOADED,
        rules=modelcheck.check_rules(model.get("rules"), schema, checked.transform.columns),
        epochs_trained=checked.epochs_trained,
    )


def _load_generator(core, found: dict, tensors: dict[str, torch.Tensor]) -> None:
    """The saved weights into ``core``'s generator, once their shapes match its layout."""
    expected = {
        GENERATOR_PREFIX + k: (_DTYPES.get(v.dtype), tuple(v.shape))
        for k, v in core.generator.state_dict().items()
    }
    modelcheck.check_layout(
        {k: v for k, v in found.items() if k.startswith(GENERATOR_PREFIX)}, expected
    )
    weights = {
        k[len(GENERATOR_PREFIX) :]: v.to(core.device)
        for k, v in tensors.items()
        if k.startswith(GENERATOR_PREFIX)
    }
    core.generator.load_state_dict(weights, strict=True)


_DTYPES = {torch.float32: "F32", torch.int64: "I64"}


def _check_extra_tensors(found: dict, checked: modelcheck.CheckedModel) -> None:
    """The tensors beside the generator's: the row fingerprints (at most one per row it says)
    and, for a model with conditions, the category counts of its condition columns."""
    hashes = found.get(HASHES_KEY)
    if hashes is None or hashes[0] != "I64" or len(hashes[1]) != 1:
        raise modelcheck.mismatched_weights()
    if hashes[1][0] > checked.fingerprinted_rows:
        raise modelcheck.mismatched_weights()
    widths = [
        span.width
        for span in checked.transform.spans
        if span.role == "category" and span.column in checked.condition_columns
    ]
    counts = ("F32", (len(widths), max(widths))) if widths else None
    if found.get(COUNTS_KEY) != counts:
        raise modelcheck.mismatched_weights()
    others = set(found) - {HASHES_KEY, COUNTS_KEY}
    if any(not name.startswith(GENERATOR_PREFIX) for name in others):
        raise modelcheck.mismatched_weights()


def _sampling_core(checked: modelcheck.CheckedModel, counts, target: torch.device):
    """The training core of a loaded model, which only samples: its critic is never used, so
    the smallest one is built instead of the trained network's size."""
    config = checked.config.replace(discriminator_dims=(1,), pac=1)
    return build_core(
        checked.variant,
        config,
        checked.transform.spans,
        checked.condition_columns,
        None,
        torch.Generator(target).manual_seed(config.seed),
        device=target,
        counts=counts,
    )
