"""The suite's two speed-ups of Textual's test machinery are in force.

Both install themselves from ``tests/conftest.py`` and step aside if Textual's
internals change shape; these tests say so instead of letting the suite slow
down unnoticed after an upgrade of Textual.
"""

from __future__ import annotations

import textual_css_cache
import textual_pilot_wait
from textual import _wait
from textual.css.stylesheet import Stylesheet


def test_pilot_waits_for_idle_in_short_slices() -> None:
    assert _wait.SLEEP_GRANULARITY == textual_pilot_wait.SLICE
    assert _wait.SLEEP_IDLE == textual_pilot_wait.SLICE / 20


def test_textual_css_is_parsed_once_per_process() -> None:
    assert getattr(Stylesheet._parse_rules, "_shared_cache", False)
    textual_css_cache.install()  # a second install leaves the one cache in place
    assert getattr(Stylesheet._parse_rules, "_shared_cache", False)
