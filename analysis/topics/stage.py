"""The topics stage: LDA per language with K chosen by evidence, readable topics, prevalence.

Writes ``<data>/topics/``: ``grid`` (every K × seed: c_v, c_npmi, held-out perplexity, stability),
``topics`` (labels, top words by probability, relevance and FREX), ``passages`` (most
representative units), ``doc_topics`` (documents × topics), ``prevalence`` (by quarter and by
province, method of composition), ``over_time`` (each topic's top words per period), ``nmf``
(the NMF cross-check), ``notes`` (languages skipped, K capped), and the models
(``<lang>/lda.model``).
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..pipeline import atomic, runner, cache
from .declaration import STAGE
from ..pipeline.config import Config, TopicParams
from ..corpus.documents_table import analysis_documents, document_texts
from ..corpus.groupings import grouping_variables
from ..pipeline.parallel import ordered_map
from .engines import make_model
from .models import (PREVALENCE_METHOD, choose_k, exclusivity, filtered_dictionary, frex, heldout_perplexity,
                     match_topics, nmf_match, prevalence_effects, relevance, top_by, topic_overlap, unit_term_matrix,
                     unit_weights)
from .seeds import seed_groups, seeds_kept
from .units import Units, Vocabulary
from ..stats.measures import corpus_stopword
from ..text.lexicon import read_lexicon

TABLES = tuple(w.removesuffix(".parquet") for w in STAGE.writes if w.endswith(".parquet"))




def heldout_mask(doc_ids: pd.Series, share: float) -> np.ndarray:
    """Whole documents held out, chosen by a hash of their id (stable as the corpus grows)."""
    if share <= 0:
        return np.zeros(len(doc_ids), bool)
    return np.array([zlib.crc32(d.encode()) % 1000 < share * 1000 for d in doc_ids])


_JOB_TEXTS: dict = {}  # this process's units per language, set by _set_texts


def _set_texts(per_lang: dict) -> None:
    global _JOB_TEXTS
    _JOB_TEXTS = per_lang


def _grid_job(job: tuple) -> dict:
    lang, k, seed, tp = job
    train, held, dictionary = _JOB_TEXTS[lang]
    m = make_model(tp.engine, k, seed, tp, grid=True).fit(train, dictionary)
    return {"lang": lang, "k": k, "seed": seed, "perplexity": heldout_perplexity(m, held) if held else float("nan"),
            "exclusivity": exclusivity(m.topic_term_, tp.top_words), "top": m.top_words(tp.top_words)}


def run_grid(per_lang: dict, tp: TopicParams, progress: bool = True, fits: Path | None = None,
             extra: dict | None = None) -> pd.DataFrame:
    """Fit every (K, seed) of every language, in parallel processes, with a progress bar; ``extra``:
    language → more K to fit (a widened grid). With ``fits`` (a folder), each fit's result is saved
    as it finishes and reused when its language's training and held-out units and the fitting
    settings are the same: a killed run resumes where it stopped."""
    from tqdm import tqdm

    jobs = [(lang, k, s, tp) for lang, (train, _, _) in sorted(per_lang.items())
            for k in grid_for(len(train), tp.k_grid) + (extra or {}).get(lang, []) for s in tp.seeds]
    keys = {lang: _grid_key(train, held, tp) for lang, (train, held, _) in per_lang.items()} if fits else {}
    saved = {}
    if fits:
        for lang, k, s, _ in jobs:
            found = cache.read_json(_fit_path(fits, lang, k, s, keys[lang]))
            if found:
                saved[(lang, k, s)] = found
        # the fits of a widened grid (fitted by a second call) are kept too
        widening = [(lang, k) for lang, (train, _, _) in per_lang.items() for k in widen_by(len(train), tp.k_grid)]
        _prune(fits, {_fit_path(fits, lang, k, s, keys[lang]).name for lang, k, s, _ in jobs}
               | {_fit_path(fits, lang, k, s, keys[lang]).name for lang, k in widening for s in tp.seeds})
    todo = [j for j in jobs if j[:3] not in saved]
    results = list(saved.values())
    workers = max(1, min(tp.workers or mp.cpu_count(), len(todo)))
    bar = tqdm(total=len(jobs), initial=len(saved), desc="topics K grid", unit="fit", disable=not progress or None,
               leave=False)
    for r in ordered_map(_grid_job, todo, workers, initializer=_set_texts, initargs=(per_lang,)):
        results.append(r)
        if fits:
            atomic.write_text(_fit_path(fits, r["lang"], r["k"], r["seed"], keys[r["lang"]]),
                              json.dumps(r, ensure_ascii=False))
        bar.update()
    bar.close()
    grid = pd.DataFrame(results)
    if grid.empty:
        return pd.DataFrame(columns=["lang", "k", "seed", "perplexity", "exclusivity", "top", "c_v", "c_npmi",
                                     "stability"])
    # coherence of every topic of every fit at once: the window statistics are gathered once per
    # language and measure, not once per fit
    for lang, (train, _, dictionary) in per_lang.items():
        rows = grid.index[grid["lang"] == lang]
        for measure in ("c_v", "c_npmi"):
            scores = coherence_per_fit([grid.at[i, "top"] for i in rows], train, dictionary, measure, tp.top_words)
            grid.loc[rows, measure] = scores
    stab = []
    for (lang, k), g in grid.groupby(["lang", "k"]):
        tops = list(g["top"])
        pairs = [topic_overlap(tops[i], tops[j])[0] for i in range(len(tops)) for j in range(i + 1, len(tops))]
        stab.append((lang, k, float(np.mean(pairs)) if pairs else float("nan")))
    grid = grid.merge(pd.DataFrame(stab, columns=["lang", "k", "stability"]), on=["lang", "k"])
    grid["top"] = grid["top"].apply(lambda t: " | ".join(" ".join(w) for w in t))
    return grid.sort_values(["lang", "k", "seed"]).reset_index(drop=True)


def _grid_key(train: list, held: list, tp: TopicParams) -> str:
    """What a grid fit depends on: the units it is trained and scored on, and the fitting settings."""
    h = hashlib.sha256(json.dumps({k: getattr(tp, k) for k in ("engine", "passes", "iterations", "grid_iterations",
                                                                 "top_words")}).encode())
    for part in (train, held):
        for toks in part:
            h.update("\x1f".join(toks).encode())
            h.update(b"\x1e")
        h.update(b"\x1d")
    return h.hexdigest()[:20]


def _fit_path(folder: Path, lang: str, k: int, seed: int, key: str) -> Path:
    return Path(folder) / f"{lang}-k{k}-s{seed}-{key}.json"


def _prune(folder: Path, keep: set[str]) -> None:
    """Remove saved fits of other inputs or settings."""
    if Path(folder).is_dir():
        for p in Path(folder).glob("*.json"):
            if p.name not in keep:
                p.unlink()


def coherence_per_fit(fits: list[list[list[str]]], texts, dictionary, measure: str, topn: int) -> list[float]:
    """Mean coherence of each fit's topics, from one gensim CoherenceModel over all their topics."""
    from gensim.models import CoherenceModel

    flat = [t for fit in fits for t in fit]
    cm = CoherenceModel(topics=flat, texts=texts, dictionary=dictionary, coherence=measure, topn=topn, processes=1)
    per_topic = cm.get_coherence_per_topic()
    out, i = [], 0
    for fit in fits:
        out.append(float(np.mean(per_topic[i:i + len(fit)])))
        i += len(fit)
    return out


COVARIATE_METHOD = ("Dirichlet-multinomial regression (tomotopy DMRModel) with an indicator per value of the "
                    "covariates as the prior of each unit's topic proportions, fitted at the chosen K with the "
                    "same seed; its topics matched to the plain model's by the cosine of their word "
                    "distributions (match_cosine); prevalence by the method of composition with {S} draws from "
                    "each unit's posterior Dirichlet(exp(λ·x) + topic counts)")


def covariate_rows(tp: TopicParams, meta: pd.DataFrame, unit_doc, notes: list, lang: str,
                   variables: list[str]) -> list:
    """Each unit's indicators of the covariates the DMR model can use (``topics.covariates`` that
    the documents table has; the others named in a note that lists ``variables``, the documents'
    variables before the stage kept only those it uses): ``province=广东省``, none for a missing
    value; an empty list when no covariate is usable."""
    missing = [c for c in tp.covariates if c not in meta.columns]
    if missing:
        notes.append((lang, f"covariates not in the documents table, left out: {', '.join(missing)} "
                            f"(document variables: {', '.join(variables)})"))
    used = [c for c in tp.covariates if c in meta.columns]
    per_doc = [[f"{c}={v}" for c, v in zip(used, values) if pd.notna(v) and str(v) != ""]
               for values in meta[used].itertuples(index=False)]
    return [per_doc[i] for i in unit_doc] if used else []


def usable_seeds(groups: dict, dictionary, k: int, notes: list, lang: str) -> tuple[dict, int]:
    """The seed groups with a word in the vocabulary (each group keeps those words; a group with
    none is named in a note and left out) and the seeded model's K: the plain model's, with at
    least one free topic."""
    known = dictionary.token2id
    usable = {name: [w for w in words if w in known] for name, words in groups.items()}
    dropped = [name for name, words in usable.items() if not words]
    usable = {name: words for name, words in usable.items() if words}
    if groups and not usable:
        notes.append((lang, "no seed word is in the vocabulary: no seeded model"))
    elif dropped:
        notes.append((lang, f"seed groups without a word in the vocabulary, left out: {', '.join(dropped)}"))
    return usable, max(k, len(usable) + 1)


_FIT_INPUTS: dict = {}  # this process's inputs of the chosen K's fits per language, set by _set_fit_inputs


def _set_fit_inputs(inputs: dict) -> None:
    global _FIT_INPUTS
    _FIT_INPUTS = inputs


def _final_job(job: tuple):
    """One of the chosen K's fits of a language, independent of the others: ``plain`` (the model,
    fitted on the sample), ``dmr`` (the covariate model) or ``seeded``; ``estimator``: the unfitted
    model, ``fit_args``: what its fit takes besides the units. The workers hold the sampled units
    only (``_FIT_INPUTS[lang]["sampled"]``), not the language's every unit."""
    kind, lang, estimator, fit_args = job
    f = _FIT_INPUTS[lang]
    if kind == "plain":
        return estimator.fit(f["sampled"], f["dictionary"], **fit_args)
    if kind == "dmr":
        return estimator.fit(f["sampled"], f["dictionary"], f["covariates"], **fit_args)
    return estimator.fit(f["sampled"], f["dictionary"], seed_words=dict(enumerate(f["seeds"].values())))


def _infer_job(job: tuple) -> tuple:
    """The posteriors of a chunk of the units outside the sample (their positions and texts, in the
    task) under the fitted plain model of ``lang`` (``_FIT_INPUTS[lang]["model"]``), and their word
    counts: a worker holds one chunk's texts."""
    lang, positions, texts = job
    model = _FIT_INPUTS[lang]["model"]
    counts = unit_term_matrix(texts, model.dictionary_)
    return lang, positions, model.posterior_counts(counts), counts


#: units per task when the chosen K's model infers the units outside its sample: each unit is
#: inferred on its own (the same result in any chunk), so the size only sets the tasks' granularity
INFER_CHUNK = 2_000


def units_in_memory(texts: list[list[str]], sample: list[int]) -> dict:
    """The units part of :func:`final_fits`'s inputs for units held as token lists: ``sample``,
    ``sampled`` (their texts), ``n_units`` and ``rest`` (the others' chunks, in order)."""
    rest = np.setdiff1d(np.arange(len(texts)), sample)

    def chunks():
        for i in range(0, len(rest), INFER_CHUNK):
            yield rest[i:i + INFER_CHUNK], [texts[j] for j in rest[i:i + INFER_CHUNK]]
    return {"sample": list(sample), "sampled": [texts[i] for i in sample], "n_units": len(texts), "rest": chunks}


def final_fits(inputs: dict, tp: TopicParams, seed: int, progress: bool = True, seen=None) -> dict:
    """The chosen K's fits of every language side by side in ``topics.workers`` processes (each
    samples on one thread with its seed, so the results are those of fitting them one after the
    other), then the plain model's inference of the units outside the sample in chunks side by side:
    (lang, kind) → the fitted model, and (lang, "nmf") → the NMF of the sampled units, computed once
    here for the NMF cross-check and the Gibbs models' ``topics.nmf_prior``. ``inputs[lang]``: the
    units (``sample``, ``sampled``, ``n_units``, ``rest``: :func:`units_in_memory` or the stage's
    streamed units), the dictionary, K, covariates and seeds. ``seen(lang, positions, gamma,
    counts)`` is told each inferred chunk, in order, with its word counts."""
    from tqdm import tqdm

    from .gibbs import CovariateLda, GibbsLda
    from .models import nmf_components

    out = {(lang, "nmf"): nmf_components(f["sampled"], f["dictionary"], f["k"], seed) for lang, f in inputs.items()}
    prior = {lang: {"nmf_topics": out[(lang, "nmf")]} if tp.engine == "tomotopy" else {} for lang in inputs}
    jobs = [("plain", lang, make_model(tp.engine, f["k"], seed, tp), prior[lang]) for lang, f in inputs.items()]
    jobs += [("dmr", lang, CovariateLda(f["k"], seed, tp.gibbs_iterations, nmf_prior=tp.nmf_prior), prior[lang])
             for lang, f in inputs.items() if f["covariates"]]
    jobs += [("seeded", lang, GibbsLda(f["k_seeded"], seed, tp.gibbs_iterations), {})
             for lang, f in inputs.items() if f["seeds"]]
    n_rest = {lang: f["n_units"] - len(f["sample"]) for lang, f in inputs.items()}
    n_chunks = sum(-(-n // INFER_CHUNK) for n in n_rest.values())
    workers = max(1, min(tp.workers or mp.cpu_count(), max(len(jobs), n_chunks)))
    fit_data = {lang: {"sampled": f["sampled"], "dictionary": f["dictionary"], "covariates": f["covariates"],
                       "seeds": f["seeds"]} for lang, f in inputs.items()}
    with tqdm(total=len(jobs) + n_chunks, desc="topics: chosen K's models", unit="task",
              disable=not progress or None, leave=False) as bar:
        for (kind, lang, _, _), result in zip(jobs, ordered_map(_final_job, jobs, min(workers, len(jobs)),
                                                                initializer=_set_fit_inputs, initargs=(fit_data,))):
            out[(lang, kind)] = result
            bar.update()
        del fit_data
        if n_chunks:
            bar.set_description("topics: inferring the units outside the sample")
            models = {lang: {"model": out[(lang, "plain")]} for lang in inputs}
            tasks = ((lang, pos, texts) for lang, f in inputs.items() if n_rest[lang] for pos, texts in f["rest"]())
            gamma = {lang: np.zeros((f["n_units"], f["k"])) for lang, f in inputs.items() if n_rest[lang]}
            for lang, pos, g, counts in ordered_map(_infer_job, tasks, workers, initializer=_set_fit_inputs,
                                                    initargs=(models,)):
                gamma[lang][pos] = g
                if seen is not None:
                    seen(lang, pos, g, counts)
                bar.update()
            for lang, g in gamma.items():
                rest = np.setdiff1d(np.arange(len(g)), inputs[lang]["sample"])
                out[(lang, "plain")].cover(inputs[lang]["sample"], g[rest])
    return out


def covariate_prevalence(model, dmr, meta: pd.DataFrame, unit_doc, unit_len, cfg, notes: list,
                         lang: str) -> pd.DataFrame:
    """Prevalence by each covariate from the DMR model (``dmr``, fitted on the sampled units whose
    documents are ``unit_doc``), with topics numbered as the plain model's; the plain model's method
    of composition is in the prevalence table, this one beside it."""
    order, cosine = match_topics(model.topic_term_, dmr.topic_term_)
    used = [c for c in cfg.topics.covariates if c in meta.columns]
    notes.append((lang, f"covariate model (DMR on {', '.join(used)}): its topics match the plain model's with "
                        f"cosine {cosine.min():.2f}–{cosine.max():.2f}"))
    p = prevalence_effects(dmr.gamma_[:, order], unit_doc, unit_len, meta[used], cfg.topics.draws, cfg.random.seed)
    return p.assign(lang=lang, model="DMR", match_cosine=p["topic"].map(lambda t: float(cosine[int(t)])))


def seeded_table(seeded, names: list[str], notes: list, lang: str) -> pd.DataFrame:
    """How well each seeded topic of the seeded model kept its seeds, with a note."""
    table = seeds_kept(seeded, names).assign(lang=lang)
    kept = table[table["seeds"] > 0]
    notes.append((lang, f"seeded model: {len(names)} seeded topics and {seeded.k - len(names)} free; "
                        f"median share of the seeds' probability in their own topic {kept['seed_share'].median():.2f}"))
    return table


#: the K grid scores held-out perplexity on at most topics.grid_max_units / this many held-out units
#: (1,000 by default: as many as a 10,000-document corpus holds out; document completion on every
#: held-out unit of a large corpus took longer than the fits)
GRID_HELDOUT_SHARE = 5
#: topics.unit = "auto": paragraphs shorter than this (median, in tokens) carry too few co-occurrences
#: for a topic model, and the documents are modelled whole
MIN_PARAGRAPH_TOKENS = 40


def choose_unit(paragraphs: pd.DataFrame, min_units: int) -> tuple[str, str]:
    """topics.unit = "auto" (``paragraphs``: doc_id and n, the tokens, of each non-empty one):
    paragraphs when they are long enough to model (a speech's paragraphs, about 80 tokens), whole
    documents when they are short (a news item's one-sentence paragraphs), unless there would be
    fewer than ``min_units`` documents. Returns the unit and why."""
    lengths = paragraphs["n"]
    median = float(lengths.median()) if len(lengths) else 0.0
    n_docs = paragraphs["doc_id"].nunique()
    if median >= MIN_PARAGRAPH_TOKENS:
        return "paragraph", f"paragraphs of {median:.0f} tokens (median) are long enough to model"
    if n_docs < min_units:
        return "paragraph", (f"paragraphs are short ({median:.0f} tokens, median) but {n_docs} documents are fewer "
                             f"than topics.min_units = {min_units}")
    return "document", f"paragraphs of {median:.0f} tokens (median, under {MIN_PARAGRAPH_TOKENS}) are too short to model"


#: corpus stop words are at most this share of the vocabulary (the most common first): on a few long
#: documents a share of documents would otherwise take most words (6,074 on 31 provincial reports)
MAX_STOPWORDS_OF_VOCABULARY = 0.02


def corpus_stopwords(vocabulary: Vocabulary, share: float, keep=frozenset()) -> pd.DataFrame:
    """The corpus stop words of the modelling units a :class:`Vocabulary` has seen: words in more
    than ``share`` of them (a source's own lede and the genre's function words, which every topic
    would otherwise share), counted over the units, so that a few long documents modelled by
    paragraph do not make every recurring word common; at most MAX_STOPWORDS_OF_VOCABULARY of the
    vocabulary, the most common first. The words in ``keep`` (the lexicon's terms, the researcher's
    own) stay. Needs STOPWORD_MIN_DOCS units; returns word, documents (units with the word), share."""
    n = vocabulary.n_units
    units_with = pd.Series(list(vocabulary.units.values()), index=pd.Index(list(vocabulary.units), dtype=object),
                           dtype="int64")
    df = units_with[corpus_stopword(units_with, n, share, keep)]
    out = pd.DataFrame({"word": df.index, "documents": df.to_numpy(), "share": df.to_numpy() / max(n, 1)})
    out = out.sort_values(["documents", "word"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return out.head(int(MAX_STOPWORDS_OF_VOCABULARY * len(units_with)))


def grid_sample(units: pd.DataFrame, n: int) -> list[int]:
    """Positions of at most ``n`` of ``units`` (doc_id, para), chosen by a hash of their id (the same
    units whatever the file order, and a grown corpus keeps most of them), in their original order;
    all of them when ``n`` is 0 or covers them."""
    if not n or len(units) <= n:
        return list(range(len(units)))
    keys = [zlib.crc32(f"{d}\x1f{p}".encode()) for d, p in zip(units["doc_id"], units["para"])]
    return sorted(np.argsort(keys, kind="stable")[:n].tolist())


#: a grid whose chosen K is its largest is widened once by these multiples of that K (rounded to 5)
WIDEN = (1.25, 1.6)


def widened_grid(grid: pd.DataFrame, per_lang: dict, tp: TopicParams, notes: list) -> dict:
    """Language → the K to add when the K chosen from its grid is the grid's largest (a larger K
    might fit better): WIDEN times it, up to a third of the training units. Said in ``notes``."""
    extra = {}
    for lang, (train, _, _) in sorted(per_lang.items()):
        fitted = grid[grid["lang"] == lang]
        if fitted["k"].nunique() < 2:
            continue
        k, largest = choose_k(fitted, tp.min_stability)[0], int(fitted["k"].max())
        more = widen_by(len(train), tp.k_grid)
        if k == largest and more:
            extra[lang] = more
            notes.append((lang, f"K = {k}, the largest of the grid, was chosen: the grid was widened to "
                                f"{', '.join(map(str, extra[lang]))}"))
    return extra


def widen_by(n_train: int, k_grid) -> list[int]:
    """The K a grid of ``n_train`` units would be widened by: WIDEN times its largest K, rounded to 5,
    up to a third of the units (none when the grid is capped there already)."""
    ks = grid_for(n_train, k_grid)
    largest, cap = max(ks), max(2, n_train // 3)
    return sorted({min(cap, 5 * round(largest * f / 5)) for f in WIDEN} - set(ks)) if largest < cap else []


def diagnostics_note(grid: pd.DataFrame, k: int, tp: TopicParams) -> str | None:
    """A warning when the chosen K's topics are weak: mean c_npmi below 0 (words of a topic co-occur
    less than by chance), stability below topics.min_stability, or K the largest of the grid."""
    at = grid[grid["k"] == k]
    weak = []
    if at["c_npmi"].mean() < 0:
        weak.append(f"mean c_npmi {at['c_npmi'].mean():.3f} is below 0")
    if "stability" in at and at["stability"].notna().any() and at["stability"].mean() < tp.min_stability:
        weak.append(f"stability {at['stability'].mean():.2f} is below topics.min_stability = {tp.min_stability}")
    if k == grid["k"].max() and grid["k"].nunique() > 1:
        weak.append("K is the largest of the grid (a larger K might fit better: widen topics.k_grid or set topics.k)")
    return ("warning: weak topics: " + "; ".join(weak) + ". Read them with care; on few or very long documents "
            "try topics.unit = \"paragraph\" and a smaller topics.k_grid") if weak else None


def grid_for(n_units: int, k_grid) -> list[int]:
    cap = max(2, n_units // 3)
    return sorted({k for k in k_grid if k <= cap}) or [min(2, cap)]


def build_topics(cfg: Config, progress: bool = True, force: bool = False) -> runner.TableResult:
    """Run the topics stage unless it is up to date."""
    return runner.run_tables(STAGE, cfg, TABLES, lambda view, out: compute_topics(view, out, progress), force)


def passage_texts(cfg: Config, docs: pd.DataFrame, passages: list[tuple], unit_of: dict) -> pd.DataFrame:
    """The passages table: (lang, topic, rank, doc_id, para, proportion) rows with the first 300
    characters of their unit's text (the paragraph, or the document when documents are the units),
    read for those documents only."""
    wanted = {p[3] for p in passages}
    text_of = {d: t for part in document_texts(cfg, docs[docs["doc_id"].isin(wanted)])
               for d, t in zip(part["doc_id"], part["text"])}
    rows = []
    for lang, t, rank, d, para, proportion in passages:
        paras = text_of.get(d, "").split("\n\n")
        snippet = paras[para] if unit_of[lang] == "paragraph" and para < len(paras) else text_of.get(d, "")
        rows.append((lang, t, rank, d, para, proportion, snippet[:300]))
    return pd.DataFrame(rows, columns=["lang", "topic", "rank", "doc_id", "para", "proportion", "text"])


def compute_topics(cfg: Config, out: Path, progress: bool = True) -> dict[str, pd.DataFrame]:
    """The topics stage's tables (``cfg``: the stage's view of the configuration); the models, the
    saved grid fits and the browser's data are written into ``out``. Per language: the units and
    their vocabulary (:func:`language_units`), the K grid, the final fits' inputs (:func:`fit_inputs`),
    the fits, and what each model says (:func:`describe_model`); then the tables (:func:`topic_tables`).
    The units' words are read from the token table in two streamed passes (the vocabulary and the
    samples; the inference of the others), never all at once."""
    tp = cfg.topics
    # the variables it uses (every column when a covariate may be a document variable: a note lists them)
    docs = analysis_documents(cfg, ["doc_id", *prevalence_groupings(cfg), *tp.covariates]).reset_index(drop=True)
    docs = pd.concat([docs, grouping_variables(docs, cfg.design, tp.covariates, "topics.covariates")], axis=1)
    docs = pd.concat([docs, grouping_variables(docs, cfg.design)], axis=1)   # prevalence by [design] groupings too
    variables = [c for c in docs.columns if c != "text"]     # what a note on a missing covariate lists
    docs = docs[list(dict.fromkeys(["doc_id", *prevalence_groupings(cfg), *(c for c in tp.covariates if c in docs)]))]
    notes, per_lang, prepared, stopwords, unit_of = [], {}, {}, [], {}
    lexicon_terms = frozenset(e.term for e in read_lexicon(cfg.tokens.lexicon).entries)
    for lang in ("zh", "en"):
        unit_of[lang], found = language_units(cfg, docs, lang, tp, lexicon_terms, notes, stopwords)
        if found is not None:
            prepared[lang] = found
            per_lang[lang] = found.grid_inputs
    grid = run_grid({} if tp.k else per_lang, tp, progress, fits=out / "grid")  # K set: no grid to choose it from
    extra = widened_grid(grid, per_lang, tp, notes) if not tp.k else {}
    if extra:
        grid = run_grid(per_lang, tp, progress, fits=out / "grid", extra=extra)
    groups = seed_groups(tp.seed_topics, cfg.tokens.lexicon, cfg.topics.seed_file)
    inputs, documents, over_time = {}, {}, {}  # per language: the fits' inputs; units' documents; words by period
    for lang, found in prepared.items():
        inputs[lang], documents[lang] = fit_inputs(lang, found, grid, docs, groups, tp, notes, variables)
        over_time[lang] = PeriodWords(documents[lang], inputs[lang]["k"], len(inputs[lang]["dictionary"]))
    fitted = final_fits(inputs, tp, cfg.random.seed, progress,
                        seen=lambda lang, pos, gamma, counts: over_time[lang].add(pos, gamma, counts))
    described = {}
    for lang, found in prepared.items():
        model = fitted[(lang, "plain")]
        sample = inputs[lang]["sample"]
        over_time[lang].add(sample, model.gamma_[sample], unit_term_matrix(inputs[lang]["sampled"], model.dictionary_))
        (out / lang).mkdir(parents=True, exist_ok=True)
        model.save(out / lang / f"lda.{tp.engine}")
        described[lang] = describe_model(lang, found.keys, model, fitted, inputs[lang], documents[lang],
                                         over_time[lang], cfg, notes)
    models = {lang: fitted[(lang, "plain")] for lang in prepared}
    tables = topic_tables(grid, described, max((m.k for m in models.values()), default=0), docs, unit_of, notes,
                          stopwords, cfg)
    from .models import browser_data
    atomic.write_text(out / "browser.json", json.dumps(browser_data(models, tables["topics"], tables["passages"]),
                                                       ensure_ascii=False))
    words = []
    for lang, m in models.items():
        for t in range(m.k):
            order = np.argsort(-m.topic_term_[t], kind="stable")[:20]
            words += [(lang, t, rank, m.vocabulary_[j], float(m.topic_term_[t, j])) for rank, j in enumerate(order)]
    tables["words"] = pd.DataFrame(words, columns=["lang", "topic", "rank", "word", "probability"])
    return tables


@dataclass
class LanguageUnits:
    """One language's units as the stage uses them: ``units`` (to stream their words), ``keys`` (doc_id,
    para, n of each), the K grid's inputs (its training sample, held-out sample and the dictionary),
    and the positions and texts of the final fits' sample."""
    units: Units
    keys: pd.DataFrame
    grid_inputs: tuple
    sample: list[int]
    sampled: list[list[str]]


def language_units(cfg: Config, docs: pd.DataFrame, lang: str, tp: TopicParams, lexicon_terms: frozenset,
                   notes: list, stopwords: list) -> tuple[str, LanguageUnits | None]:
    """One language's units (paragraphs or documents, ``topics.unit``) and the K grid's inputs: (the
    unit, None) when the language is skipped (too few units or words, said in ``notes``), else (the
    unit, its :class:`LanguageUnits`). One pass over the units' words gathers the training units'
    vocabulary and keeps the sampled units' texts. Corpus stop words found here are appended to
    ``stopwords``."""
    unit = tp.unit
    paragraphs = Units(cfg, docs, lang, tp.column, "paragraph")
    if unit == "auto":
        unit, why = choose_unit(paragraphs.frame(), tp.min_units) if len(paragraphs) else ("paragraph", "")
        if why:
            notes.append((lang, f"units: {unit}s ({why})"))
    u = paragraphs if unit == "paragraph" else Units(cfg, docs, lang, tp.column, unit, paragraphs=paragraphs)
    keys = u.frame()
    if len(u) < tp.min_units:
        notes.append((lang, f"skipped: {len(u)} {unit}s, fewer than topics.min_units = {tp.min_units}"))
        return unit, None
    held = heldout_mask(keys["doc_id"], tp.heldout)
    if held.all() or not held.any():
        notes.append((lang, "no held-out document (corpus too small): perplexity not computed"))
        held = np.zeros(len(u), bool)
    train_at, held_at = np.flatnonzero(~held), np.flatnonzero(held)
    grid_at = train_at[grid_sample(keys.iloc[train_at], tp.grid_max_units)]
    scored_at = held_at[grid_sample(keys.iloc[held_at], tp.grid_max_units // GRID_HELDOUT_SHARE)]
    fit_at = grid_sample(keys, tp.max_train_units)
    kept = np.zeros(len(u), bool)
    kept[np.concatenate([grid_at, scored_at, fit_at]).astype(np.int64)] = True
    vocabulary, texts = Vocabulary(), {}
    for positions, lists in u.texts(~held | kept):
        for p, toks in zip(positions.tolist(), lists):
            if not held[p]:
                vocabulary.add(p, toks)
            if kept[p]:
                texts[p] = toks
    dictionary = filtered_dictionary(vocabulary.dictionary(), tp.no_below, tp.no_above, tp.keep_n)
    common = corpus_stopwords(vocabulary, tp.max_doc_share, keep=lexicon_terms)
    del vocabulary
    if len(common):
        dictionary.filter_tokens(bad_ids=[dictionary.token2id[w] for w in common["word"] if w in dictionary.token2id])
        dictionary.compactify()
        stopwords.append(common.assign(lang=lang))
        notes.append((lang, f"{len(common)} corpus stop words (in more than {tp.max_doc_share:.0%} of {unit}s; at most "
                            f"{MAX_STOPWORDS_OF_VOCABULARY:.0%} of the vocabulary) "
                            f"left out: {', '.join(common['word'].head(12))}" + (" …" if len(common) > 12 else "")))
    if len(dictionary) < 10:
        notes.append((lang, f"skipped: {len(dictionary)} words left after the dictionary filters"))
        return unit, None
    ks = grid_for(len(train_at), tp.k_grid)
    if len(ks) < len(tp.k_grid):
        notes.append((lang, f"K grid capped at a third of the {len(train_at)} training units: {ks}"))
    if len(grid_at) < len(train_at):
        notes.append((lang, f"K grid fitted on a fixed sample of {len(grid_at):,} of the {len(train_at):,} training "
                            f"units (topics.grid_max_units); the chosen K on all of them"))
    if len(scored_at) < len(held_at):
        notes.append((lang, f"held-out perplexity of the K grid on a fixed sample of {len(scored_at):,} of the "
                            f"{len(held_at):,} held-out units (a fifth of topics.grid_max_units)"))
    grid_inputs = ([texts[p] for p in grid_at.tolist()], [texts[p] for p in scored_at.tolist()], dictionary)
    return unit, LanguageUnits(u, keys, grid_inputs, list(fit_at), [texts[p] for p in fit_at])


def fit_inputs(lang: str, found: LanguageUnits, grid: pd.DataFrame, docs: pd.DataFrame, groups: dict,
               tp: TopicParams, notes: list, variables: list[str]) -> tuple[dict, tuple]:
    """What the final fits of one language need (K chosen from the grid or set, the training sample,
    the others' chunks, covariates and seeds) and each unit's document with the documents' metadata
    (``docs``: the variables the stage uses; ``variables``: all the documents', for a note)."""
    dictionary, u, sample = found.grid_inputs[2], found.keys, found.sample
    if tp.k:
        k, why = tp.k, "set in tifa.toml (topics.k); no K grid was fitted"
    else:
        k, why = choose_k(grid[grid["lang"] == lang], tp.min_stability)
    notes.append((lang, f"K = {k}: {why}"))
    warning = None if tp.k else diagnostics_note(grid[grid["lang"] == lang], k, tp)
    if warning:
        notes.append((lang, warning))
    if len(sample) < len(u):
        notes.append((lang, f"models fitted on a fixed sample of {len(sample):,} of the {len(u):,} {found.units.unit}s "
                            f"(topics.max_train_units); the others' topic proportions inferred with the topics "
                            f"fixed; the covariate, seeded and NMF models use the sample"))
    doc_index = {d: i for i, d in enumerate(sorted(u["doc_id"].unique()))}
    unit_doc = u["doc_id"].map(doc_index).to_numpy()
    dmeta = docs.set_index("doc_id").loc[sorted(doc_index)]
    covariates = []
    if tp.covariates and tp.engine != "tomotopy":
        notes.append((lang, "covariate model skipped: it needs topics.engine = \"tomotopy\""))
    elif tp.covariates:
        covariates = covariate_rows(tp, dmeta.reset_index(), unit_doc[sample], notes, lang, variables)
    seeds, k_seeded = usable_seeds(groups, dictionary, k, notes, lang)
    outside = np.ones(len(u), bool)
    outside[sample] = False
    rest = lambda: found.units.chunks(outside, INFER_CHUNK)  # noqa: E731
    return ({"sample": sample, "sampled": found.sampled, "n_units": len(u), "rest": rest, "dictionary": dictionary,
             "k": k, "k_seeded": k_seeded, "covariates": covariates, "seeds": seeds}, (unit_doc, dmeta))


def describe_model(lang: str, u: pd.DataFrame, model, fitted: dict, f: dict, documents: tuple,
                   over_time: "PeriodWords", cfg: Config, notes: list) -> dict[str, list]:
    """What one language's fitted models say, as rows of the stage's tables: its topics and their
    words, the most representative passages, documents' topic shares, prevalence by quarter and
    province, each topic's top words per period, the NMF match, and the covariate and seeded models.
    ``u``: the units' keys (doc_id, para, n)."""
    tp = cfg.topics
    unit_doc, dmeta = documents
    k, sample = f["k"], f["sample"]
    rows = {name: [] for name in ("topics", "passages", "doc_topics", "prevalence", "over_time", "nmf",
                                  "covariates", "seeded")}
    vocab = model.vocabulary_
    rel = relevance(model.topic_term_, np.maximum(model.term_frequency_, 1e-12), tp.relevance_lambda)
    fx = frex(model.topic_term_)
    by_rel, by_frex = top_by(rel, vocab, tp.top_words), top_by(fx, vocab, tp.top_words)
    by_prob = model.top_words(tp.top_words)
    share = model.doc_topic_.mean(0)
    for t in range(k):
        suggested = "·".join(by_rel[t][:3])
        rows["topics"].append({"lang": lang, "topic": t, "label": suggested,
                               "suggested_label": suggested, "share": float(share[t]), "k": k,
                               "top_relevance": " ".join(by_rel[t]), "top_frex": " ".join(by_frex[t]),
                               "top_probability": " ".join(by_prob[t])})
    for t in range(k):
        best = np.argsort(-model.doc_topic_[:, t], kind="stable")[:3]
        for rank, i in enumerate(best, 1):
            rows["passages"].append((lang, t, rank, u.at[i, "doc_id"], int(u.at[i, "para"]),
                                     float(model.doc_topic_[i, t])))
    unit_len = u["n"].to_numpy(dtype=float)
    dt = unit_weights(unit_doc, unit_len, len(dmeta)) @ model.doc_topic_
    rows["doc_topics"].append(pd.DataFrame(np.asarray(dt), columns=[f"topic_{i}" for i in range(k)])
                              .assign(lang=lang, doc_id=list(dmeta.index)))
    rows["prevalence"].append(prevalence_effects(model.gamma_, unit_doc, unit_len, dmeta[prevalence_groupings(cfg)],
                                                 tp.draws, cfg.random.seed).assign(lang=lang))
    rows["over_time"] = over_time.top_words(lang, model)
    rows["nmf"].append(nmf_match(fitted[(lang, "nmf")], model).assign(lang=lang))
    if (lang, "dmr") in fitted:
        rows["covariates"].append(covariate_prevalence(model, fitted[(lang, "dmr")], dmeta.reset_index(),
                                                       unit_doc[sample], unit_len[sample], cfg, notes, lang))
    if (lang, "seeded") in fitted:
        rows["seeded"].append(seeded_table(fitted[(lang, "seeded")], list(f["seeds"]), notes, lang))
    return rows


def prevalence_groupings(cfg: Config) -> list[str]:
    """What topic prevalence is estimated by: quarter, province and the [design] groupings."""
    return list(dict.fromkeys(["quarter", "province", *cfg.design.groupings]))


class PeriodWords:
    """How each topic's top words shift between periods, gathered a chunk of units at a time: a word's
    weight in topic t and period p is Σ over the period's units of (unit's share of t) × (its count in
    the unit) × p(word | t). ``documents``: each unit's document and the documents' metadata (their
    ``quarter`` is the period; units of documents without one are left out)."""

    def __init__(self, documents: tuple, k: int, n_words: int):
        unit_doc, dmeta = documents
        codes, self.periods = pd.factorize(dmeta["quarter"].reset_index(drop=True), sort=True)
        self.period_of = codes[unit_doc]
        self.sums = np.zeros((len(self.periods), n_words, k))   # period × words × topics

    def add(self, positions, gamma: np.ndarray, counts) -> None:
        """Units at ``positions`` with their posteriors ``gamma`` and word counts."""
        share = gamma / gamma.sum(axis=1, keepdims=True)
        period = self.period_of[np.asarray(positions, np.int64)]
        for p in np.unique(period[period >= 0]):
            sel = period == p
            self.sums[p] += counts[sel].T @ share[sel]

    def top_words(self, lang: str, model) -> list[tuple]:
        """The 8 heaviest words of each topic and period."""
        vocab = model.vocabulary_
        out = []
        for p, period in enumerate(self.periods):
            weights = self.sums[p].T * model.topic_term_     # K × V
            for t in range(model.k):
                w = weights[t]
                seen = np.flatnonzero(w > 0)
                if len(seen) > 8:  # candidates: the 8 largest weights and any tied with the 8th
                    seen = seen[w[seen] >= np.partition(w[seen], -8)[-8]]
                top = sorted(seen, key=lambda j: (-w[j], vocab[j]))[:8]
                out.append((lang, t, period, " ".join(vocab[j] for j in top)))
        return out


def topic_tables(grid: pd.DataFrame, described: dict, kmax: int, docs: pd.DataFrame, unit_of: dict, notes: list,
                 stopwords: list, cfg: Config) -> dict[str, pd.DataFrame]:
    """The stage's tables from every language's rows (an empty table with its columns where no
    language has rows; ``kmax``: the most topics of any language, the doc_topics columns)."""
    tp = cfg.topics

    def rows(name):
        return [r for part in described.values() for r in part[name]]

    def frames(name, columns):
        found = rows(name)
        return pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=columns)

    tables = {"grid": grid}
    tables["topics"] = pd.DataFrame(rows("topics"), columns=["lang", "topic", "label", "suggested_label", "share", "k",
                                                             "top_relevance", "top_frex", "top_probability"])
    tables["passages"] = passage_texts(cfg, docs, rows("passages"), unit_of)
    doc_topics = rows("doc_topics")  # a language with fewer topics: empty columns
    tables["doc_topics"] = pd.concat(doc_topics, ignore_index=True).reindex(
        columns=["lang", "doc_id", *[f"topic_{i}" for i in range(kmax)]]) if doc_topics else \
        pd.DataFrame(columns=["lang", "doc_id"])
    prev = frames("prevalence", ["group", "topic", "prevalence", "low", "high", "documents", "lang", "grouping"])
    prev["method"] = PREVALENCE_METHOD.format(S=tp.draws)
    tables["prevalence"] = prev
    tables["over_time"] = pd.DataFrame(rows("over_time"), columns=["lang", "topic", "period", "top_words"])
    tables["nmf"] = frames("nmf", ["lda_topic", "nmf_topic", "cosine", "lda_top_words", "nmf_top_words", "lang"])
    tables["notes"] = pd.DataFrame(notes, columns=["lang", "note"])
    tables["stopwords"] = pd.concat(stopwords, ignore_index=True)[["lang", "word", "documents", "share"]] \
        if stopwords else pd.DataFrame(columns=["lang", "word", "documents", "share"])
    cov = frames("covariates", ["group", "topic", "kind", "prevalence", "low", "high", "documents", "lang", "grouping",
                                "model", "match_cosine"])
    cov["method"] = COVARIATE_METHOD.format(S=tp.draws)
    tables["prevalence_covariates"] = cov
    tables["seeded"] = frames("seeded", ["lang", "topic", "seeded_with", "seeds", "seeds_in_top", "seed_share",
                                         "top_words", "seeds_found"])
    return tables
