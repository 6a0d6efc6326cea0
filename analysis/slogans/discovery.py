"""Discovery of slogans not yet in the lexicon: candidates for a researcher to review and add.

Three kinds, each a declared pattern:

``quoted``
    a phrase in quotation marks (all quote styles are normalised to ``"``), 2–16 characters;
``numbered_formula``
    a numbered formula: two or more numeral + word groups (三高四新, 六稳六保, 九通一平, 三去一降一补)
    or a digit formula (1+5+N, 5+N); groups that read as a count (一年, 三个, 一是) are not formulas;
``recurring_phrase``
    a token of four or more characters (from the token table) that recurs in several documents.

Candidates already in the lexicon (any form) are left out; a candidate found by two patterns is one
row (``kind`` = quoted+numbered_formula). They are ranked by :func:`formulation_score`: marked by their
authors (quoted, numbered), then recurring in fixed form across documents and regions, so that
formulations come before common collocations (precision on a hand-labelled sample: bench/RESULTS.md).
"""
from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
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
    ``known`` holds every lexicon form (Chinese as is, English lower-cased); ``tokens``, batches of
    the (doc_ids, tokens) of the Chinese tokens of four characters or more
    (:func:`analysis.text.token_table.long_tokens`), adds recurring phrases. Quoted phrases and formulas are listed from one document on;
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
        """The candidates table (see :func:`discover`) of every text added. ``tokens``: batches of
        (doc_ids, tokens), two sequences of the same length. The documents of each candidate are kept
        as rows of ``docs`` (numbers, not strings: a million news items hold tens of millions of
        (phrase, document) pairs)."""
        ids = docs["doc_id"].astype(str).to_numpy(dtype=object)
        row_of = pd.Index(ids)
        found = {key: {**rec, "docs": np.sort(row_of.get_indexer(sorted(rec["docs"])))} for key, rec in self.found.items()}
        if tokens is not None:
            found.update(self._recurring(row_of, ids, tokens, min_docs, found, text_of))
        region, regions = pd.factorize(pd.Series(docs["province"].map(_label).to_numpy(dtype=object)), sort=True)
        quarter, quarters = pd.factorize(pd.Series(docs["quarter"].map(_label).to_numpy(dtype=object)), sort=True)
        merged: dict[tuple, dict] = {}   # one row per candidate: quoted and a formula is one finding
        for (phrase, kind, lang), rec in sorted(found.items(), key=lambda x: x[0]):
            row = merged.setdefault((phrase, lang), {"kinds": [], "docs": [], "n": 0, "example": rec["example"]})
            row["kinds"].append(kind)
            row["docs"].append(rec["docs"])
            row["n"] = max(row["n"], rec["n"])
        rows = []
        for (phrase, lang), rec in merged.items():
            ds = rec["docs"][0] if len(rec["docs"]) == 1 else np.unique(np.concatenate(rec["docs"]))
            in_regions = list(regions[np.unique(region[ds])])
            kinds = sorted(set(rec["kinds"]), key=KINDS.index)
            known_regions = len([r for r in in_regions if r != "unknown"])
            score, why = formulation_score(phrase, kinds, len(ds), known_regions)
            rows.append({"candidate": phrase, "kind": "+".join(kinds), "lang": lang, "documents": len(ds),
                         "occurrences": rec["n"], "regions_n": known_regions, "score": score, "why": why,
                         "regions": "; ".join(in_regions), "quarters": "; ".join(quarters[np.unique(quarter[ds])]),
                         "example_doc": rec["example"][0], "example": rec["example"][1]})
        out = pd.DataFrame(rows, columns=["candidate", "kind", "lang", "documents", "occurrences", "regions_n", "score",
                                          "why", "regions", "quarters", "example_doc", "example"])
        out = out.sort_values(["score", "documents", "occurrences", "candidate"], ascending=[False, False, False, True],
                              kind="stable")
        return out.reset_index(drop=True)

    def _recurring(self, row_of: pd.Index, ids: np.ndarray, tokens, min_docs: int, found: dict, text_of) -> dict:
        """The recurring phrases: Chinese tokens of four or more characters, not in the lexicon, in at
        least ``min_docs`` documents and not already quoted; each with its documents (rows), its
        occurrences and an example from its first document (by doc_id)."""
        code_of: dict[str, int] = {}
        words: list[str] = []
        occurrences = np.zeros(0, np.int64)
        pairs = []
        for doc_ids, toks in tokens:
            inverse, unique = pd.factorize(pd.Series(toks, dtype=object))
            codes = np.array([self._code(t, code_of, words) for t in unique], dtype=np.int64)[inverse] \
                if len(unique) else np.zeros(0, np.int64)
            keep = codes >= 0
            rows = row_of.get_indexer(pd.Series(doc_ids, dtype=object))[keep]
            if (rows < 0).any():
                raise ValueError("slogan candidates: tokens of a document that is not in the documents table")
            codes = codes[keep]
            if len(words) > len(occurrences):
                occurrences = np.concatenate([occurrences, np.zeros(len(words) - len(occurrences), np.int64)])
            occurrences += np.bincount(codes, minlength=len(occurrences))
            pairs.append(np.unique((codes << 32) | rows))
        keys = np.concatenate(pairs) if pairs else np.zeros(0, np.int64)
        pairs.clear()
        keys.sort()   # in place, and the repeats dropped by a mask: np.unique held three copies (14 million pairs at 1M)
        keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])] if len(keys) else keys
        codes, rows = (keys >> 32).astype(np.int32), (keys & 0xFFFFFFFF).astype(np.int64)
        del keys
        starts = np.searchsorted(codes, np.arange(len(words) + 1))
        rank = np.argsort(np.argsort(ids, kind="stable"), kind="stable")   # doc_id order
        chosen = {}
        for c in np.flatnonzero(np.diff(starts) >= min_docs):
            if (words[c], "quoted", "zh") not in found:
                ds = rows[starts[c]:starts[c + 1]]
                chosen[words[c]] = (ds, ids[ds[np.argmin(rank[ds])]], int(occurrences[c]))
        examples = text_of(sorted({first for _, first, _ in chosen.values()})) if chosen and text_of else {}
        out = {}
        for t, (ds, first, n) in chosen.items():
            text = examples.get(first, "")
            out[(t, "recurring_phrase", "zh")] = {"docs": ds, "n": n, "example": (first, self._excerpt(text, text.find(t), t))}
        return out

    def _code(self, t: str, code_of: dict, words: list) -> int:
        """A long token's number (−1: not a candidate: no Chinese character, or in the lexicon)."""
        c = code_of.get(t)
        if c is None:
            c = code_of[t] = len(words) if len(t) >= 4 and _CJK.search(t) and t not in self.known else -1
            if c >= 0:
                words.append(t)
        return c


KINDS = ("quoted", "numbered_formula", "recurring_phrase")


def formulation_score(phrase: str, kinds: list[str], documents: int, regions: int) -> tuple[float, str]:
    """How much a candidate looks like a formulation (提法) rather than a common collocation, and
    why. First, in tiers, whether its authors marked it and it recurs: quoted or numbered in two
    documents or more (tier 2) above quoted or numbered once (tier 1) above never marked (tier 0),
    however common (基础设施 in every report is no formulation); a clause in quotation marks (a comma
    inside) is a quotation, tier 0. Within a tier, how widely it recurs in fixed form: log2 of
    1 + documents and of 1 + regions, and 1 more for a numbered formula."""
    import math

    marked = "quoted" in kinds or "numbered_formula" in kinds
    clause = bool(re.search(r"[,，;；。]", phrase))
    tier = 0 if clause or not marked else (2 if documents >= 2 else 1)
    spread = math.log2(1 + documents) + math.log2(1 + regions) + 1.0 * ("numbered_formula" in kinds)
    how = " and ".join(k.replace("_", " ") for k in kinds if k != "recurring_phrase") or "recurring, never quoted"
    why = f"{how}; {documents} document{'s' * (documents != 1)}, {regions} region{'s' * (regions != 1)}" + \
        ("; a clause, not a formulation" if clause else "")
    return round(100.0 * tier + spread, 3), why


def _label(value) -> str:
    return "unknown" if value is None or pd.isna(value) else str(value)


#: candidates offered as lexicon rows: marked by their authors and in at least this many documents
LEXICON_ROWS_MIN_DOCS = 2


def lexicon_rows(candidates: pd.DataFrame, corpus: str, top: int = 100) -> pd.DataFrame:
    """The best candidates as rows of lexicon.csv, ready to paste after review: each quoted or
    numbered Chinese candidate in LEXICON_ROWS_MIN_DOCS documents or more, best first, with what was
    found in the note, ``corpus`` as its source and the first year it was seen (category: general,
    to be reviewed)."""
    from ..text.lexicon import COLUMNS, OPTIONAL

    marked = candidates[(candidates["lang"] == "zh") & (candidates["documents"] >= LEXICON_ROWS_MIN_DOCS)
                        & candidates["kind"].str.contains("quoted|numbered", regex=True)].head(top)
    years = marked["quarters"].str.findall(r"(\d{4})").map(lambda ys: min(ys) if ys else "")
    return pd.DataFrame({
        "term": marked["candidate"].str.strip('"'), "category": "general", "slogan": "yes", "variants": "",
        "english": "", "note": "candidate (review the category): " + marked["why"], "source": corpus,
        "year": years, "valid_from": "", "valid_to": ""}, columns=[*COLUMNS, *OPTIONAL]).reset_index(drop=True)
