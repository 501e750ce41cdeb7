"""Generated rows as numbered shard files plus a manifest, the same whoever writes them.

A request for N rows is cut into shards of at most ``SHARD_ROWS`` rows; shard k is generated
from a seed made of (seed, k), so the rows are the same whatever the number of workers and
whichever worker writes which shard; its new IDs come from its own share of one counter, so no
two shards make the same ID. Each shard is written under a temporary name and renamed
when complete: a file is either whole or absent. The manifest (``manifest.json``) is written
last, once every shard is there.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from synth_core.backends import SHARD_FORMATS
from synth_core.errors import DataError
from synth_core.privacy.pii import IdSlot
from synth_core.synthesizer import Synthesizer
from synth_core.tables.write import write_csv

SHARD_ROWS = 100_000  # rows per shard: one shard's rows are in a worker's memory at a time
FORMATS = SHARD_FORMATS
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Shard:
    """Shard ``number`` of a request: its rows, its seed, and its share of the new IDs (None:
    the shard alone, as if it were the whole request)."""

    number: int
    rows: int
    seed: int
    ids: IdSlot | None = None

    def file_name(self, fmt: str) -> str:
        return f"part-{self.number:05d}.{fmt}"


@dataclass(frozen=True)
class ShardRequest:
    """What every shard of one request shares: where, in which format, the copy rule."""

    out_dir: str
    fmt: str
    remove_copies: bool
    workers: int


@dataclass(frozen=True)
class ShardWritten:
    file: str
    rows: int
    copies_removed: int
    common_copies_kept: int


@dataclass(frozen=True)
class Manifest:
    """What a sharded ``sample`` wrote: read it back with ``json.load`` (``to_dict``)."""

    rows: int
    fmt: str
    seed: int
    shard_rows: int
    workers: int
    backend: str
    seconds: float
    model_sha256: str
    shards: tuple[ShardWritten, ...]

    @property
    def copies_removed(self) -> int:
        return sum(shard.copies_removed for shard in self.shards)

    @property
    def common_copies_kept(self) -> int:
        return sum(shard.common_copies_kept for shard in self.shards)

    def to_dict(self) -> dict:
        return {**asdict(self), "shards": [asdict(shard) for shard in self.shards]}


def chunk_seed(seed: int, number: int) -> int:
    """The seed of shard ``number``: independent streams for every (seed, shard) pair."""
    return int(np.random.SeedSequence([seed, number]).generate_state(1)[0])


def plan_shards(rows: int, seed: int, shard_rows: int = SHARD_ROWS) -> list[Shard]:
    """The shards of a request for ``rows`` rows. New IDs never repeat across them: every shard
    takes its own share of one counter (``IdSlot``), and row-number IDs go on from the rows of
    the shards before it."""
    if shard_rows < 1:
        raise DataError("Each shard needs at least one row.")
    starts = range(0, rows, shard_rows)
    return [
        Shard(
            k,
            min(shard_rows, rows - start),
            chunk_seed(seed, k),
            IdSlot(seed, parts=len(starts), part=k, first_row=start),
        )
        for k, start in enumerate(starts)
    ]


def prepare_folder(out_dir: str | Path) -> Path:
    """``out_dir``, created if needed; refused when it already holds files (shards of another
    run would mix with these)."""
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise DataError(f"{folder} is a file; give --out a folder for the shards, e.g. out/.")
    if folder.is_dir() and any(folder.iterdir()):
        raise DataError(f"{folder} already holds files; give --out an empty or new folder.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DataError(f"Cannot create the folder {folder}: {error.strerror}.") from error
    return folder


def write_shard(synth: Synthesizer, shard: Shard, request: ShardRequest) -> ShardWritten:
    """Generate shard ``shard`` with ``synth`` and write it whole (or not at all)."""
    if request.fmt not in FORMATS:
        raise DataError(f"The format must be one of {', '.join(FORMATS)}.")
    copies = common = 0
    frames = []
    for chunk in synth.iter_chunks(
        shard.rows,
        seed=shard.seed,
        remove_copies=request.remove_copies,
        chunk_rows=shard.rows,
        id_slot=shard.ids,
    ):
        copies, common = copies + chunk.copies_removed, common + chunk.common_copies_kept
        frames.append(chunk.frame)
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    final = Path(request.out_dir) / shard.file_name(request.fmt)
    partial = final.with_name(f".{final.name}.partial")
    if request.fmt == "parquet":
        frame.to_parquet(partial, index=False)
    else:
        write_csv(frame, partial, synth.schema_.written_as)
    os.replace(partial, final)
    return ShardWritten(final.name, len(frame), copies, common)


def remove_shards(folder: Path, plan: list[Shard], fmt: str) -> None:
    """Delete what a failed request left: its shards and their partial files."""
    for shard in plan:
        name = shard.file_name(fmt)
        for path in (folder / name, folder / f".{name}.partial"):
            path.unlink(missing_ok=True)


def write_manifest(
    folder: Path,
    request: ShardRequest,
    plan: list[Shard],
    written: list[ShardWritten],
    seed: int,
    model: bytes,
    seconds: float,
    backend: str,
) -> Manifest:
    manifest = Manifest(
        rows=sum(shard.rows for shard in written),
        fmt=request.fmt,
        seed=seed,
        shard_rows=max((shard.rows for shard in plan), default=0),
        workers=request.workers,
        backend=backend,
        seconds=round(seconds, 3),
        model_sha256=hashlib.sha256(model).hexdigest(),
        shards=tuple(written),
    )
    text = json.dumps(manifest.to_dict(), indent=2)
    partial = folder / f".{MANIFEST}.partial"
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, folder / MANIFEST)
    return manifest
