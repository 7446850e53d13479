"""Did-you-mean suggestions for mistyped names (commands, code ids, labels)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, candidates: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The candidates most like ``word`` (case-insensitive), best first."""
    by_key: dict[str, str] = {}
    for c in candidates:
        by_key.setdefault(c.casefold(), c)
    return [by_key[k] for k in difflib.get_close_matches(word.casefold(), list(by_key), n=n, cutoff=cutoff)]


def did_you_mean(names: list[str]) -> str:
    """``"; did you mean 'a'?"``, ``"; did you mean 'a' or 'b'?"`` or ``""``."""
    if not names:
        return ""
    quoted = [f"'{n}'" for n in names]
    return "; did you mean " + (quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]) + "?"


def closest_codes(word: str, codes: Iterable[tuple[str, str]], n: int = 3) -> list[str]:
    """Code ids for a mistyped id or a label: ``codes`` are ``(id, label)`` pairs.

    A label (or the last part of a dotted id) that matches names its id first;
    otherwise ids, labels and last parts are compared with difflib.
    """
    key = word.casefold().strip()
    ids: dict[str, list[str]] = {}
    for code_id, label in codes:
        for alias in (code_id, label, code_id.rsplit(".", 1)[-1]):
            ids.setdefault(alias.casefold(), [])
            if code_id not in ids[alias.casefold()]:
                ids[alias.casefold()].append(code_id)
    out: list[str] = list(ids.get(key, []))
    for alias in difflib.get_close_matches(key, list(ids), n=n * 2, cutoff=0.6):
        out.extend(i for i in ids[alias] if i not in out)
    if len(out) < n:  # a word inside a label or id ("vertrouwen" in "Onderling vertrouwen")
        out.extend(i for alias, found in ids.items() if key and key in alias for i in found if i not in out)
    return out[:n]
