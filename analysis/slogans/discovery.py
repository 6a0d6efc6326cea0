"""Discovery of slogans not yet in the lexicon: candidates for a researcher to review and add.

Three kinds, each a declared pattern:

``quoted``
    a phrase in quotation marks (all quote styles are normalised to ``"``), 2–16 characters;
``numbered_formula``
    a numbered formula: two or more numeral + word groups (三高四新, 六稳六保, 九通一平, 三去一降一补)
    or a digit formula (1+5+N, 5+N); groups that read as a count (一年, 三个, 一是) are not formulas;
``recurring_phrase``
    a token of four or more characters (from the token table) that recurs in several documents.

Candidates already in the lexicon (any form) are left out. Quoted phrases and formulas rank before
recurring phrases (their authors marked them); within a kind, by documents, then occurrences.
"""
from __future__ import annotations

import re
from collections import defaultdict

import pandas as pd

_QUOTED = re.compile(r'"([^"\n]{2,16})"')
_NUM = "一二三四五六七八九十两百千万"
_MEASURE = "个项年月日次家批条位名亿万千百季周倍种是要方元届期"
_FORMULA = re.compile(rf"(?:[{_NUM}]+[^{_NUM}{_MEASURE}\W\d]{{1,2}}){{2,4}}")
_DIGIT_FORMULA = re.compile(r"(?<![\w+])\d{1,2}(?:\+\d{1,2})*\+[A-Za-z](?![\w+])|(?<![\w+])\d{1,2}(?:\+\d{1,2}){1,3}(?![\w+%])")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def find_candidates(text: str, lang: str) -> list[tuple[str, str, int]]:
    """(candidate, kind, position) found in one text by the quoted and formula patterns."""
    out = []
    for m in _QUOTED.finditer(text):
        phrase = m.group(1).strip()
        if lang == "zh" and not _CJK.search(phrase):
            continue
        if lang == "en" and len(phrase.split()) < 2:
            continue
        out.append((phrase.lower() if lang == "en" else phrase, "quoted", m.start(1)))
    if lang == "zh":
        for m in _FORMULA.finditer(text):
            out.append((m.group(0), "numbered_formula", m.start()))
        for m in _DIGIT_FORMULA.finditer(text):
            out.append((m.group(0), "numbered_formula", m.start()))
    return out


def discover(docs: pd.DataFrame, texts: dict[str, str], known: set[str], tokens=None,
             min_docs: int = 2, context: int = 20) -> pd.DataFrame:
    """Candidates table: candidate, kind, lang, documents, occurrences, regions, quarters, example.

    ``docs`` has doc_id, lang, province, quarter; ``texts`` maps doc_id to the counted text;
    ``known`` holds every lexicon form (Chinese as is, English lower-cased); ``tokens``, the
    (doc_id, token) pairs of the Chinese tokens of four characters or more
    (:func:`analysis.text.stage.long_tokens`), adds recurring phrases. Quoted phrases and formulas are listed from one document on;
    recurring phrases need ``min_docs`` documents. :class:`Candidates` does the same a batch of
    texts at a time."""
    found = Candidates(known, context)
    found.add(docs, texts)
    return found.table(docs, tokens, min_docs, lambda ids: {d: texts.get(d, "") for d in ids})


class Candidates:
    """:func:`discover` over texts that come in batches (a corpus's texts need not be held at once):
    ``add(docs, texts)`` for each batch, then ``table(docs, tokens, min_docs, text_of)``, where
    ``text_of(doc_ids)`` gives the counted texts of the few documents quoted as examples of
    recurring phrases."""

    def __init__(self, known: set[str], context: int = 20):
        self.known, self.context = known, context
        self.found: dict[tuple, dict] = defaultdict(lambda: {"docs": set(), "n": 0, "example": None})

    def add(self, docs: pd.DataFrame, texts: dict[str, str]) -> None:
        """Count the quoted phrases and formulas of ``texts`` (doc_id → counted text; ``docs``
        gives their languages), in the texts' order."""
        lang_of = dict(zip(docs["doc_id"], docs["lang"]))
        for doc_id, text in texts.items():
            for phrase, kind, pos in find_candidates(text, lang_of[doc_id]):
                if phrase in self.known:
                    continue
                rec = self.found[(phrase, kind, lang_of[doc_id])]
                rec["docs"].add(doc_id)
                rec["n"] += 1
                if rec["example"] is None:
                    rec["example"] = (doc_id, self._excerpt(text, pos, phrase))

    def _excerpt(self, text: str, pos: int, phrase: str) -> str:
        return text[max(0, pos - self.context):pos + len(phrase) + self.context].replace("\n", " ")

    def table(self, docs: pd.DataFrame, tokens=None, min_docs: int = 2, text_of=None) -> pd.DataFrame:
        """The candidates table (see :func:`discover`) of every text added."""
        found = dict(self.found)
        if tokens is not None:
            seen: dict[str, set] = defaultdict(set)
            counts: dict[str, int] = defaultdict(int)
            for doc_id, t in tokens:
                if len(t) >= 4 and _CJK.search(t) and t not in self.known:
                    seen[t].add(doc_id)
                    counts[t] += 1
            recurring = {t: ds for t, ds in seen.items() if len(ds) >= min_docs and (t, "quoted", "zh") not in found}
            examples = text_of(sorted({min(ds) for ds in recurring.values()})) if recurring and text_of else {}
            for t, ds in recurring.items():
                doc_id = min(ds)
                text = examples.get(doc_id, "")
                found[(t, "recurring_phrase", "zh")] = {"docs": ds, "n": counts[t],
                                                        "example": (doc_id, self._excerpt(text, text.find(t), t))}
        region_of = dict(zip(docs["doc_id"], map(_label, docs["province"])))
        quarter_of = dict(zip(docs["doc_id"], map(_label, docs["quarter"])))
        rows = []
        for (phrase, kind, lang), rec in found.items():
            ds = sorted(rec["docs"])
            regions = sorted({region_of[d] for d in ds})
            quarters = sorted({quarter_of[d] for d in ds})
            rows.append({"candidate": phrase, "kind": kind, "lang": lang, "documents": len(ds), "occurrences": rec["n"],
                         "regions": "; ".join(regions), "quarters": "; ".join(quarters),
                         "example_doc": rec["example"][0], "example": rec["example"][1]})
        out = pd.DataFrame(rows, columns=["candidate", "kind", "lang", "documents", "occurrences", "regions", "quarters",
                                          "example_doc", "example"])
        # quoted phrases and formulas are marked as slogans by their authors: they rank first
        out["_kind_rank"] = (out["kind"] == "recurring_phrase").astype(int)
        out = out.sort_values(["_kind_rank", "documents", "occurrences", "candidate"], ascending=[True, False, False, True],
                              kind="stable").drop(columns="_kind_rank")
        return out.reset_index(drop=True)


def _label(value) -> str:
    return "unknown" if value is None or pd.isna(value) else str(value)
