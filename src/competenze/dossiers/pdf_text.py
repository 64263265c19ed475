"""Text for the dossier PDF in several scripts: fonts, script runs, shaping.

ReportLab draws a string with one font. Here each script gets its own font (Noto Sans for
Latin, Greek and Cyrillic, Noto Naskh Arabic, Noto Sans Ethiopic) and a line is drawn as
pieces, one per script and bidi level run, in visual order (pdf_bidi); Arabic script is shaped
by HarfBuzz. Spaces, digits and punctuation go with the piece they sit in when its font draws
them, else with Noto Sans: Noto Naskh Arabic has no parentheses, hyphen or slash, and Noto
Sans Ethiopic not even ASCII digits. Pure: no web or database imports.
"""

# pure core: plain data in and out; no web framework, database or JOSE (tests/test_boundaries.py)

import re
import threading
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

import uharfbuzz
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr, TTFont, shapeStr
from reportlab.pdfgen.canvas import Canvas

from competenze.dossiers.pdf_bidi import mirrored
from competenze.dossiers.pdf_bidi import runs as bidi_runs

FONTS = {
    "latin": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    "arabic": ("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf"),
    "ethiopic": ("NotoSansEthiopic-Regular.ttf", "NotoSansEthiopic-Bold.ttf"),
}


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
ARABIC = "\u0600-\u08ff\ufb50-\ufdff\ufe70-\ufeff"  # with its presentation forms
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


@cache
def _glyphs(script: str) -> frozenset[int]:
    """The characters both fonts (regular and bold) of a script can draw."""
    regular, bold = (set(pdfmetrics.getFont(name).face.charToGlyph) for name in fonts()[script])
    return frozenset(regular & bold)


def _runs(shown: str) -> list[tuple[str, str]]:
    """(script, text) pieces of a string, in its own order: each font draws only its own
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


# Directional isolates (U+2066-U+2069) placed around user text steer the bidi levels and have
# no glyph: dropped once the levels are known.
ISOLATES = dict.fromkeys(range(0x2066, 0x206A))


def font(script: str, bold: bool = False) -> str:
    return fonts()[script][1 if bold else 0]


# HarfBuzz through ReportLab (uharfbuzz) shapes Arabic script: contextual forms and
# ligatures from the font's own tables, right to left, mirrored. Unicode's presentation
# forms (arabic-reshaper, used before) have none for Pashto's own letters (ټ ځ ښ ګ ږ ړ ڼ ۍ),
# which then printed isolated and broke their neighbours' joins. ReportLab gives a glyph
# with no character of its own (a form of one of those) a private-use character in the
# font, so shaping is serialised: PDFs render on worker threads.
_SHAPING = threading.Lock()


def _piece(script: str, text: str, level: int, size: float, bold: bool) -> tuple[str, str, float]:
    """(font, what to draw, its width) for one script's piece of a level run."""
    name = font(script, bold)
    text = text.translate(ISOLATES)
    if script == "arabic" and level % 2:  # at an even level an Arabic-script piece is digits
        with _SHAPING:
            drawn = shapeStr(text, name, size)
        if isinstance(drawn, ShapedStr):  # else HarfBuzz changed nothing: a lone letter, digits
            return name, drawn, sum(glyph.x_advance for glyph in drawn.__shapeData__) * size / 1000
    drawn = mirrored(text) if level % 2 else text
    return name, drawn, pdfmetrics.stringWidth(drawn, name, size)


# What draws a string, measured once. A dossier repeats the same words and labels on every
# page and every render (labels, section titles, country names), and each measure walks the
# string through the font's width table or HarfBuzz. Keys are user text, so the caches are
# bounded (a few thousand short strings, a few MB at most).
@lru_cache(maxsize=8192)
def _layout(text: str, size: float, bold: bool) -> tuple[tuple[tuple[str, str, float], ...], float]:
    """((font, piece, width), ...) in drawing order, and the total width."""
    pieces = []
    for run, level in bidi_runs(text) if _ARABIC_CHAR.search(text) else [(text, 0)]:
        scripts = _runs(run)
        for script, piece in reversed(scripts) if level % 2 else scripts:
            pieces.append(_piece(script, piece, level, size, bold))
    return tuple(pieces), sum(piece[2] for piece in pieces)


@lru_cache(maxsize=8192)
def width(text: str, size: float, bold: bool = False) -> float:
    """The width of `text` for wrapping, without the bidi step (the wrapping measures every
    word). It is the drawn width but where a space or punctuation mark between two scripts
    falls into the other font in visual order: a fraction of a point."""
    return sum(
        _advance(piece, font(script, bold), size)
        if script == "arabic"
        else pdfmetrics.stringWidth(piece, font(script, bold), size)
        for script, piece in _runs(text.translate(ISOLATES))
    )


@cache
def _harfbuzz(name: str) -> tuple[uharfbuzz.Font, int]:
    ttf = pdfmetrics.getFont(name)
    return uharfbuzz.Font(ttf.hbFace), ttf.face.unitsPerEm


def _advance(text: str, name: str, size: float) -> float:
    """The width HarfBuzz gives `text`, asked of HarfBuzz alone: ReportLab's shapeStr, which
    the drawing needs, walks every glyph in Python and made measuring each word of the largest
    dossier take half a second. The features are the ones shapeStr asks for."""
    hb_font, units_per_em = _harfbuzz(name)
    buffer = uharfbuzz.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    uharfbuzz.shape(hb_font, buffer, _FEATURES)
    return sum(position.x_advance for position in buffer.glyph_positions) * size / units_per_em


_FEATURES = {"kern": True, "liga": True, "dlig": True}


def draw(
    canvas: Canvas, x: float, y: float, text: str, size: float, *, bold: bool = False, right: bool = False
) -> None:
    """Draw `text` at (x, y), or ending at x when `right`, one run per script."""
    runs, total = _layout(text, size, bold)
    if right:
        x -= total
    for name, piece, advance in runs:
        canvas.setFont(name, size)
        canvas.drawString(x, y, piece)
        x += advance
