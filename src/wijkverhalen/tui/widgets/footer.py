"""The footer of every screen: its keys, made to fit a narrow terminal.

At 80 columns Textual's footer cuts off whatever does not fit, which is the end
of the line: the undo, help and quit keys. Below :data:`NARROW` columns this
footer is compact, and what does not fit gives way in this order: the keys that
switch screens (``d``, ``r``, ``/``, ``b``: on the help screen and in the command
palette), then the last of the screen's own keys. ``u``, ``?`` and ``q`` are
always in view, and ``?`` lists every key.

Textual rebuilds a footer (all its keys, each restyled) on every "bindings updated"
signal of its screen, which fires on each focus change and on every refresh that
touches the bindings: some fourteen times while a document opens. This footer
rebuilds at most once per refresh, and only when what it would show (the keys,
their descriptions and whether they are enabled, and the width when compact) has
changed since it was last built.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

NARROW = 110  # columns below which the footer is compact and leaves out screen switches
ALWAYS = {"undo", "help", "quit"}  # actions whose keys stay in view at any width


def _action(key: FooterKey) -> str:
    return key.action.removeprefix("app.")


def is_screen_switch(key: FooterKey) -> bool:
    return _action(key).startswith("show(")


def _cells(key: FooterKey) -> int:
    """Width of a compact footer key: key, space, description, margin."""
    return cell_len(key.key_display) + 1 + cell_len(key.description) + 1


class WijkFooter(Footer):
    """A footer that keeps a screen's own keys and undo/help/quit in view when narrow."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, show_command_palette=False)
        self._narrow: bool | None = None
        self._shown: tuple[object, ...] | None = None  # what the footer was last built from
        self._pending = False  # a rebuild is scheduled for after the next refresh

    def _is_narrow(self) -> bool:
        return self.app.size.width < NARROW

    def on_mount(self) -> None:  # Footer's own on_mount runs too (Textual calls each class's)
        self._narrow = self._is_narrow()
        self.compact = self._narrow

    def on_resize(self, event: events.Resize) -> None:
        narrow = self._is_narrow()
        if narrow != self._narrow:
            self._narrow = narrow
            self.compact = narrow
            self._shown = None  # compact or not: rebuild even if the keys are the same
            self._schedule()

    def bindings_changed(self, screen: Screen) -> None:
        """Like Textual's, but rebuilds only when the keys to show have changed."""
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self._schedule()

    def _schedule(self) -> None:
        if not self._pending:
            self._pending = True
            self.call_after_refresh(self._rebuild_if_changed)

    def _visible(self) -> tuple[object, ...]:
        """What the footer shows, as Footer.compose reads it from the screen's bindings."""
        keys = tuple(
            (binding.key, binding.key_display, binding.description, binding.action,
             binding.group, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )
        narrow = self._is_narrow()
        return (keys, narrow, self.app.size.width if narrow else None)

    async def _rebuild_if_changed(self) -> None:
        self._pending = False
        if not self.is_attached or self._visible() == self._shown:
            return
        await self.recompose()

    def compose(self) -> ComposeResult:
        # (The app defines no binding groups, so the keys can be gathered before yielding.)
        if self._bindings_ready:
            self._shown = self._visible()
        widgets = list(super().compose())
        for key in widgets:
            if isinstance(key, FooterKey):
                # A key starts compact and is made wide by its data binding once mounted:
                # two restyles per key. Start it as it will be, and neither happens.
                key.set_reactive(FooterKey.compact, self.compact)
                key.set_class(self.compact, "-compact", update=False)
        if not self._is_narrow():
            yield from widgets
            return
        keys = [w for w in widgets if isinstance(w, FooterKey)]
        # What gives way first: screen switches (last first), then the screen's own keys.
        switches = [k for k in keys if is_screen_switch(k)]
        own = [k for k in keys if not is_screen_switch(k) and _action(k) not in ALWAYS]
        give_way = switches[::-1] + own[::-1]
        while give_way and sum(_cells(k) for k in keys) - 1 > self.app.size.width:
            keys.remove(give_way.pop(0))
        yield from (w for w in widgets if not isinstance(w, FooterKey) or w in keys)
