"""Text for the dossier PDF in several scripts: fonts, script runs, shaping, place names.

ReportLab draws a string with one font and no shaping. Here each script gets its own font
(Noto Sans for Latin, Greek and Cyrillic, Noto Naskh Arabic, Noto Sans Ethiopic) and a string
is drawn as runs, one per script; Arabic script is shaped (arabic-reshaper) and put in visual
order (pdf_bidi, on python-bidi) first. Spaces, digits and punctuation go with the run they sit in when its
font draws them, else with Noto Sans: Noto Naskh Arabic has no parentheses, hyphen or slash,
and Noto Sans Ethiopic not even ASCII digits. Pure: no web or database imports.
"""

import re
from functools import cache, lru_cache
from gettext import translation
from importlib import resources
from pathlib import Path

import arabic_reshaper
import pycountry
from arabic_reshaper.letters import LETTERS_ARABIC
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from competenze.dossiers.pdf_bidi import visual

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


# Code point ranges of the scripts drawn in a font of their own (Noto Sans draws the rest).
ARABIC = "\u0600-\u08ff\ufb50-\ufdff\ufe70-\ufeff"  # with the presentation forms shaping yields
ETHIOPIC = "\u1200-\u139f\u2d80-\u2ddf\uab00-\uab2f"
_ARABIC_CHAR, _ETHIOPIC_CHAR = re.compile(f"[{ARABIC}]"), re.compile(f"[{ETHIOPIC}]")
_ARABIC_ONLY = re.compile(f"[{ARABIC}]+")
_OTHER_SCRIPTS = re.compile(f"[{ARABIC}{ETHIOPIC}]")


def _char_script(char: str) -> str | None:
    if _ARABIC_CHAR.match(char):
        return "arabic"
    if _ETHIOPIC_CHAR.match(char):
        return "ethiopic"
    if char.isalpha():
        return "latin"
    return None  # spaces, digits, punctuation: any font that has them


def _script(text: str) -> str:
    if not _OTHER_SCRIPTS.search(text):
        return "latin"
    for char in text:
        script = _char_script(char)
        if script in ("arabic", "ethiopic"):
            return script
    return "latin"


@cache
def _glyphs(script: str) -> frozenset[int]:
    """The characters both fonts (regular and bold) of a script can draw."""
    regular, bold = (set(pdfmetrics.getFont(name).face.charToGlyph) for name in fonts()[script])
    return frozenset(regular & bold)


def _runs(shown: str) -> list[tuple[str, str]]:
    """(script, text) pieces of a string in drawing order: each font draws only its own
    script (Noto Naskh Arabic has no Latin letters); a neutral character joins the run it sits
    in if that run's font has it, and is drawn in Noto Sans otherwise."""
    if not _OTHER_SCRIPTS.search(shown):
        return [("latin", shown)]  # the common case, without a look at every character
    if _ARABIC_ONLY.fullmatch(shown):
        return [("arabic", shown)]  # a word of Arabic script, as the wrapping measures it
    runs: list[list] = []  # [script, text]; script None while only neutral characters came
    for char in shown:
        script = _char_script(char)
        if script is None and runs and runs[-1][0] is not None:
            script = runs[-1][0] if ord(char) in _glyphs(runs[-1][0]) else "latin"
        if runs and script == runs[-1][0]:
            runs[-1][1] += char
        elif runs and runs[-1][0] is None and _glyphs(script).issuperset(map(ord, runs[-1][1])):
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


# arabic-reshaper's letters: it replaces each by a presentation form (U+FB50-U+FEFF), so text
# without them is shaped already (tatweel and the zero-width joiner stay as they are).
_UNSHAPED = re.compile("[" + "".join(sorted(set(LETTERS_ARABIC) - {"\u0640", "\u200d"})) + "]")


def shaped(text: str) -> str:
    """Arabic script in its contextual forms, still in logical order; other text as it is.

    Letters never join across a space, so a paragraph shaped once splits into its shaped
    words: the PDF's line wrapping shapes a paragraph in one call rather than a call per word
    (each call costs ~30 µs, most of it arabic-reshaper re-reading its configparser settings).
    A zero-width joiner is dropped first: arabic-reshaper 3.1 fails on one before a lam-alef,
    and leaves none in what it returns anyway."""
    return arabic_reshaper.reshape(text.replace("\u200d", "")) if _UNSHAPED.search(text) else text


# What draws a string, measured once. A dossier repeats the same words and labels on every
# page and every render (labels, section titles, country names), and each measure walks the
# string through the font's width table. Keys are user text, so the caches are bounded (a
# few thousand short strings, a few MB at most).
@lru_cache(maxsize=4096)
def _visual(text: str) -> str:
    """Arabic script shaped and in visual (left-to-right drawing) order; others unchanged."""
    if _script(text) != "arabic":
        return text
    return visual(shaped(text))


@lru_cache(maxsize=8192)
def _layout(text: str, size: float, bold: bool) -> tuple[tuple[tuple[str, str, float], ...], float]:
    """((font, piece, width), ...) in drawing order, and the total width."""
    runs = tuple((font(script, bold), piece, pdfmetrics.stringWidth(piece, font(script, bold), size))
                 for script, piece in _runs(_visual(text)))
    return runs, sum(run[2] for run in runs)


@lru_cache(maxsize=8192)
def width(text: str, size: float, bold: bool = False) -> float:
    """The width of `text` for wrapping, taken in logical order without the bidi step (the
    wrapping measures every word). It is the drawn width but where a space or punctuation mark
    between two scripts falls into the other font in visual order: a fraction of a point."""
    return sum(pdfmetrics.stringWidth(piece, font(script, bold), size) for script, piece in _runs(shaped(text)))


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
