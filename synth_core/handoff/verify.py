"""Check a handoff bundle: every file is the one the manifest names, byte for byte.

The bundle is untrusted input: it is never unpacked to disk, its names must be plain file names
(no folder, no ``..``), its declared sizes are bounded before anything is inflated, and each
member is read as a stream that stops at its declared size, so a zip bomb costs neither memory
nor disk. Each problem is one plain line naming the file.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synth_core.errors import SynthError
from synth_core.handoff.layout import FORMAT, FORMAT_VERSION, MANIFEST
from synth_core.wording import shorten

MAX_MEMBERS = 16
MANIFEST_LIMIT = 4 * 1024**2
MEMBER_LIMIT = 16 * 1024**3  # far above any table Synth Studio writes (2,000,000 rows)
#: Deflate packs at most about 1,030 to one: a member declared to inflate more is a lie.
MAX_RATIO = 1_100
CHUNK = 1024**2
PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._ -]{0,99}")


class BundleError(SynthError):
    """The file is not a handoff bundle, or one that cannot be checked."""


class NotIntact(BundleError):
    """A file of the bundle differs from what its manifest says."""


@dataclass(frozen=True)
class Verified:
    """An intact bundle: the files its manifest lists, all matching."""

    names: tuple[str, ...]

    def sentence(self) -> str:
        return (
            f"intact: {len(self.names)} files match the SHA-256 sums in {MANIFEST} "
            f"({', '.join(self.names)})"
        )


def verify_bundle(source: str | Path | bytes) -> Verified:
    """Check ``source`` (a path or the zip's bytes); raise ``NotIntact`` or ``BundleError``."""
    with _open(source) as archive:
        infos = _checked_infos(archive)
        listed = _listed_files(_manifest(archive, infos))
        added = sorted(set(infos) - set(listed) - {MANIFEST})
        if added:
            name = added[0]
            raise NotIntact(
                f"{name} is not listed in {MANIFEST}: it was added after the bundle "
                "was made. Ask the sender for the original bundle."
            )
        for name, expected in listed.items():
            if name not in infos:
                raise NotIntact(f"{name} is listed in {MANIFEST} but missing from the bundle.")
            _check_member(archive, infos[name], expected)
    return Verified(tuple(listed))


def _open(source: str | Path | bytes) -> zipfile.ZipFile:
    if isinstance(source, (bytes, bytearray)):
        stream: Any = io.BytesIO(source)
        shown = "This file"
    else:
        path = Path(source)
        if not path.is_file():
            raise BundleError(f"There is no file at '{shorten(str(path))}'. Check the path.")
        stream, shown = path, f"'{shorten(path.name)}'"
    try:
        return zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise BundleError(
            f"{shown} is not a handoff bundle (not a zip file). Pick the .zip that Synth "
            "Studio's bundle made."
        ) from None


def _checked_infos(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise BundleError(
            f"This zip holds {len(infos)} files; a handoff bundle holds at most "
            f"{MAX_MEMBERS}. It was not made by Synth Studio."
        )
    found: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        if not PLAIN_NAME.fullmatch(name) or has_parent_step(name):
            raise BundleError(
                f"This zip holds a file named {name[:80]!r}, which is not a plain "
                "file name (a folder or a path out of it). Do not unpack it."
            )
        if name in found:
            raise BundleError(f"This zip holds {name} twice. Do not unpack it.")
        packed = max(info.compress_size, 1)
        if info.file_size > MEMBER_LIMIT or info.file_size / packed > MAX_RATIO:
            raise BundleError(
                f"{name} would unpack to {info.file_size:,} bytes, far more than "
                "a handoff holds (a zip bomb?). Do not unpack it."
            )
        found[name] = info
    return found


def has_parent_step(name: str) -> bool:
    """Whether ``name`` holds ``..``, the step out of a folder."""
    return ".." in name


def _manifest(archive: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo]) -> dict[str, Any]:
    info = infos.get(MANIFEST)
    if info is None:
        raise BundleError(f"This zip has no {MANIFEST}, so it is not a handoff bundle.")
    if info.file_size > MANIFEST_LIMIT:
        raise BundleError(f"{MANIFEST} is larger than a handoff's manifest can be.")
    try:
        manifest = json.loads(_read_all(archive, info))
    except (ValueError, UnicodeDecodeError):
        raise BundleError(
            f"{MANIFEST} is damaged (not JSON): the bundle cannot be checked."
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleError(f"{MANIFEST} is not a Synth Studio handoff manifest.")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version < 1:
        raise BundleError(f"{MANIFEST} has no valid format version.")
    if version > FORMAT_VERSION:
        raise BundleError(
            f"This bundle has format version {version}; this Synth Studio reads "
            f"version {FORMAT_VERSION}. Update Synth Studio to check it."
        )
    return manifest


def _listed_files(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        raise BundleError(f"{MANIFEST} lists no files, so the bundle cannot be checked.")
    for name, entry in files.items():
        digest = entry.get("sha256") if isinstance(entry, dict) else None
        if not (isinstance(digest, str) and re.fullmatch(r"[0-9a-f]{64}", digest)):
            raise BundleError(f"{MANIFEST} has no valid SHA-256 for {str(name)[:80]!r}.")
    return files


def _check_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, expected: dict) -> None:
    digest, size = hashlib.sha256(), 0
    try:
        with archive.open(info) as member:
            while block := member.read(CHUNK):
                digest.update(block)
                size += len(block)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        raise NotIntact(
            f"{info.filename} is damaged: it does not unpack as it was packed "
            "(a changed or missing byte). Ask the sender for the bundle again."
        ) from None
    if digest.hexdigest() != expected["sha256"] or expected.get("bytes", size) != size:
        raise NotIntact(
            f"{info.filename} was changed after the bundle was made: its SHA-256 "
            f"does not match {MANIFEST}. Ask the sender for the original."
        )


def _read_all(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        with archive.open(info) as member:
            return member.read(MANIFEST_LIMIT + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        raise BundleError(f"{MANIFEST} is damaged: the bundle cannot be checked.") from None
