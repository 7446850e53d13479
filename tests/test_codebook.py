"""Tests for the codebook loader, validator, writer and differ, and for veerkracht.yaml."""

from __future__ import annotations

import re
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wijkverhalen.codebook import (
    Codebook,
    default_codebook_path,
    diff_codebooks,
    dump_codebook,
    load_codebook,
    normalize_color,
    parse_codebook,
    validate_codebook_file,
    validate_codebook_text,
)
from wijkverhalen.errors import CodebookError
from wijkverhalen.models import Code, IndicatorLink

DATA = Path(__file__).parent / "data" / "codebooks"
REPO_CODEBOOK = Path(__file__).parents[1] / "codebook" / "veerkracht.yaml"

INDICATOR_IDS = {
    "gemeente_ondersteunt_initiatieven", "vertrouwen_gebiedsbestuur", "zelfregie",
    "contact_buren", "verbonden_buurt", "bereid_zorgen", "genoeg_ontmoetingsplekken",
    "deelname_bewonersinitiatieven", "kwaliteit_van_leven", "armoede_huishoudens",
    "moeilijk_rondkomen", "werkloosheid", "eenzaamheid", "tevreden_woning",
}
ACTOR_IDS = {
    "gemeente_rotterdam", "gebiedscommissie", "havensteder", "delfshaven_cooperatie",
    "rebelgroep", "iabr", "delfshaven_helpt", "botu12", "wijkcollectie", "veldacademie",
    "nprz", "sibd_kernteam",
}


@pytest.fixture(scope="module")
def veerkracht() -> Codebook:
    return load_codebook(default_codebook_path())


def yaml_text(body: str) -> str:
    """Dedent a YAML snippet; line 1 is the first line after the opening quotes."""
    return textwrap.dedent(body).lstrip("\n")


def first_error(body: str) -> CodebookError:
    with pytest.raises(CodebookError) as caught:
        parse_codebook(yaml_text(body), "cb.yaml")
    return caught.value


# ----------------------------------------------------------------- the shipped codebook


def test_default_path_is_the_repository_codebook_in_a_checkout() -> None:
    assert default_codebook_path().resolve() == REPO_CODEBOOK.resolve()


def test_default_path_prefers_the_packaged_resource(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "resources" / "codebook").mkdir(parents=True)
    packaged = tmp_path / "resources" / "codebook" / "veerkracht.yaml"
    packaged.write_text("codes: []\n", encoding="utf-8")
    import wijkverhalen.resources

    monkeypatch.setattr(wijkverhalen.resources, "_PACKAGE_DIR", tmp_path)  # as in a wheel
    assert default_codebook_path() == packaged


def test_shipped_codebook_metadata(veerkracht: Codebook) -> None:
    assert veerkracht.name == "Veerkracht in BoTu"
    assert veerkracht.language == "nl"
    assert veerkracht.version == "2021.2"
    assert "Bospolder-Tussendijken" in veerkracht.description


def test_shipped_top_level_branches(veerkracht: Codebook) -> None:
    assert [c.id for c in veerkracht.children(None)] == [
        "governance", "handelen", "capaciteiten", "relaties", "buurt", "netwerken", "sibd",
        "casus"]


@pytest.mark.parametrize(("code_id", "dimension", "quality"), [
    ("governance.sociaal_kapitaal", "Sociaal kapitaal", "mobiliserend vermogen"),
    ("governance.leiderschap", "Leiderschap", "verbindend vermogen"),
    ("governance.betrokken_bestuur", "Betrokken bestuur", "institutionele souplesse"),
    ("governance.probleemoplossend_vermogen", "Probleemoplossend vermogen", "betrouwbaarheid"),
    ("governance.communicatieomgeving", "Communicatieomgeving", "betrouwbaarheid"),
])
def test_governance_dimensions_carry_their_quality(veerkracht: Codebook, code_id: str,
                                                   dimension: str, quality: str) -> None:
    code = veerkracht.by_id()[code_id]
    assert code.parent_id == "governance"
    assert code.label.startswith(dimension)
    assert quality in code.label


def test_governance_dimensions_are_in_the_seed_order(veerkracht: Codebook) -> None:
    assert [c.id for c in veerkracht.children("governance")][:5] == [
        "governance.sociaal_kapitaal", "governance.leiderschap", "governance.betrokken_bestuur",
        "governance.probleemoplossend_vermogen", "governance.communicatieomgeving"]


@pytest.mark.parametrize(("code_id", "label"), [
    ("handelen.potentieel", "Potentieel handelen"),
    ("handelen.effectief", "Effectief handelen (gemeenschapsveerkracht)"),
    ("handelen.stressor", "Stressor"),
    ("capaciteiten.zelfregie", "Zelfregie"),
    ("capaciteiten.mentaliteit", "Mentaliteit"),
    ("capaciteiten.vaardigheden", "Vaardigheden"),
    ("relaties.sociaal_kapitaal", "Sociaal kapitaal"),
    ("relaties.samenhang", "Sociale samenhang"),
    ("relaties.vertrouwen", "Onderling vertrouwen"),
    ("relaties.gedeelde_opvattingen", "Gedeelde opvattingen"),
    ("buurt.infrastructuur", "Sociaal-fysieke infrastructuur"),
    ("buurt.ondersteuning_instituties", "Ondersteuning vanuit instituties"),
    ("buurt.kwetsbaarheid", "Kwetsbaarheid van de buurt"),
    ("netwerken.bestaand", "Bestaande netwerken"),
    ("netwerken.nieuwe_coalities", "Nieuwe coalities"),
    ("netwerken.inclusiviteit", "Inclusiviteit / niet bereikt"),
    ("netwerken.subsidieafhankelijkheid", "Afhankelijkheid van subsidies"),
    ("sibd.open_oproep", "Open oproep"),
    ("sibd.kernteam", "Kernteam en beoordeling"),
    ("sibd.botu12", "BoTu12"),
    ("sibd.fasering", "Fasering en tempo"),
    ("sibd.financiering", "Financiering en privaat kapitaal"),
    ("sibd.kaders_regelgeving", "Kaders en regelgeving: speelruimte samen bepalen"),
    ("delfshaven_helpt.samenwerking", "Samenwerking formeel en informeel"),
    ("delfshaven_helpt.inclusiviteit", "Inclusiviteit / niet bereikt"),
])
def test_resilience_factors_and_inventories(veerkracht: Codebook, code_id: str,
                                            label: str) -> None:
    code = veerkracht.by_id()[code_id]
    assert code.label == label
    assert code.parent_id == code_id.rsplit(".", 1)[0]


# Codes that moved to another parent keep their id (ids are stable): code -> new parent.
MOVED = {"delfshaven_helpt": "casus", "sibd.verkokering": "governance"}


def test_shipped_codes_are_complete(veerkracht: Codebook) -> None:
    assert 35 <= len(veerkracht.codes) <= 60
    ids = [c.id for c in veerkracht.codes]
    assert len(ids) == len(set(ids))
    for code in veerkracht.codes:
        assert re.fullmatch(r"[a-z0-9][a-z0-9_.]*", code.id), code.id
        if code.id in MOVED:  # moved codes keep their id; the tree says where they sit
            assert code.parent_id == MOVED[code.id], code.id
        elif code.parent_id:  # otherwise ids nest like the tree
            assert code.id.startswith(code.parent_id + "."), code.id
        for field in ("label", "gloss", "definition", "include", "exclude", "example"):
            assert getattr(code, field).strip(), f"{code.id} has no {field}"
        assert code.keywords, f"{code.id} has no keywords"
        assert all(k == k.lower() for k in code.keywords)


def test_shipped_positions_follow_the_file(veerkracht: Codebook) -> None:
    for parent in {None, *(c.id for c in veerkracht.codes)}:
        assert [c.position for c in veerkracht.children(parent)] == list(
            range(len(veerkracht.children(parent))))


def test_shipped_indicator_and_actor_ids(veerkracht: Codebook) -> None:
    used_indicators = {link.indicator for c in veerkracht.codes for link in c.indicators}
    assert used_indicators == INDICATOR_IDS  # every indicator of the table has a code
    assert {link.direction for c in veerkracht.codes for link in c.indicators} == {"+", "-"}
    assert {a for c in veerkracht.codes for a in c.actors} <= ACTOR_IDS
    kwetsbaar = veerkracht.by_id()["buurt.kwetsbaarheid"]
    assert IndicatorLink("kwaliteit_van_leven", "-", hypothesis=True) in kwetsbaar.indicators


def _luminance(color: str) -> float:
    channels = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_shipped_colours(veerkracht: Codebook) -> None:
    by_id = veerkracht.by_id()
    roots = veerkracht.children(None)
    assert len({c.color for c in roots}) == len(roots)  # one colour per branch
    for code in veerkracht.codes:
        assert re.fullmatch(r"#[0-9A-F]{6}", code.color), code.id
        root = code
        while root.parent_id:
            root = by_id[root.parent_id]
        assert code.color == root.color  # sub-codes carry their branch colour
        lum = _luminance(code.color)
        # WCAG contrast of at least 3:1 against both a black and a white terminal.
        assert (lum + 0.05) / 0.05 >= 3 and 1.05 / (lum + 0.05) >= 3, code.color


def test_shipped_keywords_are_spacy_lemmas(veerkracht: Codebook) -> None:
    spacy = pytest.importorskip("spacy")
    pytest.importorskip("spacy_lookups_data")
    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    not_lemmas = {}
    for code in veerkracht.codes:
        for keyword in code.keywords:
            lemma = " ".join(token.lemma_.lower() for token in nlp(keyword))
            if lemma != keyword:
                not_lemmas[keyword] = lemma
    assert not_lemmas == {}
    assert nlp("vrijwilligers")[0].lemma_ in veerkracht.by_id()[
        "handelen.effectief"].keywords


# ----------------------------------------------------------------- parsing


def test_minimal_fixture_parses_with_tree_and_links() -> None:
    cb = load_codebook(DATA / "minimal.yaml")
    assert [(c.id, c.parent_id, c.position) for c in cb.codes] == [
        ("wonen", None, 0), ("wonen.schimmel", "wonen", 0), ("werk", None, 1)]
    schimmel = cb.by_id()["wonen.schimmel"]
    assert schimmel.indicators == (IndicatorLink("tevreden_woning", "+"),
                                   IndicatorLink("kwaliteit_van_leven", "-"))
    assert schimmel.color == "#8C5FD3"  # inherited from its parent
    assert cb.by_id()["werk"].color == "#888888"
    assert cb.by_id()["wonen"].keywords == ("woning", "huis")
    assert [c.id for c in cb.children("wonen")] == ["wonen.schimmel"]


def test_parse_tidies_and_keeps_written_text() -> None:
    cb = parse_codebook(yaml_text("""
        name: Test
        version: 1.10
        codes:
          - id: a
            label: "  Armoede  "
            color: "#abc"
            keywords: [Geld, " geld ", Voedsel Bank]
            definition: |
              Regel één.
              Regel twee.
    """))
    code = cb.codes[0]
    assert cb.version == "1.10"  # as written, not the float 1.1
    assert cb.language == "nl"
    assert code.label == "Armoede"
    assert code.color == "#abc"  # validated, kept as written
    assert code.keywords == ("geld", "voedsel bank")
    assert code.definition == "Regel één.\nRegel twee."


def test_empty_codes_list_is_a_valid_codebook() -> None:
    assert parse_codebook("name: Leeg\ncodes: []\n").codes == ()


def test_normalize_color() -> None:
    assert normalize_color("#fa0") == "#FFAA00"
    assert normalize_color(" #3d7dd8 ") == "#3D7DD8"
    assert normalize_color("3d7dd8") is None
    assert normalize_color("#12345") is None
    assert normalize_color("red") is None


# ----------------------------------------------------------------- errors, one per kind


def test_error_yaml_syntax_names_line_and_column() -> None:
    error = first_error("""
        name: x
        codes:
          - id: a
            label: [unclosed
          - id: b
    """)
    assert error.path == "cb.yaml"
    assert "YAML syntax error" in error.message
    assert "expected ',' or ']'" in error.message
    assert (error.line, error.column) == (5, 7)  # the first token that cannot close the list
    assert str(error).startswith("cb.yaml:5:7: ")


def test_error_colon_in_plain_text_gets_a_hint() -> None:
    error = first_error("""
        codes:
          - id: a
            label: A
            exclude: Wat mensen hebben: contacten
    """)
    assert (error.line, error.column) == (4, 31)
    assert "quote text that contains ': '" in error.message


def test_error_unquoted_minus_direction_gets_a_hint() -> None:
    error = first_error("""
        codes:
          - id: a
            label: A
            indicators:
              - {id: eenzaamheid, direction: "+"}
              - id: werkloosheid
                direction: -
    """)
    assert error.line == 7
    assert "direction: \"-\"" in error.message


def test_error_top_level_not_a_mapping() -> None:
    error = first_error("""
        - id: a
          label: A
    """)
    assert (error.line, error.column) == (1, 1)
    assert "top level must be a mapping" in error.message
    assert "not a list" in error.message


def test_error_empty_file() -> None:
    error = first_error("# alleen commentaar\n")
    assert error.line == 1
    assert "empty" in error.message


def test_error_missing_codes() -> None:
    error = first_error("""
        name: x
        version: "1"
    """)
    assert error.line == 1
    assert "missing key 'codes'" in error.message


def test_error_unknown_top_level_key_names_key_and_allowed_keys() -> None:
    error = first_error("""
        name: x
        autor: Anna
        codes: []
    """)
    assert (error.line, error.column) == (2, 1)
    assert "unknown key 'autor'" in error.message
    assert "allowed keys: name, version, language, description, codes" in error.message


def test_error_unknown_code_key_suggests_the_right_one() -> None:
    error = first_error("""
        codes:
          - id: a
            label: A
            colour: "#fff"
    """)
    assert (error.line, error.column) == (4, 5)
    assert "unknown key 'colour' in code 'a'" in error.message
    assert "did you mean 'color'?" in error.message
    assert "keywords" in error.message and "children" in error.message


def test_error_missing_id() -> None:
    error = first_error("""
        codes:
          - id: a
            label: A
          - label: B
            gloss: no id here
    """)
    assert (error.line, error.column) == (4, 5)
    assert "code without an id" in error.message


def test_error_missing_label_names_the_code() -> None:
    error = first_error("""
        codes:
          - id: a
            gloss: A
    """)
    assert (error.line, error.column) == (2, 5)
    assert "code 'a' has no label" in error.message


def test_error_empty_label() -> None:
    error = first_error("""
        codes:
          - id: a
            label: ""
    """)
    assert (error.line, error.column) == (3, 12)
    assert "label is empty" in error.message


@pytest.mark.parametrize("bad_id", ["Relaties", "relaties vertrouwen", ".a", "_a", "a/b"])
def test_error_id_not_a_slug(bad_id: str) -> None:
    error = first_error(f"""
        codes:
          - id: a
            label: A
          - id: "{bad_id}"
            label: B
    """)
    assert (error.line, error.column) == (4, 9)
    assert f"code id {bad_id!r} is not a slug" in error.message


def test_error_duplicate_id_names_both_lines() -> None:
    error = first_error("""
        codes:
          - id: relaties
            label: Relaties
            children:
              - id: relaties.vertrouwen
                label: Vertrouwen
          - id: buurt
            label: Buurt
            children:
              - id: relaties.vertrouwen
                label: Nog eens
    """)
    assert (error.line, error.column) == (10, 13)
    assert "duplicate code id 'relaties.vertrouwen' (first defined on line 5)" in error.message


def test_error_duplicate_key_in_a_code() -> None:
    error = first_error("""
        codes:
          - id: a
            label: A
            label: B
    """)
    assert error.line == 4
    assert "duplicate key 'label' in code 'a' (first on line 3)" in error.message


@pytest.mark.parametrize("color", ["#12345", "#GGGGGG", "blue", "3D7DD8", "#3D7DD8FF"])
def test_error_bad_colour(color: str) -> None:
    error = first_error(f"""
        codes:
          - id: a
            label: A
            color: "{color}"
    """)
    assert (error.line, error.column) == (4, 12)
    assert f"color {color!r} is not #RGB or #RRGGBB" in error.message


def test_error_unquoted_colour_explains_the_comment() -> None:
    error = first_error("""
        codes:
          - id: a
            label: A
            color: #3D7DD8
    """)
    assert (error.line, error.column) == (4, 11)
    assert "an unquoted # starts a YAML comment" in error.message


def test_error_children_not_a_list() -> None:
    error = first_error("""
        codes:
          - id: a
            label: A
            children: b
    """)
    assert (error.line, error.column) == (4, 15)
    assert "children must be a list of codes" in error.message


def test_error_code_entry_not_a_mapping() -> None:
    error = first_error("""
        codes:
          - id: a
            label: A
            children:
              - vertrouwen
    """)
    assert (error.line, error.column) == (5, 9)
    assert "a code must be a mapping" in error.message
    assert "'vertrouwen'" in error.message


def test_error_codes_is_a_mapping() -> None:
    error = first_error("""
        name: x
        codes:
          id: a
          label: A
    """)
    assert (error.line, error.column) == (3, 3)
    assert "codes must be a list of codes" in error.message


def test_error_keywords_not_a_list() -> None:
    error = first_error("""
        codes:
          - id: a
            label: A
            keywords: vertrouwen, helpen
    """)
    assert (error.line, error.column) == (4, 15)
    assert "keywords must be a list" in error.message


def test_error_keyword_not_a_string() -> None:
    error = first_error("""
        codes:
          - id: a
            label: A
            keywords:
              - vertrouwen
              - {lemma: helpen}
    """)
    assert (error.line, error.column) == (6, 9)
    assert "every entry of keywords must be text" in error.message


def test_error_indicator_direction() -> None:
    error = first_error("""
        codes:
          - id: a
            label: A
            indicators:
              - {id: eenzaamheid, direction: up}
    """)
    assert (error.line, error.column) == (5, 38)
    assert "direction must be \"+\" or \"-\", not 'up'" in error.message


def test_error_indicator_unknown_key_and_missing_id() -> None:
    errors = validate_codebook_text(yaml_text("""
        codes:
          - id: a
            label: A
            indicators:
              - {indicator: eenzaamheid}
    """))
    assert [(e.line, e.column) for e in errors] == [(5, 9), (5, 10)]
    assert "indicator without an id" in errors[0].message
    assert "unknown key 'indicator' in an indicator" in errors[1].message


def test_error_actor_not_a_slug() -> None:
    error = first_error("""
        codes:
          - id: a
            label: A
            actors: [havensteder, Gemeente Rotterdam]
    """)
    assert (error.line, error.column) == (4, 27)
    assert "actor id 'Gemeente Rotterdam' is not a slug" in error.message


def test_error_label_of_the_wrong_type() -> None:
    error = first_error("""
        codes:
          - id: a
            label:
              - Armoede
              - Geld
    """)
    assert (error.line, error.column) == (4, 7)
    assert "label must be text, not a list" in error.message


def test_error_metadata_of_the_wrong_type() -> None:
    error = first_error("""
        name: {nl: Veerkracht}
        codes: []
    """)
    assert (error.line, error.column) == (1, 7)
    assert "name must be text, not a mapping" in error.message


def test_errors_are_one_line() -> None:
    for error in validate_codebook_text("codes:\n  - id: a\n    label: |\n      twee\n"
                                        "      regels\n    kleur: x\n", "cb.yaml"):
        assert "\n" not in str(error)


# ----------------------------------------------------------------- all errors, files


def test_validate_returns_all_errors_in_document_order() -> None:
    text = yaml_text("""
        name: x
        foo: 1
        codes:
          - id: Bad
            label: A
          - id: b
            label: [B]
            color: "red"
          - id: c
            label: C
            children:
              - id: b
                label: dup
              - id: d
                indicators: [{id: x, direction: omhoog}]
    """)
    errors = validate_codebook_text(text, "cb.yaml")
    assert [(e.line, e.column) for e in errors] == [
        (2, 1), (4, 9), (7, 12), (8, 12), (12, 13), (14, 9), (15, 41)]
    assert "unknown key 'foo'" in errors[0].message
    assert "duplicate code id 'b' (first defined on line 6)" in errors[4].message
    assert "code 'd' has no label" in errors[5].message
    with pytest.raises(CodebookError) as caught:
        parse_codebook(text, "cb.yaml")
    assert str(caught.value) == str(errors[0])


def test_validate_valid_text_is_empty(veerkracht: Codebook) -> None:
    assert validate_codebook_text(REPO_CODEBOOK.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("bad_*.yaml")))
def test_bad_fixture_files(name: str) -> None:
    """Each bad fixture says on its first line where its (first) error is."""
    path = DATA / name
    first = path.read_bytes().split(b"\n", 1)[0].decode("ascii")
    expected = re.fullmatch(r"# expect: (\d+):(\d+) (.+)", first)
    assert expected, f"{name} lacks an '# expect: LINE:COL text' header"
    errors = validate_codebook_file(path)
    assert errors
    assert (errors[0].line, errors[0].column) == (int(expected[1]), int(expected[2]))
    assert expected[3] in errors[0].message
    assert errors[0].path == str(path)
    with pytest.raises(CodebookError):
        load_codebook(path)


def test_missing_file_is_a_codebook_error(tmp_path: Path) -> None:
    with pytest.raises(CodebookError) as caught:
        load_codebook(tmp_path / "nope.yaml")
    assert caught.value.path == str(tmp_path / "nope.yaml")
    assert len(validate_codebook_file(tmp_path / "nope.yaml")) == 1


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffname: Coöperatie\ncodes: []\n".encode())
    assert load_codebook(path).name == "Coöperatie"


# ----------------------------------------------------------------- writing


def test_round_trip_of_the_shipped_codebook(veerkracht: Codebook) -> None:
    text = dump_codebook(veerkracht)
    assert parse_codebook(text) == veerkracht
    assert "financiële" in text and "continuïteit" in text  # Dutch stays readable
    assert "\\x" not in text and "\\u" not in text
    assert "keywords: [gemeente, overheid" in text
    assert '- {id: kwaliteit_van_leven, direction: "-", hypothesis: true}' in text
    assert '- {id: tevreden_woning, direction: "-"}' in text  # a pairing of the seed


def test_dump_omits_empty_fields_and_inherited_colours() -> None:
    cb = load_codebook(DATA / "minimal.yaml")
    text = dump_codebook(cb)
    assert text.count("color:") == 1  # the sub-code inherits it
    assert "gloss" not in text and "memo" not in text and "actors" not in text
    assert text.startswith('name: Minimaal\nversion: "0.1"\nlanguage: nl\n')
    assert "\n\n  - id: werk" in text  # a blank line between top-level codes


def test_dump_from_store_codes_in_any_order() -> None:
    codes = [
        Code(id="b", label="B", position=1, color="#123456"),
        Code(id="a.x", label="AX", parent_id="a", position=0, color="#654321",
             memo="eerste\ntweede", keywords=("geld",)),
        Code(id="a", label="A", position=0, color="#654321",
             indicators=(IndicatorLink("werkloosheid", "-"),), actors=("nprz",)),
    ]
    text = dump_codebook(codes, name="Uit project", version="3", header="Export\nvan test")
    assert text.startswith("# Export\n# van test\n\nname: Uit project\n")
    cb = parse_codebook(text)
    assert (cb.name, cb.version) == ("Uit project", "3")
    assert [c.id for c in cb.codes] == ["a", "a.x", "b"]
    assert set(cb.codes) == set(codes)


def test_dump_refuses_an_unknown_parent() -> None:
    with pytest.raises(CodebookError, match="'weg'"):
        dump_codebook([Code(id="a", label="A", parent_id="weg")])


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
                              blacklist_characters="\ufeff\x85") | st.just("\n"),
                max_size=40).map(str.strip)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(label=_TEXT.filter(bool), definition=_TEXT, example=_TEXT,
       keyword=st.from_regex(r"[a-zë ]{1,12}", fullmatch=True).map(lambda s: " ".join(s.split())))
def test_round_trip_of_arbitrary_text(label: str, definition: str, example: str,
                                      keyword: str) -> None:
    code = Code(id="a", label=label, definition=definition, example=example,
                keywords=(keyword,) if keyword else (), color="#AABBCC")
    cb = Codebook(name="n", version="1", description="", language="nl", codes=(code,))
    assert parse_codebook(dump_codebook(cb)) == cb


# ----------------------------------------------------------------- comparing


def test_diff_reports_added_removed_changed_moved() -> None:
    old = parse_codebook(yaml_text("""
        codes:
          - id: a
            label: A
            children:
              - id: a.x
                label: X
              - id: a.y
                label: Y
          - id: b
            label: B
          - id: c
            label: C
    """))
    new_codes = [replace(c, label="Bee") if c.id == "b" else c for c in old.codes
                 if c.id != "c"]
    new_codes = [replace(c, parent_id="b", position=0) if c.id == "a.y" else c
                 for c in new_codes]
    new_codes.append(Code(id="d", label="D", position=2))
    diff = diff_codebooks(old, new_codes)
    assert diff.added == ("d",)
    assert diff.removed == ("c",)
    assert [(ch.id, ch.fields) for ch in diff.changed] == [("b", ("label",))]
    assert diff.moved == ("a.y",)
    assert diff.summary() == "1 added, 1 removed, 1 changed, 1 moved"
    assert not diff.is_empty


def test_diff_insertion_is_not_a_move_but_reordering_is() -> None:
    old = [Code(id="a", label="A", position=0), Code(id="b", label="B", position=1)]
    inserted = [Code(id="n", label="N", position=0), Code(id="a", label="A", position=1),
                Code(id="b", label="B", position=2)]
    assert diff_codebooks(old, inserted).moved == ()
    swapped = [Code(id="b", label="B", position=0), Code(id="a", label="A", position=1)]
    assert set(diff_codebooks(old, swapped).moved) == {"a", "b"}
    assert diff_codebooks(old, old).is_empty
