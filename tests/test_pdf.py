"""The bilingual PDF, read back with pdftotext as a user copying text out of it would."""

import re
import subprocess

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics

from competenze.dossiers.pdf import render
from competenze.dossiers.pdf_layout import FOOTER, MARGIN, catalogue
from competenze.dossiers.pdf_text import draw

DOSSIER_ID = "5f0c2a4e-8d1b-4f4e-9a57-2c7b9d0e6a11"


def text_of(pdf: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def credential(name="Amina", family="El Idrissi") -> dict:
    levels = {
        s: {"level": level, "method": "placement_test", "assessedOn": "2026-09-15"}
        for s, level in (
            ("listening", "B1"),
            ("reading", "A2"),
            ("spoken_interaction", "A2"),
            ("spoken_production", "B1"),
            ("writing", "Pre-A1"),
        )
    }
    return {
        "validFrom": "2026-11-25T10:00:00Z",
        "dossierVersion": 3,
        "issuingOrganisation": {"name": "Comune di Bologna"},
        "credentialSubject": {
            "person": {
                "givenName": name,
                "familyName": family,
                "birthDate": "1988-03-14",
                "countryOfBirth": "MA",
                "citizenships": ["MA"],
                "motherTongues": ["ar"],
                "permit": {"category": "family", "validUntil": "2027-05-18"},
            },
            "languages": [
                {"language": "ar", "motherTongue": True, "levels": {}, "certificates": []},
                {
                    "language": "it",
                    "motherTongue": False,
                    "levels": levels,
                    "certificates": [
                        {"type": "CILS", "exam": "CILS A2 Integrazione in Italia", "level": "A2", "date": "2026-06-10"}
                    ],
                },
            ],
            "italianMilestones": [{"code": "long_term_permit", "requiredLevel": "A2", "status": "reached"}],
            "digital": {
                "competences": [{"code": "1.1", "level": 3, "method": "self_assessment"}],
                "areas": [{"area": "1", "level": 3, "europass": "B", "assessed": 1, "total": 3}],
            },
            "education": [
                {
                    "title": "Licence en droit",
                    "institution": "Université Mohammed V",
                    "country": "MA",
                    "startYear": 2006,
                    "endYear": 2009,
                    "eqf": 6,
                    "recognition": "requested",
                }
            ],
            "workExperience": [
                {
                    "occupation": {"uri": "x", "label": {"it": "cuoco/cuoca", "en": "cook"}},
                    "employer": "Riad",
                    "country": "MA",
                    "from": "2012-04-01",
                    "to": None,
                    "arrangement": "informal",
                }
            ],
            "skills": [{"uri": "y", "label": {"it": "usare coltelli", "en": "use knives"}, "method": "certificate"}],
            "drivingLicences": [{"category": "B", "country": "MA"}],
        },
    }


@pytest.mark.parametrize("language", sorted(catalogue()["languages"]))
def test_every_supported_language_carries_name_levels_and_dossier_id(language):
    text = text_of(
        render(
            credential(), language=language, verify_url="https://competenze.example/verify/abc", dossier_id=DOSSIER_ID
        )
    )
    assert "Amina El Idrissi" in text
    assert DOSSIER_ID in text
    assert "Dossier delle competenze" in text
    for level in ("B1", "A2", "Pre-A1"):
        assert level in text
    assert "https://competenze.example/verify/abc" in text


@pytest.mark.parametrize("language", ["it", "ar"])
def test_the_qr_code_scans_to_the_verification_page(language, tmp_path):
    # As a phone would: the first page as an image, read by a QR decoder (zbar).
    url = "https://competenze.example.it/verify/Zq3-_x8bQ2WnY7uT1kLm0pAs9dFgHjKl"
    (tmp_path / "dossier.pdf").write_bytes(
        render(credential(), language=language, verify_url=url, dossier_id=DOSSIER_ID)
    )
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(tmp_path / "dossier.pdf"), str(tmp_path / "page")],
        check=True,
    )
    [image] = tmp_path.glob("page*.png")
    scanned = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert scanned == [url]


def test_the_second_language_is_really_there():
    text = text_of(render(credential(), language="uk", verify_url="https://x/v/1", dossier_id=DOSSIER_ID))
    assert catalogue()["labels"]["section_languages"]["uk"] in text  # "Мови", in Cyrillic
    arabic = render(credential(), language="ar", verify_url="https://x/v/1", dossier_id=DOSSIER_ID)
    assert b"NotoNaskhArabic" in arabic  # the Arabic font is embedded, not substituted


def test_an_unsupported_script_falls_back_to_english_and_says_so():
    text = text_of(render(credential(), language="bn", verify_url="https://x/v/1", dossier_id=DOSSIER_ID))
    assert "Languages" in text
    assert "Bangla" in text


def test_user_text_prints_literally():
    tricky = credential(name="<b>Ali</b> &amp;", family="<i>O'Brien</i>")
    text = text_of(render(tricky, language="fr", verify_url="https://x/v/1", dossier_id=DOSSIER_ID))
    assert "<b>Ali</b> &amp; <i>O'Brien</i>" in text


def test_the_largest_allowed_dossier_renders_and_stays_bounded():
    big = credential()
    subject = big["credentialSubject"]
    subject["workExperience"] = [
        {
            "title": f"Lavoro {i}",
            "employer": "x" * 5000,
            "country": "AL",
            "from": "2010-01-01",
            "to": "2011-01-01",
            "arrangement": "formal",
            "description": "y" * 5000,
        }
        for i in range(500)
    ]
    text = text_of(render(big, language="es", verify_url="https://x/v/1", dossier_id=DOSSIER_ID))
    assert "Lavoro 59" in text
    assert "Lavoro 60" not in text
    assert 60 * 590 < text.count("x") < 60 * 610  # each employer cut to its 600 characters (and not lost)


class DrawnText:
    """Stands in for a ReportLab canvas and records what is drawn, in which font, where."""

    def __init__(self):
        self.font, self.drawn = "", []

    def setFont(self, name, size):
        self.font = name

    def drawString(self, x, y, text):
        self.drawn.append((x, self.font, text))


def drawn(text: str, bold=False) -> list[tuple[float, str, str]]:
    canvas = DrawnText()
    draw(canvas, 0, 0, text, 9, bold=bold)
    return sorted(canvas.drawn)


@pytest.mark.parametrize("language", sorted(catalogue()["languages"]))
def test_every_character_is_drawn_in_a_font_that_has_it(language):
    # Noto Naskh Arabic has no brackets, hyphen or slash, Noto Sans Ethiopic no ASCII digits:
    # drawn in those fonts they simply vanished from the page.
    texts = [label[language] for label in catalogue()["labels"].values() if language in label]
    texts += ["(محمد) [ሰላም] 1-2/3 «ትግርኛ» {x}"]  # user text mixing scripts and punctuation
    missing = {
        (font, char)
        for text in texts
        for bold in (False, True)
        for _x, font, piece in drawn(text, bold)
        for char in piece
        if ord(char) not in pdfmetrics.getFont(font).face.charToGlyph
    }
    assert not missing


def test_brackets_in_right_to_left_text_face_what_they_enclose_and_keep_their_place():
    # Read right to left, "(محمد)" opens with the bracket on the right: drawn left to right,
    # the page shows "(" first and ")" last, each turned towards the name (ﺪﻤﺤﻣ: the name's
    # joined letters, in drawing order).
    assert shown("(محمد)") == "(ﺪﻤﺤﻣ)"
    assert shown("مطعم (محمد)") == "(ﺪﻤﺤﻣ) ﻢﻌﻄﻣ"
    # A year after the brackets stays after them (the paired-bracket rule), in either direction.
    assert shown("Lavoro (محمد) 2010") == "Lavoro (ﺪﻤﺤﻣ) 2010"
    assert shown("محمد (Riad) 2010") == "2010 (Riad) ﺪﻤﺤﻣ"


def test_numbers_in_arabic_digits_read_left_to_right():
    assert shown("ولد ١٩٨٨").startswith("١٩٨٨ ")
    assert shown("مطعم الرياض ٢٠١٠").startswith("٢٠١٠ ")


def shown(text: str) -> str:
    return "".join(piece for _x, _font, piece in drawn(text))


def test_pashto_letters_join_their_neighbours():
    # ټ has no presentation forms in Unicode: shaped from them, "ټول" printed ټ and و
    # isolated. Shaped from the font (HarfBuzz), و takes its final form, joined to ټ, and the
    # word is narrower than its letters apart.
    from competenze.dossiers.pdf_text import width

    assert "\ufeee" in shown("ټول")  # ARABIC LETTER WAW FINAL FORM
    assert width("ټول", 9) < sum(width(letter, 9) for letter in "ټول") - 2


def test_right_to_left_runs_are_in_python_bidis_order():
    # pdf_bidi orders runs from the levels python-bidi reports; put back together (mirror
    # images set aside), every label of every right-to-left language must read as
    # python-bidi's own display.
    import unicodedata

    from bidi import get_display

    from competenze.dossiers.pdf_bidi import runs

    def unmirrored(text):
        return "".join("*" if unicodedata.mirrored(char) else char for char in text)

    for language in ("ar", "prs", "ps", "ur"):
        for label in catalogue()["labels"].values():
            text = label[language]
            ours = "".join(run[::-1] if level % 2 else run for run, level in runs(text))
            assert unmirrored(ours) == unmirrored(get_display(text)), text


def test_a_joiner_before_a_lam_alef_does_not_break_the_pdf():
    # arabic-reshaper 3.1, used before HarfBuzz, raised on "\u200dلا"; such a name must print.
    text = text_of(
        render(
            credential(name="Nour", family="Sa\u200dلا"),
            language="ar",
            verify_url="https://x/v/1",
            dossier_id=DOSSIER_ID,
        )
    )
    assert "Nour" in text
    assert DOSSIER_ID in text


def words_by_page(pdf: bytes) -> list[list[tuple[float, float, float, float, str]]]:
    """Every word's box (x0, top, x1, bottom, in points from the top left) and text, per page."""
    html = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return [
        [
            (float(x0), float(y0), float(x1), float(y1), text)
            for x0, y0, x1, y1, text in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page
            )
        ]
        for page in html.split("<page ")[1:]
    ]


def test_long_sections_stay_inside_the_page_and_clear_of_the_footer():
    long = credential()
    subject = long["credentialSubject"]
    certificates = [{"type": "CILS", "exam": "CILS B1 cittadinanza", "level": "B1", "date": "2025-06-10"}] * 5
    subject["languages"] += [
        {"language": code, "motherTongue": False, "levels": {}, "certificates": certificates}
        for code in ("fr", "en", "es", "de", "pt", "ro")
    ]
    subject["drivingLicences"] = [{"category": "B", "country": "MA", "validUntil": "2030-01-01"}] * 60
    subject["plan"] = {
        "status": "active",
        "steps": [
            {"title": f"Passo {i} " + "corso di italiano " * 8, "status": "planned", "dueDate": "2027-01-01"}
            for i in range(60)
        ],
    }
    subject["education"] *= 60
    subject["workExperience"] = [
        {
            **subject["workExperience"][0],
            "employer": "Ristorante del porto " * 9,
            "description": "Preparazione dei piatti e gestione della cucina. " * 12,
        }
    ] * 60
    subject["workExperience"][0]["description"] = "https://esempio.it/" + "x" * 500  # one word, wider than a line
    pages = words_by_page(render(long, language="ar", verify_url="https://x/v/1", dossier_id=DOSSIER_ID))
    width, height = A4
    footer_top = height - FOOTER  # the footer's lines sit below this; content stays above it
    footers = set()
    for words in pages:
        for x0, top, x1, bottom, text in words:
            assert MARGIN - 1 <= x0, f"{text[:30]!r} runs past the margin ({x0}, {x1})"
            assert x1 <= width - MARGIN + 1, f"{text[:30]!r} runs past the margin ({x0}, {x1})"
            assert bottom < footer_top or top > footer_top, f"{text[:30]!r} is drawn across the footer line"
        footers.add(" ".join(re.sub(r"\d+", "N", text) for _x0, top, _x1, _bottom, text in words if top > footer_top))
    assert len(pages) > 3
    assert "Passo 59" in " ".join(w[4] for words in pages for w in words)
    assert len(footers) == 1  # the same footer on every page (bar its numbers), and nothing else down there


def test_a_section_title_never_ends_a_page():
    # Wherever the page break falls (shifted line by line by the entries before), the title of
    # the work experience moves to the next page with its first, tall, entry.
    titles = {label["it"] for key, label in catalogue()["labels"].items() if key.startswith("section_")}
    for before in range(40):
        dossier = credential()
        subject = dossier["credentialSubject"]
        subject["education"] = [
            {"title": f"Titolo {i}", "institution": "Istituto", "country": "MA"} for i in range(before)
        ]
        subject["workExperience"][0]["description"] = "Preparazione dei piatti e gestione della cucina. " * 15
        pages = words_by_page(render(dossier, language="fr", verify_url="https://x/v/1", dossier_id=DOSSIER_ID))
        for number, words in enumerate(pages[:-1], start=1):
            body = [word for word in words if word[1] < A4[1] - FOOTER]
            last = max(word[3] for word in body)
            last_line = " ".join(word[4] for word in body if word[3] > last - 4 and word[0] < A4[0] / 2)
            assert last_line not in titles, f"with {before} entries before, page {number} ends with {last_line!r}"


def _words(text: str) -> str:
    return " ".join(text.split())


def test_what_a_participant_and_an_employer_read_is_in_both_languages():
    """Issue 12, point 14: nothing prints as a raw enum name, a code or in Italian only."""
    cpi = credential()
    subject = cpi["credentialSubject"]
    subject["person"].update({"email": "amina@example.org", "phone": "+393331234567"})
    subject["plan"] = {
        "status": "active",
        "steps": [
            {
                "kind": "italian_course",
                "title": "Corso B1",
                "status": "done",
                "dueDate": "2027-03-31",
                "completedOn": "2026-12-01",
            },
            {"kind": "internship", "title": "Tirocinio", "status": "planned", "dueDate": "2027-05-01"},
        ],
    }
    subject["drivingLicences"] = [
        {"category": "B", "country": "MA", "validUntil": "2030-01-01", "statusInItaly": "convertible"}
    ]
    text = _words(text_of(render(cpi, language="uk", verify_url="https://x/v/1", dossier_id=DOSSIER_ID)))
    labels = catalogue()["labels"]
    # Plan and step statuses, and a finished step's completion date rather than its due date.
    assert f"{labels['plan_status_active']['it']} · {labels['plan_status_active']['uk']}" in text
    assert "svolto il 01/12/2026 ·" in text
    assert "виконано 01/12/2026" in text
    assert "31/03/2027" not in text
    assert "previsto · " in text
    assert "entro il 01/05/2027" in text
    assert not re.search(r"\b(active|planned|done)\b", text)
    # A driving licence says what each of its values is.
    for key in ("driving_category", "driving_country", "driving_valid_until", "driving_status_in_italy"):
        assert f"{labels[key]['it']} · {labels[key]['uk']}:" in text, key
    assert "Categoria · Категорія: B" in text
    # Countries and languages in both languages (CLDR), digital competences by name.
    assert "Marocco · Марокко" in text
    assert "Arabo · Арабська" in text
    assert "Italiano · Італійська" in text
    assert f"1.1 {labels['digital_competence_1.1']['it']} · {labels['digital_competence_1.1']['uk']}: 3" in text
    assert "1.1: 3" not in text
    # The CPI profile's contacts, which its JSON carries, are printed too.
    assert "+393331234567" in text
    assert "amina@example.org" in text


def test_the_public_profile_shows_only_milestones_reached_or_evidenced():
    from competenze.dossiers.document import Issuance, Snapshot
    from competenze.dossiers.document import credential as build

    milestones = [
        {"code": "long_term_permit", "requiredLevel": "A2", "status": "formally_evidenced"},
        {"code": "citizenship", "requiredLevel": "B1", "status": "not_reached"},
        {"code": "integration_agreement", "requiredLevel": "A2", "status": "reached"},
    ]
    snapshot = Snapshot(person={"givenName": "Amina", "familyName": "El Idrissi"}, italian_milestones=milestones)

    def issued(profile):
        return build(
            snapshot,
            Issuance(
                dossier_id=DOSSIER_ID,
                subject_id="urn:uuid:x",
                profile=profile,
                version=1,
                issuer_url="https://x",
                organisation_id="o",
                organisation_name="Comune",
                valid_from="2026-12-01T00:00:00Z",
                valid_until=None,
                context_url="https://x/c",
                status_entries=[],
            ),
        )["credentialSubject"]["italianMilestones"]

    assert [m["code"] for m in issued("public")] == ["long_term_permit", "integration_agreement"]
    assert issued("cpi") == milestones
    public = credential()
    public["credentialSubject"]["italianMilestones"] = issued("public")
    text = _words(text_of(render(public, language="ar", verify_url="https://x/v/1", dossier_id=DOSSIER_ID)))
    assert "non ancora raggiunto" not in text
    assert "cittadinanza" not in text


def test_a_person_s_text_cannot_reorder_what_is_printed_around_it():
    """An institution ending in RIGHT-TO-LEFT OVERRIDE once printed "airiS ,exe.png": its
    override reversed the country and years after it. Old records may still hold one: it is
    dropped, and each value is drawn in an isolate of its own."""
    spoofed = credential()
    spoofed["credentialSubject"]["education"] = [
        {
            "title": "Laurea",
            "institution": "جامعة دمشق \u202egnp.exe",
            "country": "SY",
            "startYear": 2006,
            "endYear": 2010,
            "recognition": "none",
        }
    ]
    pdf = render(spoofed, language="uk", verify_url="https://x/v/1", dossier_id=DOSSIER_ID)
    text = text_of(pdf)
    assert "gnp.exe" in text
    assert "exe.png" not in text
    assert "airiS" not in text
    line = next(
        words
        for words in (
            [w for w in page if abs(w[1] - top) < 2]
            for page in words_by_page(pdf)
            for top in {w[1] for w in page if w[4] == "Siria"}
        )
        if words
    )
    x = {w[4]: w[0] for w in line}
    institution = [w for w in line if w[4].startswith("gnp.exe") or "\ufb50" <= w[4][0] <= "\ufeff"]
    # Left to right: the whole institution (right to left inside its isolate), then
    # ", Siria · Сирія, 2006–2010" in their own order.
    assert len(institution) == 3, line
    assert max(w[2] for w in institution) < x["Siria"] < x["Сирія,"] < x["2006–2010"], line


def test_digcomp_names_in_the_pdf_are_the_framework_s_own():
    # The PDF names competences in 16 languages from its labels; the verification page and
    # the API name them in Italian and English from the framework: the two must not drift.
    from competenze.frameworks.catalogue import digcomp

    labels = catalogue()["labels"]
    for code, competence in digcomp().competences.items():
        assert {k: labels[f"digital_competence_{code}"][k] for k in ("it", "en")} == competence.title, code


def test_every_label_is_in_every_language_with_the_same_placeholders():
    languages = set(catalogue()["languages"])
    for key, label in catalogue()["labels"].items():
        assert set(label) == languages, (key, languages ^ set(label))
        fields = {language: set(re.findall(r"\{(\w+)\}", text)) for language, text in label.items()}
        assert all(found == fields["it"] for found in fields.values()), (key, fields)
