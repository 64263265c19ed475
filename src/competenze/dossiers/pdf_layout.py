"""Layout for the dossier PDF: the bilingual labels, a cursor down the page with wrapping,
and text that keeps its direction (dossiers/pdf.py draws the sections with them).

Drawn straight on the canvas with our own line wrapping rather than Platypus paragraphs:
Paragraph reads its text as markup, and everything here is user text that must print
literally (a name like "<b>Ali</b>" prints as typed).
"""

# pure core: plain data in and out; no web framework, database or JOSE (tests/test_boundaries.py)

import json
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from competenze.common.text import REFUSED_POINTS
from competenze.dossiers.pdf_text import ISOLATES, draw, width
from competenze.frameworks.catalogue import cefr

GREY, LIGHT = Color(0.35, 0.35, 0.35), Color(0.93, 0.93, 0.93)
WIDTH, HEIGHT = A4
MARGIN, FOOTER = 40, 40
LEADING = 1.25  # line height, times the font size
HEADING = 36  # a section title's band, with the space above and below it
GRID = cefr().europass_skills
# Bounds that keep the largest allowed dossier a few pages long and well under a second.
MAX_ITEMS, MAX_TEXT = 60, 600


@cache
def catalogue() -> dict:
    return json.loads(resources.files("competenze.dossiers").joinpath("labels.json").read_text("utf-8"))


def supported(language: str | None) -> bool:
    return language in catalogue()["languages"]


def date_text(value: str | None) -> str:
    if not value:
        return ""
    try:
        return date.fromisoformat(value[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return value[:10]


# Control characters would corrupt the text stream (C0 controls, newlines included, print as
# spaces); what input refuses (common/text.py REFUSED: C1 controls, bidi embeddings and
# overrides, noncharacters), which older records may still hold, would reorder or hide the
# text around it and is dropped. Our own isolates are added after (user_text). User text is
# otherwise printed as is.
_UNSAFE = {**dict.fromkeys(REFUSED_POINTS - set(ISOLATES)), **dict.fromkeys(range(32), " ")}
# First-strong, right-to-left and left-to-right isolates and their end (UAX #9, X5a-X5c, X6a).
FSI, RLI, LRI, PDI = "\u2068", "\u2067", "\u2066", "\u2069"


def clip(value: object) -> str:
    text = "" if value is None else str(value)
    text = text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
    return text.translate(_UNSAFE)  # one pass in C, not a Python step per character


def user_text(value: object) -> str:
    """A person's text, isolated: whatever its direction, it cannot reorder the labels, commas
    and dates drawn around it ("Siria, 2010" beside an Arabic institution). Empty stays empty."""
    text = clip(value).translate(ISOLATES).strip()
    return f"{FSI}{text}{PDI}" if text else ""


@dataclass
class Labels:
    second: str  # the language of the right-hand column

    def it(self, key: str, **fill) -> str:
        return catalogue()["labels"][key]["it"].format(**fill)

    def other(self, key: str, **fill) -> str:
        return catalogue()["labels"][key][self.second].format(**fill)


class Pages(Canvas):
    """A canvas that knows the page count when it saves, for 'page X of Y' footers."""

    def __init__(self, *args, footer, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages, self._footer = [], footer

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._footer(self, number, total)
            super().showPage()
        super().save()


class Writer:
    """A cursor down the page, with wrapping and bilingual labels."""

    def __init__(self, canvas: Canvas, labels: Labels):
        self.canvas, self.labels, self.y = canvas, labels, HEIGHT - MARGIN
        self.pending: str | None = None  # a section title waiting for its first content

    def need(self, height: float) -> None:
        """Room for `height` more (and a pending section title above it), else a new page."""
        if self.y - height - (HEADING if self.pending else 0) < FOOTER + 20:
            self.canvas.showPage()
            self.y = HEIGHT - MARGIN
        if self.pending:
            self._title(self.pending)
            self.pending = None

    def wrap(self, text: str, size: float, room: float, bold: bool = False) -> list[str]:
        # Word widths add up (shaping never joins across a space), so each word is measured once.
        space = width(" ", size, bold)
        lines, line, used = [], "", 0.0
        for word in clip(text).split():
            needed = width(word, size, bold)
            if needed > room:  # a word wider than the column (a code, an address) is cut to fit
                *whole, word = _cut(word, size, room, bold)
                lines += [line, *whole] if line else whole
                line, used = word, width(word, size, bold)
            elif not line:
                line, used = word, needed
            elif used + space + needed <= room:
                line, used = f"{line} {word}", used + space + needed
            else:
                lines.append(line)
                line, used = word, needed
        lines = lines + ([line] if line else []) or [""]
        return _reopened(lines) if FSI in text else lines

    def text(self, x: float, y: float, text: str, size: float, *, bold=False, right=False, color=black) -> None:
        self.canvas.setFillColor(color)
        draw(self.canvas, x, y, text, size, bold=bold, right=right)

    def block(
        self,
        x: float,
        room: float,
        text: str,
        size: float,
        *,
        bold=False,
        right=False,
        color=black,
        top: float | None = None,
    ) -> float:
        """Wrapped text from the cursor (or `top`) down; returns the height used (the cursor stays)."""
        return self.lines(
            x, room, self.wrap(text, size, room, bold), size, bold=bold, right=right, color=color, top=top
        )

    def lines(
        self,
        x: float,
        room: float,
        lines: list[str],
        size: float,
        *,
        bold=False,
        right=False,
        color=black,
        top: float | None = None,
    ) -> float:
        """Lines already wrapped, from the cursor (or `top`) down; returns the height used."""
        if self.pending and top is None:
            self.need(height(lines, size))
        top = self.y if top is None else top
        for index, line in enumerate(lines):
            self.text(
                x + room if right else x,
                top - size - index * size * LEADING,
                line,
                size,
                bold=bold,
                right=right,
                color=color,
            )
        return height(lines, size)

    def flow(self, x: float, room: float, text: str, size: float, *, bold=False, color=black) -> None:
        """A paragraph at the cursor, on the next page if it does not fit; the cursor goes below."""
        lines = self.wrap(text, size, room, bold)
        self.need(height(lines, size))
        self.y -= self.lines(x, room, lines, size, bold=bold, color=color)

    def heading(self, key: str) -> None:
        """A section title, drawn with the section's first content so that it never ends a page."""
        self.pending = key

    def _title(self, key: str) -> None:
        self.y -= 10
        self.canvas.setFillColor(LIGHT)
        self.canvas.rect(MARGIN, self.y - 18, WIDTH - 2 * MARGIN, 20, stroke=0, fill=1)
        self.text(MARGIN + 4, self.y - 13, self.labels.it(key), 11, bold=True)
        self.text(WIDTH - MARGIN - 4, self.y - 13, self.labels.other(key), 11, bold=True, right=True)
        self.y -= 26

    def row(self, key: str, value: str) -> None:
        """Italian label | value | translated label."""
        col = (WIDTH - 2 * MARGIN) / 3
        label, data, other = (
            self.wrap(self.labels.it(key), 8, col - 6),
            self.wrap(value, 9, col - 6),
            self.wrap(self.labels.other(key), 8, col),
        )
        self.need(max(height(label, 8), height(data, 9), height(other, 8)))  # a row stays on its page
        heights = [
            self.lines(MARGIN, col - 6, label, 8, color=GREY),
            self.lines(MARGIN + col, col - 6, data, 9),
            self.lines(MARGIN + 2 * col, col, other, 8, color=GREY, right=True),
        ]
        self.y -= max(heights) + 3

    def item(self, lines: list[str]) -> None:
        """One entry of a list section, kept on one page: a bold first line, then details."""
        room = WIDTH - 2 * MARGIN
        title = self.wrap(lines[0], 9, room, True)
        details = [self.wrap(line, 8.5, room - 10) for line in lines[1:] if line]
        self.need(height(title, 9) + 1 + sum(height(detail, 8.5) + 1 for detail in details) + 4)
        self.y -= self.lines(MARGIN, room, title, 9, bold=True) + 1
        for detail in details:
            self.y -= self.lines(MARGIN + 10, room - 10, detail, 8.5, color=GREY) + 1
        self.y -= 4


def _reopened(lines: list[str]) -> list[str]:
    """Each line is drawn as a paragraph of its own: an isolate that a line leaves open is
    opened again at the start of the next, in the direction the value started with (an
    Arabic value whose next line starts with digits or Latin letters stays right to left)."""
    joined, out, open_, at = "\n".join(lines), [], [], 0
    for line in lines:
        out.append("".join(open_) + line)
        for offset, char in enumerate(line):
            if char == FSI:
                open_.append(_direction_after(joined, at + offset + 1))
            elif char == PDI and open_:
                open_.pop()
        at += len(line) + 1
    return out


def _direction_after(text: str, start: int) -> str:
    """The explicit isolate (RLI or LRI) an FSI at start - 1 resolves to (UAX #9, rule P2)."""
    for char in text[start:]:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return RLI
        if kind == "L" or char == PDI:
            return LRI
    return LRI


def height(lines: list[str], size: float) -> float:
    return len(lines) * size * LEADING


def _cut(word: str, size: float, room: float, bold: bool) -> list[str]:
    """A word in pieces as long as fit in `room` (at least a character each)."""
    pieces = []
    while word:
        fits, beyond = 1, len(word) + 1  # width(word[:fits]) fits, or is one character
        while beyond - fits > 1:
            middle = (fits + beyond) // 2
            fits, beyond = (middle, beyond) if width(word[:middle], size, bold) <= room else (fits, middle)
        pieces.append(word[:fits])
        word = word[fits:]
    return pieces


def both(first: str, second: str) -> str:
    """Italian and the other language side by side on one line, each in an isolate: an Arabic
    label must not take the date or number after it into its own right-to-left run (a period
    "2008–2013" printed "2013–2008" beside an Arabic country name)."""
    return first if first == second else f"{FSI}{first}{PDI} · {FSI}{second}{PDI}"


def pair(labels: Labels, key: str, **fill) -> str:
    return both(labels.it(key, **fill), labels.other(key, **fill))
