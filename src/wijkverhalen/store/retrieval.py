"""Reading coded passages back with context, full-text search and summary counts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..models import Passage, SearchHit
from .base import ProjectBase
from .codings import coding_from_row

# One correlated query does the whole retrieval: the coded text and one sentence of
# context either side are cut out of the canonical text by SQLite (substr counts code
# points), using the (document_id, kind, start) index, so retrieving a thousand
# passages never loads whole documents into Python.
_PASSAGE_SQL = """
SELECT q.id, q.guid, q.document_id, q.start, q."end", q.code_id, q.coder, q.memo, q.valence,
       q.created_at, q.updated_at, q.name,
       substr(q.dtext, q.start + 1, q."end" - q.start),
       substr(q.dtext, q.before_start + 1, q.start - q.before_start),
       substr(q.dtext, q."end" + 1, q.after_end - q."end"),
       here.speaker, here.idx, here.turn_idx
FROM (
  SELECT c.id, c.guid, c.document_id, c.start, c."end", c.code_id, c.coder, c.memo, c.valence,
         c.created_at, c.updated_at, d.name, d.text AS dtext,
         (SELECT s.id FROM segments s WHERE s.document_id = c.document_id AND s.kind = 'sentence'
            AND s.start <= c.start ORDER BY s.start DESC LIMIT 1) AS here_id,
         COALESCE(
           (SELECT s.start FROM segments s WHERE s.document_id = c.document_id AND s.kind = 'sentence'
              AND s.start <= c.start ORDER BY s.start DESC LIMIT 1 OFFSET 1),
           (SELECT s.start FROM segments s WHERE s.document_id = c.document_id AND s.kind = 'sentence'
              AND s.start <= c.start ORDER BY s.start DESC LIMIT 1),
           c.start) AS before_start,
         MAX(c."end", COALESCE(
           (SELECT s."end" FROM segments s WHERE s.document_id = c.document_id AND s.kind = 'sentence'
              AND s.start >= c."end" ORDER BY s.start LIMIT 1),
           (SELECT s."end" FROM segments s WHERE s.document_id = c.document_id AND s.kind = 'sentence'
              AND s.start < c."end" ORDER BY s.start DESC LIMIT 1),
           c."end")) AS after_end
  FROM codings c JOIN documents d ON d.id = c.document_id
  {where}
) q
LEFT JOIN segments here ON here.id = q.here_id
"""


class RetrievalMixin(ProjectBase):
    def _passage_filter(self, code_ids: Sequence[str], coder: str | None,
                        attributes: dict[str, str] | None, document_id: int | None) -> tuple[str, list[Any]]:
        where = [f"c.code_id IN ({', '.join('?' for _ in code_ids)})"]
        params: list[Any] = list(code_ids)
        if coder is not None:
            where.append("c.coder = ?")
            params.append(coder)
        if document_id is not None:
            where.append("c.document_id = ?")
            params.append(document_id)
        for name, value in (attributes or {}).items():
            where.append("c.document_id IN (SELECT document_id FROM attributes WHERE name = ? AND value = ?)")
            params.extend([name, value])
        return " WHERE " + " AND ".join(where), params

    def passages(self, code_id: str, *, include_children: bool = False, coder: str | None = None,
                 attributes: dict[str, str] | None = None, document_id: int | None = None,
                 limit: int | None = None, offset: int = 0) -> list[Passage]:
        """Coded passages of a code with one sentence of context either side."""
        code_ids = self.descendants(code_id) if include_children else [code_id]  # type: ignore[attr-defined]
        where, params = self._passage_filter(code_ids, coder, attributes, document_id)
        order = ' ORDER BY d.name, c.start, c."end", c.id'
        if limit is not None:
            order += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        sql = _PASSAGE_SQL.format(where=where + order)
        out = []
        for r in self.conn.execute(sql, params):
            out.append(Passage(
                coding=coding_from_row(r[:11]), document_name=r[11], text=r[12], before=r[13] or "",
                after=r[14] or "", speaker=r[15], sentence_index=r[16] if r[16] is not None else -1,
                turn_index=r[17] if r[17] is not None else -1,
            ))
        return out

    def count_passages(self, code_id: str, *, include_children: bool = False, coder: str | None = None,
                       attributes: dict[str, str] | None = None) -> int:
        code_ids = self.descendants(code_id) if include_children else [code_id]  # type: ignore[attr-defined]
        where, params = self._passage_filter(code_ids, coder, attributes, None)
        return int(self.conn.execute(f"SELECT COUNT(*) FROM codings c{where}", params).fetchone()[0])

    # -- search --------------------------------------------------------------------
    def search(self, query: str, lemmas: dict[str, list[str]] | None = None, *, limit: int = 100,
               offset: int = 0) -> list[SearchHit]:
        """Full-text search over sentences; each word also matches by lemma.

        ``lemmas`` maps a query word to its lemmas (from ``nlp.lemmatize_query``), so
        "hielpen" also finds "helpen" and "geholpen". Quoted phrases match literally.
        """
        match = build_match(query, lemmas or {})
        if not match:
            return []
        sql = """
        SELECT s.document_id, d.name, s.id, s.start, s."end", s.speaker,
               substr(d.text, s.start + 1, s."end" - s.start),
               snippet(segments_fts, 0, '[', ']', '…', 16),
               COALESCE(substr(d.text, p.start + 1, s.start - p.start), ''),
               COALESCE(substr(d.text, s."end" + 1, n."end" - s."end"), '')
        FROM segments_fts f
        JOIN segments s ON s.id = f.rowid
        JOIN documents d ON d.id = s.document_id
        LEFT JOIN segments p ON p.document_id = s.document_id AND p.kind = 'sentence' AND p.idx = s.idx - 1
        LEFT JOIN segments n ON n.document_id = s.document_id AND n.kind = 'sentence' AND n.idx = s.idx + 1
        WHERE segments_fts MATCH ?
        ORDER BY bm25(segments_fts, 1.0, 0.6), s.document_id, s.start
        LIMIT ? OFFSET ?
        """
        return [
            SearchHit(document_id=r[0], document_name=r[1], segment_id=r[2], start=r[3], end=r[4],
                      speaker=r[5], text=r[6], snippet=r[7], before=r[8], after=r[9])
            for r in self.conn.execute(sql, (match, limit, offset))
        ]

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

    def document_progress(self) -> dict[int, tuple[int, int, int]]:
        """Per document: (codings, sentences, sentences overlapped by at least one coding)."""
        out: dict[int, tuple[int, int, int]] = {}
        for doc_id, n_codings, n_sent, n_coded in self.conn.execute("""
            SELECT d.id,
                   (SELECT COUNT(*) FROM codings c WHERE c.document_id = d.id),
                   (SELECT COUNT(*) FROM segments s WHERE s.document_id = d.id AND s.kind = 'sentence'),
                   (SELECT COUNT(*) FROM segments s WHERE s.document_id = d.id AND s.kind = 'sentence'
                      AND EXISTS (SELECT 1 FROM codings c WHERE c.document_id = d.id
                                  AND c.start < s."end" AND c."end" > s.start))
            FROM documents d"""):
            out[doc_id] = (n_codings, n_sent, n_coded)
        return out


_TOKEN_RE = re.compile(r'"([^"]+)"|(\w+)', re.UNICODE)


def build_match(query: str, lemmas: dict[str, list[str]]) -> str:
    """Turn a user's query into an FTS5 MATCH expression (all words must match)."""
    parts = []
    for phrase, word in _TOKEN_RE.findall(query):
        if phrase:
            words = re.findall(r"\w+", phrase)
            if words:
                parts.append('text : "' + " ".join(words) + '"')
            continue
        alternatives = [f'text : "{word}"']
        for lemma in lemmas.get(word, []):
            for lw in re.findall(r"\w+", lemma):
                alternatives.append(f'lemmas : "{lw}"')
        parts.append("(" + " OR ".join(dict.fromkeys(alternatives)) + ")")
    return " AND ".join(parts)
