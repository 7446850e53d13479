"""A DataTable whose columns all have a set width, so no cell is ever measured.

Textual's DataTable measures every cell of every new row (a Rich measure per
cell) to size auto-width columns, even when no column is auto-width. On the
documents screen of a 1,000-interview project that is 9,000 measures per fill,
more than half a second on a busy 2-core machine (bench/bench_tui.py,
``startup_to_counts_ms``). Every column here is given a width, one line high and
without row labels, so only the table's virtual size has to follow the rows.
Anything else (an auto-width column, a tall or labelled row, a Textual that lacks
the internals used here) falls back to DataTable's own code.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.geometry import Size
from textual.widgets import DataTable


class FixedWidthTable(DataTable[Any]):
    """DataTable for columns of fixed width and rows of one line: nothing measured."""

    def _fixed(self) -> bool:
        return (
            not any(column.auto_width for column in self.columns.values())
            and all(row.height == 1 and row.label is None for row in self.rows.values())
            and hasattr(self, "_total_row_height")
            and hasattr(self, "_row_label_column_width")
        )

    def _update_dimensions(self, new_rows: Iterable[Any]) -> None:
        if not self._fixed():
            super()._update_dimensions(new_rows)
            return
        width = sum(column.get_render_width(self) for column in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(
            width + self._row_label_column_width, self._total_row_height + header
        )

    def _update_column_widths(self, updated_cells: Any) -> None:
        if not self._fixed():
            super()._update_column_widths(updated_cells)
            return
        self._require_update_dimensions = True
