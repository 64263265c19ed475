"""ESCO catalogue: import of the official CSV layout, idempotency, search, concept detail."""

import json
from pathlib import Path

import pytest
from sqlmodel import func, select

from competenze.frameworks.esco.importer import EscoImportError, builtin_directory, import_directory
from competenze.frameworks.esco.models import EscoConcept, EscoLabel, EscoRelation, EscoTerm
from tests.factories import auth
from tests.test_cli import run

FIXTURE = Path(__file__).parent / "fixtures" / "esco"
OCC, SKILL = "http://data.europa.eu/esco/occupation/", "http://data.europa.eu/esco/skill/"


def _counts(db) -> dict[str, int]:
    return {
        m.__tablename__: db.exec(select(func.count()).select_from(m)).one()
        for m in (EscoConcept, EscoLabel, EscoTerm, EscoRelation)
    }


@pytest.fixture
def catalogue(db):
    report = import_directory(db, FIXTURE)
    db.commit()
    return report


def test_import_reads_every_language_multiline_labels_and_quotes(db, catalogue):
    assert catalogue.as_dict()["languages"] == ["en", "fr", "it"]
    assert (catalogue.occupations, catalogue.skills) == (3, 5)
    # The relation to a skill missing from the files is skipped, the others kept.
    assert catalogue.relations == 7
    assert catalogue.skipped == 1
    alt = set(
        db.exec(
            select(EscoLabel.label).where(
                EscoLabel.concept_uri == OCC + "test-care", EscoLabel.lang == "it", EscoLabel.kind == "alt"
            )
        ).all()
    )
    assert alt == {"badante", "operatore socio-sanitario domiciliare"}
    description = db.exec(
        select(EscoLabel.description).where(
            EscoLabel.concept_uri == OCC + "test-cook", EscoLabel.lang == "en", EscoLabel.kind == "preferred"
        )
    ).one()
    assert description == 'Prepares food; uses "mise en place", knives, etc.'
    assert db.get(EscoConcept, OCC + "test-cook").isco_group == "5120"


def test_import_is_idempotent(db, catalogue):
    before = _counts(db)
    again = import_directory(db, FIXTURE)
    db.commit()
    assert _counts(db) == before
    assert (again.occupations, again.skills, again.relations) == (3, 5, 7)


def test_import_refuses_a_folder_without_esco_files_and_names_missing_columns(db, tmp_path):
    with pytest.raises(EscoImportError, match="holds no"):
        import_directory(db, tmp_path)
    (tmp_path / "skills_en.csv").write_text("conceptUri,foo\nx,y\n")
    with pytest.raises(EscoImportError, match="preferredLabel"):
        import_directory(db, tmp_path)


def test_the_shipped_subset_has_real_uris_labels_in_two_languages_and_essential_skills(db):
    report = import_directory(db, builtin_directory())
    db.commit()
    assert report.occupations >= 60
    assert report.skipped == 0
    assert set(report.as_dict()["languages"]) == {"en", "it"}
    occupations = db.exec(select(EscoConcept).where(EscoConcept.kind == "occupation")).all()
    assert all(o.isco_group and len(o.isco_group) == 4 for o in occupations)
    with_skills = set(
        db.exec(select(EscoRelation.occupation_uri).where(EscoRelation.relation_type == "essential")).all()
    )
    assert {o.uri for o in occupations} == with_skills
    italian = db.exec(
        select(func.count()).select_from(EscoLabel).where(EscoLabel.lang == "it", EscoLabel.kind == "preferred")
    ).one()
    assert italian == report.occupations + report.skills
    assert "Italian labels" in builtin_directory().joinpath("SOURCES.md").read_text()


def test_cli_import_reports_in_one_line_or_json(settings, tmp_path):
    result = run(settings, "esco", "import", str(FIXTURE), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["occupations"] == 3
    bad = run(settings, "esco", "import", str(tmp_path))
    assert bad.returncode == 2
    assert "holds no" in bad.stderr
    assert "Traceback" not in bad.stderr


def _search(client, headers, **params):
    response = client.get("/api/v1/esco/search", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [hit["uri"] for hit in response.json()["items"]]


def test_search_by_word_prefix_in_any_language_accent_and_case_insensitive(client, world, catalogue):
    h = auth(client, world.counsellor_a)
    assert _search(client, h, q="cuoc") == [OCC + "test-cook"]
    assert _search(client, h, q="BADANTE") == [OCC + "test-care"]  # an Italian alternative label
    assert _search(client, h, q="decoupe") == [SKILL + "test-knife"]  # French "découper", no accent typed
    assert _search(client, h, q="carrello elev") == [SKILL + "test-forklift"]  # every word must match
    assert _search(client, h, q="carrello cuoco") == []
    assert OCC + "test-warehouse" in _search(client, h, q="picking")
    # Words start words: "ook" is inside "cook" but starts nothing.
    assert _search(client, h, q="ook") == []


def test_search_filters_and_ranks_preferred_labels_first(client, world, catalogue):
    h = auth(client, world.counsellor_a)
    assert _search(client, h, q="hygiene", type="occupation") == []
    assert _search(client, h, q="igiene", type="skill", lang="en") == []
    hits = client.get("/api/v1/esco/search", params={"q": "stock"}, headers=h).json()["items"]
    # "stock management" (a preferred label) before "stock handler" (an alternative label).
    assert [hit["uri"] for hit in hits] == [SKILL + "test-stock", OCC + "test-warehouse"]
    assert hits[1]["preferred"]["it"] == "magazziniere/magazziniera"


def test_search_needs_two_letters_and_a_known_language(client, world, catalogue):
    h = auth(client, world.counsellor_a)
    short = client.get("/api/v1/esco/search", params={"q": "a "}, headers=h)
    assert short.status_code == 422
    assert "q" in short.json()["detail"]
    unknown = client.get("/api/v1/esco/search", params={"q": "cook", "lang": "xx"}, headers=h)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "query.lang"


def test_concept_detail_lists_labels_and_essential_skills(client, world, catalogue):
    h = auth(client, world.counsellor_a)
    body = client.get("/api/v1/esco/concept", params={"uri": OCC + "test-cook"}, headers=h).json()
    assert body["preferred"] == {"en": "cook", "it": "cuoco/cuoca"}
    assert sorted(s["uri"] for s in body["essential_skills"]) == [SKILL + "test-hygiene", SKILL + "test-knife"]
    assert body["optional_skills"][0]["preferred"]["en"] == "stock management"
    assert "line cook" in body["alternative"]["en"]
    missing = client.get("/api/v1/esco/concept", params={"uri": OCC + "nope"}, headers=h)
    assert missing.status_code == 404
