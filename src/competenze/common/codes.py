"""Validated code types shared by every domain.

One consistent choice, stated once:
- countries are ISO 3166-1 alpha-2, upper case ("MA", "UA");
- languages are BCP 47 primary language subtags: the ISO 639-1 two-letter code where one
  exists ("ar", "uk"), else the ISO 639-3 code ("prs" Dari, "bin" Edo). That is what
  browsers, Europass and CLDR use, and it covers every language our participants speak.
"""

from functools import lru_cache
from typing import Annotated

import pycountry
from pydantic import AfterValidator, BeforeValidator, WithJsonSchema


@lru_cache
def country_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


@lru_cache
def language_codes() -> frozenset[str]:
    codes = set()
    for lang in pycountry.languages:
        # ISO 639-3 individual and macro languages; skip special and collective codes.
        if getattr(lang, "type", None) not in ("L", "C", None) and lang.alpha_3 not in ("zxx",):
            continue
        codes.add(getattr(lang, "alpha_2", None) or lang.alpha_3)
    return frozenset(codes)


def _check_country(value: str) -> str:
    if value not in country_codes():
        raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code (e.g. MA, UA)")
    return value


def _check_language(value: str) -> str:
    if value not in language_codes():
        raise ValueError(
            f"'{value}' is not a language code; use ISO 639-1 (e.g. ar, uk) or, where a "
            "language has none, ISO 639-3 (e.g. prs)"
        )
    return value


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


def _lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


# The membership check gives the message (it bounds the length too); the JSON schema
# states the bound for clients.
CountryCode = Annotated[
    str,
    BeforeValidator(_upper),
    AfterValidator(_check_country),
    WithJsonSchema({"type": "string", "minLength": 2, "maxLength": 2, "examples": ["MA"]}),
]
LanguageCode = Annotated[
    str,
    BeforeValidator(_lower),
    AfterValidator(_check_language),
    WithJsonSchema({"type": "string", "minLength": 2, "maxLength": 3, "examples": ["ar"]}),
]
