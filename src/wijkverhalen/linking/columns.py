"""What each column of an indicator table holds: the layout of a Wijkprofiel, CBS or map export.

Real exports mix the numbers with columns that are not indicators: identifiers
(``wijk_slug``, ``wijkcode``), the district a neighbourhood lies in (``gebied``),
themes and remarks. :func:`detect_layout` gives every column a role from its name
(compared without case, accents or punctuation) and, for the rest, from its
content (a column without a single number is text, never an indicator). The
researcher can overrule the guess with ``--area-column`` and ``--year-column``.

Four layouts are recognised:

``long``             area, [year,] indicator, value [, unit, scale, better, source, label]
``wide-years``       area, indicator, 2014, 2016, 2018, 2020
``wide-indicators``  area, [year,] <one column per indicator>   (the Wijkprofiel and CBS exports)
``wide-areas``       indicator, [year,] <one column per area>    (a detail export of one edition)

A table without a year column needs ``--year`` (the edition it is from).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import DataError

FORMS = ("long", "wide-years", "wide-indicators", "wide-areas")

# Names of year columns, in the order they are preferred when a table has several.
YEAR_NAMES = ("jaar", "year", "jaartal", "peiljaar", "periode", "perioden", "period", "editie")
DATE_NAMES = ("datum", "peildatum", "date", "publicatiedatum")
# Area columns that name neighbourhoods (preferred), then those that name districts:
# a Wijkprofiel export has wijk_naam (the neighbourhood) beside gebied (its district).
NEIGHBOURHOOD_NAMES = ("area", "areaname", "wijknaam", "wijk", "buurtnaam", "buurt", "gebiedsnaam", "regio",
                       "regionaam", "regioaanduiding", "wijkenenbuurten", "naamwijk", "wijkbuurt")
DISTRICT_NAMES = ("gebied", "gebiednaam", "stadsdeel", "district", "deelgemeente")
# The municipality of a CBS table (always Rotterdam here): context, never the area.
MUNICIPALITY_NAMES = ("gemeente", "gemeentenaam", "gemeentecode")
ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "indicator": ("indicator", "indicatorid", "indicatorcode", "kenmerk", "variabele", "id", "code"),
    "value": ("value", "waarde", "score", "percentage", "aandeel"),
    "label": ("label", "omschrijving", "indicatornaam", "indicatorlabel", "naam", "name", "description", "vraag"),
    "unit": ("unit", "eenheid"),
    "scale": ("scale", "schaal", "basis", "indexbasis", "referentie"),
    "better": ("better", "beter", "richting", "gewensterichting", "polariteit", "positief"),
    "source": ("source", "bron"),
    "edition": ("edition", "editie", "publicatie", "versie"),
}
META_ROLES = ("label", "unit", "scale", "better", "source", "edition")
# Never indicators, whatever they hold.
TEXT_NAMES = ("thema", "categorie", "domein", "toelichting", "opmerking", "opmerkingen", "soortregio", "type",
              "niveau", "status", "fid", "objectid", "postcode", "geometrie", "geometry", "indeling")
_IDENTIFIER = re.compile(r"(slug|code|codering|id|nummer|nr)$")
_YEAR_HEADER = re.compile(r"^(19|20)\d{2}(\.0)?$")


def column_key(name: Any) -> str:
    decomposed = unicodedata.normalize("NFKD", str(name))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]+", "", plain.lower())


def is_year_header(name: Any) -> bool:
    return bool(_YEAR_HEADER.match(str(name).strip()))


@dataclass(frozen=True)
class Layout:
    """The role of each column of a table."""

    form: str
    area: str | None = None  # column with the area names (not wide-areas)
    year: str | None = None  # column with the year (None: --year, or years in the headers)
    indicator: str | None = None
    value: str | None = None
    meta: dict[str, str] = field(default_factory=dict)  # role (unit, scale, ...) -> column
    value_columns: tuple[str, ...] = ()  # indicator, year or area columns holding numbers
    ignored: dict[str, str] = field(default_factory=dict)  # column -> why it is not read

    def describe(self) -> dict[str, str]:
        """Column -> what it was read as, for the import summary."""
        out: dict[str, str] = {}
        for role, col in (("area", self.area), ("year", self.year), ("indicator", self.indicator),
                          ("value", self.value), *self.meta.items()):
            if col is not None:
                out[col] = role
        kind = {"wide-years": "year", "wide-indicators": "indicator", "wide-areas": "area"}.get(self.form, "")
        for col in self.value_columns:
            out.setdefault(col, f"{kind} (numbers)" if kind else "numbers")
        out.update(self.ignored)
        return out


def _pick(columns: Sequence[str], names: Sequence[str]) -> list[str]:
    """Columns whose key is one of ``names``, in the order of ``names``."""
    keys = {c: column_key(c) for c in columns}
    return [c for name in names for c in columns if keys[c] == name]


def _named(columns: Sequence[str], wanted: str | None, option: str) -> str | None:
    if wanted is None:
        return None
    for col in columns:
        if col == wanted or column_key(col) == column_key(wanted):
            return col
    raise DataError(f"{option} '{wanted}': no such column (columns: {', '.join(columns)})")


def detect_layout(columns: Sequence[str], *, form: str = "auto", area_column: str | None = None,
                  year_column: str | None = None, resolves: Callable[[str], bool] = lambda _: False,
                  area_resolves: Callable[[str], int] = lambda _: 0) -> Layout:
    """Give each column a role.

    ``resolves(header)`` says whether a header is a known area (wide-areas tables);
    ``area_resolves(column)`` counts the values of a column that are known areas, to
    choose among identifier columns (``wijk_slug`` or ``wijkcode``).
    """
    if form not in ("auto", *FORMS):
        raise DataError(f"unknown layout '{form}' (use auto, {', '.join(FORMS)})")
    cols = list(columns)
    area = _named(cols, area_column, "--area-column")
    year = _named(cols, year_column, "--year-column")
    if year is None:
        year = next(iter(_pick([c for c in cols if c != area], YEAR_NAMES)), None)
    taken = {c for c in (area, year) if c}
    roles: dict[str, str] = {}
    for role, names in ROLE_NAMES.items():
        found = _pick([c for c in cols if c not in taken and c not in roles.values()], names)
        if found:
            roles[role] = found[0]
    year_headers = [c for c in cols if is_year_header(c) and c not in taken]
    has_numbers_by_row = "value" in roles or bool(year_headers)
    # "id" and "code" name the indicator only in a table with a value column or year headers;
    # elsewhere they are identifiers of the area.
    if "indicator" in roles and column_key(roles["indicator"]) in ("id", "code") and not has_numbers_by_row:
        del roles["indicator"]
    ignored: dict[str, str] = {c: "year (not used)" for c in _pick(cols, YEAR_NAMES)
                               if c not in taken and c not in roles.values()}
    ignored.update({c: "date" for c in _pick(cols, DATE_NAMES) if c not in taken})
    rest = [c for c in cols if c not in taken and c not in roles.values() and c not in year_headers
            and c not in ignored]
    name_cols = _pick(rest, NEIGHBOURHOOD_NAMES)
    districts = _pick(rest, DISTRICT_NAMES)
    municipality = _pick(rest, MUNICIPALITY_NAMES)
    identifiers = [c for c in rest if _IDENTIFIER.search(column_key(c)) and c not in name_cols + districts + municipality]
    if area is None and not name_cols and "indicator" not in roles and "label" in roles \
            and column_key(roles["label"]) in ("naam", "name"):
        area = roles.pop("label")  # "naam" in a table of areas (one row per area) names the area
    if area is None:
        if name_cols:
            area = name_cols[0]
        elif districts or identifiers:
            # gebied, wijk_slug or wijkcode: the one whose values the registry knows best.
            candidates = districts + identifiers
            area = max(candidates, key=lambda c: (area_resolves(c), -candidates.index(c)))
    for col in municipality:
        ignored[col] = "municipality (context)"
    for col in name_cols + districts:
        if col != area:
            ignored[col] = "district (context)" if col in districts else "area name (context)"
    for col in identifiers:
        if col != area:
            ignored[col] = "identifier"
    for col in _pick(rest, TEXT_NAMES):
        ignored.setdefault(col, "text")
    rest = [c for c in rest if c != area and c not in ignored]
    meta = {r: roles[r] for r in META_ROLES if r in roles}
    if form == "auto":
        form = _form(roles, area, year_headers, rest, resolves, cols)
    if form == "long":
        _need(form, cols, area=area, indicator=roles.get("indicator"), value=roles.get("value"))
        return Layout(form, area, year, roles["indicator"], roles["value"], meta, (roles["value"],),
                      {**ignored, **{c: "text" for c in rest + year_headers}})
    if form == "wide-years":
        _need(form, cols, area=area, indicator=roles.get("indicator"))
        if not year_headers:
            raise DataError("a wide-years table needs columns named by year (2014, 2016, ...)")
        return Layout(form, area, None, roles["indicator"], None, meta, tuple(year_headers),
                      {**ignored, **{c: "text" for c in rest}})
    if form == "wide-areas":
        _need(form, cols, indicator=roles.get("indicator"))
        areas = [c for c in [*rest, *([area] if area else [])] if resolves(c)]
        if not areas:
            raise DataError("a wide-areas table needs columns named by area (Bospolder, Rotterdam, ...)")
        return Layout(form, None, year, roles["indicator"], None, meta, tuple(areas),
                      {**ignored, **{c: "text" for c in rest if c not in areas}})
    # wide-indicators: every column left is an indicator; "value" or "indicator" columns are not expected.
    _need(form, cols, area=area)
    value_cols = [c for c in rest + [roles[r] for r in ("indicator", "value") if r in roles]
                  + year_headers if c not in meta.values()]
    value_cols = [c for c in cols if c in value_cols]
    if not value_cols:
        raise DataError("a wide-indicators table needs at least one indicator column")
    return Layout(form, area, year, None, None, meta, tuple(value_cols), ignored)


def _form(roles: dict[str, str], area: str | None, year_headers: list[str], rest: list[str],
          resolves: Callable[[str], bool], cols: list[str]) -> str:
    if "indicator" in roles and "value" in roles and area:
        return "long"
    if "indicator" in roles and year_headers and area:
        return "wide-years"
    if "indicator" in roles and any(resolves(c) for c in [*rest, *([area] if area else [])]):
        return "wide-areas"
    if area and "indicator" not in roles and "value" not in roles:
        return "wide-indicators"
    raise DataError(
        "cannot tell the layout of the table; expected columns area, year, indicator, value "
        "(long), or area, indicator and one column per year such as 2014, 2016 (wide-years), "
        "or area, year and one column per indicator (wide-indicators), or indicator and one column "
        "per area (wide-areas); name the area column with --area-column; found: " + ", ".join(cols))


def _need(form: str, cols: list[str], **roles: str | None) -> None:
    missing = [r for r, c in roles.items() if c is None]
    if missing:
        raise DataError(f"a {form} table needs column(s) {', '.join(missing)}; found: " + ", ".join(cols))
