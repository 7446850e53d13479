"""Read Wijkprofiel / Index+ tables (CSV, XLSX, ODS) into indicator values with pandas.

Three layouts are recognised from the column names (Dutch or English):

``long``            area, year, indicator, value [, unit, source, label]
``wide-years``      area, indicator, 2014, 2016, 2018, 2020 [, unit, source, label]
``wide-indicators`` area, year, <one column per indicator> [, source]

Numbers may use Dutch decimal commas ("43,5"), thousands dots ("1.234,5") and a
percent sign ("43,5%", which also sets the unit to "%"). Empty cells and the
placeholders of published tables ("-", "n.b.", "..") are skipped, any other text
in a value cell is an error naming file, row and column. Rows are numbered as a
spreadsheet shows them (the header is row 1), so an error can be found and fixed.

pandas is imported inside the functions: importing this module stays cheap.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import DataError
from .models import IndicatorValue

if TYPE_CHECKING:
    import pandas as pd

FORMS = ("long", "wide-years", "wide-indicators")

# Column name synonyms (compared after lower-casing and stripping accents/punctuation).
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "area": ("area", "gebied", "wijk", "buurt", "gebiedsnaam", "wijknaam", "regio", "areaname"),
    "year": ("year", "jaar", "jaartal", "peiljaar", "editie"),
    "indicator": ("indicator", "indicatorid", "id", "code", "kenmerk", "variabele"),
    "label": ("label", "omschrijving", "indicatornaam", "naam", "name", "description", "vraag"),
    "value": ("value", "waarde", "score", "percentage", "aandeel"),
    "unit": ("unit", "eenheid"),
    "source": ("source", "bron"),
}
EXPECTED = {
    "long": ("area", "year", "indicator", "value"),
    "wide-years": ("area", "indicator"),
    "wide-indicators": ("area", "year"),
}
_MISSING = {"", "-", "–", "—", ".", "..", "...", "nb", "n.b.", "n.b", "na", "n/a", "nan", "x", "*", "?",
            "geen", "onbekend", "none", "null"}
_YEAR_HEADER = re.compile(r"^(19|20)\d{2}(\.0)?$")
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


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def column_key(name: Any) -> str:
    return re.sub(r"[^0-9a-z]+", "", _plain(str(name)).lower())


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
    number = float(text)
    if not math.isfinite(number):  # 1e400 overflows to inf: refuse it rather than store Inf
        raise ValueError(raw)
    return number, percent


def _overflows(raw: Any) -> bool:
    """True for a well-formed number too large for a float (``1e400``)."""
    try:
        return math.isinf(float(str(raw).strip().replace(",", ".")))
    except ValueError:
        return False


def _year(raw: Any) -> int | None:
    if isinstance(raw, int | float) and not (isinstance(raw, float) and math.isnan(raw)):
        return int(raw) if float(raw).is_integer() and 1900 <= raw <= 2100 else None
    text = str(raw).strip()
    if re.fullmatch(r"(19|20)\d{2}(\.0+)?", text):
        return int(float(text))
    return None


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


def _roles(columns: list[Any]) -> dict[str, str]:
    """Role (area, year, ...) -> the actual column name, for the columns that are present."""
    found: dict[str, str] = {}
    for col in columns:
        key = column_key(col)
        for role, names in COLUMN_NAMES.items():
            if key in names and role not in found:
                found[role] = col
                break
    return found


def detect_form(columns: list[Any]) -> str:
    roles = _roles(columns)
    year_cols = [c for c in columns if _YEAR_HEADER.match(str(c).strip())]
    if {"area", "year", "indicator", "value"} <= roles.keys():
        return "long"
    if year_cols and {"area", "indicator"} <= roles.keys():
        return "wide-years"
    if {"area", "year"} <= roles.keys() and "value" not in roles and "indicator" not in roles:
        return "wide-indicators"
    raise DataError(
        "cannot tell the layout of the table; expected columns area, year, indicator, value "
        "(long), or area, indicator and one column per year such as 2014, 2016 (wide-years), "
        "or area, year and one column per indicator (wide-indicators); found: "
        + ", ".join(str(c) for c in columns))


def parse_indicator_table(path: str | Path, *, sheet: str | None = None, form: str = "auto") -> IndicatorTable:
    """Read and check a whole table; raises :class:`DataError` naming file and row on bad input."""
    frame, sheet_name = read_table(path, sheet)
    where = f"{path}" + (f"[{sheet_name}]" if sheet_name else "")
    columns = [c for c in frame.columns if not str(c).startswith("Unnamed:")]
    if not columns:
        raise DataError("the table is empty", path=where)
    if form == "auto":
        form = detect_form(columns)
    elif form not in FORMS:
        raise DataError(f"unknown layout '{form}' (use auto, {', '.join(FORMS)})")
    roles = _roles(columns)
    missing = [r for r in EXPECTED[form] if r not in roles]
    if missing:
        raise DataError(f"a {form} table needs column(s) {', '.join(missing)}; found: "
                        + ", ".join(str(c) for c in columns), path=where)
    year_cols = [c for c in columns if _YEAR_HEADER.match(str(c).strip())]
    meta = set(roles.values())
    if form == "long":
        value_cols = [roles["value"]]
    elif form == "wide-years":
        value_cols = year_cols
    else:
        value_cols = [c for c in columns if c not in meta]
        if not value_cols:
            raise DataError("a wide-indicators table needs at least one indicator column", path=where)
    decimal_comma = any("," in str(v) for col in value_cols for v in frame[col].tolist()
                        if isinstance(v, str))
    values: list[IndicatorValue] = []
    skipped = 0
    for index, record in enumerate(frame.to_dict("records")):
        row = index + 2  # the header is row 1
        if all(_blank(record.get(c)) for c in columns):
            continue
        area = _text(record.get(roles["area"]))
        if not area:
            raise DataError(f"row {row}: no area", path=where, line=row)
        unit = _text(record.get(roles["unit"])) if "unit" in roles else ""
        source = _text(record.get(roles["source"])) if "source" in roles else ""
        label_cell = _text(record.get(roles["label"])) if "label" in roles else ""
        for col in value_cols:
            if form == "wide-indicators":
                ind, label = indicator_id_and_label(str(col))
                year = _year(record.get(roles["year"]))
                year_col = roles["year"]
            else:
                raw_ind = _text(record.get(roles["indicator"]))
                if not raw_ind:
                    raise DataError(f"row {row}: no indicator", path=where, line=row)
                ind, label = indicator_id_and_label(raw_ind)
                year_col = roles["year"] if form == "long" else col
                year = _year(record.get(roles["year"])) if form == "long" else _year(str(col).strip())
            if year is None:
                raise DataError(f"row {row}, column '{year_col}': '{_text(record.get(year_col))}' is not a year",
                                path=where, line=row)
            raw = record.get(col)
            try:
                number, percent = parse_number(raw, decimal_comma=decimal_comma)
            except ValueError:
                what = "is too large (not a finite number)" if _overflows(raw) else "is not a number"
                raise DataError(f"row {row}, column '{col}': '{_text(raw)}' {what}",
                                path=where, line=row) from None
            if number is None:
                skipped += 1
                continue
            values.append(IndicatorValue(indicator=ind, area=area, year=year, value=number,
                                         unit=unit or ("%" if percent else ""), source=source,
                                         label=label_cell or label, row=row))
    if not values:
        raise DataError("the table holds no numbers", path=where)
    return IndicatorTable(path=str(path), sheet=sheet_name, form=form, values=tuple(values),
                          skipped_empty=skipped, columns=tuple(str(c) for c in columns))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""


def _text(value: Any) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def import_indicator_file(project: Any, path: str | Path, coder: str, *, sheet: str | None = None,
                          form: str = "auto", new_areas: tuple[Any, ...] = ()) -> Any:
    """Parse ``path`` and store its values in ``project`` (all or nothing).

    Returns the store's :class:`~wijkverhalen.linking.models.IndicatorImportReport`
    with ``skipped_empty`` filled in.
    """
    from dataclasses import replace

    table = parse_indicator_table(path, sheet=sheet, form=form)
    report = project.import_indicator_values(list(table.values), file=table.path, coder=coder,
                                             sheet=table.sheet, form=table.form, new_areas=new_areas)
    return replace(report, skipped_empty=table.skipped_empty)
