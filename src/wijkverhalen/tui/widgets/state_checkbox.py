"""A checkbox whose state can be read without colour: ``[x]`` when ticked, ``[ ]`` when not.

Textual's checkbox draws the same ``X`` either way and shows the state only by its
colour, which a plain terminal (``NO_COLOR``, a monochrome theme, a screen reader's
text) does not show.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox


class StateCheckbox(Checkbox):
    """A :class:`~textual.widgets.Checkbox` drawn as ``[x]``/``[ ]``."""

    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button")
        return Content.assemble(("[x]" if self.value else "[ ]", style))
