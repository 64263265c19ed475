"""The bilingual PDF of a dossier (ReportLab): Italian on the left, the participant's language
on the right, on every label; the data (names, levels, dates) once, in the middle.

The sections, in the order a reader meets them, drawn with dossiers/pdf_layout.py: canvas
drawing with our own wrapping is what keeps a typical dossier well under the 30 ms budget.

Scripts: Latin, Greek and Cyrillic (Noto Sans), Arabic script — Arabic, Dari/Persian, Urdu,
Pashto — shaped by HarfBuzz and laid out right-to-left (Noto Naskh Arabic; pdf_text,
pdf_bidi), and Ethiopic for Tigrinya and Amharic (Noto Sans Ethiopic, which needs no
shaping). Bengali, Devanagari, Gurmukhi and Sinhala (no font shipped for them yet) and
Chinese, Japanese and Korean (no CJK font) get English as the second language, and the
document says so.
"""

# pure core: plain data in and out; no web framework, database or JOSE (tests/test_boundaries.py)

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from competenze.common.names import country_name, language_name
from competenze.dossiers.pdf_layout import (
    GREY,
    GRID,
    HEIGHT,
    MARGIN,
    MAX_ITEMS,
    WIDTH,
    Labels,
    Pages,
    Writer,
    both,
    clip,
    date_text,
    height,
    pair,
    supported,
    user_text,
)
from competenze.dossiers.pdf_qr import draw_qr
from competenze.dossiers.pdf_text import draw


def _header(w: Writer, verify_url: str) -> None:
    w.text(MARGIN, w.y - 18, w.labels.it("document_title"), 18, bold=True)
    w.text(MARGIN, w.y - 38, w.labels.other("document_title"), 14, bold=True, color=GREY)
    w.y -= 48
    w.y -= w.block(MARGIN, 360, w.labels.it("document_subtitle"), 8, color=GREY)
    w.y -= w.block(MARGIN, 360, w.labels.other("document_subtitle"), 8, color=GREY)
    size = 92
    draw_qr(w.canvas, verify_url, WIDTH - MARGIN - size, HEIGHT - MARGIN - size, size)
    w.y = min(w.y, HEIGHT - MARGIN - size) - 6
    w.y -= w.block(MARGIN, WIDTH - 2 * MARGIN, w.labels.it("verify_at", url=verify_url), 8)
    w.y -= w.block(MARGIN, WIDTH - 2 * MARGIN, w.labels.other("signed_note"), 8, color=GREY)


def _country(w: Writer, code: str | None) -> str:
    """A country's name in Italian and in the document's other language (CLDR)."""
    return both(country_name(code, "it"), country_name(code, w.labels.second)) if code else ""


def _language(w: Writer, code: str) -> str:
    return both(language_name(code, "it"), language_name(code, w.labels.second))


def _identity(w: Writer, person: dict) -> None:
    w.heading("section_identity")
    # One isolate for the whole name: given and family name in two would be laid out left to
    # right whatever their script, and an Arabic reader would meet the family name first.
    w.row("name", user_text(" ".join(filter(None, (person.get("givenName"), person.get("familyName"))))))
    if person.get("birthDate"):
        w.row("birth_date", date_text(person["birthDate"]))
    if person.get("countryOfBirth"):
        w.row("country_of_birth", _country(w, person["countryOfBirth"]))
    if person.get("citizenships"):
        w.row("citizenship", ", ".join(_country(w, c) for c in person["citizenships"]))
    if person.get("residenceMunicipality"):
        w.row("residence", user_text(person["residenceMunicipality"]))
    permit = person.get("permit") or {}
    if permit.get("category"):
        w.row("permit_category", pair(w.labels, f"permit_{permit['category']}"))
        if permit.get("validUntil"):
            w.row("permit_expiry", date_text(permit["validUntil"]))
    if person.get("motherTongues"):
        w.row("mother_tongues", ", ".join(_language(w, code) for code in person["motherTongues"]))
    # The CPI profile carries the contacts a clerk needs to call the person (the public one none).
    if person.get("phone"):
        w.row("phone", person["phone"])
    if person.get("email"):
        w.row("email", user_text(person["email"]))


def _languages(w: Writer, languages: list[dict], milestones: list[dict]) -> None:
    w.heading("section_languages")
    extra = [s for s in ("mediation", "online_interaction") if any(s in lang.get("levels", {}) for lang in languages)]
    skills = [*GRID, *extra]
    first = 110
    col = (WIDTH - 2 * MARGIN - first) / len(skills)
    w.need(40)
    for index, skill in enumerate(skills):
        x = MARGIN + first + index * col
        w.block(x, col - 4, w.labels.it(skill), 7, bold=True)
        w.block(x, col - 4, w.labels.other(skill), 7, color=GREY, top=w.y - 18)
    w.y -= 40
    any_latest = False
    for lang in languages[:MAX_ITEMS]:
        levels = lang.get("levels", {})
        latest = {skill: levels[skill]["latest"] for skill in skills if "latest" in levels.get(skill, {})}
        name = w.wrap(_language(w, lang["language"]), 9, first - 6, True)
        w.need(max(18 if not latest else 28, height(name, 9) + 4))
        w.lines(MARGIN, first - 6, name, 9, bold=True)
        if lang.get("motherTongue"):
            w.text(MARGIN + first, w.y - 9, pair(w.labels, "mother_tongue_value"), 9)
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
            fill = {"level": "/".join(dict.fromkeys(found)), "date": date_text(day)}
            said = [
                w.labels.it("latest_assessed", method=w.labels.it(f"method_{method}"), **fill),
                w.labels.other("latest_assessed", method=w.labels.other(f"method_{method}"), **fill),
            ]
            w.flow(
                MARGIN + 12,
                WIDTH - 2 * MARGIN - 12,
                both(*said) + (f" ({user_text(source)})" if source else ""),
                8,
                color=GREY,
            )
        for cert in lang.get("certificates", [])[:5]:
            w.flow(
                MARGIN + 12,
                WIDTH - 2 * MARGIN - 12,
                f"{user_text(cert.get('exam') or cert.get('type'))} – {cert.get('level')} ({date_text(cert.get('date'))})",
                8,
                color=GREY,
            )
    w.flow(MARGIN, WIDTH - 2 * MARGIN, pair(w.labels, "cefr_note"), 7, color=GREY)
    if any_latest:
        w.flow(MARGIN, WIDTH - 2 * MARGIN, pair(w.labels, "latest_note"), 7, color=GREY)
    w.y -= 4
    if milestones:
        w.heading("section_milestones")
        for milestone in milestones:
            w.row(f"milestone_{milestone['code']}", pair(w.labels, f"status_{milestone['status']}"))


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
        value = f"{area['level']} ({area['europass']})" if area.get("level") else pair(w.labels, "not_assessed")
        w.row(f"digital_area_{area['area']}", value)
        # Each competence by its DigComp name, in both languages, with its level.
        named = [c for c in competences if c["code"].startswith(area["area"] + ".")]
        for c in named:
            w.flow(
                MARGIN + 12,
                WIDTH - 2 * MARGIN - 12,
                f"{c['code']} {pair(w.labels, 'digital_competence_' + c['code'])}: {c['level']}",
                8,
                color=GREY,
            )
        w.y -= 4 if named else 0
    w.flow(MARGIN, WIDTH - 2 * MARGIN, pair(w.labels, "digital_note"), 7, color=GREY)
    w.y -= 4


def _education(w: Writer, items: list[dict]) -> None:
    w.heading("section_education")
    for e in items[:MAX_ITEMS]:
        years = "–".join(str(y) for y in (e.get("startYear"), e.get("endYear")) if y)
        w.item(
            [
                user_text(e.get("title")),
                ", ".join(x for x in (user_text(e.get("institution")), _country(w, e.get("country")), years) if x)
                + (f" · EQF {e['eqf']}" if e.get("eqf") else ""),
                f"{pair(w.labels, 'recognition')}: {pair(w.labels, 'recognition_' + e.get('recognition', 'none'))}",
            ]
        )


def _experience(w: Writer, items: list[dict]) -> None:
    w.heading("section_experience")
    for job in items[:MAX_ITEMS]:
        labels = (job.get("occupation") or {}).get("label") or {}
        title = labels.get("it") or job.get("title") or ""
        second = labels.get(w.labels.second) or (labels.get("en") if w.labels.second != "it" else None)
        period = f"{date_text(job.get('from'))} – {date_text(job.get('to')) or pair(w.labels, 'ongoing')}"
        w.item(
            [
                user_text(title) + (f" / {user_text(second)}" if second and second != title else ""),
                ", ".join(x for x in (user_text(job.get("employer")), _country(w, job.get("country")), period) if x),
                pair(w.labels, job.get("arrangement", "formal")),
                user_text(job.get("description")),
            ]
        )


def _skills(w: Writer, items: list[dict]) -> None:
    w.heading("section_skills")
    for skill in items[:MAX_ITEMS]:
        labels = skill.get("label") or {}
        text = labels.get("it") or labels.get("en") or skill.get("uri", "")
        second = labels.get(w.labels.second)
        w.flow(
            MARGIN,
            WIDTH - 2 * MARGIN,
            f"• {text}"
            + (f" / {second}" if second and second != text else "")
            + f" — {pair(w.labels, 'method_' + skill.get('method', 'self_declared'))}",
            8.5,
        )
        w.y -= 1


def _licences(w: Writer, items: list[dict]) -> None:
    w.heading("section_driving")
    for licence in items[:MAX_ITEMS]:
        lines = [
            f"{pair(w.labels, 'driving_category')}: {licence.get('category')}",
            f"{pair(w.labels, 'driving_country')}: {_country(w, licence.get('country'))}",
        ]
        if licence.get("validUntil"):
            lines.append(f"{pair(w.labels, 'driving_valid_until')}: {date_text(licence['validUntil'])}")
        if licence.get("statusInItaly"):
            lines.append(
                f"{pair(w.labels, 'driving_status_in_italy')}: {pair(w.labels, 'licence_status_' + licence['statusInItaly'])}"
            )
        w.item(lines)


def _plan(w: Writer, plan: dict) -> None:
    w.heading("section_plan")
    w.row("plan_status", pair(w.labels, f"plan_status_{plan.get('status', 'draft')}"))
    for step in plan.get("steps", [])[:MAX_ITEMS]:
        status = step.get("status", "planned")
        if status == "done" and step.get("completedOn"):
            when = pair(w.labels, "step_done_on", date=date_text(step["completedOn"]))
        else:
            when = pair(w.labels, f"step_status_{status}")
            if step.get("dueDate") and status in ("planned", "in_progress"):
                when += f" · {pair(w.labels, 'step_due', date=date_text(step['dueDate']))}"
        w.row("plan_steps", f"{user_text(step.get('title'))} — {when}")


def _footer_for(labels: Labels, credential: dict, dossier_id: str):
    version = credential.get("dossierVersion", "")
    issued = date_text(credential.get("validFrom"))
    organisation = (credential.get("issuingOrganisation") or {}).get("name", "")

    def footer(canvas: Canvas, number: int, total: int) -> None:
        canvas.setFillColor(GREY)
        draw(
            canvas,
            MARGIN,
            24,
            f"{labels.it('dossier_id')} {dossier_id} · {labels.it('version', version=version)} · "
            f"{labels.it('issued_by')} {user_text(organisation[:60])} · {labels.it('issued_on')} {issued}",
            7,
        )
        draw(canvas, MARGIN, 14, labels.it("page_of", page=number, pages=total), 7)
        draw(canvas, WIDTH - MARGIN, 14, labels.other("page_of", page=number, pages=total), 7, right=True)

    return footer


def render(credential: dict, *, language: str | None, verify_url: str, dossier_id: str) -> bytes:
    """The PDF of a dossier, Italian with `language` (English when that language is not supported)."""
    second = language if supported(language) and language != "it" else "en"
    labels = Labels(second)
    buffer = io.BytesIO()
    canvas = Pages(buffer, pagesize=A4, footer=_footer_for(labels, credential, dossier_id), invariant=1)
    subject = credential.get("credentialSubject", {})
    canvas.setTitle(f"{labels.it('document_title')} – {clip(subject.get('person', {}).get('familyName'))}")
    canvas.setAuthor((credential.get("issuingOrganisation") or {}).get("name", "competenze"))
    w = Writer(canvas, labels)
    _header(w, verify_url)
    if language and language != second and language != "it":
        w.y -= (
            w.block(
                MARGIN,
                WIDTH - 2 * MARGIN,
                labels.it("language_fallback_note", name=language_name(language, "it"))
                + " · "
                + labels.other("language_fallback_note", name=language_name(language, "en")),
                8,
                color=GREY,
            )
            + 2
        )
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
