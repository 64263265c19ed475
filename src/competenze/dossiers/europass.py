"""A signed competence dossier (W3C VC as a dict) as a Europass XML v3.4 `SkillsPassport`.

Pure, standard library only; the output validates against Cedefop's EuropassSchema.xsd v3.4.1
(tests/specs/europass-3.4.1, a copy of the published schema). What the schema has no element for (Pre-A1, CEFR mediation
and online interaction, DigComp 1-8 levels, recognition in Italy, evidence methods, licence
categories outside the EU list) goes into the nearest free-text element instead of being lost.
Every container is attached only once it has content, so empty sections are left out.
"""

# pure core: plain data in and out; no web framework, database or JOSE (tests/test_boundaries.py)

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from competenze.dossiers.europass_codes import (
    AREAS,
    CEFR_SKILLS,
    COUNTRIES,
    COUNTRY_ALIASES,
    FOREIGN_LANGUAGES,
    GRID,
    LANGUAGE_ALIASES,
    LANGUAGE_NAMES,
    LICENCES,
    LOCALES,
    MOTHER_LANGUAGES,
    NS,
    PHRASES,
)

_CEFR_GRID = re.compile(r"[A-C][12]")  # CEFLanguageLevelType (CommonTypes.xsd), minus its empty value
_DATE = re.compile(r"(\d{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")
_EMAIL = re.compile(r"[^@]+@[^.]+\..+")  # ContactEmailContactType (ContactInformation.xsd)
_ESCO_ID = re.compile(r"[a-z0-9]{8}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{12}")  # OccupationalFieldType
# Characters XML 1.0 cannot carry at all: ElementTree would write them and break the document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class _Text:
    """Generated text in one locale: fixed phrases, and names for the dossier's code values."""

    def __init__(self, locale: str):
        self.locale, self.index = locale, LOCALES.index(locale)

    def __call__(self, key: str) -> str:
        return PHRASES[key][self.index]

    def of(self, kind: str, value) -> str:
        phrase = PHRASES.get(f"{kind}:{value}")
        return phrase[self.index] if phrase else _clean(value)


def _clean(value) -> str:
    """Text as every XML parser will read it back: ElementTree leaves a bare CR unescaped, and
    parsers turn it into LF, so line ends are normalised here rather than changed in transit."""
    text = "" if value is None else _NOT_XML.sub("", str(value))
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


# Elements are built unqualified under a root that declares the Europass namespace as default:
# ElementTree's `default_namespace=` would refuse the unqualified `locale`/`year` attributes.
def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    child = ET.SubElement(parent, tag, attrs)
    child.text = text
    return child


def _text(parent: ET.Element, tag: str, value) -> None:
    if text := _clean(value):
        _sub(parent, tag, text)


def _attach(parent: ET.Element, child: ET.Element) -> None:
    if len(child) or child.attrib:  # DateType carries its data in attributes
        parent.append(child)


def _date(parent: ET.Element, tag: str, value) -> None:
    """DateType: a required `year` attribute, then `month` as xsd:gMonth and `day` as xsd:gDay."""
    if match := _DATE.match(_clean(value)):
        date = _sub(parent, tag, year=match[1])
        if match[2]:
            date.set("month", f"--{match[2]}")
        if match[3]:
            date.set("day", f"---{match[3]}")


def _period(parent: ET.Element, start, end, ongoing: bool = False) -> None:
    period = ET.Element("Period")  # PeriodType: From, To, Current
    _date(period, "From", start)
    _date(period, "To", end)
    if ongoing and len(period) and not end:  # a job with no end date is the current one
        _sub(period, "Current", "true")
    _attach(parent, period)


def _code_or_label(parent: ET.Element, tag: str, code: str, allowed: frozenset, label: str) -> None:
    """A LabelType whose `Code` is a closed list: a code outside it survives as the free `Label`."""
    if code:
        _sub(_sub(parent, tag), "Code" if code in allowed else "Label", code if code in allowed else label)


def _country(parent: ET.Element, tag: str, value) -> None:
    code = _clean(value).upper()
    _code_or_label(parent, tag, COUNTRY_ALIASES.get(code, code), COUNTRIES, code)


def _language(parent: ET.Element, value, allowed: frozenset, t: _Text) -> None:
    code = _clean(value).lower()
    code = LANGUAGE_ALIASES.get(code, code)
    _code_or_label(parent, "Description", code, allowed, LANGUAGE_NAMES.get(code, (code, code))[t.index])


def _organisation(tag: str, name, country) -> ET.Element:
    """OrganisationType: Name, then the country at ContactInfo/Address/Contact/Country."""
    organisation = ET.Element(tag)
    _text(organisation, "Name", name)
    contact = ET.Element("Contact")
    _country(contact, "Country", country)
    if len(contact):
        _sub(_sub(organisation, "ContactInfo"), "Address").append(contact)
    return organisation


def _label(labels: dict | None, locale: str, fallback) -> str:
    """An ESCO label in the locale, else in any language we have, else the fallback."""
    labels = labels or {}
    return _clean(labels.get(locale) or next((v for v in labels.values() if v), None) or fallback)


def _document_info(credential: dict, t: _Text) -> ET.Element:
    info = ET.Element("DocumentInfo")
    _sub(info, "DocumentType", "ECV")
    issued = _clean(credential.get("validFrom"))
    if not _DATETIME.fullmatch(issued):  # both dates are required xsd:dateTime; a dossier always has one
        issued = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    _sub(info, "CreationDate", issued)
    _sub(info, "LastUpdateDate", issued)
    _sub(info, "XSDVersion", "V3.4")
    _sub(info, "Generator", "competenze")
    if dossier_id := _clean(credential.get("id")):
        _sub(info, "Comment", t("comment").format(id=dossier_id, date=issued[:10]))
    return info


def _identification(person: dict) -> ET.Element:
    """IdentificationType: PersonName, ContactInfo, Demographics (the profile already chose the fields)."""
    identification = ET.Element("Identification")
    name = ET.Element("PersonName")
    _text(name, "FirstName", person.get("givenName"))
    _text(name, "Surname", person.get("familyName"))
    _attach(identification, name)
    contact = ET.Element("ContactInfo")
    if municipality := _clean(person.get("residenceMunicipality")):
        _sub(_sub(_sub(contact, "Address"), "Contact"), "Municipality", municipality)
    if _EMAIL.fullmatch(email := _clean(person.get("email"))):
        _sub(_sub(contact, "Email"), "Contact", email)
    if phone := _clean(person.get("phone")):
        _sub(_sub(_sub(contact, "TelephoneList"), "Telephone"), "Contact", phone)
    _attach(identification, contact)
    demographics = ET.Element("Demographics")
    _date(demographics, "Birthdate", person.get("birthDate"))
    if gender := {"female": "F", "male": "M"}.get(_clean(person.get("gender"))):  # GenderCodesEnumeration
        _sub(_sub(demographics, "Gender"), "Code", gender)
    nationalities = ET.Element("NationalityList")
    for citizenship in person.get("citizenships") or []:
        _country(nationalities, "Nationality", citizenship)
    _attach(demographics, nationalities)
    _attach(identification, demographics)
    return identification


def _work(jobs: list, t: _Text) -> ET.Element:
    """WorkExperienceType: Period, Description, Position, Activities, Employer, in that order."""
    work_list = ET.Element("WorkExperienceList")
    for job in jobs:
        item = ET.Element("WorkExperience")
        _period(item, job.get("from"), job.get("to"), ongoing=True)
        if job.get("arrangement"):  # formal or informal work: no element for it
            _text(item, "Description", t.of("arrangement", job["arrangement"]))
        occupation = job.get("occupation") or {}
        position = ET.Element("Position")
        if _ESCO_ID.fullmatch(esco_id := _clean(occupation.get("uri")).rsplit("/", 1)[-1]):
            _sub(position, "Code", esco_id)  # the XSD's occupation code is the ESCO concept UUID
        labels = occupation.get("label") or {}
        _text(position, "Label", labels.get(t.locale) or job.get("title") or _label(labels, t.locale, None))
        _attach(item, position)
        _text(item, "Activities", job.get("description"))
        employer = _organisation("Employer", job.get("employer"), job.get("country"))
        if re.fullmatch(r"[A-U]", sector := _clean(job.get("sector"))):  # NACE Rev. 2 section
            _sub(_sub(employer, "Sector"), "Code", sector)
        _attach(item, employer)
        _attach(work_list, item)
    return work_list


def _education(courses: list, t: _Text) -> ET.Element:
    """EducationalExperienceType: Period, Description, Title, Organisation, Level, Field, in that order."""
    education_list = ET.Element("EducationList")
    for course in courses:
        item = ET.Element("Education")
        _period(item, course.get("startYear"), course.get("endYear"))
        # No element for the ISCED 2011 level, completion, documents or recognition in Italy.
        notes = [
            f"{t('isced')}: {_clean(course['isced'])}" if course.get("isced") is not None else "",
            t("not_completed") if course.get("completed") is False else "",
            t.of("documents", course.get("documents")),
            f"{t('recognition')}: {t.of('recognition', course['recognition'])}" if course.get("recognition") else "",
        ]
        _text(item, "Description", ". ".join(filter(None, notes)))
        _text(item, "Title", course.get("title"))
        _attach(item, _organisation("Organisation", course.get("institution"), course.get("country")))
        if (eqf := _clean(course.get("eqf"))) in set("12345678"):  # EQF_08 `level`
            level = _sub(item, "Level")
            _sub(level, "Code", eqf)
            _sub(level, "Label", f"EQF {eqf}")
        if field := _clean(course.get("fieldOfStudy")):  # free text, not an ISCED field code
            _sub(_sub(item, "Field"), "Label", field)
        _attach(education_list, item)
    return education_list


def _language_note(levels: dict, t: _Text) -> str:
    """Every level with its evidence (method, source, date), including what the grid cannot
    hold, and the latest level assessed where it differs from the evidenced one."""

    def how(observation: dict) -> str:
        return ", ".join(
            filter(
                None,
                [
                    t.of("method", observation.get("method")),
                    _clean(observation.get("source")),
                    _clean(observation.get("assessedOn")),
                ],
            )
        )

    parts = []
    for skill in dict.fromkeys([*CEFR_SKILLS, *levels]):
        observation = levels.get(skill)
        observation = {"level": observation} if isinstance(observation, str) else observation or {}
        if level := _clean(observation.get("level")):
            said = f"{t.of('skill', skill)} {level}" + (f" ({how(observation)})" if how(observation) else "")
            latest = observation.get("latest")
            if isinstance(latest, dict) and (latest_level := _clean(latest.get("level"))):
                said += f", {t('latest')} {latest_level}" + (f" ({how(latest)})" if how(latest) else "")
            parts.append(said)
    return f"{t('cefr')}: " + "; ".join(parts) if parts else ""


def _certificates(certificates: list) -> ET.Element:
    """LinguisticCertificateType: Title, AwardingBody, Date, Level (A1-C2 only)."""
    verified_by = ET.Element("VerifiedBy")
    for certificate in certificates:
        item = ET.Element("Certificate")
        level = _clean(certificate.get("level"))
        title = _clean(certificate.get("exam") or certificate.get("type"))
        gridded = bool(_CEFR_GRID.fullmatch(level))
        _text(item, "Title", title if gridded or not level else f"{title} ({level})")
        _text(item, "AwardingBody", certificate.get("issuer"))
        _date(item, "Date", certificate.get("date"))
        if gridded:
            _sub(item, "Level", level)
        _attach(verified_by, item)
    return verified_by


def _linguistic(subject: dict, t: _Text) -> ET.Element:
    """LinguisticSkillType: MotherTongueList, then ForeignLanguageList with grid and certificates."""
    languages = subject.get("languages") or []
    declared = [
        *((subject.get("person") or {}).get("motherTongues") or []),
        *(language.get("language") for language in languages if language.get("motherTongue")),
    ]
    mother_codes = list(dict.fromkeys(code for code in declared if code))
    linguistic, mothers = ET.Element("Linguistic"), ET.Element("MotherTongueList")
    for code in mother_codes:
        _language(_sub(mothers, "MotherTongue"), code, MOTHER_LANGUAGES, t)
    _attach(linguistic, mothers)
    foreign_list = ET.Element("ForeignLanguageList")
    for language in languages:
        if not (code := language.get("language")) or code in mother_codes:
            continue
        item = _sub(foreign_list, "ForeignLanguage")
        _language(item, code, FOREIGN_LANGUAGES, t)
        levels = language.get("levels") or {}
        grid = ET.Element("ProficiencyLevel")
        for skill, tag in GRID.items():
            level = levels.get(skill)
            level = _clean(level.get("level") if isinstance(level, dict) else level)
            if _CEFR_GRID.fullmatch(level):  # Pre-A1 fails here and is told in the note only
                _sub(grid, tag, level)
        _attach(item, grid)
        # ForeignLanguageSkillType has no free text of its own: LinguisticExperienceType's
        # `Description` under `AcquiredDuring` is the only per-language text the schema offers.
        if note := _language_note(levels, t):
            _sub(_sub(_sub(item, "AcquiredDuring"), "Experience"), "Description", note)
        _attach(item, _certificates(language.get("certificates") or []))
    _attach(linguistic, foreign_list)
    return linguistic


def _computer(digital: dict, t: _Text) -> ET.Element:
    """ComputerSkillType: ICTLevelType is A/B/C per area only, so the DigComp 1-8 level of each
    competence and its evidence method go into `Description`."""
    computer = ET.Element("Computer")
    competences = sorted(
        (c for c in digital.get("competences") or [] if c.get("code") and c.get("level")),
        key=lambda c: [int(p) if p.isdigit() else 0 for p in str(c["code"]).split(".")],
    )
    if competences:
        by_method: dict[str, list[str]] = {}
        for c in competences:
            by_method.setdefault(t.of("method", c.get("method")), []).append(_clean(c["code"]))
        text = f"{_clean(digital.get('framework')) or 'DigComp'} – " + "; ".join(
            f"{_clean(c['code'])} {t('level')} {_clean(c['level'])}" for c in competences
        )
        methods = "; ".join(f"{m} ({', '.join(codes)})" for m, codes in by_method.items() if m)
        _sub(computer, "Description", text + (f". {t('method')}: {methods}" if methods else ""))
    areas = {str(a.get("area")): a.get("europass") for a in digital.get("areas") or []}
    proficiency = ET.Element("ProficiencyLevel")
    for area, tag in AREAS.items():
        if areas.get(area) in ("A", "B", "C"):  # an area nobody assessed has no grade: left out
            _sub(proficiency, tag, areas[area])
    _attach(computer, proficiency)
    return computer


def _skills(subject: dict, t: _Text) -> ET.Element:
    """SkillSetType order: Linguistic, Communication, Organisational, JobRelated, Computer, Driving, Other."""
    skills = ET.Element("Skills")
    _attach(skills, _linguistic(subject, t))
    esco = [
        f"{label} ({t.of('method', s['method'])})" if s.get("method") else label
        for s in subject.get("skills") or []
        if (label := _label(s.get("label"), t.locale, s.get("uri")))
    ]
    if esco:
        _sub(_sub(skills, "JobRelated"), "Description", f"{t('esco')}: " + "; ".join(esco))
    _attach(skills, _computer(subject.get("digital") or {}, t))
    # DrivingSkillType lists EU categories only and has no text: details go to `Other`.
    driving, licences, notes = ET.Element("Driving"), ET.Element("Description"), []
    for licence in subject.get("drivingLicences") or []:
        if not (category := _clean(licence.get("category")).upper()):
            continue
        if category in LICENCES and category not in {e.text for e in licences}:
            _sub(licences, "Licence", category)
        details = [
            _clean(licence.get("country")),
            t.of("licence", licence.get("statusInItaly")),
            f"{t('valid_until')} {_clean(licence['validUntil'])}" if licence.get("validUntil") else "",
            "" if category in LICENCES else t("not_in_europass"),
        ]
        notes.append(f"{category} ({', '.join(filter(None, details))})")
    _attach(driving, licences)
    _attach(skills, driving)
    # GenericSkillType `Other` is the free text left for licence details and the Italian milestones.
    other = [f"{t('licences')}: " + "; ".join(notes)] if notes else []
    if milestones := subject.get("italianMilestones"):
        other.append(
            f"{t('milestones')}: "
            + "; ".join(
                f"{t.of('milestone', m.get('code'))} ({_clean(m.get('requiredLevel'))}): {t.of('status', m.get('status'))}"
                for m in milestones
            )
        )
    if other:
        _sub(_sub(skills, "Other"), "Description", ". ".join(other))
    return skills


def to_europass_xml(credential: dict, locale: str = "it") -> bytes:
    """The dossier as a Europass v3.4 SkillsPassport, with generated text in `locale` ("it"/"en")."""
    if locale not in LOCALES:
        raise ValueError(f"locale must be one of {LOCALES}, not {locale!r}")
    t = _Text(locale)
    subject = credential.get("credentialSubject") or {}
    root = ET.Element("SkillsPassport", {"xmlns": NS, "locale": locale})
    root.append(_document_info(credential, t))
    learner = _sub(root, "LearnerInfo")  # required, even when empty
    _attach(learner, _identification(subject.get("person") or {}))
    _attach(learner, _work(subject.get("workExperience") or [], t))
    _attach(learner, _education(subject.get("education") or [], t))
    _attach(learner, _skills(subject, t))
    ET.indent(root)  # element-only content: the whitespace means nothing to the schema
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
