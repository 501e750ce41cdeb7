"""The corpus test: on real public tables, ``infer_schema`` gives each column the kind a person
gives it from the table's documentation.

The tables are small copies committed under ``tests/fixtures/corpus/`` (sources and licences in
its README; ``bench/corpus.py`` wrote them from the packages that ship them). The kinds a person
assigns are in ``expected_kinds.json``: a kind, or a list of kinds that are all acceptable, with
the reason where it is not plain from the values.

``KNOWN_GAPS`` lists the columns the engine gets wrong today, each with the kind it infers now.
A known gap that is fixed fails the test too (strictly, as ``xfail(strict=True)`` would), so that
the list only shrinks: delete the entry when inference gets it right.

Run as a script for the figures: ``PYTHONPATH=. python tests/integration/test_corpus_kinds.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from synth_core.schema import infer_schema
from synth_core.tables import read_table

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
EXPECTED = json.loads((CORPUS / "expected_kinds.json").read_text(encoding="utf-8"))

# table -> {column: the kind inferred today}. Measured on the engine of 2026-12-06 (issue 16).
KNOWN_GAPS: dict[str, dict[str, str]] = {
    "flights": {
        "flight": "integer",  # flight numbers: a repeating code, not an amount
    },
    "seattle_pets": {
        "animal_name": "pii",  # pets' names taken for people's names
    },
    "loans": {
        "emp_title": "categorical",  # job titles typed by people: free text
    },
}


@dataclass(frozen=True)
class Mismatch:
    column: str
    expected: tuple[str, ...]
    inferred: str
    reason: str

    def __str__(self) -> str:
        return (
            f"{self.column!r}: expected {' or '.join(self.expected)}, inferred {self.inferred} "
            f"({self.reason})"
        )


def _path(entry: dict) -> Path:
    name = entry["file"]
    return ROOT / name if "/" in name else CORPUS / name


@cache
def compare(table: str) -> tuple[int, tuple[Mismatch, ...]]:
    """The number of columns of ``table`` and those whose inferred kind is not expected."""
    entry = EXPECTED[table]
    frame = read_table(_path(entry)).frame
    schema = infer_schema(frame)
    assert [c.name for c in schema.columns] == list(entry["columns"]), (
        f"{table}: the columns of the file and of expected_kinds.json differ"
    )
    mismatches = []
    for info in schema.columns:
        value = entry["columns"][info.name]
        kinds = value["kind"] if isinstance(value, dict) else value
        kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
        if info.kind.value not in kinds:
            mismatches.append(Mismatch(info.name, kinds, info.kind.value, info.reason))
    return len(schema.columns), tuple(mismatches)


def test_every_known_gap_names_a_column_of_the_corpus() -> None:
    for table, gaps in KNOWN_GAPS.items():
        assert table in EXPECTED
        assert set(gaps) <= set(EXPECTED[table]["columns"]), table


def test_every_committed_copy_is_small_and_listed_in_the_readme() -> None:
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    for entry in EXPECTED.values():
        path = _path(entry)
        assert path.exists(), path
        if path.parent == CORPUS:
            assert path.stat().st_size < 300_000, path.name
            assert path.name in readme, path.name


@pytest.mark.parametrize("table", sorted(EXPECTED))
def test_inferred_kinds_are_those_a_person_gives(table: str) -> None:
    _, mismatches = compare(table)
    known = KNOWN_GAPS.get(table, {})
    new = [m for m in mismatches if m.column not in known]
    changed = [m for m in mismatches if m.column in known and known[m.column] != m.inferred]
    wrong = {m.column for m in mismatches}
    fixed = [column for column in known if column not in wrong]
    problems = [f"new disagreement: {m}" for m in new]
    problems += [f"known gap now inferred differently (update KNOWN_GAPS): {m}" for m in changed]
    problems += [f"fixed, remove from KNOWN_GAPS: {column!r}" for column in fixed]
    assert not problems, f"{table}:\n" + "\n".join(problems)


def report() -> None:
    """Print the agreement per table and every disagreement."""
    total = agreed = 0
    for table in EXPECTED:
        columns, mismatches = compare(table)
        total += columns
        agreed += columns - len(mismatches)
        print(f"{table}: {columns - len(mismatches)}/{columns} agree")
        for mismatch in mismatches:
            print(f"    {mismatch}")
    print(f"all: {agreed}/{total} columns agree ({agreed / total:.1%}) on {len(EXPECTED)} tables")


if __name__ == "__main__":
    report()
