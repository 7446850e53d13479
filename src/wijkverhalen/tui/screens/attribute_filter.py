"""The one attribute-filter prompt of the screens that filter by document attributes.

Retrieval and Analysis both ask for ``rol=bewoner casus="Delfshaven Helpt"``; the text is
parsed by the core's :func:`~wijkverhalen.analysis.views.parse_attribute_filter` (quoted
values allowed), and the current filter is shown quoted the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from ...analysis.views import parse_attribute_filter
from .dialogs import TextPrompt


def format_attribute_filter(attributes: dict[str, str]) -> str:
    """``{"casus": "Delfshaven Helpt"}`` -> ``casus="Delfshaven Helpt"`` (parses back the same)."""
    return " ".join(f'{k}="{v}"' if " " in v else f"{k}={v}" for k, v in attributes.items())


def ask_attribute_filter(screen: Screen[Any], title: str, attributes: dict[str, str], names: list[str],
                         on_chosen: Callable[[dict[str, str]], None]) -> None:
    """Ask for an attribute filter; ``on_chosen`` gets the parsed filter ({} for none)."""

    def check(value: str) -> str | None:
        parsed = parse_attribute_filter(value)
        return parsed if isinstance(parsed, str) else None

    def chosen(value: str | None) -> None:
        if value is not None:
            parsed = parse_attribute_filter(value)
            on_chosen(parsed if isinstance(parsed, dict) else {})

    screen.app.push_screen(
        TextPrompt(title, format_attribute_filter(attributes),
                   placeholder='rol=bewoner casus="Delfshaven Helpt" (empty: all)',
                   help=f"Attributes in this project: {', '.join(names) or 'none yet'}.", check=check),
        chosen,
    )
