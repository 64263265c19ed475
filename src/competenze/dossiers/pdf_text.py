"""Text for the dossier PDF in several scripts: fonts, script runs, shaping, place names.

ReportLab draws a string with one font and no shaping. Here each script gets its own font
(Noto Sans for Latin, Greek and Cyrillic, Noto Naskh Arabic, Noto Sans Ethiopic) and a string
is drawn as runs, one per script; Arabic script is shaped (arabic-reshaper) and put in visual
order (python-bidi) first. Pure: no web or database imports.
"""

import re
from functools import cache, lru_cache
from gettext import translation
from importlib import resources
from pathlib import Path

import arabic_reshaper
import pycountry
from bidi import get_display
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONTS = {"latin": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
         "arabic": ("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf"),
         "ethiopic": ("NotoSansEthiopic-Regular.ttf", "NotoSansEthiopic-Bold.ttf")}


@cache
def fonts() -> dict[str, tuple[str, str]]:
    folder = Path(str(resources.files("competenze.dossiers").joinpath("fonts")))
    names = {}
    for script, files in FONTS.items():
        pair = []
        for file in files:
            name = f"cz-{file.removesuffix('.ttf')}"
            pdfmetrics.registerFont(TTFont(name, str(folder / file)))
            pair.append(name)
        names[script] = (pair[0], pair[1])
    return names


def _char_script(char: str) -> str | None:
    code = ord(char)
    if 0x0600 <= code <= 0x08FF or 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF:
        return "arabic"
    if 0x1200 <= code <= 0x139F or 0x2D80 <= code <= 0x2DDF or 0xAB00 <= code <= 0xAB2F:
        return "ethiopic"
    if char.isalpha():
        return "latin"
    return None  # spaces, digits, punctuation: every font has them


def _script(text: str) -> str:
    if not _OTHER_SCRIPTS.search(text):
        return "latin"
    for char in text:
        script = _char_script(char)
        if script in ("arabic", "ethiopic"):
            return script
    return "latin"


_OTHER_SCRIPTS = re.compile("[\u0600-\u08ff\ufb50-\ufdff\ufe70-\ufeff\u1200-\u139f\u2d80-\u2ddf\uab00-\uab2f]")


def _runs(shown: str) -> list[tuple[str, str]]:
    """(script, text) pieces of a string in drawing order: each font draws only its own
    script (Noto Naskh Arabic has no Latin letters), neutral characters join their neighbours."""
    if not _OTHER_SCRIPTS.search(shown):
        return [("latin", shown)]  # the common case, without a look at every character
    runs: list[list[str]] = []
    for char in shown:
        script = _char_script(char)
        if runs and (script is None or script == runs[-1][0]):
            runs[-1][1] += char
        elif runs and runs[-1][0] is None:
            runs[-1][0], runs[-1][1] = script, runs[-1][1] + char
        else:
            runs.append([script, char])
    return [(script or "latin", text) for script, text in runs]


@cache
def _names(domain: str, language: str):
    """pycountry's translations of one code list (iso3166-1, iso639-3) into `language`."""
    try:
        return translation(domain, pycountry.LOCALES_DIR, languages=[language]).gettext
    except OSError:
        return lambda name: name


# A dossier asks for the same few codes over and over (every education and job entry names a
# country), each time a pycountry index lookup and a gettext one. Codes come from user data,
# hence the bound.
@lru_cache(maxsize=1024)
def country(code: str | None, language: str = "it") -> str:
    if not code:
        return ""
    found = pycountry.countries.get(alpha_2=code)
    return _names("iso3166-1", language)(found.name) if found else code


@lru_cache(maxsize=1024)
def language_name(code: str, language: str = "it") -> str:
    found = pycountry.languages.get(alpha_2=code) if len(code) == 2 else pycountry.languages.get(alpha_3=code)
    return _names("iso639-3", language)(found.name) if found else code


def font(script: str, bold: bool = False) -> str:
    return fonts()[script][1 if bold else 0]


# What draws a string, measured once. A dossier repeats the same words and labels on every
# page and every render (labels, section titles, country names), and each measure walks the
# string through the font's width table; Arabic script also goes through arabic-reshaper,
# whose every call re-reads its configparser settings, and python-bidi. Keys are user text,
# so the caches are bounded (a few thousand short strings, a few MB at most).
@lru_cache(maxsize=4096)
def _visual(text: str) -> str:
    """Arabic script in shaped, visual (left-to-right drawing) order; others unchanged."""
    if _script(text) != "arabic":
        return text
    return get_display(arabic_reshaper.reshape(text))


@lru_cache(maxsize=8192)
def _layout(text: str, size: float, bold: bool) -> tuple[tuple[tuple[str, str, float], ...], float]:
    """((font, piece, width), ...) in drawing order, and the total width."""
    runs = tuple((font(script, bold), piece, pdfmetrics.stringWidth(piece, font(script, bold), size))
                 for script, piece in _runs(_visual(text)))
    return runs, sum(run[2] for run in runs)


def width(text: str, size: float, bold: bool = False) -> float:
    return _layout(text, size, bold)[1]


def draw(canvas: Canvas, x: float, y: float, text: str, size: float, *, bold: bool = False,
         right: bool = False) -> None:
    """Draw `text` at (x, y), or ending at x when `right`, one run per script."""
    runs, total = _layout(text, size, bold)
    if right:
        x -= total
    for name, piece, advance in runs:
        canvas.setFont(name, size)
        canvas.drawString(x, y, piece)
        x += advance
