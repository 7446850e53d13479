"""Actor detection against the challenge set: recall and precision beside the goals of issue 12.

Run ``.venv/bin/python bench/bench_actors.py``. The set is ``tests/data/actors/challenge.yaml``
(invented Dutch sentences with inflected and compound names, names over a line break, and
distractors such as "een echte rebel"), written beside the matcher; ``challenge_heldout.yaml``
was written after it and not used to change it. The registry is ``data/actors.yaml``.

A found mention is right when it names the expected actor and overlaps the expected words.
Recall counts every expected mention (a suggestion counts as found: the coder is shown it);
precision is over the mentions stored as *detected* (they count in the network without
review); the suggestions (generic aliases such as "de gemeente") get their own precision.
Nothing is timed; ``--json`` prints the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from wijkverhalen.linking.actors import detect_mentions, parse_actor_registry  # noqa: E402

CHALLENGE = ROOT / "tests" / "data" / "actors" / "challenge.yaml"
HELD_OUT = ROOT / "tests" / "data" / "actors" / "challenge_heldout.yaml"
REGISTRY = ROOT / "data" / "actors.yaml"
GOALS = {"recall": 0.95, "precision": 0.90}


def expected_spans(item: dict) -> list[tuple[str, int, int, bool]]:
    """``(actor_id, start, end, generic)`` of the listed mentions, found in order in the text."""
    text, pos, out = item["text"], 0, []
    for entry in item.get("mentions") or []:
        actor_id, words = entry[0], entry[1]
        generic = any(isinstance(e, dict) and e.get("generic") for e in entry[2:])
        start = text.index(words, pos)
        out.append((actor_id, start, start + len(words), generic))
        pos = start + len(words)
    return out


def evaluate(items: list[dict], actors: list) -> dict:
    found_all = detect_mentions([(i, item["text"]) for i, item in enumerate(items)], actors)
    hits = expected_total = detected = detected_right = suggested = suggested_right = 0
    misses: list[str] = []
    wrong: list[str] = []
    for i, item in enumerate(items):
        expected = expected_spans(item)
        expected_total += len(expected)
        found = [(f[0], f[1], f[2], bool(f[4]) if len(f) > 4 else False) for f in found_all[i]]

        def right(f: tuple[str, int, int, bool], exp: list = expected) -> bool:
            return any(f[0] == e[0] and f[1] < e[2] and f[2] > e[1] for e in exp)

        for e in expected:
            if any(f[0] == e[0] and f[1] < e[2] and f[2] > e[1] for f in found):
                hits += 1
            else:
                misses.append(f"{e[0]}: {item['text'][e[1]:e[2]]!r}")
        for f in found:
            ok = right(f)
            if f[3]:
                suggested += 1
                suggested_right += ok
            else:
                detected += 1
                detected_right += ok
            if not ok:
                wrong.append(f"{f[0]}: {item['text'][f[1]:f[2]]!r} in {item['text'][:60]!r}"
                             + (" (suggestion)" if f[3] else ""))
    return {
        "sentences": len(items), "expected": expected_total, "found_expected": hits,
        "recall": hits / expected_total if expected_total else 1.0,
        "detected": detected, "precision": detected_right / detected if detected else 1.0,
        "suggested": suggested,
        "suggestion_precision": suggested_right / suggested if suggested else 1.0,
        "misses": misses, "false_positives": wrong,
    }


def report(title: str, result: dict) -> None:
    print(f"{title}: {result['sentences']} sentences, {result['expected']} expected mentions")
    print(f"  recall     {result['recall']:6.1%}   goal >= {GOALS['recall']:.0%}"
          f"   ({result['found_expected']} of {result['expected']})")
    print(f"  precision  {result['precision']:6.1%}   goal >= {GOALS['precision']:.0%}"
          f"   ({result['detected']} detected mentions)")
    print(f"  suggestions: {result['suggested']}, of which right {result['suggestion_precision']:.1%}")
    for label, rows in (("missed", result["misses"]), ("wrong", result["false_positives"])):
        for row in rows:
            print(f"  {label}: {row}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    actors = parse_actor_registry(REGISTRY)
    results = {}
    for name, path in (("challenge set", CHALLENGE), ("held-out set", HELD_OUT)):
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
        results[name] = evaluate(items, actors)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return 0
    for name, result in results.items():
        report(f"actor detection, {name}", result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
