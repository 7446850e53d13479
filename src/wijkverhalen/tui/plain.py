"""Text from the project or from outside, made safe for a widget.

File names, document names, attribute values, code labels and error messages can
hold ``[`` (``[lacht]``, ``a[b].txt``) and terminal control characters. Textual
reads a plain ``str`` given to ``Label``, ``Static`` or ``notify`` as markup: an
unbalanced ``[/]`` raises ``MarkupError`` and ends the app, and ``[@click=...]``
would even run an action. :func:`plain` gives a :class:`rich.text.Text`, which is
never parsed, with control characters shown as ``\\x1b`` escapes
(:func:`wijkverhalen.textsafe.printable`). ``rich.markup.escape`` is no substitute:
Textual 8's markup keeps its backslash before a tag-like ``\\[bold]``.
"""

from __future__ import annotations

from rich.text import Text

from ..textsafe import printable


def plain(value: object, style: str = "") -> Text:
    """``value`` as text that is shown as written: no markup, no control characters.

    Line breaks are kept (a dialog's message may have paragraphs); every other
    control character is shown as an escape.
    """
    return Text(plain_text(value), style=style)


def plain_text(value: object) -> str:
    """``str(value)`` with every control character but the line break escaped."""
    return "\n".join(printable(line) for line in str(value).split("\n"))
