"""Names of countries and languages in any of our languages, from the Unicode CLDR (Babel).

Codes are ISO 3166-1 alpha-2 and ISO 639-1/639-3, as everywhere (common/codes.py). CLDR files
Dari as Persian of Afghanistan (fa_AF), both as a language to name and as the language to
name things in; a code CLDR does not know falls back to ISO 639-3's English name, then to
the code itself. Pure: no web or database imports.
"""

# pure core: plain data in and out; no web framework, database or JOSE (tests/test_boundaries.py)

from functools import lru_cache

import pycountry
from babel import Locale, UnknownLocaleError

# Our language codes that CLDR knows by another identifier.
CLDR_IDS = {"prs": "fa_AF"}


@lru_cache(maxsize=64)
def _locale(language: str) -> Locale | None:
    try:
        return Locale.parse(CLDR_IDS.get(language, language))
    except (UnknownLocaleError, ValueError):
        return None


ENGLISH = Locale.parse("en")


def _locale_or_english(language: str) -> Locale:
    return _locale(language) or ENGLISH


def _capitalised(name: str) -> str:
    # Italian, French, Spanish... write language names in lower case inside a sentence; on
    # their own, as a table cell or a list item, they start with a capital.
    return name[:1].upper() + name[1:]


# Codes come from user data (a dossier names a few dozen): bounded caches.
@lru_cache(maxsize=4096)
def language_name(code: str | None, in_language: str = "it") -> str:
    if not code:
        return ""
    locale = _locale_or_english(in_language)
    name = locale.languages.get(CLDR_IDS.get(code, code))
    if name:
        return _capitalised(name)
    found = pycountry.languages.get(alpha_2=code) if len(code) == 2 else pycountry.languages.get(alpha_3=code)
    return found.name if found else code


@lru_cache(maxsize=4096)
def country_name(code: str | None, in_language: str = "it") -> str:
    if not code:
        return ""
    locale = _locale_or_english(in_language)
    name = locale.territories.get(code)
    if name:
        return name
    found = pycountry.countries.get(alpha_2=code)
    return found.name if found else code
