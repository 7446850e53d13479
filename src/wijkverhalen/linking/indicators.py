"""Read Wijkprofiel / Index+ / CBS tables (CSV, XLSX, ODS) into indicator values with pandas.

The layout (long, wide-years, wide-indicators, wide-areas) and the role of each
column (area, year, identifier, district, metadata, indicator) are found by
:mod:`.columns`; this module reads the cells.

Numbers may use Dutch decimal commas ("43,5"), thousands dots ("1.234,5") and a
percent sign ("43,5%", which also sets the unit to "%"). Empty cells and the
placeholders of published tables ("-", "n.b.", "..") are skipped, any other text
in a value cell is an error naming file, row and column. Rows are numbered as a
spreadsheet shows them (the header is row 1), so an error can be found and fixed.
Areas are checked against the project's area registry: a district (gebied) where a
neighbourhood (wijk) is expected is an error unless ``--districts`` says so.

Each value keeps what it means (unit, scale, which direction is better) and where it
came from (source, edition, file, sheet, row).

pandas is imported inside the functions: importing this module stays cheap.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import DataError
from ..models.areas import DEFAULT_AREAS, DISTRICT_AREAS, AreaRegistry, area_key
from ..models.linking import IndicatorMeta, IndicatorValue
from .columns import FORMS, Layout, column_key, detect_layout

if TYPE_CHECKING:
    import pandas as pd

    from ..store import Project

__all__ = ["FORMS", "TableOptions", "detect_form", "import_indicator_file", "parse_indicator_table"]

_MISSING = {"", "-", "–", "—", ".", "..", "...", "nb", "n.b.", "n.b", "na", "n/a", "nan", "x", "*", "?",
            "geen", "onbekend", "none", "null"}
_THOUSANDS_DOTS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")

# Labels of the indicators the monitor names (Index+ / Wijkprofiel), used when a table
# gives only ids. Dutch as in the reports; the gloss is in the codebook's English.
KNOWN_INDICATORS: dict[str, str] = {
    "gemeente_ondersteunt_initiatieven": "% bewoners dat zegt dat de gemeente initiatieven ondersteunt",
    "vertrouwen_gebiedsbestuur": "% bewoners met vertrouwen in het gebiedsbestuur",
    "zelfregie": "% bewoners dat zelfregie ervaart",
    "contact_buren": "% bewoners met regelmatig contact met buren",
    "verbonden_buurt": "% bewoners dat zich verbonden voelt met de buurt",
    "bereid_zorgen": "% bewoners bereid te zorgen voor hulpbehoevenden",
    "genoeg_ontmoetingsplekken": "% bewoners: genoeg plekken om anderen te ontmoeten",
    "deelname_bewonersinitiatieven": "% bewoners dat deelneemt aan bewonersinitiatieven",
    "kwaliteit_van_leven": "kwaliteit van leven",
    "armoede_huishoudens": "% huishoudens onder de armoedegrens",
    "moeilijk_rondkomen": "% bewoners dat moeilijk rondkomt",
    "werkloosheid": "% werkloze bewoners",
    "eenzaamheid": "% bewoners dat zich wel eens eenzaam voelt",
    "tevreden_woning": "% bewoners tevreden over de woning",
    "fysieke_index": "Fysieke index (Wijkprofiel)",
    "veiligheidsindex": "Veiligheidsindex (Wijkprofiel)",
    "sociale_index": "Sociale index (Wijkprofiel)",
    "aantal_inwoners": "aantal inwoners",
}
# What the Wijkprofiel's own indices and a population count mean, used when a table does
# not say it. The three Wijkprofiel indices are scored against Rotterdam in 2014 (= 100),
# and a higher score is better.
_WIJKPROFIEL_INDEX = IndicatorMeta(unit="index", scale="Rotterdam 2014 = 100", better="higher")
KNOWN_META: dict[str, IndicatorMeta] = {
    "fysieke_index": _WIJKPROFIEL_INDEX,
    "veiligheidsindex": _WIJKPROFIEL_INDEX,
    "sociale_index": _WIJKPROFIEL_INDEX,
    "aantal_inwoners": IndicatorMeta(unit="inwoners"),
}


@dataclass(frozen=True)
class IndicatorTable:
    """A parsed table: values (with row numbers), the layout found and what was skipped."""

    path: str
    sheet: str
    form: str
    values: tuple[IndicatorValue, ...]
    skipped_empty: int
    columns: tuple[str, ...]
    layout: Layout | None = None


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slugify(text: str) -> str:
    """An indicator id from a label: "% Vertrouwen in gebiedsbestuur" -> vertrouwen_in_gebiedsbestuur."""
    slug = re.sub(r"[^0-9a-z]+", "_", _plain(text).lower().replace("%", " ")).strip("_")
    return slug[:60].rstrip("_") or "indicator"


def indicator_id_and_label(raw: str) -> tuple[str, str]:
    raw = str(raw).strip()
    if _ID_RE.match(raw):
        return raw, KNOWN_INDICATORS.get(raw, "")
    return slugify(raw), raw


def parse_number(raw: Any, *, decimal_comma: bool = False) -> tuple[float | None, bool]:
    """``(value, had_percent_sign)``; ``(None, False)`` for an empty cell or placeholder.

    Raises ValueError for text that is not a number.
    """
    if raw is None:
        return None, False
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, int | float):
        if isinstance(raw, float) and math.isnan(raw):
            return None, False
        if math.isinf(raw):
            raise ValueError(raw)
        return float(raw), False
    text = str(raw).replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("−", "-")
    if text.lower() in _MISSING:
        return None, False
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        if text.count(",") > 1:
            raise ValueError(raw)
        text = text.replace(",", ".")
    elif decimal_comma and _THOUSANDS_DOTS.match(text):
        text = text.replace(".", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
        raise ValueError(raw)
    return float(text), percent


def _year(raw: Any) -> int | None:
    if isinstance(raw, int | float) and not (isinstance(raw, float) and math.isnan(raw)):
        return int(raw) if float(raw).is_integer() and 1900 <= raw <= 2100 else None
    text = str(raw).strip()
    if re.fullmatch(r"(19|20)\d{2}(\.0+)?", text):
        return int(float(text))
    if re.fullmatch(r"(19|20)\d{2}JJ00", text):  # CBS StatLine periods: "2020JJ00"
        return int(text[:4])
    return None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""


def _text(value: Any) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# ----------------------------------------------------------------------------- reading files


def _read_csv(path: Path) -> pd.DataFrame:
    import pandas as pd

    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    head = "\n".join(text.splitlines()[:20])
    try:
        delimiter = csv.Sniffer().sniff(head, delimiters=";,\t|").delimiter
    except csv.Error:
        delimiter = ";" if head.count(";") > head.count(",") else ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                            skip_blank_lines=False, skipinitialspace=True)
    except (pd.errors.ParserError, ValueError) as exc:
        raise DataError(f"cannot read as CSV: {str(exc).splitlines()[0]}", path=path) from exc
    return frame


def _read_sheet(path: Path, sheet: str | None) -> tuple[pd.DataFrame, str]:
    import pandas as pd

    try:
        book = pd.ExcelFile(path)
    except Exception as exc:  # zip, xml and engine errors alike: the file is not a readable workbook
        raise DataError(f"cannot read as a spreadsheet: {exc}", path=path) from exc
    with book:
        names = [str(n) for n in book.sheet_names]
        if sheet is None:
            chosen = names[0]
        else:
            matches = [n for n in names if n == sheet] or [n for n in names if n.lower() == sheet.lower()]
            if not matches:
                raise DataError(f"no sheet '{sheet}' (sheets: {', '.join(names)})", path=path)
            chosen = matches[0]
        frame = pd.read_excel(book, sheet_name=chosen, dtype=object, header=0)
    return frame, chosen


def read_table(path: str | Path, sheet: str | None = None) -> tuple[pd.DataFrame, str]:
    """The raw table and the sheet read ('' for CSV)."""
    path = Path(path)
    if not path.is_file():
        raise DataError("no such file", path=path)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        if sheet is not None:
            raise DataError("--sheet only applies to XLSX/ODS workbooks", path=path)
        return _read_csv(path), ""
    if suffix in (".xlsx", ".xlsm", ".ods"):
        return _read_sheet(path, sheet)
    if suffix == ".xls":
        raise DataError("old .xls workbooks are not supported; save it as .xlsx", path=path)
    raise DataError(f"unknown table format '{suffix}' (use .csv, .xlsx or .ods)", path=path)


# ----------------------------------------------------------------------------- layouts


@dataclass(frozen=True)
class TableOptions:
    """How to read a table; every field is a CLI option of ``indicators import``."""

    sheet: str | None = None
    form: str = "auto"
    area_column: str | None = None
    year_column: str | None = None
    year: int | None = None  # the edition of a table without a year column
    only: tuple[str, ...] = ()  # only these indicators (ids or column names)
    skip: tuple[str, ...] = ()  # leave these out
    districts: bool = False  # the area column holds districts (gebieden): import them as such
    source: str = ""  # for values without a source column ("Wijkprofiel Rotterdam")


def detect_form(columns: list[Any]) -> str:
    """The layout :func:`parse_indicator_table` would read ``columns`` as."""
    registry = AreaRegistry(DEFAULT_AREAS + DISTRICT_AREAS)
    return detect_layout([str(c) for c in columns], resolves=lambda c: registry.resolve(c) is not None).form


_BETTER_WORDS = {
    "higher": ("higher", "hoger", "hoog", "high", "+", "positief", "hogerisbeter", "meerisbeter", "up", "omhoog"),
    "lower": ("lower", "lager", "laag", "low", "-", "negatief", "lagerisbeter", "minderisbeter", "down", "omlaag"),
    "": ("", "nvt", "neutraal", "onbekend", "?"),
}


def parse_better(raw: str) -> str:
    """``"hoger is beter"`` -> ``"higher"``; raises ValueError for anything else."""
    key = re.sub(r"[^a-z+-]+", "", _plain(raw).lower())
    for better, words in _BETTER_WORDS.items():
        if key in words:
            return better
    raise ValueError(raw)


def _default_meta(ind: str, column: str) -> IndicatorMeta:
    known = KNOWN_META.get(ind)
    if known:
        return known
    key = column_key(column)
    if key.startswith(("perc", "aandeel")) or str(column).strip().startswith("%"):
        return IndicatorMeta(unit="%")
    return IndicatorMeta()


def parse_indicator_table(path: str | Path, *, sheet: str | None = None, form: str = "auto",
                          options: TableOptions | None = None,
                          registry: AreaRegistry | None = None) -> IndicatorTable:
    """Read and check a whole table; raises :class:`DataError` naming file and row on bad input.

    ``registry`` is the project's (default: the built-in areas); it tells districts from
    neighbourhoods and recognises area names in the headers of a wide-areas table.
    """
    o = options or TableOptions(sheet=sheet, form=form)
    reg = registry or AreaRegistry(DEFAULT_AREAS + DISTRICT_AREAS)
    frame, sheet_name = read_table(path, o.sheet)
    where = f"{path}" + (f"[{sheet_name}]" if sheet_name else "")
    frame.columns = [_text(c) or str(c) for c in frame.columns]
    columns = [c for c in frame.columns if not c.startswith("Unnamed:")]
    if not columns:
        raise DataError("the table is empty", path=where)
    records = frame.to_dict("records")

    def area_hits(col: str) -> int:
        """Values of ``col`` that the registry knows as areas other than districts."""
        found = [reg.resolve(_text(r.get(col))) for r in records if _text(r.get(col))]
        return sum(1 for name in found if name is not None and reg.level(name) != "district")

    try:
        layout = detect_layout(columns, form=o.form, area_column=o.area_column, year_column=o.year_column,
                               resolves=lambda c: reg.resolve(c) is not None, area_resolves=area_hits)
    except DataError as exc:
        raise DataError(exc.message, path=where) from None
    if layout.form == "wide-years" and o.year is not None:
        raise DataError("--year is for a table without years; this one has a column per year", path=where)
    if layout.form != "wide-years":
        if layout.year is not None and o.year is not None:
            raise DataError(f"the table has a year column '{layout.year}'; --year is for a table without one "
                            "(name another column with --year-column)", path=where)
        if layout.year is None and o.year is None:
            raise DataError("the table has no year column (jaar, editie, year, periode): give its edition "
                            "with --year 2020, or name the column with --year-column", path=where)
    value_cols = _chosen_columns(layout, records, o, where)
    layout = replace(layout, value_columns=tuple(value_cols))
    _check_area_level(layout, records, reg, o, where)
    decimal_comma = any("," in str(v) for col in value_cols for r in records
                        for v in [r.get(col)] if isinstance(v, str))
    values: list[IndicatorValue] = []
    skipped = 0
    for index, record in enumerate(records):
        row = index + 2  # the header is row 1
        if all(_blank(record.get(c)) for c in value_cols):
            continue  # an empty line, or a note under the table ("Bron: CBS")
        area = _text(record.get(layout.area)) if layout.area else ""
        if layout.area and not area:
            raise DataError(f"row {row}: no area in column '{layout.area}'", path=where, line=row)
        row_year = o.year
        if layout.year is not None:
            row_year = _year(record.get(layout.year))
            if row_year is None:
                raise DataError(f"row {row}, column '{layout.year}': '{_text(record.get(layout.year))}' "
                                "is not a year", path=where, line=row)
        cells = {role: _text(record.get(col)) for role, col in layout.meta.items()}
        better = ""
        if cells.get("better"):
            try:
                better = parse_better(cells["better"])
            except ValueError:
                raise DataError(f"row {row}, column '{layout.meta['better']}': '{cells['better']}' does not say "
                                "which direction is better (hoger/lager, higher/lower)", path=where,
                                line=row) from None
        for col in value_cols:
            if layout.form == "wide-indicators":
                ind, label = indicator_id_and_label(col)
            else:
                raw_ind = _text(record.get(layout.indicator))
                if not raw_ind:
                    raise DataError(f"row {row}: no indicator", path=where, line=row)
                ind, label = indicator_id_and_label(raw_ind)
            if not _wanted(ind, col if layout.form == "wide-indicators" else _text(record.get(layout.indicator)), o):
                continue
            year = _year(col) if layout.form == "wide-years" else row_year
            value_area = col if layout.form == "wide-areas" else area
            raw = record.get(col)
            try:
                number, percent = parse_number(raw, decimal_comma=decimal_comma)
            except ValueError:
                raise DataError(f"row {row}, column '{col}': '{_text(raw)}' is not a number",
                                path=where, line=row) from None
            if number is None:
                skipped += 1
                continue
            if not math.isfinite(number):
                raise DataError(f"row {row}, column '{col}': '{_text(raw)}' is not a finite number",
                                path=where, line=row)
            default = _default_meta(ind, label or ind)
            if year is None:  # a year header that is not one (wide-years forced with --form)
                raise DataError(f"column '{col}' is not a year", path=where)
            values.append(IndicatorValue(
                indicator=ind, area=value_area, year=year, value=number,
                unit=cells.get("unit") or ("%" if percent else default.unit), source=cells.get("source") or o.source,
                label=cells.get("label") or label, row=row, scale=cells.get("scale") or default.scale,
                better=better or default.better, edition=cells.get("edition", "")))
    if not values:
        raise DataError("the table holds no numbers", path=where)
    return IndicatorTable(path=str(path), sheet=sheet_name, form=layout.form, values=tuple(values),
                          skipped_empty=skipped, columns=tuple(columns), layout=layout)


def _wanted(ind: str, name: str, o: TableOptions) -> bool:
    """Whether ``--only``/``--skip`` let indicator ``ind`` (read from column or cell ``name``) in."""
    keys = {column_key(ind), column_key(name)}
    if o.only and not keys & {column_key(x) for x in o.only}:
        return False
    return not keys & {column_key(x) for x in o.skip}


def _chosen_columns(layout: Layout, records: list[dict[str, Any]], o: TableOptions, where: str) -> list[str]:
    """The value columns to read: text-only columns of a wide table are left out (and said)."""
    cols = list(layout.value_columns)
    if layout.form == "wide-indicators":
        for col in list(cols):
            cells = [r.get(col) for r in records if not _blank(r.get(col))]
            if cells and not any(_is_number(c) for c in cells) and not _named_in(col, o.only):
                cols.remove(col)
                layout.ignored[col] = "text"
        names = {c: indicator_id_and_label(c)[0] for c in cols}
        asked = [x for x in (*o.only, *o.skip)
                 if not any(column_key(x) in (column_key(c), column_key(i)) for c, i in names.items())]
        if asked:
            raise DataError(f"no indicator {', '.join(asked)} in the table (indicators: "
                            f"{', '.join(names.values())})", path=where)
        cols = [c for c in cols if _wanted(names[c], c, o)]
    elif o.only or o.skip:
        cells = [_text(r.get(layout.indicator or "")) for r in records]
        found = {column_key(c) for c in cells if c} | {column_key(indicator_id_and_label(c)[0]) for c in cells if c}
        asked = [x for x in (*o.only, *o.skip) if column_key(x) not in found]
        if asked:
            raise DataError(f"no indicator {', '.join(asked)} in column '{layout.indicator}'", path=where)
    if not cols:
        raise DataError("no indicator columns left to read", path=where)
    return cols


def _named_in(col: str, names: tuple[str, ...]) -> bool:
    return any(column_key(x) in (column_key(col), column_key(indicator_id_and_label(col)[0])) for x in names)


def _is_number(cell: Any) -> bool:
    try:
        return parse_number(cell)[0] is not None
    except ValueError:
        return False


def _check_area_level(layout: Layout, records: list[dict[str, Any]], reg: AreaRegistry, o: TableOptions,
                      where: str) -> None:
    """A district where a neighbourhood is expected is an error, never read silently."""
    if o.districts:
        return
    if layout.form == "wide-areas":
        places = [(1, col, col) for col in layout.value_columns]
    else:
        places = [(i + 2, layout.area or "", _text(r.get(layout.area))) for i, r in enumerate(records)
                  if layout.area and _text(r.get(layout.area))]
    district_col = next((c for c, why in layout.ignored.items() if why == "district (context)"), None)
    for row, col, name in places:
        found = reg.resolve(name)
        if found is not None and district_col is not None and reg.areas[found].district:
            # The export's own district column must agree with where the registry puts the neighbourhood.
            said = _text(records[row - 2].get(district_col))
            if said and area_key(said) != area_key(reg.areas[found].district):
                raise DataError(f"row {row}: '{name}' lies in {reg.areas[found].district}, but column "
                                f"'{district_col}' says '{said}'; check the row (or the area column, "
                                "--area-column)", path=where, line=row)
        if found is None or reg.level(found) != "district":
            continue
        inside = reg.in_district(found)
        others = [c for c, why in layout.ignored.items() if why == "area name (context)"]
        hint = (f"read the neighbourhoods from another column with --area-column "
                f"{' or '.join(repr(c) for c in others)}" if others else
                "read the neighbourhoods from another column with --area-column")
        raise DataError(
            f"row {row}, column '{col}': '{name}' is a district (gebied), not a neighbourhood (wijk)"
            + (f"; it holds {', '.join(inside)}" if inside else "")
            + f" (older map exports put the district in 'wijknaam'): {hint}, or pass --districts to "
            "import the figures as those of the district", path=where, line=row if row > 1 else None)


def import_indicator_file(project: Project, path: str | Path, coder: str, *, sheet: str | None = None,
                          form: str = "auto", new_areas: tuple[Any, ...] = (),
                          options: TableOptions | None = None) -> Any:
    """Parse ``path`` and store its values in ``project`` (all or nothing).

    Returns the store's :class:`~wijkverhalen.models.linking.IndicatorImportReport`
    with ``skipped_empty`` and ``columns`` (what each column was read as) filled in.
    """
    registry = project.area_registry()
    for area in new_areas:
        if registry.resolve(area.name) is None:
            registry.add(area)
    table = parse_indicator_table(path, options=options or TableOptions(sheet=sheet, form=form),
                                  registry=registry)
    report = project.import_indicator_values(list(table.values), file=table.path, coder=coder,
                                             sheet=table.sheet, form=table.form, new_areas=new_areas)
    columns = table.layout.describe() if table.layout else {}
    return replace(report, skipped_empty=table.skipped_empty, columns=columns)
