"""Every part of a ``.synth`` file treated as untrusted input, checked before it costs memory.

The manifest's SHA-256 sums catch accidental damage only: whoever crafts a file can recompute
them. So the zip's declared sizes and compression ratios are checked before anything is
inflated, each member is read through a capped stream (a lying header cannot inflate more than
the cap), every setting is validated with the rules ``fit`` applies, the networks and the
encoding are bounded in proportion to a real model, and the tensors' names, types and shapes
are checked against the declared layout before any weight is loaded. Each refusal is a
``ModelFileError`` of one plain line.
"""

from __future__ import annotations

import dataclasses
import json
import math
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any

from synth_core.config import TrainingConfig
from synth_core.encoding.encoders import Span
from synth_core.encoding.transform import TableTransform
from synth_core.errors import ModelFileError, SynthError
from synth_core.models import variants
from synth_core.models.argn_network import network_size
from synth_core.models.tokens import TokenLayout
from synth_core.rules import Rule, check_rule_columns, rules_from_dicts
from synth_core.schema import Schema
from synth_core.tables.limits import ROW_LIMIT_ENV, ReadLimits

MANIFEST = "manifest.json"
MODEL_JSON = "model.json"
TENSORS = "tensors.safetensors"
#: What each member may hold, uncompressed. model.json grows with the category values a
#: table has (the rare ones of every column are kept); the tensors member is bounded again by
#: the layout model.json declares (``tensor_bytes_bound``).
MEMBER_LIMITS = {MANIFEST: 64 * 1024, MODEL_JSON: 128 * 1024**2, TENSORS: 512 * 1024**2}
MAX_MEMBERS = 16
#: Deflate packs JSON about ten to one and weights hardly at all; a member over 1 MiB packed a
#: hundred times tighter is padding.
MAX_RATIO = 100
RATIO_CHECKED_FROM = 1024**2
#: Bounds on what a real table gives (``ReadLimits`` caps the columns): outputs per column,
#: outputs in all, and the generator's weights (far above any preset on a 500-column table).
MAX_COLUMN_WIDTH = 10_000
MAX_TABLE_WIDTH = 100_000
MAX_GENERATOR_WEIGHTS = 50_000_000
MAX_SAFETENSORS_HEADER = 1024**2
MAX_RULES = 10_000  # far above the rules a 500-column table can have found
DTYPE_BYTES = {"F32": 4, "I64": 8}


def changed_file() -> ModelFileError:
    return ModelFileError(
        "This model file was changed after it was saved, or is damaged. Use the original "
        "file, or train the model again."
    )


def _too_large() -> ModelFileError:
    return ModelFileError(
        "This model file is larger than any Synth Studio model could be, so it was not opened. "
        "Use the original file, or train the model again."
    )


def check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse a zip whose declared sizes or packing could not come from a real model file."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _too_large()
    for info in infos:
        limit = MEMBER_LIMITS.get(info.filename)
        if limit is not None and info.file_size > limit:
            raise _too_large()
        packed = max(info.compress_size, 1)
        if info.file_size > RATIO_CHECKED_FROM and info.file_size / packed > MAX_RATIO:
            raise _too_large()


def read_member(raw: bytes, archive: zipfile.ZipFile, name: str, limit: int | None = None) -> bytes:
    """The bytes of member ``name`` of the zip ``raw``, refused when its declared size passes
    the limit, and never inflated past that size whatever the packed data holds (Python's zip
    reader inflates the rest of a member at once when its packed data ends)."""
    limit = min(MEMBER_LIMITS[name], limit if limit is not None else MEMBER_LIMITS[name])
    info = archive.getinfo(name)
    if info.file_size > limit or info.flag_bits & 0x1:  # too large, or encrypted
        raise _too_large() if info.file_size > limit else changed_file()
    start = info.header_offset
    if raw[start : start + 4] != b"PK\x03\x04":
        raise changed_file()
    name_size, extra_size = struct.unpack("<HH", raw[start + 26 : start + 30])
    begin = start + 30 + name_size + extra_size
    packed = raw[begin : begin + info.compress_size]
    if info.compress_type == zipfile.ZIP_DEFLATED:
        # One byte past the declared size shows a header that understates the member.
        data = zlib.decompressobj(-zlib.MAX_WBITS).decompress(packed, info.file_size + 1)
    elif info.compress_type == zipfile.ZIP_STORED:
        data = packed
    else:
        raise changed_file()
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        raise changed_file()
    return data


@dataclass(frozen=True)
class CheckedModel:
    """The fields of model.json that decide sizes, each checked."""

    config: TrainingConfig
    variant: variants.Variant
    transform: TableTransform
    condition_columns: list[str]
    training_rows: int
    fingerprinted_rows: int
    epochs_trained: int | None = None


def check_model(model: Any) -> CheckedModel:
    """model.json's fields validated as ``fit`` validates its settings, plus size bounds."""
    if not isinstance(model, dict):
        raise changed_file()
    config = _checked_config(model.get("config"))
    transform = TableTransform.from_dict(model["transform"])
    _check_layout(transform)
    columns = model.get("condition_columns")
    if not isinstance(columns, list) or not set(columns) <= set(transform.discrete_columns):
        raise changed_file()
    rows = _row_count(model.get("training_rows"), "learned from")
    # Rows whose fingerprints the copy filter keeps: every real row (held-out ones too) since
    # ``protect_real_rows``; files saved before say nothing, and hold the training rows'.
    known = model.get("fingerprinted_rows", rows)
    fingerprinted = _row_count(known, "holds the fingerprints of")
    variant = variants.get(config.variant)
    cond_width = sum(s.width for s in transform.spans if _conditions(s, columns))
    if generator_weights_bound(config, transform, cond_width) > MAX_GENERATOR_WEIGHTS:
        raise _setting_error("its networks are larger than any Synth Studio model")
    epochs = _epochs_trained(model.get("epochs_trained"), config)
    return CheckedModel(config, variant, transform, list(columns), rows, fingerprinted, epochs)


def _epochs_trained(epochs: Any, config: TrainingConfig) -> int | None:
    """The passes over the rows the run finished: None (files saved before it was recorded) or
    a whole number up to the run's limit."""
    if epochs is None:
        return None
    if isinstance(epochs, bool) or not isinstance(epochs, int) or not 0 <= epochs <= config.epochs:
        raise changed_file()
    return epochs


def _row_count(rows: Any, says: str) -> int:
    """A count of real rows the file states (``says``: what the model did with them), checked
    against the row limit that this computer reads."""
    if isinstance(rows, bool) or not isinstance(rows, int):
        raise changed_file()
    if rows < 0:
        raise _setting_error(f"it says it {says} {rows:,} rows")
    limits = ReadLimits.from_settings()  # a model of a table over the row limit: a hint
    if rows > limits.max_rows:
        raise ModelFileError(
            f"This model file says it {says} {rows:,} rows, more than the row limit of "
            f"{limits.max_rows:,} that this computer reads. If that is right, set "
            f"{ROW_LIMIT_ENV} to at least {rows:,} and load it again; otherwise use the "
            "original file, or train the model again."
        )
    return rows


def _checked_config(data: Any) -> TrainingConfig:
    if not isinstance(data, dict):
        raise changed_file()
    _check_types(data)
    config = TrainingConfig.from_dict(data)
    if config.variant not in variants.VARIANTS:
        raise ModelFileError(f"This model uses an unknown model type '{config.variant}'.")
    try:
        return variants.validated(config)
    except SynthError as error:
        raise _setting_error(str(error).rstrip(".")) from error


def _setting_error(what: str) -> ModelFileError:
    return ModelFileError(
        f"This model file cannot be used: {what}. It was changed after it was saved; use the "
        "original file, or train the model again."
    )


def _check_types(data: dict[str, Any]) -> None:
    """Each setting of the type its default has (a number where a number belongs)."""
    for field in dataclasses.fields(TrainingConfig):
        if field.name not in data or data[field.name] is None:
            continue
        value, default = data[field.name], _default(field)
        if isinstance(default, tuple):
            ok = isinstance(value, list) and all(_is_number(item) for item in value)
        elif isinstance(default, bool):
            ok = isinstance(value, bool)
        elif isinstance(default, (int, float)) or field.type in ("int | None", "float | None"):
            ok = _is_number(value) and (not isinstance(default, int) or isinstance(value, int))
        elif isinstance(default, str) or field.type == "str | None":
            ok = isinstance(value, str)
        else:
            ok = isinstance(value, dict)
        if not ok:
            raise changed_file()


def _default(field: dataclasses.Field) -> Any:
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return field.default


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_layout(transform: TableTransform) -> None:
    if not 1 <= len(transform.columns) <= ReadLimits().max_columns:
        raise changed_file()
    spans = transform.spans
    widths: dict[str, int] = {}
    for span in spans:
        if not 1 <= span.width <= MAX_COLUMN_WIDTH:
            raise changed_file()
        widths[span.column] = widths.get(span.column, 0) + span.width
    if sum(widths.values()) > MAX_TABLE_WIDTH or max(widths.values()) > MAX_COLUMN_WIDTH:
        raise changed_file()


def _conditions(span: Span, columns: list[str]) -> bool:
    return span.role == "category" and span.column in columns


def generator_weights_bound(
    config: TrainingConfig, transform: TableTransform, cond_width: int
) -> int:
    """An upper bound on the generator's weights (either block type, or the VAE-GAN's decoder;
    its encoder mirrors it; the autoregressive network's exact size), from the settings and the
    table's layout alone: nothing is built."""
    if variants.get(config.variant).family == "argn":
        layout = TokenLayout(transform.spans, config.value_bins)
        return network_size(
            layout, config.embedding_dim, tuple(config.generator_dims), config.members
        )
    width = transform.width
    size, total = config.noise_dim + cond_width, 0
    for hidden in config.generator_dims:
        total += (size + 5) * hidden  # weights, bias and batch norm
        size = size + hidden if config.generator_block == "concat" else hidden
    return total + (size + 2) * width  # the output layer, and a spread per scalar output


def tensor_bytes_bound(checked: CheckedModel) -> int:
    """The most bytes the tensors member of a model with this layout can hold."""
    transform, config = checked.transform, checked.config
    cond = [s.width for s in transform.spans if _conditions(s, checked.condition_columns)]
    weights = generator_weights_bound(config, transform, sum(cond))
    counts = len(cond) * max(cond, default=0)
    floats = 4 * (weights + counts)
    return floats + 8 * checked.fingerprinted_rows + MAX_SAFETENSORS_HEADER + 8


def tensor_header(raw: bytes) -> dict[str, tuple[str, tuple[int, ...]]]:
    """Each tensor's type and shape as the safetensors header declares them (name -> dtype,
    shape), checked to describe exactly the bytes that follow it; nothing is loaded."""
    if len(raw) < 8:
        raise changed_file()
    (header_size,) = struct.unpack("<Q", raw[:8])
    if header_size > MAX_SAFETENSORS_HEADER or 8 + header_size > len(raw):
        raise changed_file()
    header = json.loads(raw[8 : 8 + header_size])
    if not isinstance(header, dict):
        raise changed_file()
    header.pop("__metadata__", None)
    found, data_bytes = {}, 0
    for name, entry in header.items():
        dtype, shape = entry.get("dtype"), entry.get("shape")
        if dtype not in DTYPE_BYTES or not isinstance(shape, list):
            raise mismatched_weights()
        if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape):
            raise mismatched_weights()
        found[name] = (dtype, tuple(shape))
        data_bytes += DTYPE_BYTES[dtype] * math.prod(shape)
    if 8 + header_size + data_bytes != len(raw):
        raise changed_file()
    return found


def check_layout(
    found: dict[str, tuple[str, tuple[int, ...]]], expected: dict[str, tuple[str, tuple[int, ...]]]
) -> None:
    """Refuse tensors whose names, types or shapes differ from ``expected``."""
    if found != expected:
        raise mismatched_weights()


def mismatched_weights() -> ModelFileError:
    return ModelFileError(
        "The weights in this model file do not match its settings. Use the original file, or "
        "train the model again."
    )


def check_rules(data: Any, schema: Schema, columns: list[str]) -> tuple[Rule, ...]:
    """The business rules of model.json (none in a file saved before rules existed), each read
    as data and checked against the learned columns and their kinds."""
    if data is None:
        return ()
    if isinstance(data, list) and len(data) > MAX_RULES:
        raise _setting_error("it holds more rules than any table could have")
    try:
        rules = rules_from_dicts(data)
        check_rule_columns(rules, schema, columns)
    except SynthError as error:
        raise _setting_error(f"a business rule is not valid ({str(error).rstrip('.')})") from error
    return tuple(rules)
