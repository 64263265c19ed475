"""The bilingual PDF, read back with pdftotext as a user copying text out of it would."""

import subprocess

import pytest

from competenze.dossiers.pdf import catalogue, render

DOSSIER_ID = "5f0c2a4e-8d1b-4f4e-9a57-2c7b9d0e6a11"


def text_of(pdf: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def credential(name="Amina", family="El Idrissi") -> dict:
    levels = {s: {"level": level, "method": "placement_test", "assessedOn": "2026-09-15"}
              for s, level in (("listening", "B1"), ("reading", "A2"), ("spoken_interaction", "A2"),
                               ("spoken_production", "B1"), ("writing", "Pre-A1"))}
    return {"validFrom": "2026-11-25T10:00:00Z", "dossierVersion": 3,
            "issuingOrganisation": {"name": "Comune di Bologna"},
            "credentialSubject": {
                "person": {"givenName": name, "familyName": family, "birthDate": "1988-03-14",
                           "countryOfBirth": "MA", "citizenships": ["MA"], "motherTongues": ["ar"],
                           "permit": {"category": "family", "validUntil": "2027-05-18"}},
                "languages": [{"language": "ar", "motherTongue": True, "levels": {}, "certificates": []},
                              {"language": "it", "motherTongue": False, "levels": levels, "certificates": [
                                  {"type": "CILS", "exam": "CILS A2 Integrazione in Italia", "level": "A2",
                                   "date": "2026-06-10"}]}],
                "italianMilestones": [{"code": "long_term_permit", "requiredLevel": "A2", "status": "reached"}],
                "digital": {"competences": [{"code": "1.1", "level": 3, "method": "self_assessment"}],
                            "areas": [{"area": "1", "level": 3, "europass": "B", "assessed": 1, "total": 3}]},
                "education": [{"title": "Licence en droit", "institution": "Université Mohammed V", "country": "MA",
                               "startYear": 2006, "endYear": 2009, "eqf": 6, "recognition": "requested"}],
                "workExperience": [{"occupation": {"uri": "x", "label": {"it": "cuoco/cuoca", "en": "cook"}},
                                    "employer": "Riad", "country": "MA", "from": "2012-04-01", "to": None,
                                    "arrangement": "informal"}],
                "skills": [{"uri": "y", "label": {"it": "usare coltelli", "en": "use knives"}, "method": "certificate"}],
                "drivingLicences": [{"category": "B", "country": "MA"}]}}


@pytest.mark.parametrize("language", sorted(catalogue()["languages"]))
def test_every_supported_language_carries_name_levels_and_dossier_id(language):
    text = text_of(render(credential(), language=language, verify_url="https://competenze.example/verify/abc",
                          dossier_id=DOSSIER_ID))
    assert "Amina El Idrissi" in text
    assert DOSSIER_ID in text and "Dossier delle competenze" in text
    for level in ("B1", "A2", "Pre-A1"):
        assert level in text
    assert "https://competenze.example/verify/abc" in text


@pytest.mark.parametrize("language", ["it", "ar"])
def test_the_qr_code_scans_to_the_verification_page(language, tmp_path):
    # As a phone would: the first page as an image, read by a QR decoder (zbar).
    url = "https://competenze.example.it/verify/Zq3-_x8bQ2WnY7uT1kLm0pAs9dFgHjKl"
    (tmp_path / "dossier.pdf").write_bytes(render(credential(), language=language, verify_url=url,
                                                  dossier_id=DOSSIER_ID))
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(tmp_path / "dossier.pdf"),
                    str(tmp_path / "page")], check=True)
    [image] = tmp_path.glob("page*.png")
    scanned = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
                             capture_output=True, text=True, check=True).stdout.split()
    assert scanned == [url]


def test_the_second_language_is_really_there():
    text = text_of(render(credential(), language="uk", verify_url="https://x/v/1", dossier_id=DOSSIER_ID))
    assert catalogue()["labels"]["section_languages"]["uk"] in text  # "Мови", in Cyrillic
    arabic = render(credential(), language="ar", verify_url="https://x/v/1", dossier_id=DOSSIER_ID)
    assert b"NotoNaskhArabic" in arabic  # the Arabic font is embedded, not substituted


def test_an_unsupported_script_falls_back_to_english_and_says_so():
    text = text_of(render(credential(), language="bn", verify_url="https://x/v/1", dossier_id=DOSSIER_ID))
    assert "Languages" in text and "Bengali" in text


def test_user_text_prints_literally():
    tricky = credential(name="<b>Ali</b> &amp;", family="<i>O'Brien</i>")
    text = text_of(render(tricky, language="fr", verify_url="https://x/v/1", dossier_id=DOSSIER_ID))
    assert "<b>Ali</b> &amp; <i>O'Brien</i>" in text


def test_the_largest_allowed_dossier_renders_and_stays_bounded():
    big = credential()
    subject = big["credentialSubject"]
    subject["workExperience"] = [{"title": f"Lavoro {i}", "employer": "x" * 5000, "country": "AL", "from": "2010-01-01",
                                  "to": "2011-01-01", "arrangement": "formal", "description": "y" * 5000}
                                 for i in range(500)]
    text = text_of(render(big, language="es", verify_url="https://x/v/1", dossier_id=DOSSIER_ID))
    assert "Lavoro 59" in text and "Lavoro 60" not in text  # lists are capped
    assert "x" * 700 not in text  # long texts are cut

