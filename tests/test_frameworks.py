"""The framework data shipped in the package is complete and consistent, and served to staff."""

from competenze.frameworks import catalogue as fw
from tests.factories import auth


def test_cefr_has_every_descriptor_in_italian_and_english():
    cefr = fw.cefr()
    assert cefr.levels == ("Pre-A1", "A1", "A2", "B1", "B2", "C1", "C2")
    assert cefr.europass_skills == ("listening", "reading", "spoken_interaction", "spoken_production", "writing")
    assert set(cefr.skills) - set(cefr.europass_skills) == {"mediation", "online_interaction"}
    for skill in cefr.skills:
        for level in cefr.levels:
            text = cefr.descriptors[skill][level]
            assert text["it"].strip(), (skill, level)
            assert text["en"].strip(), (skill, level)


def test_digcomp_22_has_5_areas_21_competences_8_levels_and_the_europass_mapping():
    dc = fw.digcomp()
    assert [len(dc.area_competences(a)) for a in dc.areas] == [3, 6, 4, 4, 4]
    assert dc.levels == tuple(range(1, 9))
    assert dict(dc.bands.items()) == {
        "foundation": (1, 2),
        "intermediate": (3, 4),
        "advanced": (5, 6),
        "highly_specialised": (7, 8),
    }
    assert [dc.europass_of(level) for level in range(0, 9)] == [None, "A", "A", "B", "B", "C", "C", "C", "C"]
    assert all(c.title["it"] and c.title["en"] for c in dc.competences.values())


def test_questionnaire_asks_three_tasks_per_competence_in_two_languages():
    items = fw.questionnaire().items
    for code in fw.digcomp().competences:
        tiers = sorted(i.tier for i in items if i.competence == code)
        assert tiers == ["advanced", "foundation", "intermediate"], code
    assert all(i.text["it"] and i.text["en"] and len(i.text["it"]) < 200 for i in items)
    assert sorted(fw.questionnaire().scale) == [0, 1, 2, 3]


def test_qualification_scales_and_certificates():
    assert sorted(fw.eqf().labels) == list(range(1, 9))
    assert sorted(fw.isced().labels) == list(range(0, 9))
    certificates = fw.italian_certificates()
    assert {"CILS", "CELI", "PLIDA", "CERT.IT", "other"} <= set(certificates)
    assert all(level in fw.cefr().levels for c in certificates.values() for _, level in c.exams)
    assert all(certificates[c].recognised for c in ("CILS", "CELI", "PLIDA", "CERT.IT"))
    assert {"long_term_permit": "A2", "citizenship": "B1"}.items() <= {m.code: m.level for m in fw.milestones()}.items()


def test_staff_read_the_frameworks_through_the_api(client, world):
    h = auth(client, world.analyst)
    digcomp = client.get("/api/v1/frameworks/digcomp", headers=h)
    assert digcomp.status_code == 200
    assert digcomp.headers["cache-control"].startswith("private")
    assert digcomp.json()["areas"][1]["competences"][5]["code"] == "2.6"
    questionnaire = client.get("/api/v1/frameworks/digcomp/questionnaire", headers=h).json()
    assert len(questionnaire["questions"]) == 63
    cefr = client.get("/api/v1/frameworks/cefr", headers=h).json()
    assert cefr["descriptors"]["writing"]["B1"]["it"]
    certificates = client.get("/api/v1/frameworks/language-certificates", headers=h).json()
    assert any(e["name"] == "CILS UNO - B1" for c in certificates["certificates"] for e in c["exams"])
    levels = client.get("/api/v1/frameworks/qualifications", headers=h).json()
    assert [lv["level"] for lv in levels["isced"]] == list(range(9))
