"""One parse of each piece of Textual CSS per test process, instead of one per app.

Every ``App`` builds its own ``Stylesheet``, and every ``Stylesheet`` parses the
default CSS of Textual's widgets and of ours again: about a tenth of the CPU time of
a TUI test (measured for issue 10). Parsing is a pure function of the CSS text, its
location, its scope and the theme variables, so this keeps one cache, keyed on all
of them, for the whole process. Textual's own per-stylesheet cache works the same
way (the parsed rules are shared, never changed after parsing); CSS with errors is
still reported, because ``Stylesheet.parse`` checks the cached rules' errors each time.

Installed by ``tests/conftest.py``; it does nothing if Textual's internals change shape.
"""

from __future__ import annotations

import inspect
from typing import Any

_PARAMETERS = ["self", "css", "read_from", "is_default_rules", "tie_breaker", "scope"]


def install() -> None:
    try:
        from textual.css.stylesheet import Stylesheet
    except ImportError:  # pragma: no cover - Textual is a dependency
        return
    original = getattr(Stylesheet, "_parse_rules", None)
    if original is None or getattr(original, "_shared_cache", False):
        return
    if list(inspect.signature(original).parameters) != _PARAMETERS:
        return  # another Textual: leave it alone
    cache: dict[tuple[Any, ...], Any] = {}

    def _parse_rules(self: Any, css: str, read_from: Any, is_default_rules: bool = False,
                     tie_breaker: int = 0, scope: str = "") -> Any:
        variables = getattr(self, "_variables", None)
        if not isinstance(variables, dict):
            return original(self, css, read_from, is_default_rules, tie_breaker, scope)
        key = (css, read_from, is_default_rules, tie_breaker, scope, tuple(sorted(variables.items())))
        try:
            return cache[key]
        except KeyError:
            rules = original(self, css, read_from, is_default_rules, tie_breaker, scope)
            cache[key] = rules
            return rules

    _parse_rules._shared_cache = True  # type: ignore[attr-defined]
    Stylesheet._parse_rules = _parse_rules  # type: ignore[method-assign]
