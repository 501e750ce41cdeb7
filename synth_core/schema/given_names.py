"""First names people are given, in the languages of common exports, to recognise a column of
people's names by its values when its name does not say so ('Kundenname', a header in another
language). The lists are Faker's (a dependency already), read once when first needed."""

from __future__ import annotations

import functools
import importlib

import pandas as pd

# Faker's person providers with first names: Western and Central Europe, the Americas, Turkey
# and Japan.
LOCALES = (
    *("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pt_BR", "pt_PT", "pl_PL"),
    *("sv_SE", "da_DK", "no_NO", "fi_FI", "cs_CZ", "hu_HU", "ro_RO", "tr_TR", "ja_JP"),
)
_WORD_BREAKS = r"[\s,_\-]+"


@functools.cache
def given_names() -> frozenset[str]:
    """Every first name of ``LOCALES``, in lower case."""
    names: set[str] = set()
    for locale in LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ImportError:  # a Faker release without this locale: the others still count
            continue
        names.update(str(name).lower() for name in getattr(provider, "first_names", ()))
    return frozenset(names)


def holds_given_name(texts: pd.Series) -> pd.Series:
    """Whether each text is two words or more, one of which is a first name ('Ilse Meyer',
    'Hertrampf-Hahn, Claus-Dieter')."""
    known = given_names()
    words = texts.str.lower().str.split(_WORD_BREAKS, regex=True)
    return words.map(lambda parts: len(parts) >= 2 and any(part in known for part in parts))
