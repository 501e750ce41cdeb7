"""The distinctive table the handoff tests use, and how they open a bundle."""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zipfile

import numpy as np
import pandas as pd

ROWS = 160
FIRST = ["Ottoline", "Barnaby", "Philippa", "Cornelius", "Euphemia", "Leopold", "Wilhelmina"]
LAST = ["Quarrington", "Vorderbrueggen", "Fitzwilliam", "Abernathy", "Pemberton", "Thistlewood"]
FAR_DOSE = 98765.4321
CONSTANT = "Secret Site Omega"
WARDS = ["Ward-Kestrel", "Ward-Osprey", "Ward-Heron"]


def distinctive_table(rows: int = ROWS) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    names = [f"{FIRST[i % 7]} {LAST[(i * 5) % 6]}" for i in range(rows)]
    frame = pd.DataFrame(
        {
            "Patient ID": [f"PX-{700000 + i * 13:06d}" for i in range(rows)],
            "Full Name": names,
            "Email": [
                f"{name.lower().replace(' ', '.')}{i}@kestrelclinic-secret.org"
                for i, name in enumerate(names)
            ],
            "Notes": [
                f"Patient reported glorbulent symptoms after visit {i} and asked for a call back"
                for i in range(rows)
            ],
            "Ward": rng.choice(WARDS, rows),
            "Dose": np.round(rng.normal(500, 80, rows), 4),
            "Age": rng.integers(18, 90, rows),
            "Site": [CONSTANT] * rows,
        }
    )
    frame.loc[5, "Dose"] = FAR_DOSE
    return frame


def real_strings(frame: pd.DataFrame) -> set[str]:
    """Every text value of the table, and the far-out number as it could be written."""
    values = {
        str(v)
        for column in frame.columns
        if frame[column].dtype == object
        for v in frame[column].unique()
    }
    return values | {str(FAR_DOSE), f"{FAR_DOSE:,}", "98765.43"}


def members(zipped: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def words(data: bytes) -> str:
    """A text file's words on one line (the README is wrapped)."""
    return " ".join(data.decode("utf-8").split())


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def with_listed(files: dict[str, bytes], **extra: bytes) -> bytes:
    """``files`` plus ``extra``, each listed in the manifest with its true SHA-256."""
    everything = {**files, **extra}
    manifest = json.loads(everything["manifest.json"])
    for name, data in extra.items():
        manifest["files"][name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    everything["manifest.json"] = json.dumps(manifest).encode()
    return zipped(everything)


def with_lying_size(files: dict[str, bytes], name: str, claimed: int) -> bytes:
    """``files`` plus a member ``name`` whose central directory claims ``claimed`` bytes."""
    bomb = bytearray(zipped({**files, name: b"0" * 200_000}))
    end = bomb.rfind(b"PK\x05\x06")
    directory = struct.unpack("<I", bomb[end + 16 : end + 20])[0]
    entry = bomb.find(name.encode(), directory) - 46  # the central directory's own entry
    bomb[entry + 24 : entry + 28] = struct.pack("<I", claimed)
    return bytes(bomb)
