"""Italian codice fiscale: format and check character via python-stdnum, plus a cross-check
with the birth date and sex the counsellor recorded (a mismatch is almost always a typo)."""

# pure core: plain data in and out; no web framework, database or JOSE (tests/test_boundaries.py)

from datetime import date

from stdnum.exceptions import ValidationError
from stdnum.it import codicefiscale

# Month letters of the codice fiscale (D.M. 23/12/1976): A=Jan ... T=Dec.
_MONTHS = "ABCDEHLMPRST"


def normalise(value: str) -> str:
    """Upper-case, without spaces; raises ValueError with a message a person can act on."""
    compact = codicefiscale.compact(value)
    if len(compact) != 16:
        raise ValueError("a personal fiscal code has 16 characters (e.g. RSSMRA85T10A562S)")
    try:
        return codicefiscale.validate(compact)
    except ValidationError:
        raise ValueError("not a valid fiscal code: check the letters and the last character") from None


def mismatch(code: str, birth_date: date, sex: str) -> str | None:
    """Why the code disagrees with the recorded birth date or sex, or None."""
    # Positions 7-11 hold year, month and day; digits may be replaced by letters in
    # homocode variants (omocodia), which stdnum translates for us.
    encoded = codicefiscale.get_birth_date(code, minyear=birth_date.year - 99)
    if (encoded.year % 100, encoded.month, encoded.day) != (birth_date.year % 100, birth_date.month, birth_date.day):
        return "the fiscal code encodes a different birth date"
    encoded_sex = codicefiscale.get_gender(code)  # "M" or "F"
    if sex in ("female", "male") and encoded_sex != sex[0].upper():
        return "the fiscal code encodes a different sex"
    return None
