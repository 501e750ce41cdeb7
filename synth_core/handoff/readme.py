"""``README.txt``: the bundle explained to the person who receives it, in plain words."""

from __future__ import annotations

import textwrap
from typing import Any

from synth_core.handoff.generation import Generation
from synth_core.synthesizer import Synthesizer

WIDTH = 88
WHAT_EACH_FILE_IS = {
    "synthetic.csv": "the synthetic table, as CSV (opens in any spreadsheet)",
    "synthetic.xlsx": "the same table as an Excel workbook",
    "report.html": "the report: how alike, how useful and how private the rows are (open it "
    "in a web browser; it works offline)",
    "manifest.json": "how the table was made: columns, settings, seed, filters, scores, "
    "versions, and the SHA-256 checksum of every other file",
    "README.txt": "what this bundle is, in plain words",
    "model.synth": "the model file, added on purpose by the sender: it can remember rare details "
    "of the real rows, so treat it as you would the real data",
}


def readme_text(synth: Synthesizer, generation: Generation, names: list[str], scored: bool) -> str:
    """The README for a bundle holding the files ``names`` (manifest.json besides)."""
    listed = "\n".join(
        f"  {name:<16} {WHAT_EACH_FILE_IS[name]}" for name in [*names, "manifest.json"]
    )
    sections = [
        "SYNTHETIC DATA HANDOFF",
        "======================",
        "",
        "What this is",
        "------------",
        textwrap.fill(
            f"A synthetic table of {generation.rows:,} rows, made by Synth Studio from a model "
            "that learned a real table. The rows look like real ones and keep how the columns go "
            "together, but no row is a real person's row: every row was generated. The real "
            "table is not in this bundle.",
            WIDTH,
        ),
        "",
        "Files",
        "-----",
        listed,
        f"  {'README.txt':<16} this file",
        "",
        "What the privacy figures mean",
        "-----------------------------",
        _privacy_words(scored),
        "",
        "What is not guaranteed",
        "----------------------",
        _guarantee_words(synth),
        "",
        "How to check the files",
        "----------------------",
        "manifest.json lists a SHA-256 checksum for every other file. If you have Synth Studio:",
        "  python -m synth_core verify THIS_BUNDLE.zip",
        "Otherwise, unzip the bundle and compare each file's checksum with the manifest:",
        "  Linux:   sha256sum synthetic.csv",
        "  macOS:   shasum -a 256 synthetic.csv",
        "  Windows: certutil -hashfile synthetic.csv SHA256",
        textwrap.fill(
            "A checksum that differs means the file changed after the bundle was made (damage "
            "in transfer, or an edit). The checksums catch accidental changes; they cannot prove "
            "who made the bundle: ask the sender to confirm the manifest's checksum of "
            "synthetic.csv through another channel if that matters.",
            WIDTH,
        ),
        "",
    ]
    return "\n".join(sections).replace("\n", "\r\n")


def _privacy_words(scored: bool) -> str:
    lines = [
        "Rows that copied a combination of values fewer than 5 real rows share were removed "
        "(they could single someone out); the manifest says how many.",
        "Columns of personal data and identifiers were never learned: each was left out or "
        "filled with made-up values or new IDs (manifest.json, 'columns').",
    ]
    if scored:
        lines.append(
            "The report measures how close the synthetic rows come to real ones: the distance "
            "to closest record (DCR) share is about 50 % when the rows are no closer to the "
            "rows the model learned than to real rows it never saw; the nearest-neighbour "
            "distance ratio is near 0 when a synthetic row sits on top of one real row."
        )
    else:
        lines.append("The rows were not scored against the real table, so no report is included.")
    return "\n".join(textwrap.fill(line, WIDTH) for line in lines)


def _guarantee_words(synth: Synthesizer) -> str:
    record: Any = synth.privacy_
    if record is None:
        text = (
            "The model was trained without differential privacy, so there is no formal "
            "privacy guarantee: the privacy figures are measurements on this table, not a "
            "promise. Rare people (an unusual combination of values) can still be recognisable "
            "in the patterns the rows keep."
        )
    else:
        text = (
            f"The model was trained with differential privacy: epsilon = {record.epsilon:.2f} "
            f"(delta = {record.delta:.1e}) per row of the real table, a formal limit on how much "
            "any one person's row can change the model and so these rows (smaller epsilon, "
            "stronger limit). It does not cover the column names and kinds, the number of rows "
            "or the filters applied after generating."
        )
    text += (
        " Figures computed from these rows (totals, rates, models) are close to the real "
        "ones, not equal to them: check anything important against the real data."
    )
    return textwrap.fill(text, WIDTH)
