"""The tokens stage: the documents table → a token table (Parquet), one row per paragraph.

Columns: ``doc_id``, ``para`` (0-based paragraph number), ``lang``, ``text_hash`` (SHA-1 of the
document text), ``tokens`` (filtered unigrams, see :mod:`analysis.text.tokens`) and ``phrased`` (the
same with learned collocations joined by ``_``). Key: (doc_id, para).

The stage reruns when the documents, the lexicon, a stop-word list, the backend or a parameter
changes. When only documents changed, the tokens of documents whose text is unchanged are taken
from the previous table (matched by ``text_hash``) and only new or changed texts are segmented.
Documents are streamed in batches and rows written as they are made, so memory does not grow with
the corpus; segmentation runs in parallel processes.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..pipeline import atomic, runner, cache
from .collocations import Collocations
from .declaration import STAGE
from ..pipeline.config import Config, TokenParams
from ..corpus.documents_table import corpus_folder
from .lexicon import read_lexicon, read_stopwords, stopword_digest
from ..pipeline.budget import release_memory
from ..pipeline.parallel import chunks_by_size, ordered_map
from ..pipeline.parquet_files import parquet_batches, parquet_file
from ..pipeline.problems import Problem
from .segment import Segmenter
from .tokens import EnglishPhraser, TokenRules, Tokenizer

LANGS = ("zh", "en")
SCHEMA = pa.schema([("doc_id", pa.string()), ("para", pa.int32()), ("lang", pa.string()),
                    ("text_hash", pa.string()), ("tokens", pa.list_(pa.string())),
                    ("phrased", pa.list_(pa.string()))])
_BATCH_DOCS = 500


@dataclass(frozen=True)
class TokensResult:
    path: Path
    rebuilt: bool
    reused_docs: int
    segmented_docs: int
    problems: list


def tokens_folder(cfg: Config) -> Path:
    return Path(cfg.paths.data) / "tokens"


def settings(params: TokenParams) -> dict:
    """Everything that changes tokens, by content: the stage and the reuse cache are keyed on it."""
    lexicon = read_lexicon(params.lexicon)
    return {"backend": params.backend, "hmm": params.hmm, "lexicon": lexicon.digest,
            "stop_zh": stopword_digest(params.stopwords_zh), "stop_en": stopword_digest(params.stopwords_en),
            "min_chars_zh": params.min_chars_zh, "min_chars_en": params.min_chars_en,
            "canonical": params.canonical}


def make_tokenizer(params: TokenParams, cache_dir: Path | None = None) -> Tokenizer:
    lexicon = read_lexicon(params.lexicon)
    words = lexicon.segmenter_words()
    english = lexicon.english_phrases()
    keep = frozenset(words) | frozenset("_".join(p) for p in english)
    rules = TokenRules(read_stopwords(params.stopwords_zh), read_stopwords(params.stopwords_en), keep,
                       params.min_chars_zh, params.min_chars_en)
    segmenter = Segmenter(params.backend, words, params.hmm, cache_dir)
    canonical = lexicon.surface_to_term() if params.canonical else {}
    return Tokenizer(segmenter, rules, EnglishPhraser(english), canonical)


_TOKENIZER: Tokenizer | None = None  # this process's tokenizer, built by _init_tokenizer
_TOKENIZER_FOR: tuple | None = None


def _init_tokenizer(params: TokenParams, cache_dir: Path | None) -> None:
    """Build the tokenizer of this process (once: a forked worker inherits the parent's)."""
    global _TOKENIZER, _TOKENIZER_FOR
    if _TOKENIZER_FOR != (params, cache_dir):
        _TOKENIZER = make_tokenizer(params, cache_dir)
        _TOKENIZER_FOR = (params, cache_dir)


def _tokenize_chunk(jobs: list[tuple[str, str, str, str, list | None]]) -> tuple[int, pa.Table]:
    """Tokens of some documents as an Arrow table (built in the worker, sent back as buffers).
    A job with previous rows (text unchanged) passes them through instead of segmenting again."""
    rows = []
    for doc_id, lang, text, h, previous in jobs:
        paras = previous if previous is not None else enumerate(_TOKENIZER.paragraphs(text, lang))
        rows += [(doc_id, i, lang, h, toks) for i, toks in paras]
    return len(jobs), _table(rows)


_PHRASERS: dict = {}  # this process's collocations, set by _init_phrasing


def _init_phrasing(params: TokenParams, cache_dir: Path | None, phrasers: dict) -> None:
    """Build the tokenizer of this process and keep the collocations it joins."""
    global _PHRASERS
    _init_tokenizer(params, cache_dir)
    _PHRASERS = phrasers


def _tokenize_and_phrase(jobs: list[tuple[str, str, str, str, list | None]]) -> tuple[int, pa.Table]:
    """Tokens of some documents with their collocations joined (the ``phrased`` column)."""
    n, table = _tokenize_chunk(jobs)
    if not table.num_rows:
        return n, pa.Table.from_batches([], schema=SCHEMA)
    return n, pa.Table.from_batches([_phrase_batch(b, _PHRASERS) for b in table.to_batches()])


#: Characters of text per task: tens of milliseconds of work, so that sending a task and its
#: result between processes (about a millisecond) does not dominate.
_CHUNK_CHARS = 200_000
_GROUP_ROWS = 2000  # paragraphs per Parquet row group (a row group is one task when learning collocations)


def _phrase_batch(batch: pa.RecordBatch, phrasers: dict) -> pa.RecordBatch:
    """Add the ``phrased`` column to a batch of the unigram table."""
    phrased = batch.column(4)
    for lang, model in phrasers.items():
        phrased = pc.if_else(pc.equal(batch.column(2), lang), model.transform_arrow(batch.column(4)), phrased)
    return pa.RecordBatch.from_arrays([batch.column(i) for i in range(batch.num_columns)] + [phrased],
                                      schema=SCHEMA.with_metadata(batch.schema.metadata))


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def build_tokens(cfg: Config, progress: bool = True, force: bool = False) -> TokensResult:
    """Build (or reuse) the token table from the documents table: collocations learned on a sample
    of the documents (``tokens.phrases_sample`` characters; all of them in a smaller corpus), then
    one pass that segments every document, joins the collocations in the worker processes and
    writes the table."""
    out = tokens_folder(cfg)
    docs_path = corpus_folder(cfg) / "documents.parquet"
    if not docs_path.exists():
        raise FileNotFoundError(f"{docs_path} not found: run `python -m analysis corpus` first")
    key = runner.key(STAGE, cfg, [docs_path])
    cfg = runner.view(cfg, STAGE)
    params = cfg.tokens
    setting_hash = hashlib.sha256(json.dumps(settings(params), sort_keys=True).encode()).hexdigest()
    final = out / "tokens.parquet"
    if not force and cache.is_fresh(out, key, ["tokens.parquet"]):
        return TokensResult(final, False, 0, 0, _read_problems(out))

    out.mkdir(parents=True, exist_ok=True)
    cache.invalidate(out)
    unigram_path = out / "unigrams.parquet"   # the sample's unigrams, that collocations are learned from
    workers = params.workers or mp.cpu_count()
    sample = sample_ids(docs_path, params.phrases_sample)
    tokenizer_args = (runner.plain(cfg.tokens), Path(cfg.paths.data) / "cache")
    if force:
        for parts in ("unigrams.parts", "tokens.parts"):
            shutil.rmtree(out / parts, ignore_errors=True)
    # the rows of every text an earlier run (or the parts of a killed one) holds: read once, for both passes
    earlier = [unigram_path, *sorted((out / "unigrams.parts").glob("part-*.arrow")), final,
               *sorted((out / "tokens.parts").glob("part-*.arrow"))]
    previous = EarlierRows([] if force else earlier, setting_hash)
    learned = _segment(docs_path, out, setting_hash, workers, progress, tokenizer_args, sample, previous)
    release_memory()
    phrasers = learn_phrases(unigram_path, params.phrases_min_count, params.phrases_threshold, workers)
    release_memory()
    for lang, phr in phrasers.items():
        _write_collocations(out / f"collocations_{lang}.csv", phr)
    if sample is None:   # every document is in the sample: its unigram table holds them all, phrased at once
        _join_phrases(unigram_path, final, phrasers, setting_hash)
        reused, segmented, problems = learned.reused, learned.segmented, learned.problems
    else:
        previous.add([unigram_path])   # and the sample's, just segmented
        jobs = _write_tokens(docs_path, out, setting_hash, workers, progress, tokenizer_args, phrasers, previous)
        # a document segmented for the sample is taken from it in this pass: counted once, as segmented
        reused, segmented, problems = jobs.reused - learned.segmented, jobs.segmented + learned.segmented, jobs.problems
    shutil.rmtree(out / "tokens.parts", ignore_errors=True)
    release_memory()
    _write_problems(out, problems)
    cache.mark_done(out, key, ["tokens.parquet"])
    return TokensResult(final, True, reused, segmented, problems)


def sample_ids(docs_path: Path, chars: int) -> frozenset | None:
    """The documents collocations are learned from: every one (None) when the corpus has at most
    ``chars`` characters, else each with probability ``chars`` / the corpus's characters, drawn by a
    hash of its doc_id (the same documents on every run and machine; a changed corpus changes the
    draw only through its size)."""
    names = pq.read_schema(docs_path).names
    if "n_chars" in names:   # the documents table's count (whitespace aside): no text to read
        table = pq.read_table(docs_path, columns=["doc_id", "n_chars"])
        total = int(pc.sum(table.column("n_chars")).as_py() or 0)
    else:
        table = pq.read_table(docs_path, columns=["doc_id", "text"])
        total = int(pc.sum(pc.utf8_length(table.column("text").fill_null(""))).as_py() or 0)
    if total <= chars:
        return None
    share = chars / total
    ids = table.column("doc_id").to_pylist()
    return frozenset(d for d in ids if int(hashlib.sha1(d.encode("utf-8")).hexdigest()[:12], 16) / 16 ** 12 < share)


class _Jobs:
    """The documents of the documents table as tokenizing jobs, one per document in table order:
    unchanged texts carry their previous rows instead of the text. Counts the texts reused and
    segmented, keeps a problem for each document left out, and shows the progress."""

    def __init__(self, docs_path: Path, previous: "EarlierRows", progress: bool, only: frozenset | None = None,
                 desc: str = "tokens"):
        from tqdm import tqdm

        self.docs_file = parquet_file(docs_path)
        self.previous = previous
        self.only = only
        self.bar = tqdm(total=self.docs_file.metadata.num_rows if only is None else len(only), desc=desc, unit="doc",
                        disable=not progress or None, leave=False)
        self.reused = self.segmented = 0
        self.problems: list[Problem] = []

    def __iter__(self):
        """(doc_id, lang, text or "" when reused, text hash, previous rows or None) of each document."""
        columns = ["doc_id", "source_file", "part", "lang", "text"]
        for batch in self.docs_file.iter_batches(batch_size=_BATCH_DOCS, columns=columns):
            for doc_id, source, part, lang, text in zip(*(batch.column(i).to_pylist() for i in range(5))):
                if self.only is not None and doc_id not in self.only:
                    continue
                if lang not in LANGS:
                    self.problems.append(Problem(source, "" if part is None else f"part {part}",
                                                 f"language '{lang}' is not supported for tokens; left out",
                                                 "skipped"))
                    self.bar.update()
                    continue
                h = text_hash(text or "")
                before = self.previous.get(h)
                self.reused += before is not None
                self.segmented += before is None
                yield (doc_id, lang, "" if before is not None else text or "", h, before)

    def close(self) -> None:
        """Close the progress bar and let go of the documents table and the previous rows."""
        self.bar.close()
        self.docs_file = self.previous = None  # the previous rows: their index and cached pieces


def _segment(docs_path: Path, out: Path, setting_hash: str, workers: int, progress: bool, tokenizer_args: tuple,
             sample: frozenset | None, previous: "EarlierRows") -> _Jobs:
    """Write the unigram table of the sample (``out/unigrams.parquet``: every document when ``sample``
    is None), segmenting only the texts ``previous`` does not hold (the rows of earlier runs and of the
    parts of a killed one); returns the jobs, with their counts and problems."""
    unigram_path = out / "unigrams.parquet"
    parts = out / "unigrams.parts"  # the row groups of a run not yet finished, one file each
    jobs = _Jobs(docs_path, previous, progress, only=sample, desc="tokens (sample for collocations)"
                 if sample is not None else "tokens")
    tasks = chunks_by_size(jobs, lambda job: len(job[2]), _CHUNK_CHARS, _BATCH_DOCS)
    try:
        _write_unigrams(unigram_path, parts, setting_hash, tasks, workers, tokenizer_args, jobs.bar)
    finally:
        jobs.close()
    shutil.rmtree(parts, ignore_errors=True)  # the unigram table is whole: its parts are not needed
    return jobs


def _write_tokens(docs_path: Path, out: Path, setting_hash: str, workers: int, progress: bool,
                  tokenizer_args: tuple, phrasers: dict, previous: "EarlierRows") -> _Jobs:
    """The token table of a corpus larger than its sample, in one pass over the documents: the
    workers segment each text (or take its rows from ``previous``: the sample's unigrams, the last
    run's table, the parts of a killed run) and join the collocations; this process writes the row
    groups, each also as a part of its own that a killed run reuses."""
    parts = out / "tokens.parts"
    jobs = _Jobs(docs_path, previous, progress)
    tasks = chunks_by_size(jobs, lambda job: len(job[2]), _CHUNK_CHARS, _BATCH_DOCS)
    try:
        _write_groups(out / "tokens.parquet", parts, SCHEMA.with_metadata({b"tifa_settings": setting_hash.encode()}),
                      ordered_map(_tokenize_and_phrase, tasks, workers, initializer=_init_phrasing,
                                  initargs=(*tokenizer_args, phrasers)), jobs.bar)
    finally:
        jobs.close()
    return jobs


class _GroupWriter:
    """A table written a row group at a time, each row group also as a part of its own (in ``parts``)
    that a killed run reuses."""

    def __init__(self, path: Path, parts: Path, schema: pa.Schema):
        self.schema = schema
        self.writer = pq.ParquetWriter(path, self.schema)
        self.parts = parts
        self.written = 0

    def write(self, group: list[pa.Table]) -> None:
        rows = pa.concat_tables(group).replace_schema_metadata(self.schema.metadata)
        self.writer.write_table(rows)
        # a part in Arrow's own file format: written at memory speed (Parquet's encoding doubled the writing)
        with atomic.atomic_path(self.parts / f"part-{self.written:06d}.arrow") as tmp:
            with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, rows.schema) as part:
                part.write_table(rows)
        self.written += 1


def _write_groups(path: Path, parts: Path, schema: pa.Schema, results, bar) -> None:
    """Write the tables of ``results`` ((documents, table) pairs, in order) to ``path`` in row groups
    of about ``_GROUP_ROWS`` paragraphs."""
    with atomic.atomic_path(path) as tmp:
        writer = _GroupWriter(tmp, parts, schema)
        group: list[pa.Table] = []
        # one pipeline over the whole corpus: workers keep segmenting while this process writes
        for n_docs, table in results:
            group.append(table)
            bar.update(n_docs)
            if sum(t.num_rows for t in group) >= _GROUP_ROWS:
                writer.write(group)
                group = []
        if group:
            writer.write(group)
        writer.writer.close()


def _write_unigrams(path: Path, parts: Path, setting_hash: str, tasks, workers: int, tokenizer_args: tuple,
                    bar) -> None:
    """The unigram table from the tokenizing ``tasks``, in row groups of about ``_GROUP_ROWS`` paragraphs."""
    schema = SCHEMA.remove(SCHEMA.get_field_index("phrased")).with_metadata({b"tifa_settings": setting_hash.encode()})
    _write_groups(path, parts, schema, ordered_map(_tokenize_chunk, tasks, workers, initializer=_init_tokenizer,
                                                   initargs=tokenizer_args), bar)


def _join_phrases(unigram_path: Path, final: Path, phrasers: dict, setting_hash: str) -> None:
    """Write the token table: the unigram table with the ``phrased`` column."""
    # joining is vectorised (Arrow and numpy): one process keeps up with reading and writing
    schema = SCHEMA.with_metadata({b"tifa_settings": setting_hash.encode()})
    with atomic.atomic_path(final) as tmp:
        writer = pq.ParquetWriter(tmp, schema)
        for batch in parquet_batches(unigram_path, batch_size=5000):
            writer.write_batch(_phrase_batch(batch, phrasers).replace_schema_metadata(schema.metadata))
        writer.close()


def _write_problems(folder: Path, problems: list[Problem]) -> None:
    """Write the problems of a run to ``problems.json`` in the stage's folder (read back by :func:`_read_problems`)."""
    with atomic.atomic_path(folder / "problems.json") as tmp:
        tmp.write_text(json.dumps([p.__dict__ for p in problems], ensure_ascii=False, indent=1))


def _write_collocations(path: Path, model: Collocations) -> None:
    lines = ["collocation,count,npmi"] + [f"{w},{c},{s:.4f}" for w, c, s in model.table()]
    atomic.write_text(path, "\n".join(lines) + "\n")


def _table(rows: list[tuple]) -> pa.Table:
    schema = SCHEMA.remove(SCHEMA.get_field_index("phrased"))
    cols = list(zip(*rows)) if rows else [[] for _ in range(len(schema))]
    return pa.Table.from_arrays([pa.array(list(c), type=f.type) for c, f in zip(cols, schema)], schema=schema)


class EarlierRows:
    """text_hash → [(para, tokens)] of the texts that earlier tables made with the same settings hold
    (the previous run's tables, the parts a killed run wrote), read when asked.

    What is held is an index, about 12 bytes a text: the first 64 bits of each text's hash → the piece
    (a Parquet row group, a part's record batch) where its rows start; and the rows of the last
    :data:`CACHED` pieces read, of any file (kept per file, a killed run's parts, a file each, would all
    stay decoded). A rerun asks for the texts in the order the tables were written, so each piece is
    read about once. (A dictionary of every earlier row took 1.9 GB at 100,000 news items.) A text is
    taken from the first file and the first document that hold it: a text held by several documents
    (exact copies) has its paragraphs in a table once per copy, and one document is in several files.
    A file that changed since it was indexed gives nothing (its texts are segmented again)."""

    #: pieces held decoded: a few for each of the tables read side by side (the sample's unigrams, the
    #: last table, the parts of a killed run, read one after the other)
    CACHED = 8

    def __init__(self, paths: list[Path], setting_hash: str):
        self._setting = setting_hash
        self._pieces: list[tuple[Path, int, tuple]] = []   # (file, piece, the file's stamp when indexed)
        self._keys = np.zeros(0, np.uint64)
        self._where = np.zeros(0, np.int64)
        self._cache: dict[int, dict] = {}
        self.add(paths)

    def add(self, paths: list[Path]) -> None:
        """Index the texts of ``paths`` that are not held yet (those already held keep their rows)."""
        fresh = np.array([_stamp(path) == stamp for path, _, stamp in self._pieces], dtype=bool)
        keep = fresh[self._where] if len(self._where) else np.zeros(0, bool)
        keys, where = [self._keys[keep]], [self._where[keep]]
        for path in dict.fromkeys(paths):
            try:
                for piece, hashes in _piece_hashes(path, self._setting):
                    keys.append(np.array([int(h[:16], 16) for h in hashes], dtype=np.uint64))
                    where.append(np.full(len(hashes), len(self._pieces), dtype=np.int64))
                    self._pieces.append((path, piece, _stamp(path)))
            except Exception:   # a file cut short by a crash: its documents are segmented again
                continue
        keys, where = np.concatenate(keys), np.concatenate(where)
        self._keys, first = np.unique(keys, return_index=True)   # the first file, piece and row that hold it
        self._where = where[first]
        self._cache.clear()

    def __len__(self) -> int:
        return len(self._keys)

    def get(self, h: str):
        """The rows of the text with hash ``h``, or None."""
        if not len(self._keys):
            return None
        key = np.uint64(int(h[:16], 16))
        i = int(np.searchsorted(self._keys, key))
        if i == len(self._keys) or self._keys[i] != key:
            return None
        p = int(self._where[i])
        table, index = self._piece(p)
        positions, owner, to_end = index.get(h, ([], None, False))
        rows = _rows(table, positions)
        while to_end and p + 1 < len(self._pieces) and self._pieces[p + 1][0] == self._pieces[p][0]:
            p += 1   # the document's rows go on in the next piece of the same file
            table, index = self._piece(p)
            positions, first_doc, to_end = index.get(h, ([], None, False))
            if first_doc != owner:
                break
            rows += _rows(table, positions)
        return rows or None

    def _piece(self, p: int) -> tuple:
        """Piece ``p`` as read (an Arrow table) and its index: h → (the positions of its first
        document's rows in the piece, that document, whether they run to the piece's end); nothing
        when the file changed or cannot be read. Only the hashes and documents are turned into Python
        objects here; a text's paragraphs are, when it is asked for."""
        if p in self._cache:
            self._cache[p] = self._cache.pop(p)   # the most recently used last
            return self._cache[p]
        path, piece, stamp = self._pieces[p]
        table, index = None, {}
        try:
            if _stamp(path) == stamp:
                table = _read_piece(path, piece, ["text_hash", "para", "tokens", "doc_id"])
                hashes, docs = table.column("text_hash").to_pylist(), table.column("doc_id").to_pylist()
                for at, (h, doc) in enumerate(zip(hashes, docs)):
                    positions, owner, _ = index.setdefault(h, ([], doc, False))
                    if doc == owner:
                        positions.append(at)
                if hashes:
                    positions, owner, _ = index[hashes[-1]]
                    if docs[-1] == owner:
                        index[hashes[-1]] = (positions, owner, True)
        except Exception:
            table, index = None, {}
        if len(self._cache) >= self.CACHED:   # the least recently used
            self._cache.pop(next(iter(self._cache)))
        self._cache[p] = (table, index)
        return self._cache[p]


def _rows(table, positions: list[int]) -> list[tuple]:
    """(para, tokens) of the rows at ``positions`` of a piece."""
    if not positions:
        return []
    if len(positions) == positions[-1] - positions[0] + 1:   # consecutive: a slice, no copy
        part = table.slice(positions[0], len(positions))
    else:
        part = table.take(positions)
    return list(zip(part.column("para").to_pylist(), part.column("tokens").to_pylist()))


def _stamp(path: Path) -> tuple:
    try:
        st = os.stat(path)
    except OSError:
        return ()
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _piece_hashes(path: Path, setting_hash: str):
    """(piece, the distinct text hashes of its rows in order) of each piece of a table made with the
    settings ``setting_hash`` (none of a table made with others, or of a missing file)."""
    if not path.exists():
        return
    if path.suffix == ".arrow":
        with pa.memory_map(str(path)) as source:
            reader = pa.ipc.open_file(source)
            if (reader.schema.metadata or {}).get(b"tifa_settings") != setting_hash.encode():
                return
            for i in range(reader.num_record_batches):
                yield i, pc.unique(reader.get_batch(i).column("text_hash")).to_pylist()
        return
    parquet = pq.ParquetFile(path)
    if (parquet.schema_arrow.metadata or {}).get(b"tifa_settings") != setting_hash.encode():
        return
    for g in range(parquet.num_row_groups):
        yield g, pc.unique(parquet.read_row_group(g, columns=["text_hash"]).column(0)).to_pylist()


def _read_piece(path: Path, piece: int, columns: list[str]) -> pa.Table:
    if path.suffix == ".arrow":
        with pa.memory_map(str(path)) as source:
            return pa.Table.from_batches([pa.ipc.open_file(source).get_batch(piece)]).select(columns)
    return pq.ParquetFile(path).read_row_group(piece, columns=columns)


def learn_phrases(unigram_path: Path, min_count: int, threshold: float, workers: int = 1) -> dict:
    """Bigram collocations per language (NPMI, see :mod:`analysis.text.collocations`), from the
    paragraphs, in two streamed, vectorised passes over the unigram table (tokens, then pairs),
    each split by row group across ``workers`` processes."""
    groups = [(str(unigram_path), g) for g in range(pq.ParquetFile(unigram_path).num_row_groups)]
    models = {lang: Collocations(min_count, threshold) for lang in LANGS}
    for counted in ordered_map(_count_tokens, groups, workers):
        for lang, (n_tokens, parts) in counted.items():
            models[lang].absorb_tokens(n_tokens, parts)
    models = {lang: m for lang, m in models.items() if m.n_tokens}
    twins = {lang: m.pair_twin() for lang, m in models.items()}
    for counted in ordered_map(_count_pairs, groups, workers, initializer=_set_learning, initargs=(twins,)):
        for lang, (key, pending) in counted.items():
            models[lang].absorb_pairs(key, pending)
    _set_learning({})
    fitted = {lang: m.fit().compact() for lang, m in models.items()}
    del models
    return fitted


_LEARNING: dict = {}  # lang → a pair_twin of the model after the token pass (for the pair pass)


def _set_learning(twins: dict) -> None:
    global _LEARNING
    _LEARNING = twins


_LEARN_BATCH = 1000  # paragraphs per step: bounds the memory of a step


def _row_group_batches(path: str, group: int):
    for batch in parquet_batches(path, batch_size=_LEARN_BATCH, row_groups=[group],
                                                   columns=["lang", "tokens"]):
        for lang in LANGS:
            rows = batch.filter(pc.equal(batch.column(0), lang))
            if rows.num_rows:
                yield lang, rows.column(1)


def _count_tokens(job: tuple[str, int]) -> dict:
    path, group = job
    models: dict = {}
    for lang, sentences in _row_group_batches(path, group):
        models.setdefault(lang, Collocations()).add_unigrams_arrow(sentences)
    return {lang: (m.n_tokens, m._unigram_parts) for lang, m in models.items()}


def _count_pairs(job: tuple[str, int]) -> dict:
    path, group = job
    twins: dict = {}
    for lang, sentences in _row_group_batches(path, group):
        if lang in _LEARNING:
            twins.setdefault(lang, _LEARNING[lang].pair_twin()).add_bigrams_arrow(sentences)
    return {lang: (t._pending_key, t._pending) for lang, t in twins.items()}


def _read_problems(folder: Path) -> list:
    path = folder / "problems.json"
    return [Problem(**p) for p in json.loads(path.read_text())] if path.exists() else []


def token_summary(path: Path, top: int = 15, column: str = "tokens") -> dict:
    """Vocabulary size, token count and the most frequent terms per language (streamed)."""
    counts = {lang: Counter() for lang in LANGS}
    docs = {lang: set() for lang in LANGS}
    for batch in parquet_batches(path, batch_size=20000, columns=["doc_id", "lang", column]):
        for doc_id, lang, toks in zip(*(batch.column(i).to_pylist() for i in range(3))):
            counts[lang].update(toks)
            docs[lang].add(doc_id)
    return {lang: {"documents": len(docs[lang]), "tokens": sum(c.values()), "vocabulary": len(c),
                   "top": c.most_common(top)} for lang, c in counts.items() if docs[lang]}
