"""Screen keys never take a key that switches screens everywhere (issue 14)."""

from __future__ import annotations

from textual.binding import Binding

from wijkverhalen.tui.app import WijkApp, binding_sources

# Known and left for a decision: "M" on the coding screen is the memo on the document,
# while everywhere else it opens the memo overview.
KNOWN = {("coding", "M")}


def keys(bindings: list[Binding]) -> set[str]:
    return {k.strip() for b in bindings for k in b.key.split(",")}


def test_screen_keys_do_not_shadow_the_global_keys() -> None:
    everywhere = keys([b for b in WijkApp.BINDINGS if isinstance(b, Binding)])
    shadowed = {
        (group, key)
        for group, bindings in binding_sources()[1:]
        for key in keys([b for b in bindings if isinstance(b, Binding)]) & everywhere
    }
    assert shadowed <= KNOWN, sorted(shadowed - KNOWN)
    assert ("validate", "b") not in shadowed and ("compare", "r") not in shadowed
