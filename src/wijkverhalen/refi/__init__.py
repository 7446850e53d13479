"""REFI-QDA exchange: .qdpx projects and .qdc codebooks, written and read.

REFI-QDA (www.qdasoftware.org) is the exchange standard of ATLAS.ti, MAXQDA, NVivo,
QualCoder, Taguette and others. :mod:`.writer` exports (valid against
Project-mrt2019.xsd / Codebook-mrt2019.xsd), :mod:`.importer` imports with
:mod:`.safezip` (zip slip, zip bombs) and :mod:`.xmlio` (no entities, no network)
guarding against hostile files, :mod:`.sidecar` checking our own ``wijkverhalen.json``,
:mod:`.groups` placing Sets, Links and free Notes, and :mod:`.offsets` handling
NVivo's UTF-16 offsets.
"""

from __future__ import annotations

from .apply import ImportSummary, apply_plan, import_qdc, import_qdpx
from .importer import ImportPlan, read_qdc, read_qdpx
from .safezip import Limits
from .writer import ExportSummary, codebook_xml, export_qdc, export_qdpx

__all__ = [
    "ExportSummary",
    "ImportPlan",
    "ImportSummary",
    "Limits",
    "apply_plan",
    "codebook_xml",
    "export_qdc",
    "export_qdpx",
    "import_qdc",
    "import_qdpx",
    "read_qdc",
    "read_qdpx",
]
