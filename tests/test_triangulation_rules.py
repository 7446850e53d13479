"""Worked examples of the triangulation rules: small tables and codings, each verdict computed by hand.

Every test states the numbers in a comment and the verdict they lead to, so a reader can
check the rule without running the code. The series are invented (editions 2014-2020,
as the Wijkprofiel appears every two years).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from wijkverhalen.cli import cli
from wijkverhalen.linking.passages import QualEvidence, merge_spans, story_claim
from wijkverhalen.linking.quantitative import QuantEvidence, Series, quantitative, set_threshold
from wijkverhalen.linking.trends import change_over, median_step, theil_sen
from wijkverhalen.linking.triangulation import (
    AGREEMENT,
    DISSONANCE,
    PARTIAL,
    SILENCE,
    VERDICT_NL,
    ValidationOptions,
    decide,
    validate,
)
from wijkverhalen.models import Code, IndicatorLink, ParsedDocument, Sentence, Turn
from wijkverhalen.models.linking import IndicatorValue
from wijkverhalen.store import DocumentInput, Project

YEARS = [2014, 2016, 2018, 2020]


def series(values: list[float], area: str = "BoTu") -> Series:
    return Series(area, dict(zip(YEARS, values, strict=True)))


def judged(focus: list[float], rotterdam: list[float] | None = None, nprz: list[float] | None = None, *,
           aspect: str, story_years: list[int], **options: object) -> QuantEvidence:
    q = QuantEvidence("x", imported=True, focus=series(focus),
                      reference=series(rotterdam, "Rotterdam") if rotterdam else None,
                      nprz=series(nprz, "NPRZ-focuswijken") if nprz else None)
    o = ValidationOptions(**options)  # type: ignore[arg-type]
    set_threshold(q, None, o)
    return quantitative(q, aspect, story_years, o)


def stories(claim: str, respondents: int = 3) -> QualEvidence:
    direction = {"up": 1, "down": -1}.get(claim)
    return QualEvidence(passages=respondents, respondents=respondents, rated_respondents=respondents,
                        positive=respondents if claim == "up" else 0, negative=respondents if claim == "down" else 0,
                        claim=claim, direction=direction, enough=respondents >= 3)


def verdict(qual: QualEvidence, quant: QuantEvidence, aspect: str, link: int = 1) -> tuple[str, str]:
    _, found, silent, rule = decide(qual, quant, link, aspect, ValidationOptions())
    assert rule.startswith(found)  # every verdict names the rule that fired
    return found, silent


# ----------------------------------------------------------------------------- robust change


def test_theil_sen_median_of_pairwise_slopes_by_hand() -> None:
    # BoTu 40, 41, 45, 47 in 2014-2020. Pairwise slopes per year:
    #   14-16: 1/2 = 0.5   14-18: 5/4 = 1.25   14-20: 7/6 = 1.1667
    #   16-18: 4/2 = 2     16-20: 6/4 = 1.5    18-20: 2/2 = 1
    # sorted 0.5, 1, 1.1667, 1.25, 1.5, 2 -> median (1.1667 + 1.25) / 2 = 1.2083 per year;
    # times the span of 6 years: a change of 7.25.
    values = dict(zip(YEARS, [40, 41, 45, 47], strict=True))
    assert theil_sen(values) == pytest.approx(1.208333, abs=1e-5)
    assert change_over(values) == pytest.approx(7.25, abs=1e-4)
    # Edition-to-edition changes 1, 4, 2 -> median 2: the indicator's own variation.
    assert median_step(values) == 2
    assert theil_sen({2020: 5.0}) is None and median_step({2020: 5.0}) is None


# ----------------------------------------------------------------------------- level


def test_level_agreement_above_both_reference_areas() -> None:
    # BoTu 40, 44, 42, 46; steps 4, 2, 4 -> threshold 4 (median). Stories from 2020 with an
    # edition span of 1 use the editions 2019-2021: only 2020.
    # vs Rotterdam 46 - 36 = +10 >= 4 (above); vs NPRZ 46 - 31 = +15 >= 4 (above).
    # Stories say "much" (up): above both -> agreement.
    q = judged([40, 44, 42, 46], [35, 35, 36, 36], [30, 31, 30, 31], aspect="level", story_years=[2020])
    assert (q.years, q.level, q.threshold) == ([2020], 46, 4)
    assert [(c.area, c.value, c.sign) for c in q.comparisons] == [("Rotterdam", 10, 1), ("NPRZ", 15, 1)]
    assert verdict(stories("up"), q, "level") == (AGREEMENT, "")
    # A '-' link (more of the theme should go with a lower value) expects "below": dissonance.
    assert verdict(stories("up"), q, "level", link=-1) == (DISSONANCE, "")


def test_level_partial_agreement_above_nprz_below_rotterdam() -> None:
    # The seed's own pattern: "positiever dan de NPRZ-wijken, maar blijft achter bij het stedelijk
    # gemiddelde". BoTu 50, 52, 51, 53; steps 2, 1, 2 -> threshold 2.
    # 2020: vs Rotterdam 53 - 61 = -8 (below); vs NPRZ 53 - 42 = +11 (above).
    # Stories "much": above NPRZ only -> partial agreement.
    q = judged([50, 52, 51, 53], [60, 60, 61, 61], [40, 41, 41, 42], aspect="level", story_years=[2020])
    assert [(c.area, c.value, c.sign) for c in q.comparisons] == [("Rotterdam", -8, -1), ("NPRZ", 11, 1)]
    assert verdict(stories("up"), q, "level") == (PARTIAL, "")


def test_level_within_the_indicators_own_variation_is_dissonance() -> None:
    # BoTu 50, 54, 50, 54 swings 4 each edition -> threshold 4. 2020: vs Rotterdam 54 - 52 = +2,
    # less than 4: not told apart from the usual swing. Stories "much" -> dissonance.
    q = judged([50, 54, 50, 54], [52, 52, 52, 52], aspect="level", story_years=[2020])
    assert [(c.area, c.value, c.sign) for c in q.comparisons] == [("Rotterdam", 2, 0)]
    assert verdict(stories("up"), q, "level") == (DISSONANCE, "")
    # With a threshold of 1 set by the user, +2 counts as above: agreement.
    assert verdict(stories("up"), judged([50, 54, 50, 54], [52, 52, 52, 52], aspect="level",
                                         story_years=[2020], threshold=1.0), "level") == (AGREEMENT, "")


def test_level_uses_only_editions_overlapping_the_stories() -> None:
    # Stories from 2016 (span 1: 2015-2017) use the 2016 edition only:
    # vs Rotterdam 52 - 60 = -8, vs NPRZ 52 - 41 = +11 (the 2020 values play no part).
    q = judged([50, 52, 51, 53], [60, 60, 61, 61], [40, 41, 41, 42], aspect="level", story_years=[2016])
    assert q.years == [2016] and [c.value for c in q.comparisons] == [-8, 11]
    # Stories from 2012 overlap no edition (2014 is 2 years away): the indicator is silent.
    early = judged([50, 52, 51, 53], [60, 60, 61, 61], aspect="level", story_years=[2012])
    assert not early.enough and "no edition" in early.note
    assert verdict(stories("up"), early, "level") == (SILENCE, "indicator")


# ----------------------------------------------------------------------------- change


def test_change_agreement_beyond_the_city_and_nprz() -> None:
    # BoTu 40, 41, 45, 47: Theil-Sen change 7.25 (see above); steps 1, 4, 2 -> threshold 2.
    # Rotterdam 50, 50, 51, 51: slopes 0, .25, .1667, .5, .25, 0 -> median (.1667 + .25) / 2 = .2083,
    #   change 1.25; BoTu beyond it: 7.25 - 1.25 = 6 >= 2.
    # NPRZ 30, 30, 30, 31: slopes 0, 0, .1667, 0, .25, .5 -> median (0 + .1667) / 2 = .0833,
    #   change 0.5; BoTu beyond it: 7.25 - 0.5 = 6.75 >= 2.
    # Stories "more than before" (up) -> agreement.
    q = judged([40, 41, 45, 47], [50, 50, 51, 51], [30, 30, 30, 31], aspect="change", story_years=[2020])
    assert q.change == pytest.approx(7.25) and q.threshold == 2
    assert [(c.area, round(c.value, 2), c.sign) for c in q.comparisons] == [("Rotterdam", 6.0, 1), ("NPRZ", 6.75, 1)]
    assert verdict(stories("up"), q, "change") == (AGREEMENT, "")


def test_change_moving_with_the_whole_city_is_no_evidence() -> None:
    # BoTu 40, 42, 44, 46 rises 6 points, but Rotterdam (50..56) and NPRZ (30..36) rise just as much:
    # change minus Rotterdam's = 6 - 6 = 0, minus NPRZ's = 0; threshold 2 (steps 2, 2, 2).
    # A story of "more" set beside this: dissonance (the old first-to-last rule read +6 as the stories' direction).
    q = judged([40, 42, 44, 46], [50, 52, 54, 56], [30, 32, 34, 36], aspect="change", story_years=[2020])
    assert q.change == 6 and [c.value for c in q.comparisons] == [0, 0]
    assert verdict(stories("up"), q, "change") == (DISSONANCE, "")


def test_change_within_an_indicator_that_swings_is_dissonance() -> None:
    # A sociale index that swings +-10: BoTu 60, 70, 60, 70; steps 10, 10, 10 -> threshold 10.
    # Slopes 5, 0, 1.6667, -5, 0, 5 -> sorted -5, 0, 0, 1.6667, 5, 5 -> median 0.8333, change 5.
    # Rotterdam flat (change 0): 5 - 0 = 5 < 10 -> within the swing -> dissonance for "more".
    q = judged([60, 70, 60, 70], [70, 70, 70, 70], aspect="change", story_years=[2020])
    assert q.change == pytest.approx(5) and q.threshold == 10
    assert verdict(stories("up"), q, "change") == (DISSONANCE, "")
    # With --threshold 4 the same 5 points count: agreement.
    lower = judged([60, 70, 60, 70], [70, 70, 70, 70], aspect="change", story_years=[2020], threshold=4.0)
    assert verdict(stories("up"), lower, "change") == (AGREEMENT, "")


def test_change_needs_enough_editions_up_to_the_stories() -> None:
    # Stories from 2016 (+1 = 2017): editions 2014 and 2016 only, 2 < 3 needed -> the indicator is silent.
    q = judged([40, 41, 45, 47], [50, 50, 51, 51], aspect="change", story_years=[2016])
    assert q.years == [2014, 2016] and not q.enough
    assert verdict(stories("up"), q, "change") == (SILENCE, "indicator")
    # With --min-editions 2 the two editions do: 41 - 40 = +1 vs Rotterdam 0: +1, threshold 2 -> dissonance.
    two = judged([40, 41, 45, 47], [50, 50, 51, 51], aspect="change", story_years=[2016], min_editions=2)
    assert [c.value for c in two.comparisons] == [1] and verdict(stories("up"), two, "change")[0] == DISSONANCE


# ----------------------------------------------------------------------------- the stories


def test_mixed_stories_are_mixed_not_flat() -> None:
    # 2 positive and 2 negative: smaller / larger = 1 >= 0.5 -> mixed (gemengd), never "flat".
    assert story_claim(2, 2, 0, 0.5) == ("mixed", None)
    # 4 positive, 3 negative: 3/4 = 0.75 -> mixed; 3 negative, 1 positive: 1/3 < 0.5 -> down.
    assert story_claim(4, 3, 0, 0.5) == ("mixed", None) and story_claim(1, 3, 0, 0.5) == ("down", -1)
    # More passages marked mixed than one-sided ones: mixed.
    assert story_claim(1, 0, 2, 0.5) == ("mixed", None)
    q = judged([40, 44, 42, 46], [35, 35, 36, 36], aspect="level", story_years=[2020])
    mixed = QualEvidence(passages=4, respondents=3, rated_respondents=3, positive=2, negative=2, claim="mixed",
                         enough=True)
    assert verdict(mixed, q, "level") == (PARTIAL, "")


def test_overlapping_spans_merge_into_one_passage() -> None:
    # Two coders on 10-30 and a sub-code on 20-40: one passage 10-40; 40-50 only touches it.
    merged = merge_spans([(10, 30, "positive", "rel"), (10, 30, "positive", "rel"), (20, 40, "positive", "rel.sub"),
                          (40, 50, None, "rel")])
    assert [(s, e, v) for s, e, v, _ in merged] == [(10, 40, {"positive"}), (40, 50, set())]


# ----------------------------------------------------------------------------- end to end on a project

TEXT = ("R: Ik vertrouw de mensen hier. Het gaat goed met de buurt. Iedereen helpt elkaar. "
        "Volgens het wijkprofiel is het vertrouwen 46 procent. Daar ben ik blij om.\n")
CODES = [
    Code("rel", "Relaties", indicators=(IndicatorLink("lvl"),)),
    Code("rel.sub", "Vertrouwen", parent_id="rel"),
    Code("mix", "Gemengd", position=1, indicators=(IndicatorLink("lvl"),)),
    Code("cite", "Citaat", position=2, indicators=(IndicatorLink("lvl"),)),
    Code("trend", "Trend", position=3, indicators=(IndicatorLink("city", aspect="change"),)),
]
SERIES = {
    "lvl": {"BoTu": [40, 44, 42, 46], "Rotterdam": [35, 35, 36, 36], "NPRZ-focuswijken": [30, 31, 30, 31]},
    "city": {"BoTu": [40, 42, 44, 46], "Rotterdam": [50, 52, 54, 56], "NPRZ-focuswijken": [30, 32, 34, 36]},
}
PEOPLE = [("Amal", "bewoner", "2020"), ("Bas", "professional", "2020"), ("Cor", "initiatiefnemer", "2020"),
          ("Amal", "bewoner", "2021"), ("Dirk", "professional", "2020")]  # Amal twice: one respondent


def _doc(i: int, respondent: str, rol: str, jaar: str) -> DocumentInput:
    parsed = ParsedDocument(name=f"d{i}", text=TEXT + f"d{i}", format="txt", source_path=f"d{i}",
                            turns=(Turn(0, len(TEXT) - 1, 3, "R"),))
    return DocumentInput(parsed, [Sentence(3, 30, 0, "")], 20, {"respondent": respondent, "rol": rol, "jaar": jaar})


@pytest.fixture
def proj(tmp_path: Path):
    project = Project.create(tmp_path / "t.wijk", codes=CODES, coder="anna")
    project.add_documents([_doc(i + 1, *p) for i, p in enumerate(PEOPLE)], "anna")
    project.import_indicator_values(
        [IndicatorValue(ind, area, year, v, unit="%", row=n) for n, (ind, areas) in enumerate(SERIES.items())
         for area, vals in areas.items() for year, v in zip(YEARS, vals, strict=True)], file="t.csv", coder="anna")
    yield project
    project.close()


def _finding(result, code_id: str):  # type: ignore[no-untyped-def]
    return next(f for f in result.findings if f.code_id == code_id)


def test_passages_and_respondents_are_counted_once(proj: Project) -> None:
    # d1: anna and bert both code 3-30 'rel', anna codes 20-40 'rel.sub': one passage (3-40), 3 codings.
    # d2 (Bas) and d4 (Amal again) one passage each. Unique: 3 passages, 2 respondents (Amal, Bas), 5 codings.
    for coder in ("anna", "bert"):
        proj.add_coding(1, 3, 30, "rel", coder, valence="positive")
    proj.add_coding(1, 20, 40, "rel.sub", "anna", valence="positive")
    proj.add_coding(2, 3, 30, "rel", "anna", valence="positive")
    proj.add_coding(4, 3, 30, "rel", "anna", valence="positive")
    f = _finding(validate(proj), "rel")
    q = f.qual
    assert (q.passages, q.respondents, q.documents, q.codings) == (3, 2, 3, 5)
    assert q.roles == {"bewoner": 1, "professional": 1}
    # 2 respondents < 3 needed: the stories are silent.
    assert (f.verdict, f.silent, f.verdict_nl) == (SILENCE, "stories", "stil")
    assert f.rule_nl == "stil: de verhalen spreken niet (2 respondenten met een passage met valentie, 3 nodig)"
    # With --min-respondents 2: stories 2020-2021, editions 2019-2022 -> 2020 only: 46 vs Rotterdam 36 (+10)
    # and NPRZ 31 (+15), threshold 4 -> agreement; the 2021 interview is later than the last edition.
    two = _finding(validate(proj, ValidationOptions(min_respondents=2)), "rel")
    assert (two.verdict, two.verdict_nl) == (AGREEMENT, "consistent met")
    assert two.quant.years == [2020] and any("later than the last edition (2020): 2021 (1 passage)" in x for x in two.flags)
    assert "threshold 4 (median absolute edition-to-edition change of BoTu)" in two.rule
    # Dutch outputs say the same in Dutch (no "passage(s)", no "bevestigt").
    assert two.rule_nl.startswith("consistent met: BoTu ligt boven Rotterdam, NPRZ, voorbij de drempel 4")
    assert "3 passages van 2 respondenten" in two.reason_nl and "t.o.v. NPRZ +15 pt" in two.reason_nl
    assert two.flags_nl[0].startswith("verhalen van na de laatste editie (2020): 2021 (1 passage)")


def test_coders_who_disagree_make_a_mixed_passage_and_mixed_stories(proj: Project) -> None:
    # d1: anna positive, bert negative on the same span -> one mixed passage.
    # d2 positive, d3 negative, d5 positive (on 3-30, which cites nothing), d4 negative:
    # 2 positive (d2, d5), 2 negative (d3, d4), 1 mixed (d1): 2/2 >= 0.5 -> mixed -> partial agreement.
    proj.add_coding(1, 3, 30, "mix", "anna", valence="positive")
    proj.add_coding(1, 3, 30, "mix", "bert", valence="negative")
    for doc, valence in ((2, "positive"), (3, "negative"), (5, "positive"), (4, "negative")):
        proj.add_coding(doc, 3, 30, "mix", "anna", valence=valence)
    f = _finding(validate(proj), "mix")
    assert (f.qual.positive, f.qual.negative, f.qual.mixed, f.qual.claim) == (2, 2, 1, "mixed")
    assert f.verdict == PARTIAL and "mixed" in f.rule


def test_passages_citing_the_survey_are_left_out(proj: Project) -> None:
    # d1-d3 code a sentence of experience; d5 codes "Volgens het wijkprofiel is het vertrouwen 46 procent."
    # That passage reports the indicator itself: left out, listed apart. 3 passages of 3 respondents remain.
    start = TEXT.index("Volgens")
    end = TEXT.index("procent.") + len("procent.")
    for doc in (1, 2, 3):
        proj.add_coding(doc, 3, 30, "cite", "anna", valence="positive")
    proj.add_coding(5, start, end, "cite", "anna", valence="positive")
    f = _finding(validate(proj), "cite")
    assert (f.qual.passages, f.qual.respondents) == (3, 3)
    (cited,) = f.qual.citations
    assert cited.document == "d5" and "wijkprofiel" in cited.cites and "procent" in cited.cites
    assert f.verdict == AGREEMENT and any("citing the indicator or survey left out" in x for x in f.flags)


def test_change_link_from_the_codebook_and_the_cli(proj: Project, tmp_path: Path) -> None:
    # 'trend' links 'city' as a change: BoTu rises with Rotterdam and NPRZ (relative change 0) -> dissonance.
    for doc in (1, 2, 3):
        proj.add_coding(doc, 3, 30, "trend", "anna", valence="positive")
    f = _finding(validate(proj), "trend")
    assert (f.aspect, f.verdict) == ("change", DISSONANCE)
    assert "Theil-Sen +1/yr, change +6" in f.reason
    proj.close()
    runner = CliRunner()
    out = runner.invoke(cli, ["links", "add", str(proj.path), "trend", "city", "--aspect", "level"])
    assert out.exit_code == 0 and "(+, level)" in out.output
    # As a level: 2020 BoTu 46 vs Rotterdam 56 (-10), NPRZ 36 (+10), threshold 2 -> partial agreement.
    import json

    data = json.loads(runner.invoke(cli, ["validate", str(proj.path), "--json", "--no-cases"]).output)
    row = next(r for r in data["rows"] if r["code"] == "trend")
    assert (row["aspect"], row["vs_rotterdam"], row["vs_nprz"], row["verdict"]) == ("level", -10, 10, PARTIAL)
    # A per-indicator threshold of 12 (indicators describe --threshold): neither gap counts -> dissonance.
    out = runner.invoke(cli, ["indicators", "describe", str(proj.path), "city", "--threshold", "12"])
    assert out.exit_code == 0 and "threshold 12" in out.output
    data = json.loads(runner.invoke(cli, ["validate", str(proj.path), "--json", "--no-cases"]).output)
    row = next(r for r in data["rows"] if r["code"] == "trend")
    assert (row["threshold"], row["verdict"]) == (12, DISSONANCE) and "set for city" in row["rule"]
    bad = runner.invoke(cli, ["indicators", "describe", str(proj.path), "city", "--threshold", "veel"])
    assert bad.exit_code == 1 and "--threshold must be a number" in bad.output


def test_dutch_words_of_the_protocol() -> None:
    assert VERDICT_NL == {AGREEMENT: "consistent met", PARTIAL: "deels consistent", DISSONANCE: "tegenstrijdig",
                          SILENCE: "stil"}
