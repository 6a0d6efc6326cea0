"""Chinese word segmentation with a pinned dictionary and the domain lexicon.

Two backends give the same segmentation: ``jieba`` (the reference, pure Python) and ``rjieba``
(the jieba-rs binding, in Rust). Both load the dictionary file shipped with the installed jieba
package (``jieba/dict.txt``; its version is pinned in requirements-lock.txt), then the lexicon
words, before the first cut; rjieba uses its own embedded copy when that is the same file.
jieba's own cache goes to a project-local folder, named by the dictionary's content hash, so a
changed dictionary is never served from a stale cache.
"""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from ..pipeline.installed import package_file

BACKENDS = ("rjieba", "jieba")


def dictionary_path() -> Path:
    return package_file("jieba", "dict.txt").resolve()


#: SHA-256 of jieba 0.42.1's ``dict.txt``: the dictionary rjieba embeds. When the installed jieba
#: ships this file, ``rjieba.Jieba()`` loads it in Rust (about 0.08 s) instead of 349,046
#: ``add_word`` calls from Python (about 0.35 s); tests/test_tokens.py checks that both cut alike.
EMBEDDED_DICT_SHA256 = "7197c3211ddd98962b036cdf40324d1ea2bfaa12bd028e68faa70111a88e12a8"


def rjieba_with_dictionary(dict_file: Path, embedded: bool = True):
    """An ``rjieba.Jieba`` with the words of ``dict_file``: rjieba's embedded copy when the file is
    the same (and ``embedded``), else the file's words added one by one."""
    import rjieba

    if embedded and hashlib.sha256(Path(dict_file).read_bytes()).hexdigest() == EMBEDDED_DICT_SHA256:
        return rjieba.Jieba()
    jb = rjieba.Jieba.empty()
    with open(dict_file, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if parts:
                jb.add_word(parts[0], int(parts[1]) if len(parts) > 1 else None,
                            parts[2] if len(parts) > 2 else None)
    return jb


class Segmenter:
    """``Segmenter(backend, words, hmm, cache_dir).cut(text)`` → list of tokens.

    ``words`` are added with jieba's suggested frequency, in the given order, after the dictionary.
    """

    def __init__(self, backend: str = "rjieba", words: list[str] | tuple[str, ...] = (), hmm: bool = True,
                 cache_dir: str | Path | None = None):
        if backend not in BACKENDS:
            raise ValueError(f"unknown segmentation backend '{backend}' (choose from {', '.join(BACKENDS)})")
        self.backend = backend
        self.hmm = hmm
        self.words = tuple(words)
        dict_file = dictionary_path()
        if backend == "jieba":
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tk = jieba.Tokenizer(dictionary=str(dict_file))
            if cache_dir is not None:
                Path(cache_dir).mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256(dict_file.read_bytes()).hexdigest()[:16]
                tk.tmp_dir = str(cache_dir)
                tk.cache_file = f"jieba.{digest}.cache"
            tk.initialize()
            for w in self.words:
                tk.add_word(w)
            self._cut = lambda text: tk.lcut(text, HMM=hmm)
        else:
            jb = rjieba_with_dictionary(dict_file)
            for w in self.words:
                jb.add_word(w, None, None)
            self._cut = lambda text: jb.cut(text, hmm)

    def cut(self, text: str) -> list[str]:
        return self._cut(text) if text else []


def word_spans(words: list[str]) -> set[tuple[int, int]]:
    """Character spans (start, end) of a segmentation."""
    out, i = set(), 0
    for w in words:
        out.add((i, i + len(w)))
        i += len(w)
    return out


def score_segmentation(gold: list[list[str]], predicted: list[list[str]],
                       known_words: set[str] | None = None) -> dict:
    """Word precision, recall and F1 (the SIGHAN bakeoff metric: a word is right when both its
    boundaries are), and recall of out-of-vocabulary gold words when ``known_words`` is given."""
    tp = n_gold = n_pred = oov = oov_hit = 0
    for g, p in zip(gold, predicted, strict=True):
        if "".join(g) != "".join(p):
            raise ValueError(f"segmentations of different texts: {''.join(g)[:30]!r} / {''.join(p)[:30]!r}")
        gs, ps = word_spans(g), word_spans(p)
        tp += len(gs & ps)
        n_gold += len(gs)
        n_pred += len(ps)
        if known_words is not None:
            text = "".join(g)
            for s, e in gs:
                if text[s:e] not in known_words:
                    oov += 1
                    oov_hit += (s, e) in ps
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    out = {"precision": precision, "recall": recall, "f1": f1, "gold_words": n_gold}
    if known_words is not None:
        out["oov_recall"] = oov_hit / oov if oov else float("nan")
    return out
