"""Europass XML export: every dossier validates against Cedefop's XSD, offline, and what the
schema cannot hold survives as text."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competenze.dossiers import document
from competenze.dossiers.europass import to_europass_xml
from competenze.dossiers.europass_codes import (
    COUNTRIES,
    FOREIGN_LANGUAGES,
    LICENCES,
    MOTHER_LANGUAGES,
)

# The shared specification folder beside the repository, or the copy vendored in tests/specs
# for a clean clone checked out anywhere else.
_SHARED = Path(__file__).resolve().parents[2] / "shared" / "specs" / "europass-3.4.1"
SPECS = _SHARED if _SHARED.is_dir() else Path(__file__).resolve().parent / "specs" / "europass-3.4.1"
NS = {"e": "http://europass.cedefop.europa.eu/Europass"}


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    assert SPECS.is_dir(), f"the Europass XSD is expected in {SPECS}"
    # Every schemaLocation there is local (see specs/README.md): building it touches no network.
    return xmlschema.XMLSchema(str(SPECS / "EuropassSchema.xsd"))


def snapshot(**person) -> document.Snapshot:
    return document.Snapshot(
        person={
            "givenName": "Amina",
            "familyName": "El Idrissi",
            "birthDate": "1988-03-14",
            "gender": "female",
            "countryOfBirth": "MA",
            "citizenships": ["MA", "GR", "HK"],
            "residenceMunicipality": "Bologna",
            "motherTongues": ["ar"],
            "preferredLanguage": "fr",
            "email": "amina@example.org",
            "phone": "+39 333 1234567",
            "permit": {"category": "family", "validUntil": "2027-05-18"},
            **person,
        },
        languages=[
            {"language": "ar", "motherTongue": True, "levels": {}, "certificates": []},
            {
                "language": "it",
                "motherTongue": False,
                "levels": {
                    "listening": {"level": "A2", "method": "placement_test", "assessedOn": "2026-09-15"},
                    "reading": {"level": "A2", "method": "placement_test", "assessedOn": "2026-09-15"},
                    "spoken_interaction": {"level": "B1", "method": "certificate", "assessedOn": "2026-10-20"},
                    "spoken_production": {
                        "level": "A2",
                        "method": "counsellor_observation",
                        "assessedOn": "2026-09-01",
                    },
                    "writing": {"level": "Pre-A1", "method": "placement_test", "assessedOn": "2026-09-15"},
                    "mediation": {"level": "A1", "method": "counsellor_observation", "assessedOn": "2026-09-01"},
                    "online_interaction": {"level": "A2", "method": "self_declared", "assessedOn": "2026-08-01"},
                },
                "certificates": [
                    {
                        "type": "CILS",
                        "exam": "CILS A2 Integrazione in Italia",
                        "level": "A2",
                        "date": "2026-10-20",
                        "issuer": "Università per Stranieri di Siena",
                    }
                ],
            },
            {
                "language": "fr",
                "motherTongue": False,
                "levels": {"reading": {"level": "C1", "method": "self_declared", "assessedOn": "2026-08-01"}},
                "certificates": [],
            },
            {
                "language": "prs",
                "motherTongue": False,
                "levels": {"listening": {"level": "B2", "method": "self_declared", "assessedOn": "2026-08-01"}},
                "certificates": [],
            },
        ],
        italian_milestones=[
            {"code": "long_term_permit", "requiredLevel": "A2", "status": "formally_evidenced"},
            {"code": "citizenship", "requiredLevel": "B1", "status": "not_reached"},
        ],
        digital={
            "framework": "DigComp 2.2",
            "competences": [
                {"code": "1.1", "level": 3, "method": "self_assessment"},
                {"code": "1.2", "level": 4, "method": "self_assessment"},
                {"code": "1.3", "level": 2, "method": "self_assessment"},
                {"code": "2.1", "level": 6, "method": "counsellor_observation"},
            ],
            "areas": [
                {"area": "1", "level": 3, "europass": "B", "assessed": 3, "total": 3},
                {"area": "2", "level": 6, "europass": "C", "assessed": 1, "total": 6},
                {"area": "5", "level": None, "europass": None, "assessed": 0, "total": 4},
            ],
        },
        education=[
            {
                "title": "Licence en droit",
                "isced": 6,
                "eqf": 6,
                "fieldOfStudy": "Diritto",
                "institution": "Université Mohammed V",
                "country": "MA",
                "startYear": 2006,
                "endYear": 2009,
                "completed": True,
                "documents": "partial",
                "recognition": "comparability_statement",
            },
            {
                "title": "Baccalauréat",
                "isced": 3,
                "eqf": None,
                "fieldOfStudy": None,
                "institution": None,
                "country": "MA",
                "startYear": None,
                "endYear": 2005,
                "completed": True,
                "documents": "none",
                "recognition": "none",
            },
        ],
        work_experience=[
            {
                "occupation": {
                    "uri": "http://data.europa.eu/esco/occupation/90f75f67-495d-49fa-ab57-2f320e251d7e",
                    "label": {"it": "cuoco/cuoca", "en": "cook"},
                },
                "title": None,
                "employer": "Restaurant Al Fassia",
                "country": "MA",
                "from": "2012-04-01",
                "to": "2016-08-31",
                "sector": "I",
                "arrangement": "informal",
                "description": "Preparazione di tajine e couscous per 80 coperti.",
            },
            {
                "occupation": None,
                "title": "Aiuto cuoca",
                "employer": "Trattoria",
                "country": "IT",
                "from": "2025-01-10",
                "to": None,
                "sector": None,
                "arrangement": "formal",
                "description": None,
            },
        ],
        skills=[
            {
                "uri": "http://data.europa.eu/esco/skill/abc",
                "label": {"it": "cucinare", "en": "cook food"},
                "method": "certificate",
            }
        ],
        driving_licences=[
            {"category": "B", "country": "MA", "validUntil": None, "statusInItaly": "convertible"},
            {"category": "CQC", "country": "IT", "validUntil": "2030-01-01", "statusInItaly": "valid"},
        ],
        plan={"status": "agreed", "steps": []},
    )


def credential(profile: str, snap: document.Snapshot | None = None) -> dict:
    issuance = document.Issuance(
        dossier_id="0b6f0c1e-0000-4000-8000-000000000001",
        subject_id="urn:uuid:0b6f0c1e-0000-4000-8000-00000000000a",
        profile=profile,
        version=1,
        issuer_url="https://competenze.example",
        organisation_id="org-1",
        organisation_name="CPI Bologna",
        valid_from="2026-11-25T10:00:00Z",
        valid_until=None,
        context_url="https://competenze.example/context/v1",
        status_entries=[],
    )
    return document.credential(snap or snapshot(), issuance)


def parse(xml: bytes) -> ET.Element:
    assert xml.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return ET.fromstring(xml)


def texts(root: ET.Element) -> str:
    return " ".join(root.itertext())


def one(root: ET.Element, path: str) -> str:
    found = root.findall(path, NS)
    assert len(found) == 1, (path, found)
    return found[0].text


def first(root: ET.Element, path: str) -> str:
    return root.findall(path, NS)[0].text


@pytest.mark.parametrize("profile", ["cpi", "public"])
def test_rich_dossier_validates_and_carries_names_grid_certificate_digital_and_licences(schema, profile):
    xml = to_europass_xml(credential(profile))
    schema.validate(xml)
    root = parse(xml)
    assert root.get("locale") == "it"
    assert one(root, "e:LearnerInfo/e:Identification/e:PersonName/e:FirstName") == "Amina"
    assert one(root, "e:LearnerInfo/e:Identification/e:PersonName/e:Surname") == "El Idrissi"

    skills = root.find("e:LearnerInfo/e:Skills", NS)
    assert [
        e.text for e in skills.findall("e:Linguistic/e:MotherTongueList/e:MotherTongue/e:Description/e:Code", NS)
    ] == ["ar"]
    italian, french, dari = skills.findall("e:Linguistic/e:ForeignLanguageList/e:ForeignLanguage", NS)
    assert one(italian, "e:Description/e:Code") == "it"
    grid = {child.tag.split("}")[1]: child.text for child in italian.find("e:ProficiencyLevel", NS)}
    assert grid == {"Listening": "A2", "Reading": "A2", "SpokenInteraction": "B1", "SpokenProduction": "A2"}
    assert one(italian, "e:VerifiedBy/e:Certificate/e:Title") == "CILS A2 Integrazione in Italia"
    assert one(italian, "e:VerifiedBy/e:Certificate/e:AwardingBody") == "Università per Stranieri di Siena"
    assert one(italian, "e:VerifiedBy/e:Certificate/e:Level") == "A2"
    assert italian.find("e:VerifiedBy/e:Certificate/e:Date", NS).attrib == {
        "year": "2026",
        "month": "--10",
        "day": "---20",
    }
    assert one(french, "e:ProficiencyLevel/e:Reading") == "C1"
    # Dari is not in the Europass language list: kept by its name, without a code.
    assert dari.find("e:Description/e:Code", NS) is None
    assert one(dari, "e:Description/e:Label") == "dari"

    digital = {child.tag.split("}")[1]: child.text for child in skills.find("e:Computer/e:ProficiencyLevel", NS)}
    assert digital == {"Information": "B", "Communication": "C"}  # area 5 unassessed: left out
    assert [e.text for e in skills.findall("e:Driving/e:Description/e:Licence", NS)] == ["B"]
    assert "CQC" in one(skills, "e:Other/e:Description")
    assert "cucinare (certificato)" in one(skills, "e:JobRelated/e:Description")

    work = root.findall("e:LearnerInfo/e:WorkExperienceList/e:WorkExperience", NS)
    assert one(work[0], "e:Position/e:Label") == "cuoco/cuoca"
    assert one(work[0], "e:Position/e:Code") == "90f75f67-495d-49fa-ab57-2f320e251d7e"
    assert one(work[0], "e:Employer/e:Name") == "Restaurant Al Fassia"
    assert one(work[0], "e:Employer/e:ContactInfo/e:Address/e:Contact/e:Country/e:Code") == "MA"
    assert one(work[0], "e:Employer/e:Sector/e:Code") == "I"
    assert work[0].find("e:Period/e:From", NS).attrib == {"year": "2012", "month": "--04", "day": "---01"}
    assert one(work[1], "e:Position/e:Label") == "Aiuto cuoca"
    assert one(work[1], "e:Period/e:Current") == "true"

    education = root.findall("e:LearnerInfo/e:EducationList/e:Education", NS)
    assert one(education[0], "e:Title") == "Licence en droit"
    assert one(education[0], "e:Level/e:Code") == "6"
    assert education[0].find("e:Period/e:From", NS).attrib == {"year": "2006"}
    assert one(education[0], "e:Organisation/e:Name") == "Université Mohammed V"
    assert education[1].find("e:Level", NS) is None  # no EQF level: no Level element

    demographics = root.find("e:LearnerInfo/e:Identification/e:Demographics", NS)
    contact = root.find("e:LearnerInfo/e:Identification/e:ContactInfo", NS)
    if profile == "cpi":
        assert one(demographics, "e:Gender/e:Code") == "F"
        assert demographics.find("e:Birthdate", NS).attrib == {"year": "1988", "month": "--03", "day": "---14"}
        # Greece is EL in Europass; Hong Kong is not on its list and survives as a label.
        nationalities = [
            (n.findtext("e:Code", None, NS), n.findtext("e:Label", None, NS))
            for n in demographics.findall("e:NationalityList/e:Nationality", NS)
        ]
        assert nationalities == [("MA", None), ("EL", None), (None, "HK")]
        assert one(contact, "e:Email/e:Contact") == "amina@example.org"
    else:  # the public profile has no birth date, citizenship or contacts to export
        assert demographics is None
        assert contact is None
    assert "family" not in texts(root)  # the permit never reaches a CV


def test_what_the_grid_cannot_hold_survives_as_text():
    root = parse(to_europass_xml(credential("cpi")))
    italian = root.find("e:LearnerInfo/e:Skills/e:Linguistic/e:ForeignLanguageList/e:ForeignLanguage", NS)
    note = one(italian, "e:AcquiredDuring/e:Experience/e:Description")
    assert "scrittura Pre-A1 (test di piazzamento, 2026-09-15)" in note
    assert "mediazione A1" in note
    assert "interazione online A2" in note
    assert italian.find("e:ProficiencyLevel/e:Writing", NS) is None

    computer = one(root, "e:LearnerInfo/e:Skills/e:Computer/e:Description")
    assert computer.startswith("DigComp 2.2 – 1.1 livello 3; 1.2 livello 4; 1.3 livello 2; 2.1 livello 6")
    assert "autovalutazione (1.1, 1.2, 1.3)" in computer
    assert "osservazione dell'operatore (2.1)" in computer

    education = first(root, "e:LearnerInfo/e:EducationList/e:Education/e:Description")
    assert "Riconoscimento in Italia: attestato di comparabilità" in education
    assert "Livello ISCED 2011: 6" in education
    other = one(root, "e:LearnerInfo/e:Skills/e:Other/e:Description")
    assert "B (MA, convertibile in Italia)" in other
    assert "CQC (IT, valida in Italia, scadenza 2030-01-01, categoria non prevista dal formato Europass)" in other
    assert "permesso UE per soggiornanti di lungo periodo (A2): attestato formalmente" in other
    assert "cittadinanza (B1): non raggiunto" in other


def test_minimal_dossier_validates_with_empty_sections_left_out(schema):
    minimal = {
        "credentialSubject": {
            "person": {"givenName": "Yusuf", "familyName": "Haddad"},
            "languages": [],
            "education": [],
            "workExperience": [],
            "skills": [],
            "drivingLicences": [],
            "digital": {},
            "italianMilestones": [],
        }
    }
    xml = to_europass_xml(minimal)
    schema.validate(xml)
    root = parse(xml)
    learner = root.find("e:LearnerInfo", NS)
    assert [child.tag.split("}")[1] for child in learner] == ["Identification"]
    assert [child.tag.split("}")[1] for child in learner.find("e:Identification", NS)] == ["PersonName"]
    assert one(root, "e:DocumentInfo/e:XSDVersion") == "V3.4"
    schema.validate(to_europass_xml({"credentialSubject": {"person": {"givenName": "Yusuf", "familyName": "Haddad"}}}))


def test_markup_in_text_is_escaped_and_read_back_literally(schema):
    snap = snapshot(givenName="Amina <b>&amp;", familyName='O\'Neil "&" <i>')
    tricky = credential("cpi", snap)
    tricky["credentialSubject"]["workExperience"][0]["employer"] = "Bar & <Grill> ]]> \x07"
    xml = to_europass_xml(tricky)
    schema.validate(xml)
    root = parse(xml)
    assert one(root, "e:LearnerInfo/e:Identification/e:PersonName/e:FirstName") == "Amina <b>&amp;"
    assert one(root, "e:LearnerInfo/e:Identification/e:PersonName/e:Surname") == 'O\'Neil "&" <i>'
    # A control character XML cannot carry is dropped rather than breaking the document.
    assert first(root, "e:LearnerInfo/e:WorkExperienceList/e:WorkExperience/e:Employer/e:Name") == "Bar & <Grill> ]]>"


@pytest.mark.parametrize("locale", ["it", "en"])
@pytest.mark.parametrize("profile", ["cpi", "public"])
def test_both_locales_validate(schema, locale, profile):
    xml = to_europass_xml(credential(profile), locale=locale)
    schema.validate(xml)
    root = parse(xml)
    assert root.get("locale") == locale
    position = first(root, "e:LearnerInfo/e:WorkExperienceList/e:WorkExperience/e:Position/e:Label")
    computer = one(root, "e:LearnerInfo/e:Skills/e:Computer/e:Description")
    if locale == "en":
        assert position == "cook"
        assert "1.1 level 3" in computer
        assert "writing Pre-A1" in texts(root)
    else:
        assert position == "cuoco/cuoca"
        assert "1.1 livello 3" in computer


def test_unknown_locale_is_refused():
    with pytest.raises(ValueError, match="locale must be one of"):
        to_europass_xml(credential("cpi"), locale="fr")


def _enumeration(xsd: Path, type_name: str) -> set[str]:
    text = xsd.read_text(encoding="utf-8")
    start = text.index(f'<xsd:simpleType name="{type_name}"')
    end = text.index("</xsd:simpleType>", start)
    return set(re.findall(r'<xsd:enumeration value="([^"]+)"', text[start:end]))


def test_embedded_code_lists_match_the_xsd():
    # The module carries the XSD's closed lists (it cannot read shared/ at run time): check for drift.
    assert COUNTRIES == _enumeration(SPECS / "included" / "EuropassISOCountries_V1.7.0.xsd", "countryCode")
    assert COUNTRIES == _enumeration(SPECS / "included" / "EuropassNationalities_V1.7.0.xsd", "nationalityCountryCode")
    languages = SPECS / "included" / "EuropassISOLanguages_V1.10.0.xsd"
    assert FOREIGN_LANGUAGES == _enumeration(languages, "foreignCode")
    assert MOTHER_LANGUAGES == _enumeration(languages, "motherCode")
    assert LICENCES == _enumeration(SPECS / "imported" / "EUDrivingLicence_V1.1.0.xsd", "drivinglicence")


_free_text = st.text(max_size=40)
_optional = st.one_of(st.none(), _free_text)


@settings(max_examples=40, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    given=_free_text,
    family=_free_text,
    employer=_optional,
    title=_optional,
    institution=_optional,
    level=st.sampled_from(["Pre-A1", "A1", "C2", "", None, "b2"]),
    country=st.sampled_from(["MA", "GR", "AQ", "", None]),
    language=st.sampled_from(["it", "prs", "wo", "la", "", None]),
    locale=st.sampled_from(["it", "en"]),
)
def test_any_text_and_codes_still_validate(
    schema, given, family, employer, title, institution, level, country, language, locale
):
    dossier = {
        "credentialSubject": {
            "person": {
                "givenName": given,
                "familyName": family,
                "citizenships": [country],
                "motherTongues": [language],
            },
            "languages": [
                {
                    "language": language,
                    "motherTongue": False,
                    "levels": {"writing": {"level": level}},
                    "certificates": [{"type": title, "exam": None, "level": level, "date": None, "issuer": employer}],
                }
            ],
            "education": [{"title": title, "institution": institution, "country": country, "eqf": level}],
            "workExperience": [{"occupation": None, "title": title, "employer": employer, "country": country}],
            "skills": [{"uri": title, "label": {}, "method": None}],
            "drivingLicences": [{"category": title, "country": country}],
            "italianMilestones": [{"code": title, "requiredLevel": level, "status": employer}],
        }
    }
    root = parse(xml := to_europass_xml(dossier, locale))
    schema.validate(xml)
    # Whatever the name, it reads back as given, less what XML 1.0 cannot carry at all, with
    # line ends as XML normalises them.
    expected = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", given)
    expected = expected.replace("\r\n", "\n").replace("\r", "\n").strip()
    assert root.findtext(".//e:FirstName", "", NS) == expected
