"""The bilingual PDF of a dossier (ReportLab): Italian on the left, the participant's language
on the right, on every label; the data (names, levels, dates) once, in the middle.

Drawn straight on the canvas with our own line wrapping rather than Platypus paragraphs:
Paragraph reads its text as markup, and everything here is user text that must print
literally (a name like "<b>Ali</b>" prints as typed). Canvas drawing is also what keeps a
typical dossier well under the 30 ms budget.

Scripts: Latin, Greek and Cyrillic (Noto Sans), Arabic script — Arabic, Dari/Persian, Urdu,
Pashto — shaped by HarfBuzz and laid out right-to-left (Noto Naskh Arabic; pdf_text,
pdf_bidi), and Ethiopic for Tigrinya and Amharic (Noto Sans Ethiopic, which needs no
shaping). Bengali, Devanagari, Gurmukhi and Sinhala (no font shipped for them yet) and
Chinese, Japanese and Korean (no CJK font) get English as the second language, and the
document says so.
"""

# pure core: plain data in and out; no web framework, database or JOSE (tests/test_boundaries.py)

import io
import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from competenze.common.names import country_name, language_name
from competenze.dossiers.pdf_qr import draw_qr
from competenze.dossiers.pdf_text import ISOLATES, draw, width

GREY, LIGHT = Color(0.35, 0.35, 0.35), Color(0.93, 0.93, 0.93)
WIDTH, HEIGHT = A4
MARGIN, FOOTER = 40, 40
LEADING = 1.25  # line height, times the font size
HEADING = 36  # a section title's band, with the space above and below it
GRID = ("listening", "reading", "spoken_interaction", "spoken_production", "writing")
# Bounds that keep the largest allowed dossier a few pages long and well under a second.
MAX_ITEMS, MAX_TEXT = 60, 600


@cache
def catalogue() -> dict:
    return json.loads(resources.files("competenze.dossiers").joinpath("labels.json").read_text("utf-8"))


def supported(language: str | None) -> bool:
    return language in catalogue()["languages"]


def _date(value: str | None) -> str:
    if not value:
        return ""
    try:
        return date.fromisoformat(value[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return value[:10]


# Control characters would corrupt the text stream; C1 controls, bidi embeddings and
# overrides and noncharacters (refused on input since, but older records may hold them) would
# reorder or hide the text around them. User text is otherwise printed as is.
_UNSAFE = {**dict.fromkeys(range(32), " "), **dict.fromkeys([*range(0x7F, 0xA0), *range(0x202A, 0x202F),
                                                            *range(0xFDD0, 0xFDF0)]),
           **dict.fromkeys(plane + end for plane in range(0, 0x110000, 0x10000) for end in (0xFFFE, 0xFFFF))}
FSI, PDI = "\u2068", "\u2069"  # first-strong isolate and its end (UAX #9, rule X5c)


def _clip(value: object) -> str:
    text = "" if value is None else str(value)
    text = text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"
    return text.translate(_UNSAFE)  # one pass in C, not a Python step per character


def _user(value: object) -> str:
    """A person's text, isolated: whatever its direction, it cannot reorder the labels, commas
    and dates drawn around it ("Siria, 2010" beside an Arabic institution). Empty stays empty."""
    text = _clip(value).translate(ISOLATES).strip()
    return f"{FSI}{text}{PDI}" if text else ""


@dataclass
class Labels:
    second: str  # the language of the right-hand column

    def it(self, key: str, **fill) -> str:
        return catalogue()["labels"][key]["it"].format(**fill)

    def other(self, key: str, **fill) -> str:
        return catalogue()["labels"][key][self.second].format(**fill)


class _Pages(Canvas):
    """A canvas that knows the page count when it saves, for 'page X of Y' footers."""

    def __init__(self, *args, footer, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages, self._footer = [], footer

    def showPage(self):  # noqa: N802 - ReportLab's name
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
        self.c, self.l, self.y = canvas, labels, HEIGHT - MARGIN
        self.pending: str | None = None  # a section title waiting for its first content

    def need(self, height: float) -> None:
        """Room for `height` more (and a pending section title above it), else a new page."""
        if self.y - height - (HEADING if self.pending else 0) < FOOTER + 20:
            self.c.showPage()
            self.y = HEIGHT - MARGIN
        if self.pending:
            self._title(self.pending)
            self.pending = None

    def wrap(self, text: str, size: float, room: float, bold: bool = False) -> list[str]:
        # Word widths add up (shaping never joins across a space), so each word is measured once.
        space = width(" ", size, bold)
        lines, line, used = [], "", 0.0
        for word in _clip(text).split():
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
        self.c.setFillColor(color)
        draw(self.c, x, y, text, size, bold=bold, right=right)

    def block(self, x: float, room: float, text: str, size: float, *, bold=False, right=False, color=black,
              top: float | None = None) -> float:
        """Wrapped text from the cursor (or `top`) down; returns the height used (the cursor stays)."""
        return self.lines(x, room, self.wrap(text, size, room, bold), size, bold=bold, right=right, color=color,
                          top=top)

    def lines(self, x: float, room: float, lines: list[str], size: float, *, bold=False, right=False, color=black,
              top: float | None = None) -> float:
        """Lines already wrapped, from the cursor (or `top`) down; returns the height used."""
        if self.pending and top is None:
            self.need(height(lines, size))
        top = self.y if top is None else top
        for index, line in enumerate(lines):
            self.text(x + room if right else x, top - size - index * size * LEADING, line, size,
                      bold=bold, right=right, color=color)
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
        self.c.setFillColor(LIGHT)
        self.c.rect(MARGIN, self.y - 18, WIDTH - 2 * MARGIN, 20, stroke=0, fill=1)
        self.text(MARGIN + 4, self.y - 13, self.l.it(key), 11, bold=True)
        self.text(WIDTH - MARGIN - 4, self.y - 13, self.l.other(key), 11, bold=True, right=True)
        self.y -= 26

    def row(self, key: str, value: str) -> None:
        """Italian label | value | translated label."""
        col = (WIDTH - 2 * MARGIN) / 3
        label, data, other = (self.wrap(self.l.it(key), 8, col - 6), self.wrap(value, 9, col - 6),
                              self.wrap(self.l.other(key), 8, col))
        self.need(max(height(label, 8), height(data, 9), height(other, 8)))  # a row stays on its page
        heights = [self.lines(MARGIN, col - 6, label, 8, color=GREY), self.lines(MARGIN + col, col - 6, data, 9),
                   self.lines(MARGIN + 2 * col, col, other, 8, color=GREY, right=True)]
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
    opened again at the start of the next, so a wrapped value keeps its direction."""
    depth, out = 0, []
    for line in lines:
        out.append(FSI * depth + line)
        depth = max(0, depth + line.count(FSI) - line.count(PDI))
    return out


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


def _both(first: str, second: str) -> str:
    """Italian and the other language side by side on one line, each in an isolate: an Arabic
    label must not take the date or number after it into its own right-to-left run (a period
    "2008–2013" printed "2013–2008" beside an Arabic country name)."""
    return first if first == second else f"{FSI}{first}{PDI} · {FSI}{second}{PDI}"


def _pair(labels: Labels, key: str, **fill) -> str:
    return _both(labels.it(key, **fill), labels.other(key, **fill))


def _header(w: Writer, credential: dict, verify_url: str) -> None:
    w.text(MARGIN, w.y - 18, w.l.it("document_title"), 18, bold=True)
    w.text(MARGIN, w.y - 38, w.l.other("document_title"), 14, bold=True, color=GREY)
    w.y -= 48
    w.y -= w.block(MARGIN, 360, w.l.it("document_subtitle"), 8, color=GREY)
    w.y -= w.block(MARGIN, 360, w.l.other("document_subtitle"), 8, color=GREY)
    size = 92
    draw_qr(w.c, verify_url, WIDTH - MARGIN - size, HEIGHT - MARGIN - size, size)
    w.y = min(w.y, HEIGHT - MARGIN - size) - 6
    w.y -= w.block(MARGIN, WIDTH - 2 * MARGIN, w.l.it("verify_at", url=verify_url), 8)
    w.y -= w.block(MARGIN, WIDTH - 2 * MARGIN, w.l.other("signed_note"), 8, color=GREY)


def _country(w: Writer, code: str | None) -> str:
    """A country's name in Italian and in the document's other language (CLDR)."""
    return _both(country_name(code, "it"), country_name(code, w.l.second)) if code else ""


def _language(w: Writer, code: str) -> str:
    return _both(language_name(code, "it"), language_name(code, w.l.second))


def _identity(w: Writer, person: dict) -> None:
    w.heading("section_identity")
    w.row("name", " ".join(filter(None, (_user(person.get("givenName")), _user(person.get("familyName"))))))
    if person.get("birthDate"):
        w.row("birth_date", _date(person["birthDate"]))
    if person.get("countryOfBirth"):
        w.row("country_of_birth", _country(w, person["countryOfBirth"]))
    if person.get("citizenships"):
        w.row("citizenship", ", ".join(_country(w, c) for c in person["citizenships"]))
    if person.get("residenceMunicipality"):
        w.row("residence", _user(person["residenceMunicipality"]))
    permit = person.get("permit") or {}
    if permit.get("category"):
        w.row("permit_category", _pair(w.l, f"permit_{permit['category']}"))
        if permit.get("validUntil"):
            w.row("permit_expiry", _date(permit["validUntil"]))
    if person.get("motherTongues"):
        w.row("mother_tongues", ", ".join(_language(w, code) for code in person["motherTongues"]))
    # The CPI profile carries the contacts a clerk needs to call the person (the public one none).
    if person.get("phone"):
        w.row("phone", person["phone"])
    if person.get("email"):
        w.row("email", _user(person["email"]))


def _languages(w: Writer, languages: list[dict], milestones: list[dict]) -> None:
    w.heading("section_languages")
    extra = [s for s in ("mediation", "online_interaction") if any(s in lang.get("levels", {}) for lang in languages)]
    skills = [*GRID, *extra]
    first = 110
    col = (WIDTH - 2 * MARGIN - first) / len(skills)
    w.need(40)
    for index, skill in enumerate(skills):
        x = MARGIN + first + index * col
        w.block(x, col - 4, w.l.it(skill), 7, bold=True)
        w.block(x, col - 4, w.l.other(skill), 7, color=GREY, top=w.y - 18)
    w.y -= 40
    any_latest = False
    for lang in languages[:MAX_ITEMS]:
        levels = lang.get("levels", {})
        latest = {skill: levels[skill]["latest"] for skill in skills if "latest" in levels.get(skill, {})}
        name = w.wrap(_language(w, lang["language"]), 9, first - 6, True)
        w.need(max(18 if not latest else 28, height(name, 9) + 4))
        w.lines(MARGIN, first - 6, name, 9, bold=True)
        if lang.get("motherTongue"):
            w.text(MARGIN + first, w.y - 9, _pair(w.l, "mother_tongue_value"), 9)
        else:
            for index, skill in enumerate(skills):
                level = levels.get(skill, {}).get("level", "–")
                w.text(MARGIN + first + index * col, w.y - 9, level, 10, bold=level != "–")
                if skill in latest:  # the latest level assessed, where it differs, below in grey
                    w.text(MARGIN + first + index * col, w.y - 20, latest[skill]["level"], 8, color=GREY)
        w.y -= max(14 if not latest else 25, height(name, 9) + 2)
        # Where the latest levels come from: one line per assessment (usually one for all skills).
        for (method, day, source), found in _grouped(latest).items():
            any_latest = True
            fill = {"level": "/".join(dict.fromkeys(found)), "date": _date(day)}
            said = [w.l.it("latest_assessed", method=w.l.it(f"method_{method}"), **fill),
                    w.l.other("latest_assessed", method=w.l.other(f"method_{method}"), **fill)]
            w.flow(MARGIN + 12, WIDTH - 2 * MARGIN - 12, _both(*said) + (f" ({_user(source)})" if source else ""), 8,
                   color=GREY)
        for cert in lang.get("certificates", [])[:5]:
            w.flow(MARGIN + 12, WIDTH - 2 * MARGIN - 12,
                   f"{_user(cert.get('exam') or cert.get('type'))} – {cert.get('level')} ({_date(cert.get('date'))})", 8,
                   color=GREY)
    w.flow(MARGIN, WIDTH - 2 * MARGIN, _pair(w.l, "cefr_note"), 7, color=GREY)
    if any_latest:
        w.flow(MARGIN, WIDTH - 2 * MARGIN, _pair(w.l, "latest_note"), 7, color=GREY)
    w.y -= 4
    if milestones:
        w.heading("section_milestones")
        for milestone in milestones:
            w.row(f"milestone_{milestone['code']}", _pair(w.l, f"status_{milestone['status']}"))


def _grouped(latest: dict[str, dict]) -> dict[tuple, list[str]]:
    """Latest levels by the assessment they come from (method, date, source): their levels."""
    groups: dict[tuple, list[str]] = {}
    for observation in latest.values():
        key = (observation.get("method", "self_declared"), observation.get("assessedOn"), observation.get("source"))
        groups.setdefault(key, []).append(observation["level"])
    return groups


def _digital(w: Writer, digital: dict) -> None:
    w.heading("section_digital")
    competences = digital.get("competences", [])
    for area in digital.get("areas", []):
        value = f"{area['level']} ({area['europass']})" if area.get("level") else _pair(w.l, "not_assessed")
        w.row(f"digital_area_{area['area']}", value)
        # Each competence by its DigComp name, in both languages, with its level.
        named = [c for c in competences if c["code"].startswith(area["area"] + ".")]
        for c in named:
            w.flow(MARGIN + 12, WIDTH - 2 * MARGIN - 12,
                   f"{c['code']} {_pair(w.l, 'digital_competence_' + c['code'])}: {c['level']}", 8, color=GREY)
        w.y -= 4 if named else 0
    w.flow(MARGIN, WIDTH - 2 * MARGIN, _pair(w.l, "digital_note"), 7, color=GREY)
    w.y -= 4


def _education(w: Writer, items: list[dict]) -> None:
    w.heading("section_education")
    for e in items[:MAX_ITEMS]:
        years = "–".join(str(y) for y in (e.get("startYear"), e.get("endYear")) if y)
        w.item([_user(e.get("title")),
                ", ".join(x for x in (_user(e.get("institution")), _country(w, e.get("country")), years) if x)
                + (f" · EQF {e['eqf']}" if e.get("eqf") else ""),
                f"{_pair(w.l, 'recognition')}: {_pair(w.l, 'recognition_' + e.get('recognition', 'none'))}"])


def _experience(w: Writer, items: list[dict]) -> None:
    w.heading("section_experience")
    for job in items[:MAX_ITEMS]:
        labels = (job.get("occupation") or {}).get("label") or {}
        title = labels.get("it") or job.get("title") or ""
        second = labels.get(w.l.second) or (labels.get("en") if w.l.second != "it" else None)
        period = f"{_date(job.get('from'))} – {_date(job.get('to')) or _pair(w.l, 'ongoing')}"
        w.item([_user(title) + (f" / {_user(second)}" if second and second != title else ""),
                ", ".join(x for x in (_user(job.get("employer")), _country(w, job.get("country")), period) if x),
                _pair(w.l, job.get("arrangement", "formal")), _user(job.get("description"))])


def _skills(w: Writer, items: list[dict]) -> None:
    w.heading("section_skills")
    for skill in items[:MAX_ITEMS]:
        labels = skill.get("label") or {}
        text = labels.get("it") or labels.get("en") or skill.get("uri", "")
        second = labels.get(w.l.second)
        w.flow(MARGIN, WIDTH - 2 * MARGIN, f"• {text}" + (f" / {second}" if second and second != text else "")
               + f" — {_pair(w.l, 'method_' + skill.get('method', 'self_declared'))}", 8.5)
        w.y -= 1


def _licences(w: Writer, items: list[dict]) -> None:
    w.heading("section_driving")
    for licence in items[:MAX_ITEMS]:
        lines = [f"{_pair(w.l, 'driving_category')}: {licence.get('category')}",
                 f"{_pair(w.l, 'driving_country')}: {_country(w, licence.get('country'))}"]
        if licence.get("validUntil"):
            lines.append(f"{_pair(w.l, 'driving_valid_until')}: {_date(licence['validUntil'])}")
        if licence.get("statusInItaly"):
            lines.append(f"{_pair(w.l, 'driving_status_in_italy')}: "
                         f"{_pair(w.l, 'licence_status_' + licence['statusInItaly'])}")
        w.item(lines)


def _plan(w: Writer, plan: dict) -> None:
    w.heading("section_plan")
    w.row("plan_status", _pair(w.l, f"plan_status_{plan.get('status', 'draft')}"))
    for step in plan.get("steps", [])[:MAX_ITEMS]:
        status = step.get("status", "planned")
        if status == "done" and step.get("completedOn"):
            when = _pair(w.l, "step_done_on", date=_date(step["completedOn"]))
        else:
            when = _pair(w.l, f"step_status_{status}")
            if step.get("dueDate") and status in ("planned", "in_progress"):
                when += f" · {_pair(w.l, 'step_due', date=_date(step['dueDate']))}"
        w.row("plan_steps", f"{_user(step.get('title'))} — {when}")


def _footer_for(labels: Labels, credential: dict, dossier_id: str):
    version = credential.get("dossierVersion", "")
    issued = _date(credential.get("validFrom"))
    organisation = (credential.get("issuingOrganisation") or {}).get("name", "")

    def footer(canvas: Canvas, number: int, total: int) -> None:
        canvas.setFillColor(GREY)
        draw(canvas, MARGIN, 24, f"{labels.it('dossier_id')} {dossier_id} · {labels.it('version', version=version)} · "
                                 f"{labels.it('issued_by')} {_user(organisation[:60])} · {labels.it('issued_on')} {issued}", 7)
        draw(canvas, MARGIN, 14, labels.it("page_of", page=number, pages=total), 7)
        draw(canvas, WIDTH - MARGIN, 14, labels.other("page_of", page=number, pages=total), 7, right=True)
    return footer


def render(credential: dict, *, language: str | None, verify_url: str, dossier_id: str) -> bytes:
    """The PDF of a dossier, Italian with `language` (English when that language is not supported)."""
    second = language if supported(language) and language != "it" else "en"
    labels = Labels(second)
    buffer = io.BytesIO()
    canvas = _Pages(buffer, pagesize=A4, footer=_footer_for(labels, credential, dossier_id), invariant=1)
    subject = credential.get("credentialSubject", {})
    canvas.setTitle(f"{labels.it('document_title')} – {_clip(subject.get('person', {}).get('familyName'))}")
    canvas.setAuthor((credential.get("issuingOrganisation") or {}).get("name", "competenze"))
    w = Writer(canvas, labels)
    _header(w, credential, verify_url)
    if language and language != second and language != "it":
        w.y -= w.block(MARGIN, WIDTH - 2 * MARGIN, labels.it("language_fallback_note", name=language_name(language, "it"))
                       + " · " + labels.other("language_fallback_note", name=language_name(language, "en")), 8,
                       color=GREY) + 2
    _identity(w, subject.get("person", {}))
    if subject.get("languages"):
        _languages(w, subject["languages"], subject.get("italianMilestones", []))
    if subject.get("digital"):
        _digital(w, subject["digital"])
    if subject.get("education"):
        _education(w, subject["education"])
    if subject.get("workExperience"):
        _experience(w, subject["workExperience"])
    if subject.get("skills"):
        _skills(w, subject["skills"])
    if subject.get("drivingLicences"):
        _licences(w, subject["drivingLicences"])
    if subject.get("plan"):
        _plan(w, subject["plan"])
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
