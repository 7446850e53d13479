"""Reading coded passages back with context, full-text search and summary counts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..models import Passage, SearchHit
from ..snippets import match_spans
from .base import Core, Part
from .codes import Codes
from .codings import coding_from_row
from .history import History
from .schema import CHUNK, marks

# Retrieval in one query: per coding, the sentence it starts in ("here") is found
# once through the (document_id, kind, start) index, then the start of the sentence
# before it and the end of the sentence after the coding. The text pages covering
# that stretch are read from text_chunks and Python cuts before / passage / after
# out of them, so retrieving a thousand passages never reads whole documents.
_PAGES = """(SELECT group_concat(t.text, '') FROM (
    SELECT text FROM text_chunks WHERE document_id = {doc} AND idx BETWEEN ({a}) / {chunk}
    AND ({b} - 1) / {chunk} ORDER BY idx) t)"""


def _pages(doc: str, a: str, b: str) -> str:
    """SQL for the text pages covering code points [a, b) of a document."""
    return _PAGES.format(doc=doc, a=a, b=b, chunk=CHUNK)


_PASSAGE_SQL = """
SELECT r.id, r.guid, r.document_id, r.start, r."end", r.code_id, r.coder, r.memo, r.valence,
       r.created_at, r.updated_at, r.name, r.speaker, r.idx, r.turn_idx, r.ctx_start, r.ctx_end,
       """ + _pages("r.document_id", "r.ctx_start", "r.ctx_end") + """
FROM (
  SELECT q.*, here.speaker, here.idx, here.turn_idx,
         COALESCE(q.prev_start, MIN(here.start, q.start), q.start) AS ctx_start,
         MAX(q."end", COALESCE(q.next_end, q.last_end, q."end")) AS ctx_end
  FROM (
    SELECT c.id, c.guid, c.document_id, c.start, c."end", c.code_id, c.coder, c.memo, c.valence,
           c.created_at, c.updated_at, d.name,
           (SELECT s.id FROM segments s WHERE s.document_id = c.document_id AND s.kind = 'sentence'
              AND s.start <= c.start ORDER BY s.start DESC LIMIT 1) AS here_id,
           (SELECT s.start FROM segments s WHERE s.document_id = c.document_id AND s.kind = 'sentence'
              AND s.start <= c.start ORDER BY s.start DESC LIMIT 1 OFFSET 1) AS prev_start,
           (SELECT s."end" FROM segments s WHERE s.document_id = c.document_id AND s.kind = 'sentence'
              AND s.start >= c."end" ORDER BY s.start LIMIT 1) AS next_end,
           (SELECT s."end" FROM segments s WHERE s.document_id = c.document_id AND s.kind = 'sentence'
              AND s.start < c."end" ORDER BY s.start DESC LIMIT 1) AS last_end
    FROM codings c JOIN documents d ON d.id = c.document_id
    {where}
  ) q
  LEFT JOIN segments here ON here.id = q.here_id
) r
"""


class Retrieval(Part):
    """``project.retrieval``: coded passages with context, full-text search, counts and progress."""

    def __init__(self, core: Core, history: History, codes: Codes) -> None:
        super().__init__(core, history)
        self.codes = codes

    def _passage_filter(self, code_ids: Sequence[str] | None, coder: str | None,
                        attributes: dict[str, str] | None, document_id: int | None,
                        coding_ids: Sequence[int] | None = None) -> tuple[str, list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        if code_ids is not None:
            where.append(f"c.code_id IN ({marks(len(code_ids))})")
            params.extend(code_ids)
        if coding_ids is not None:
            where.append(f"c.id IN ({marks(len(coding_ids))})")
            params.extend(coding_ids)
        if coder is not None:
            where.append("c.coder = ?")
            params.append(coder)
        if document_id is not None:
            where.append("c.document_id = ?")
            params.append(document_id)
        for name, value in (attributes or {}).items():
            where.append("c.document_id IN (SELECT document_id FROM attributes WHERE name = ? AND value = ?)")
            params.extend([name, value])
        return (" WHERE " + " AND ".join(where)) if where else "", params

    def _read_passages(self, where: str, params: list[Any]) -> list[Passage]:
        out = []
        for r in self.conn.execute(_PASSAGE_SQL.format(where=where), params):
            ctx_start, ctx_end = r[15], r[16]
            page0 = ctx_start - ctx_start % CHUNK
            ctx = (r[17] or "")[ctx_start - page0:ctx_end - page0]
            a, b = r[3] - ctx_start, r[4] - ctx_start
            out.append(Passage(
                coding=coding_from_row(r[:11]), document_name=r[11], text=ctx[a:b], before=ctx[:a],
                after=ctx[b:], speaker=r[12], sentence_index=r[13] if r[13] is not None else -1,
                turn_index=r[14] if r[14] is not None else -1,
            ))
        return out

    def passages_for(self, coding_ids: Sequence[int]) -> list[Passage]:
        """The given codings as passages with context (exporters pick codings by id)."""
        ids = list(dict.fromkeys(coding_ids))
        out: list[Passage] = []
        for i in range(0, len(ids), 500):  # stay far below SQLite's parameter limit
            where, params = self._passage_filter(None, None, None, None, coding_ids=ids[i:i + 500])
            out.extend(self._read_passages(where, params))
        return out

    def passages(self, code_id: str, *, include_children: bool = False, coder: str | None = None,
                 attributes: dict[str, str] | None = None, document_id: int | None = None,
                 limit: int | None = None, offset: int = 0) -> list[Passage]:
        """Coded passages of a code with one sentence of context either side."""
        code_ids = self.codes.descendants(code_id) if include_children else [code_id]
        where, params = self._passage_filter(code_ids, coder, attributes, document_id)
        order = ' ORDER BY d.name, c.start, c."end", c.id'
        if limit is not None:
            order += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return self._read_passages(where + order, params)

    def count_passages(self, code_id: str, *, include_children: bool = False, coder: str | None = None,
                       attributes: dict[str, str] | None = None) -> int:
        code_ids = self.codes.descendants(code_id) if include_children else [code_id]
        where, params = self._passage_filter(code_ids, coder, attributes, None)
        return int(self.conn.execute(f"SELECT COUNT(*) FROM codings c{where}", params).fetchone()[0])

    # -- search --------------------------------------------------------------------
    def search(self, query: str, lemmas: dict[str, list[str]] | None = None, *, limit: int = 100,
               offset: int = 0) -> list[SearchHit]:
        """Full-text search over sentences, in document order; words also match by lemma.

        ``lemmas`` maps a query word to its lemmas (from ``nlp.query_lemmas``), so
        "hielpen" also finds "helpen" and "geholpen". Quoted phrases match literally.
        Hits come in document order, as QDA users expect, which also lets SQLite
        stop after ``limit`` hits instead of ranking every match.
        """
        lemmas = lemmas or {}
        match = build_match(query, lemmas)
        if not match:
            return []
        sql = """
        SELECT s.document_id, d.name, s.id, s.start, s."end", s.speaker, s.lemmas, h.ctx_start,
               h.ctx_end, """ + _pages("s.document_id", "h.ctx_start", "h.ctx_end") + """
        FROM (
          SELECT f.rowid AS id,
                 COALESCE((SELECT p.start FROM segments p WHERE p.document_id = s.document_id
                             AND p.kind = 'sentence' AND p.start < s.start ORDER BY p.start DESC LIMIT 1),
                          s.start) AS ctx_start,
                 COALESCE((SELECT n."end" FROM segments n WHERE n.document_id = s.document_id
                             AND n.kind = 'sentence' AND n.start > s.start ORDER BY n.start LIMIT 1),
                          s."end") AS ctx_end
          FROM segments_fts f JOIN segments s ON s.id = f.rowid
          WHERE segments_fts MATCH ? ORDER BY f.rowid LIMIT ? OFFSET ?
        ) h
        JOIN segments s ON s.id = h.id
        JOIN documents d ON d.id = s.document_id
        ORDER BY s.id
        """
        words = highlight_terms(query, lemmas)
        hits = []
        for r in self.conn.execute(sql, (match, limit, offset)):
            ctx_start, ctx_end = r[7], r[8]
            page0 = ctx_start - ctx_start % CHUNK
            ctx = (r[9] or "")[ctx_start - page0:ctx_end - page0]
            a, b = r[3] - ctx_start, r[4] - ctx_start
            text = ctx[a:b]
            hits.append(SearchHit(
                document_id=r[0], document_name=r[1], segment_id=r[2], start=r[3], end=r[4],
                speaker=r[5], text=text, spans=match_spans(text, r[6], words), before=ctx[:a],
                after=ctx[b:]))
        return hits

    def count_search(self, query: str, lemmas: dict[str, list[str]] | None = None) -> int:
        match = build_match(query, lemmas or {})
        if not match:
            return 0
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM segments_fts WHERE segments_fts MATCH ?", (match,)).fetchone()[0])

    # -- counts --------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        docs, words = self.conn.execute("SELECT COUNT(*), COALESCE(SUM(word_count), 0) FROM documents").fetchone()
        per_code = [
            {"code": r[0], "label": r[1], "codings": r[2], "documents": r[3]}
            for r in self.conn.execute(
                "SELECT k.id, k.label, COUNT(c.id), COUNT(DISTINCT c.document_id) FROM codes k"
                " LEFT JOIN codings c ON c.code_id = k.id GROUP BY k.id ORDER BY COUNT(c.id) DESC, k.id")
        ]
        per_coder = [
            {"coder": r[0], "codings": r[1], "documents": r[2]}
            for r in self.conn.execute(
                "SELECT coder, COUNT(*), COUNT(DISTINCT document_id) FROM codings GROUP BY coder ORDER BY coder")
        ]
        total = self.conn.execute("SELECT COUNT(*) FROM codings").fetchone()[0]
        sentences = self.conn.execute("SELECT COUNT(*) FROM segments WHERE kind = 'sentence'").fetchone()[0]
        return {"documents": docs, "words": words, "sentences": sentences, "codings": total,
                "codes": len(per_code), "per_code": per_code, "per_coder": per_coder}

    def document_counts(self) -> dict[int, tuple[int, int]]:
        """Per document: (codings, sentences), in two aggregate queries over the indexes.

        Cheap enough to run while the documents screen opens (the share of coded
        sentences, :meth:`document_progress`, is computed later in a worker).
        """
        codings = dict(self.conn.execute("SELECT document_id, COUNT(*) FROM codings GROUP BY document_id"))
        sentences = dict(self.conn.execute(
            "SELECT document_id, COUNT(*) FROM segments WHERE kind = 'sentence' GROUP BY document_id"))
        return {doc_id: (codings.get(doc_id, 0), sentences.get(doc_id, 0))
                for (doc_id,) in self.conn.execute("SELECT id FROM documents")}

    def document_progress(self) -> dict[int, tuple[int, int, int]]:
        """Per document: (codings, sentences, sentences overlapped by at least one coding).

        One ordered pass over sentences and codings (a sweep per document), so it
        stays well under a second on 1,000 documents with 100,000 codings.
        """
        spans: dict[int, list[tuple[int, int]]] = {}
        for doc_id, start, end in self.conn.execute(
                'SELECT document_id, start, "end" FROM codings ORDER BY document_id, start'):
            merged = spans.setdefault(doc_id, [])
            if merged and start <= merged[-1][1]:
                if end > merged[-1][1]:
                    merged[-1] = (merged[-1][0], end)
            else:
                merged.append((start, end))
        counts = dict(self.conn.execute("SELECT document_id, COUNT(*) FROM codings GROUP BY document_id"))
        out: dict[int, tuple[int, int, int]] = {
            doc_id: (counts.get(doc_id, 0), 0, 0) for (doc_id,) in self.conn.execute("SELECT id FROM documents")}
        current, union, p, n_sent, n_coded = None, [], 0, 0, 0
        for doc_id, start, end in self.conn.execute(
                "SELECT document_id, start, \"end\" FROM segments WHERE kind = 'sentence'"
                " ORDER BY document_id, start"):
            if doc_id != current:
                if current is not None:
                    out[current] = (counts.get(current, 0), n_sent, n_coded)
                current, union, p, n_sent, n_coded = doc_id, spans.get(doc_id, []), 0, 0, 0
            n_sent += 1
            while p < len(union) and union[p][1] <= start:
                p += 1
            if p < len(union) and union[p][0] < end:
                n_coded += 1
        if current is not None:
            out[current] = (counts.get(current, 0), n_sent, n_coded)
        return out


_TOKEN_RE = re.compile(r'"([^"]+)"|(\w+)', re.UNICODE)
_WORD_RE = re.compile(r"\w+", re.UNICODE)


def build_match(query: str, lemmas: dict[str, list[str]]) -> str:
    """Turn a user's query into an FTS5 MATCH expression (all words must match).

    A word matches its surface form in the text or any of its lemmas in the
    lemma column. The text column is always asked too: a word's own form may
    carry another lemma (``nlp.query_lemmas`` gives ``delen``, the verb, while
    the form "delen" is indexed as the noun ``deel``).
    """
    parts = []
    for phrase, word in _TOKEN_RE.findall(query):
        if phrase:
            words = _WORD_RE.findall(phrase)
            if words:
                parts.append('text : "' + " ".join(words) + '"')
            continue
        word_lemmas = [lw for lemma in lemmas.get(word, []) for lw in _WORD_RE.findall(lemma.lower())]
        alternatives = [f'text : "{word}"'] + [f'lemmas : "{lw}"' for lw in word_lemmas]
        parts.append("(" + " OR ".join(dict.fromkeys(alternatives)) + ")")
    return " AND ".join(parts)


def highlight_terms(query: str, lemmas: dict[str, list[str]]) -> set[str]:
    """Lower-case words and lemmas whose occurrences a hit should mark."""
    terms = {w.lower() for w in _WORD_RE.findall(query)}
    for values in lemmas.values():
        terms.update(lw for lemma in values for lw in _WORD_RE.findall(lemma.lower()))
    return terms
