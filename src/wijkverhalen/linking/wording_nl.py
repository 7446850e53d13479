"""The Dutch wording of a triangulation finding: its rule, its evidence and its flags.

Dutch outputs (the report for the monitor) print these instead of the English ones;
the numbers and the logic are the same, only the words differ. The protocol's words:
*consistent met*, *deels consistent*, *tegenstrijdig*, *stil*, and *gemengd* for mixed
stories; never *bevestigt*.
"""

from __future__ import annotations

from typing import Any

from .quantitative import num

_WORDS = {"passage": "passages", "respondent": "respondenten", "codering": "coderingen", "editie": "edities",
          "jaar": "jaar", "passage met valentie": "passages met valentie"}
CLAIM = {"up": "veel/meer", "down": "weinig/minder", "mixed": "gemengd", "": "zonder valentie"}


def aantal(n: int, word: str) -> str:
    """``1 passage``, ``2 passages``, ``3 respondenten``."""
    return f"{n} {word}" if n == 1 else f"{n} {_WORDS.get(word, word + 'en')}"


def _dec(x: float | None, signed: bool = False) -> str:
    return num(x, signed).replace(".", ",")


def threshold_nl(quant: Any) -> str:
    if quant.threshold is None:
        return "geen drempel"
    value = _dec(quant.threshold)
    if "(--threshold)" in quant.threshold_rule:
        return f"drempel {value} (--threshold)"
    if "(set for" in quant.threshold_rule:
        return f"drempel {value} (ingesteld voor {quant.indicator})"
    area = quant.focus.area if quant.focus is not None else "BoTu"
    return f"drempel {value} (mediane absolute verandering tussen edities van {area})"


def _silent_indicator(quant: Any, aspect: str, o: Any) -> str:
    if not quant.imported:
        return "indicator niet geïmporteerd"
    if quant.focus is None:
        return f"geen waarden voor {o.area}"
    if quant.threshold is None:
        return f"één editie en geen drempel ingesteld (indicators describe {quant.indicator} --threshold)"
    if aspect == "level" and not quant.years:
        return f"geen editie binnen {aantal(o.edition_span, 'jaar')} van de verhalen"
    if aspect == "change" and len(quant.years) < o.min_editions:
        return f"{aantal(len(quant.years), 'editie')}; een verandering vraagt er {o.min_editions}"
    return "geen referentiegebied (Rotterdam, NPRZ) met waarden in dezelfde edities"


def rule_nl(f: Any, o: Any) -> str:
    """The rule that fired, in Dutch, with its thresholds."""
    q, n = f.qual, f.quant
    if f.verdict == "silence":
        why = []
        if f.silent in ("stories", "both"):
            why.append(f"de verhalen spreken niet ({aantal(q.rated_respondents, 'respondent')} met een passage "
                       f"met valentie, {o.min_respondents} nodig)" if q.claim
                       else "de verhalen spreken niet (geen passage met valentie)")
        if f.silent in ("indicator", "both"):
            why.append(f"de indicator zwijgt ({_silent_indicator(n, f.aspect, o)})")
        return "stil: " + "; ".join(why)
    t = threshold_nl(n)
    if q.claim == "mixed":
        return (f"deels consistent: de verhalen zijn gemengd ({q.positive}+ {q.negative}- {q.mixed}±; drempel "
                f"gemengd {_dec(o.mixed_ratio)}), dus kan maar een deel ervan met de indicator overeenkomen")
    if f.aspect == "level":
        side = {1: "boven", -1: "onder"}[f.expected]
        claim, how = f"ligt {o.area} {side}", f"ligt {side}"
    else:
        side = {1: "stijgt", -1: "daalt"}[f.expected]
        claim, how = f"{side} {o.area} sneller dan", f"{side} sneller dan"
    matching = [c.area for c in n.comparisons if c.sign == f.expected]
    rest = [c.area for c in n.comparisons if c.sign != f.expected]
    if f.verdict == "agreement":
        return f"consistent met: {o.area} {how} {', '.join(matching)}, voorbij de {t}, zoals de verhalen zeggen"
    if f.verdict == "partial agreement":
        return f"deels consistent: {o.area} {how} {', '.join(matching)} voorbij de {t}, niet {', '.join(rest)}"
    return (f"tegenstrijdig: volgens de verhalen {claim} {', '.join(rest)}, maar het verschil valt binnen de {t} "
            "of wijst de andere kant op")


def evidence_nl(f: Any, o: Any) -> str:
    """The evidence in one Dutch line: passages, respondents, numbers, slopes."""
    q, n = f.qual, f.quant
    parts = []
    if q.passages or q.citations:
        parts.append(f"verhalen {CLAIM[q.claim]}: {aantal(q.passages, 'passage')} van "
                     f"{aantal(q.respondents, 'respondent')} ({q.positive}+ {q.negative}- {q.mixed}± {q.unrated} "
                     f"zonder valentie; {aantal(q.codings, 'codering')})")
    else:
        parts.append("geen gecodeerde passages")
    if f.link_direction == "-" and q.direction is not None:
        parts.append("koppeling '-': de indicator hoort de andere kant op te gaan")
    if n.enough:
        unit = " pt" if n.unit == "%" else ""
        if f.aspect == "level":
            head = f"{o.area} niveau {_dec(n.level)} in {', '.join(map(str, n.years))}"
        else:
            head = (f"{o.area} {_dec(n.first)} -> {_dec(n.last)} ({n.years[0]}-{n.years[-1]}), Theil-Sen "
                    f"{_dec(n.slope, True)} per jaar, verandering {_dec(n.change, True)}{unit}")
        comps = "; ".join(f"t.o.v. {c.area} {_dec(c.value, True)}{unit} ({c.area} {_dec(c.own)})"
                          for c in n.comparisons)
        parts.append(f"{head}; {comps}; {threshold_nl(n)}")
    else:
        parts.append(_silent_indicator(n, f.aspect, o))
    return "; ".join(parts)


def flags_nl(f: Any) -> list[str]:
    q, n = f.qual, f.quant
    out = []
    if n.last_edition is not None:
        late: dict[int, int] = {}
        for p in q.quotes:
            if p.year is not None and p.year > n.last_edition:
                late[p.year] = late.get(p.year, 0) + 1
        if late:
            years = ", ".join(f"{y} ({aantal(c, 'passage')})" for y, c in sorted(late.items()))
            out.append(f"verhalen van na de laatste editie ({n.last_edition}): {years}; de indicator kan die "
                       "periode nog niet tonen")
    if q.citations:
        cites = "citeert" if len(q.citations) == 1 else "citeren"
        out.append(f"{aantal(len(q.citations), 'passage')} die de indicator of de enquête {cites}, weggelaten")
    if n.enough and not any(c.area == "NPRZ" for c in n.comparisons):
        out.append("geen vergelijking met NPRZ in deze edities")
    if n.enough and not any(c.area == "Rotterdam" for c in n.comparisons):
        out.append("geen vergelijking met Rotterdam in deze edities")
    if q.passages and not q.years:
        out.append("de verhalen hebben geen jaar: vergeleken met de laatste editie")
    return out
