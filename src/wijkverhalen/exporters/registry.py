"""The one list of exporters: what each writes, its options, and the function that writes it.

``wijkverhalen export NAME`` (one subcommand per :class:`Exporter`) and the
workbench's export screen (one choice per exporter and format) are both built from
this registry, so an exporter added here appears in both. An exporter is

* a ``name`` (the CLI subcommand, ``report``), a ``title`` and a ``help`` text (the
  CLI's ``--help``; its first sentence is the short description),
* its ``formats`` (:class:`Format`: ``docx`` ends in ``.docx``, labelled "Word .docx"),
* its ``options`` (:class:`Option`: a keyword of ``run``, with how the CLI spells it
  and, for those the workbench shows, a label and a hint),
* ``run(project, path, *, format, progress, **options) -> ExportResult`` in the core:
  it writes one file and says in one line what it wrote.

Register a new one with :func:`register`. The built-in exporters live in
:mod:`wijkverhalen.exporters.builtin`; nothing here imports a heavy library.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InvalidInput
from . import ProgressCallback, no_progress, output_format

if TYPE_CHECKING:
    from ..store import Project


@dataclass(frozen=True)
class Format:
    """One file format an exporter writes: ``name`` (``docx``), ``suffix`` (``.docx``), ``label``."""

    name: str
    suffix: str
    label: str


@dataclass(frozen=True)
class Option:
    """One keyword argument of an exporter's ``run``.

    ``kind`` is ``text`` (str or None), ``list`` (comma-separated text -> tuple of
    str), ``flag`` (bool), ``int`` (``minimum``/``maximum``), ``float``, ``choice``
    (one of ``choices``), ``format`` (the output format; never passed to ``run``,
    which gets ``format=``) or ``coder`` (the acting coder: the CLI's ``--coder``,
    the workbench's coder). ``flags`` are the CLI spellings (default
    ``--name-with-dashes``). ``label`` is set for the options the workbench's form
    shows (with ``placeholder`` as the hint, or the checkbox text of a flag).
    ``required`` is for the CLI; the workbench fills ``default`` in.
    """

    name: str
    kind: str = "text"
    help: str = ""
    default: Any = None
    flags: tuple[str, ...] = ()
    metavar: str | None = None
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    required: bool = False
    show_default: bool = False
    label: str = ""
    placeholder: str = ""

    @property
    def cli_flags(self) -> tuple[str, ...]:
        return self.flags or ("--" + self.name.replace("_", "-"),)

    @property
    def in_workbench(self) -> bool:
        return bool(self.label)

    def convert(self, raw: Any) -> Any:
        """The value ``run`` takes from what a face read (text for ``list``, ``int``, ``text``)."""
        if self.kind == "list":
            if raw is None or isinstance(raw, (tuple, list)):
                return tuple(raw or ())
            return tuple(part.strip() for part in str(raw).split(",") if part.strip())
        if self.kind == "flag":
            return bool(raw)
        if isinstance(raw, str):
            raw = raw.strip()
            if not raw:
                return self.default
            if self.kind == "int":
                try:
                    return int(raw)
                except ValueError:
                    raise InvalidInput(f"{self.name.replace('_', ' ')} must be a whole number, not '{raw}'") from None
        return raw


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote, in one line (``12 code(s), 80 passage(s)...``), and notes to show after."""

    summary: str
    notes: tuple[str, ...] = ()


Run = Callable[..., ExportResult]


@dataclass(frozen=True)
class Exporter:
    name: str
    title: str
    help: str
    formats: tuple[Format, ...]
    run: Run
    options: tuple[Option, ...] = ()
    stem: str = ""  # the suggested file name after the project's name ("samenvatting"); "" = the project's name
    output_help: str = "File to write; its suffix picks the format (repeatable: every file is written)."
    any_suffix: bool = False  # one format, written whatever the file is called (.qdpx)
    # format_for(path, fmt) -> format name; default: from the suffix, or fmt, else InvalidInput
    choose_format: Callable[[Path, str | None], str] | None = field(default=None, compare=False)

    @property
    def description(self) -> str:
        return self.help.split("\n", 1)[0].strip()

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)

    def format_for(self, path: Path, fmt: str | None = None) -> str:
        """The format to write ``path`` in (``fmt`` wins); InvalidInput when neither tells."""
        if self.choose_format is not None:
            return self.choose_format(Path(path), fmt)
        if self.any_suffix:
            return fmt or self.formats[0].name
        return output_format(path, tuple(f.name for f in self.formats), fmt)

    def values(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """Every option of ``run`` (not the format), converted, with defaults for those not given."""
        return {o.name: o.convert(given[o.name]) if o.name in given else o.convert(o.default)
                for o in self.options if o.kind != "format"}


@dataclass(frozen=True)
class Choice:
    """One line of the workbench's list: an exporter in one format (``report-docx``)."""

    key: str
    title: str
    exporter: Exporter
    format: Format


_EXPORTERS: dict[str, Exporter] = {}
_builtins_loaded = False


def _load_builtins() -> None:
    global _builtins_loaded
    if not _builtins_loaded:
        _builtins_loaded = True
        from . import builtin  # noqa: F401  (registers the built-in exporters)


def register(exporter: Exporter) -> Exporter:
    """Add ``exporter`` (or replace the one with its name); the CLI and the workbench list it."""
    _load_builtins()
    _EXPORTERS[exporter.name] = exporter
    return exporter


def unregister(name: str) -> None:
    _EXPORTERS.pop(name, None)


def exporters() -> tuple[Exporter, ...]:
    """The registered exporters, in the order they were registered."""
    _load_builtins()
    return tuple(_EXPORTERS.values())


def get_exporter(name: str) -> Exporter:
    _load_builtins()
    try:
        return _EXPORTERS[name]
    except KeyError:
        raise InvalidInput(f"no exporter '{name}' (there are: {', '.join(_EXPORTERS)})") from None


def choices() -> tuple[Choice, ...]:
    """Every exporter in every format it writes: what the workbench offers."""
    out = []
    for exporter in exporters():
        for fmt in exporter.formats:
            key = exporter.name if len(exporter.formats) == 1 else f"{exporter.name}-{fmt.name}"
            out.append(Choice(key, f"{exporter.title} ({fmt.label})", exporter, fmt))
    return tuple(out)


def workbench_options() -> tuple[Option, ...]:
    """The options the workbench's form shows (first definition of each name): texts first, then flags."""
    seen: dict[str, Option] = {}
    for exporter in exporters():
        for option in exporter.options:
            if option.in_workbench:
                seen.setdefault(option.name, option)
    return tuple(sorted(seen.values(), key=lambda o: o.kind == "flag"))


def suggested_output(project_path: Path, exporter: Exporter, fmt: Format) -> Path:
    """A file beside the project: ``botu-samenvatting.docx``, or ``botu.qdpx``."""
    stem = f"{project_path.stem}-{exporter.stem}" if exporter.stem else project_path.stem
    return project_path.parent / f"{stem}{fmt.suffix}"


def run_export(project: Project, name: str, output: Path, *, format: str | None = None,
               progress: ProgressCallback | None = None, **options: Any) -> ExportResult:
    """Run exporter ``name`` on an open project into ``output`` (options not given take their defaults)."""
    exporter = get_exporter(name)
    chosen = exporter.format_for(Path(output), format)
    return exporter.run(project, Path(output), format=chosen, progress=progress or no_progress,
                        **exporter.values(options))
