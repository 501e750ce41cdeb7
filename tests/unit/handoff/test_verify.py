"""verify: an intact bundle passes; a changed file, a foreign zip or a crafted one is refused in
one plain line naming what is wrong. Each crafted payload is shown live before it is refused."""

from __future__ import annotations

import io
import json
import struct
import zipfile

import pytest

from synth_core.handoff import verify
from synth_core.handoff.verify import BundleError, NotIntact, verify_bundle
from tests.unit.handoff.handoff_cases import members, with_listed, with_lying_size, zipped


def test_an_intact_bundle_verifies_and_names_its_files(scored_bundle):
    verified = verify_bundle(scored_bundle)
    assert set(verified.names) == set(members(scored_bundle)) - {"manifest.json"}
    assert verified.sentence().startswith("intact: 4 files match")


def test_one_changed_byte_in_the_csv_fails_naming_the_file(scored_bundle):
    files = members(scored_bundle)
    csv = bytearray(files["synthetic.csv"])
    csv[-3] = ord("7") if csv[-3] != ord("7") else ord("8")
    files["synthetic.csv"] = bytes(csv)
    with pytest.raises(NotIntact, match=r"^synthetic\.csv was changed after the bundle was made"):
        verify_bundle(zipped(files))


def test_a_damaged_byte_inside_the_zip_fails_naming_the_file(scored_bundle):
    raw = bytearray(scored_bundle)
    with zipfile.ZipFile(io.BytesIO(scored_bundle)) as archive:
        info = archive.getinfo("synthetic.csv")
    name_length, extra_length = struct.unpack(
        "<HH", raw[info.header_offset + 26 : info.header_offset + 30]
    )
    data_start = info.header_offset + 30 + name_length + extra_length
    raw[data_start + info.compress_size // 2] ^= 0xFF
    with pytest.raises(NotIntact, match=r"^synthetic\.csv"):
        verify_bundle(bytes(raw))


def test_a_file_added_after_the_bundle_was_made_fails(scored_bundle):
    files = members(scored_bundle)
    with pytest.raises(NotIntact, match=r"^extra\.txt is not listed"):
        verify_bundle(zipped({**files, "extra.txt": b"hello"}))


def test_a_listed_file_that_is_missing_fails(scored_bundle):
    files = members(scored_bundle)
    del files["report.html"]
    with pytest.raises(NotIntact, match=r"^report\.html is listed .* but missing"):
        verify_bundle(zipped(files))


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "handoff.zip"
    path.write_text("Order ID,Sales\n1,2\n")
    with pytest.raises(BundleError, match="not a handoff bundle \\(not a zip file\\)"):
        verify_bundle(path)


def test_a_missing_path_is_refused(tmp_path):
    with pytest.raises(BundleError, match="There is no file at"):
        verify_bundle(tmp_path / "nowhere.zip")


def test_a_zip_without_a_manifest_is_refused(scored_bundle):
    files = members(scored_bundle)
    del files["manifest.json"]
    with pytest.raises(BundleError, match=r"has no manifest\.json"):
        verify_bundle(zipped(files))


def test_a_manifest_of_another_kind_is_refused():
    with pytest.raises(BundleError, match="not a Synth Studio handoff manifest"):
        verify_bundle(zipped({"manifest.json": b'{"format": "synth-studio-model"}'}))


def test_a_bundle_of_a_newer_format_is_refused_naming_the_version(scored_bundle):
    files = members(scored_bundle)
    manifest = json.loads(files["manifest.json"])
    manifest["format_version"] = 7
    files["manifest.json"] = json.dumps(manifest).encode()
    with pytest.raises(BundleError, match="format version 7; this Synth Studio reads version 1"):
        verify_bundle(zipped(files))


def test_a_name_that_leaves_the_folder_is_refused(scored_bundle, monkeypatch):
    crafted = with_listed(members(scored_bundle), **{"../evil.sh": b"rm -rf ~"})
    with zipfile.ZipFile(io.BytesIO(crafted)) as archive:
        assert "../evil.sh" in archive.namelist()  # the payload is live ...
    with monkeypatch.context() as patched:  # ... and only the name rule stops it
        patched.setattr(verify, "PLAIN_NAME", verify.re.compile(".*"))
        patched.setattr(verify, "has_parent_step", lambda name: False)
        assert verify_bundle(crafted).names[-1] == "../evil.sh"
    with pytest.raises(BundleError, match="not a plain file name"):
        verify_bundle(crafted)


@pytest.mark.parametrize("name", ["/etc/passwd", "sub/file.txt", "C:\\evil.txt", "..", ".hidden"])
def test_folders_and_absolute_names_are_refused(scored_bundle, name):
    with pytest.raises(BundleError, match="not a plain file name"):
        verify_bundle(with_listed(members(scored_bundle), **{name: b"x"}))


def test_a_member_that_claims_to_unpack_to_far_more_is_refused(scored_bundle):
    bomb = with_lying_size(members(scored_bundle), "bomb.csv", 3_000_000_000)
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert archive.getinfo("bomb.csv").file_size == 3_000_000_000  # the lie is read
    with pytest.raises(BundleError, match=r"bomb\.csv would unpack to 3,000,000,000 bytes"):
        verify_bundle(bomb)


def test_too_many_files_are_refused():
    with pytest.raises(BundleError, match="holds 17 files"):
        verify_bundle(zipped({f"f{i}.txt": b"x" for i in range(17)}))
