"""A new code without a colour gets the palette colour that stands out from its neighbours."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from wijkverhalen.cli import cli
from wijkverhalen.codebook import DEFAULT_COLOR, PALETTE, color_distance, new_code_color
from wijkverhalen.models import Code
from wijkverhalen.store import Project

VISIBLY_APART = 15.0  # CIE76 ΔE; the closest two colours of the palette are ~18 apart


def code(code_id: str, color: str, parent: str | None = None) -> Code:
    return Code(id=code_id, label=code_id, parent_id=parent, color=color)


def test_palette_colours_are_visibly_apart() -> None:
    colours = [c for _, c in PALETTE]
    assert min(color_distance(a, b) for i, a in enumerate(colours) for b in colours[i + 1:]) > VISIBLY_APART


def test_new_code_stands_out_from_its_parent_and_siblings() -> None:
    codes = [code("a", "#3D7DD8"), code("a.x", "#3D7DD8", "a"), code("a.y", "#5A62C8", "a")]
    colour = new_code_color(codes, "a")
    assert colour not in {"#3D7DD8", "#5A62C8", DEFAULT_COLOR}
    assert min(color_distance(colour, c.color) for c in codes) > VISIBLY_APART
    # each next sibling differs from all before it, as long as the palette lasts
    for n in range(len(PALETTE) - 4):
        nxt = new_code_color(codes, "a")
        assert all(color_distance(nxt, c.color) > VISIBLY_APART for c in codes if c.parent_id == "a")
        codes.append(code(f"a.{n}", nxt, "a"))


def test_new_code_in_a_full_palette_is_still_a_palette_colour() -> None:
    codes = [code(f"c{n}", c) for n, (_, c) in enumerate(PALETTE)]
    assert new_code_color(codes) in {c for _, c in PALETTE} - {DEFAULT_COLOR}
    assert new_code_color([]) == PALETTE[0][1]


def test_cli_codebook_add_gives_each_new_code_its_own_colour(project: Project) -> None:
    path = str(Path(project.path))
    parent = project.code("relaties")
    project.close()
    for code_id, label in (("relaties.buren", "Burenhulp"), ("relaties.kerk", "Kerk")):
        result = CliRunner().invoke(cli, ["codebook", "add", path, code_id, label, "--parent", "relaties"])
        assert result.exit_code == 0, result.output
    with Project.open(path) as reopened:
        siblings = [c for c in reopened.codes() if c.parent_id == "relaties"]
        buren, kerk = reopened.code("relaties.buren"), reopened.code("relaties.kerk")
    assert color_distance(buren.color, kerk.color) > VISIBLY_APART
    assert color_distance(kerk.color, parent.color) > VISIBLY_APART
    assert all(color_distance(kerk.color, s.color) > VISIBLY_APART for s in siblings if s.id != kerk.id)
