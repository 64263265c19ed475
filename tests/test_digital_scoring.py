"""DigComp questionnaire scoring and area levels (pure), property-based where it pays."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competenze.assessments.digital.scoring import MAX_SELF_ASSESSED, IncompleteAnswers, areas, score
from competenze.frameworks.catalogue import digcomp, questionnaire

ITEMS = [item.id for item in questionnaire().items]
sheets = st.fixed_dictionaries({item: st.integers(0, 3) for item in ITEMS})


@settings(max_examples=200, derandomize=True)
@given(sheets)
def test_every_full_sheet_gives_a_level_in_range_for_every_competence(sheet):
    levels = score(sheet)
    assert set(levels) == set(digcomp().competences)
    assert all(0 <= level <= MAX_SELF_ASSESSED for level in levels.values())


@settings(max_examples=200, derandomize=True)
@given(sheets, st.sampled_from(ITEMS))
def test_a_better_answer_never_lowers_a_level(sheet, item):
    if sheet[item] == 3:
        return
    better = {**sheet, item: sheet[item] + 1}
    before, after = score(sheet), score(better)
    assert all(after[c] >= before[c] for c in before)
    competence = next(i.competence for i in questionnaire().items if i.id == item)
    assert all(after[c] == before[c] for c in before if c != competence)


def test_anchor_points_of_the_scale():
    nothing = score(dict.fromkeys(ITEMS, 0))
    assert set(nothing.values()) == {0}
    everything = score(dict.fromkeys(ITEMS, 3))
    assert set(everything.values()) == {6}
    # Only the simple task, on one's own: foundation level 2.
    simple = {f"1.1-{t}": a for t, a in (("a", 2), ("b", 0), ("c", 0))}
    assert score(simple) == {"1.1": 2}
    # The advanced task on one's own: level 5, whatever the simpler ones say.
    assert score({"1.1-a": 0, "1.1-b": 0, "1.1-c": 2}) == {"1.1": 5}


def test_partial_answers_of_a_competence_are_refused():
    with pytest.raises(IncompleteAnswers, match="1.2"):
        score({"1.2-a": 1})
    with pytest.raises(IncompleteAnswers, match="unknown"):
        score({"9.9-a": 1})


@settings(max_examples=100, derandomize=True)
@given(st.dictionaries(st.sampled_from(sorted(digcomp().competences)), st.integers(0, 8)))
def test_area_level_is_a_level_of_the_area_and_europass_follows_it(levels):
    for result in areas(levels):
        codes = digcomp().area_competences(result.area)
        values = [levels[c] for c in codes if c in levels]
        assert result.assessed == len(values)
        assert result.total == len(codes)
        if not values:
            assert result.level is None
            assert result.europass is None
            continue
        assert result.level in values
        # The lower median: at least half the assessed competences are at this level or above.
        assert sum(v >= result.level for v in values) * 2 >= len(values)
        expected = None if result.level == 0 else "A" if result.level <= 2 else "B" if result.level <= 4 else "C"
        assert result.europass == expected
