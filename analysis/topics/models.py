"""Topic models: a small LDA estimator, model-selection metrics, readable topics, prevalence effects.

Pure functions and an estimator in the scikit-learn style (``__init__`` stores arguments; ``fit``
returns self; learned attributes end in ``_``). Randomness only through ``random_state``: gensim's
``LdaModel`` (not ``LdaMulticore``, whose workers merge in arrival order) with a fixed seed, and
document–topic inference in one pass in a fixed order, give the same topics on every run.
"""
from __future__ import annotations


import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from ..stats.measures import seeded_rng


class TopicEstimator:
    """What every topic engine shares: ``get_params``/``set_params`` in the scikit-learn sense (the
    ``__init__`` arguments), and the readable view of a fitted model (its vocabulary, top words)."""

    def get_params(self, deep: bool = True) -> dict:
        import inspect

        return {name: getattr(self, name) for name in inspect.signature(type(self).__init__).parameters
                if name != "self"}

    def set_params(self, **params):
        for name, value in params.items():
            if name not in self.get_params():
                raise ValueError(f"{type(self).__name__} has no parameter '{name}'")
            setattr(self, name, value)
        return self

    @property
    def vocabulary_(self) -> list[str]:
        return [self.dictionary_[i] for i in range(len(self.dictionary_))]

    def top_words(self, n: int = 10) -> list[list[str]]:
        return top_by(self.topic_term_, self.vocabulary_, n)

    def save(self, path) -> None:
        self.model_.save(str(path))

    def posterior(self, texts: list[list[str]]) -> np.ndarray:
        """Each new unit's posterior over topics with the topics fixed (``posterior_counts`` of its
        word counts), on the scale of ``gamma_`` for the fitted ones."""
        return self.posterior_counts(unit_term_matrix(texts, self.dictionary_))

    def fit_sample(self, texts: list[list[str]], dictionary, sample: list[int], **fit_args):
        """Fit on the units at positions ``sample`` of ``texts`` (``fit_args`` go to ``fit``) and
        infer the others with the topics fixed (``posterior``): ``gamma_`` and ``doc_topic_`` then
        cover every unit, in order. What a corpus larger than ``topics.max_train_units`` is fitted with
        (the topics stage infers the others in chunks side by side: :meth:`cover`)."""
        self.fit([texts[i] for i in sample], dictionary, **fit_args)
        if len(sample) == len(texts):
            return self
        rest = np.setdiff1d(np.arange(len(texts)), sample)
        return self.cover(sample, self.posterior([texts[i] for i in rest]))

    def cover(self, sample: list[int], rest_gamma: np.ndarray):
        """After ``fit`` on the units at positions ``sample``: ``gamma_`` and ``doc_topic_`` over every
        unit, in order, the others' posteriors being ``rest_gamma`` (``posterior`` of the units not in
        ``sample``, in order)."""
        gamma = np.empty((len(sample) + len(rest_gamma), self.gamma_.shape[1]))
        rest = np.setdiff1d(np.arange(len(gamma)), sample)
        gamma[sample] = self.gamma_
        gamma[rest] = rest_gamma
        self.sample_ = np.asarray(sample)
        self.gamma_ = gamma
        self.doc_topic_ = gamma / gamma.sum(axis=1, keepdims=True)
        return self


class LdaTopics(TopicEstimator):
    """Variational LDA (gensim), the reference engine: ``LdaTopics(k, random_state, passes,
    iterations).fit(texts)``; texts are token lists.

    ``init="nmf"`` (default) starts the topics from a non-negative factorisation of the unit-term
    counts under the Kullback-Leibler loss (NNDSVD start, its zeros filled from ``random_state``),
    as stm starts from a spectral solution rather than at random: from a random start, variational
    EM stopped in merged or split modes on planted corpora (matched cosine 0.75 against 0.99 from
    the NMF start; bench/RESULTS.md). ``init="random"`` is gensim's own start."""

    def __init__(self, k: int = 10, random_state: int = 0, passes: int = 10, iterations: int = 200,
                 no_below: int = 2, no_above: float = 0.5, keep_n: int = 20000, init: str = "nmf"):
        self.k = k
        self.random_state = random_state
        self.passes = passes
        self.iterations = iterations
        self.no_below = no_below
        self.no_above = no_above
        self.keep_n = keep_n
        self.init = init

    def fit(self, texts: list[list[str]], dictionary=None) -> "LdaTopics":
        import logging

        from gensim.models import LdaModel

        logging.getLogger("gensim").setLevel(logging.WARNING)
        if dictionary is None:
            dictionary = topic_dictionary(texts, self.no_below, self.no_above, self.keep_n)
        self.dictionary_ = dictionary
        corpus = [dictionary.doc2bow(t) for t in texts]
        if self.init not in ("nmf", "random"):
            raise ValueError(f"LdaTopics: init '{self.init}' is not one of nmf, random")
        settings = dict(passes=self.passes, chunksize=max(2000, len(corpus)))
        self.model_ = LdaModel(corpus=None if self.init == "nmf" else corpus, id2word=dictionary, num_topics=self.k,
                               random_state=self.random_state, iterations=self.iterations, alpha="auto",
                               eta="auto", eval_every=None, **settings)
        if self.init == "nmf":
            start_from_nmf(self.model_, corpus, len(dictionary), self.random_state)
            self.model_.update(corpus, **settings)
        self.topic_term_ = self.model_.get_topics()                      # K × V, rows sum to 1
        gamma, _ = self.model_.inference(corpus)                          # one pass, fixed order
        self.gamma_ = gamma                                               # units × K Dirichlet parameters
        self.doc_topic_ = gamma / gamma.sum(axis=1, keepdims=True)
        ids = [i for bow in corpus for i, _ in bow]
        counts = [n for bow in corpus for _, n in bow]
        self.term_frequency_ = np.bincount(np.asarray(ids, dtype=np.int64), weights=np.asarray(counts, float),
                                           minlength=len(dictionary))
        return self

    def transform(self, texts: list[list[str]]) -> np.ndarray:
        """Topic proportions of new units (variational inference with the topics fixed)."""
        gamma = self.posterior(texts)
        return gamma / gamma.sum(axis=1, keepdims=True)

    def posterior_counts(self, counts) -> np.ndarray:
        """Each new unit's variational Dirichlet parameters, as ``gamma_`` is for the fitted ones;
        ``counts``: the units' :func:`unit_term_matrix`."""
        bows = [list(zip(counts.indices[a:b].tolist(), counts.data[a:b].tolist()))
                for a, b in zip(counts.indptr[:-1], counts.indptr[1:])]
        gamma, _ = self.model_.inference(bows)
        return gamma


def unit_term_matrix(texts: list[list[str]], dictionary):
    """Units × words sparse count matrix over the dictionary's words (each row's words in id order)."""
    from scipy import sparse

    indptr, indices, counts = [0], [], []
    for toks in texts:
        for j, n in dictionary.doc2bow(toks):
            indices.append(j)
            counts.append(n)
        indptr.append(len(indices))
    return sparse.csr_matrix((np.asarray(counts, dtype=float), np.asarray(indices, dtype=np.int32),
                              np.asarray(indptr, dtype=np.int64)), shape=(len(texts), len(dictionary)))


def fixed_topic_posterior(counts, topic_term: np.ndarray, alpha: np.ndarray, iterations: int = 100,
                          tol: float = 1e-3) -> np.ndarray:
    """Each unit's variational posterior Dirichlet(γ) over topic proportions with the topics fixed:
    the E-step of variational LDA (Blei, Ng & Jordan 2003, §5.1), γ_d = α + Σ_w n_dw r_dw with
    r_dwk ∝ φ_kw exp ψ(γ_dk), iterated per unit until its γ moves by less than ``tol`` per topic on
    average (or ``iterations``). ``counts``: units × words (sparse, the dictionary's ids);
    ``topic_term``: K × words, rows summing to 1 (words with no probability in any topic, such as
    dictionary words the model never saw, are left out). Σ_k γ_dk = Σ α + the unit's known tokens, as for
    α + sampled topic counts. The units are updated together, a few sparse products an iteration,
    but each unit's result depends on its own words only (the same in any batch)."""
    from scipy import sparse
    from scipy.special import psi

    X = sparse.csr_matrix(counts, dtype=np.float64)
    X.sum_duplicates()
    known = topic_term.sum(axis=0) > 0                             # words the topics give no probability: left out
    if not known.all():
        X = (X @ sparse.diags(known.astype(float))).tocsr()
        X.eliminate_zeros()
    phi_t = np.ascontiguousarray(topic_term.T)                     # words × K
    length = np.asarray(X.sum(axis=1)).ravel()
    gamma = alpha + (length / len(alpha))[:, None]
    active = np.flatnonzero(length > 0)
    for _ in range(iterations):
        if not len(active):
            break
        Xa, g = X[active], gamma[active]
        rows = np.repeat(np.arange(len(active)), np.diff(Xa.indptr))
        e = np.exp(psi(g))                                          # exp E[log θ], up to a unit's constant
        norm = np.einsum("ik,ik->i", e[rows], phi_t[Xa.indices])
        weighted = sparse.csr_matrix((Xa.data / np.maximum(norm, 1e-300), Xa.indices, Xa.indptr), shape=Xa.shape)
        new = alpha + e * (weighted @ phi_t)
        gamma[active] = new
        active = active[np.abs(new - g).mean(axis=1) >= tol]
    return gamma


def start_from_nmf(lda, corpus, n_terms: int, seed: int) -> None:
    """Set ``lda``'s variational topic parameters to a KL non-negative factorisation of the
    unit-term counts, scaled to the corpus's token count (one pseudo-pass of evidence)."""
    from gensim.matutils import corpus2csc
    from gensim.models.ldamodel import dirichlet_expectation
    from sklearn.decomposition import NMF

    from threadpoolctl import threadpool_limits

    counts = corpus2csc(corpus, num_terms=n_terms, dtype=np.float64).T.tocsr()
    nmf = NMF(lda.num_topics, init="nndsvdar", beta_loss="kullback-leibler", solver="mu", max_iter=200,
              random_state=seed)
    with threadpool_limits(1):  # the same start whatever the BLAS threads (see nmf_components)
        nmf.fit(counts)
    words = nmf.components_ / np.maximum(nmf.components_.sum(axis=1, keepdims=True), 1e-12)
    lda.state.sstats = (words * counts.sum() / lda.num_topics + 1e-3).astype(lda.dtype)
    lda.expElogbeta = np.exp(dirichlet_expectation(lda.state.get_lambda())).astype(lda.dtype)


def topic_dictionary(texts: list[list[str]], no_below: int, no_above: float, keep_n: int):
    """The gensim Dictionary the models use: words in at least ``no_below`` units and at most a
    ``no_above`` share of them, the ``keep_n`` most frequent."""
    from gensim.corpora import Dictionary

    return filtered_dictionary(Dictionary(texts), no_below, no_above, keep_n)


def filtered_dictionary(dictionary, no_below: int, no_above: float, keep_n: int):
    """``dictionary`` (a gensim Dictionary of the units) with the filters of :func:`topic_dictionary`."""
    dictionary.filter_extremes(no_below=no_below, no_above=no_above, keep_n=keep_n)
    dictionary.compactify()
    return dictionary


# ---- readable topics --------------------------------------------------------------------------------
def relevance(topic_term: np.ndarray, term_freq: np.ndarray, lam: float = 0.6) -> np.ndarray:
    """Sievert & Shirley (2014): λ log p(w|k) + (1 − λ) log(p(w|k) / p(w))."""
    p_w = term_freq / term_freq.sum()
    with np.errstate(divide="ignore"):
        return lam * np.log(topic_term) + (1 - lam) * np.log(topic_term / p_w[None, :])


def frex(topic_term: np.ndarray, w: float = 0.5) -> np.ndarray:
    """FREX (Bischof & Airoldi 2012, as in stm): the weighted harmonic mean of the within-topic
    rank (ECDF) of a word's exclusivity and of its frequency."""
    excl = topic_term / topic_term.sum(axis=0, keepdims=True)
    def ecdf_rows(m):
        ranks = np.argsort(np.argsort(m, axis=1, kind="stable"), axis=1, kind="stable") + 1
        return ranks / m.shape[1]
    e, f = ecdf_rows(excl), ecdf_rows(topic_term)
    return 1.0 / (w / e + (1 - w) / f)


def top_by(scores: np.ndarray, vocab: list[str], n: int = 10) -> list[list[str]]:
    """The ``n`` words of each row with the highest scores (ties: vocabulary order)."""
    return [[vocab[j] for j in np.argsort(-row, kind="stable")[:n]] for row in scores]


# ---- model selection -----------------------------------------------------------------------------
def heldout_perplexity(model, texts: list[list[str]]) -> float:
    """Perplexity by document completion (Wallach et al. 2009), the same for every engine and
    comparable across K: each held-out unit's known words are split alternately; the topic
    proportions are inferred from the first half, and the second half is scored with them,
    exp(−Σ log Σ_k θ_k φ_kw / N)."""
    known = model.dictionary_.token2id
    seen, scored = [], []
    for toks in texts:
        words = [t for t in toks if t in known]
        if len(words) >= 2:
            seen.append(words[0::2])
            scored.append([known[w] for w in words[1::2]])
    if not seen:
        return float("nan")
    theta = model.transform(seen)
    total, n = 0.0, 0
    for row, ids in zip(theta, scored):
        p = row @ model.topic_term_[:, ids]
        total += float(np.log(np.maximum(p, 1e-300)).sum())
        n += len(ids)
    return float(np.exp(-total / n))


def match_topics(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each topic (row) of ``a``, the topic of ``b`` matched to it by the cosine of their word
    distributions (Hungarian assignment), and that cosine."""
    A = a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-300)
    B = b / np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-300)
    sim = A @ B.T
    rows, cols = linear_sum_assignment(-sim)
    order = np.empty(len(a), dtype=int)
    order[rows] = cols
    return order, sim[np.arange(len(a)), order]


def topic_overlap(a: list[list[str]], b: list[list[str]]) -> tuple[float, np.ndarray]:
    """Match the topics of two runs by their top words (Jaccard, Hungarian assignment); returns the
    mean matched Jaccard and the matching."""
    sim = np.array([[len(set(x) & set(y)) / len(set(x) | set(y)) for y in b] for x in a])
    rows, cols = linear_sum_assignment(-sim)
    return float(sim[rows, cols].mean()), cols


def exclusivity(topic_term: np.ndarray, n: int = 10) -> float:
    """Mean exclusivity of the topics' top ``n`` words (as stm's searchK reports it): the share of a
    word's probability mass, summed over topics, that its topic holds, averaged over the words."""
    share = topic_term / np.maximum(topic_term.sum(axis=0, keepdims=True), 1e-300)
    top = np.argsort(-topic_term, axis=1, kind="stable")[:, :n]
    return float(np.take_along_axis(share, top, axis=1).mean())


def frontier(means: pd.DataFrame, a: str = "c_npmi", b: str = "exclusivity") -> list[int]:
    """The K not dominated on both ``a`` and ``b`` (higher is better on each)."""
    keep = []
    for k in means.index:
        x = means.loc[k]
        dominated = ((means[a] >= x[a]) & (means[b] >= x[b]) & ((means[a] > x[a]) | (means[b] > x[b]))).any()
        if not dominated:
            keep.append(int(k))
    return keep


def choose_k(grid: pd.DataFrame, min_stability: float = 0.3) -> tuple[int, str]:
    """The rule (docs/topics.md): among the K whose topics recur across seeds (mean stability at
    least ``min_stability``), the most coherent (highest mean c_npmi; ties: the smaller K). With one
    seed, or when no K is that stable, stability cannot decide and the most stable K is no answer
    (it is the smallest K on real corpora): among the K on the coherence–exclusivity frontier (as
    stm's searchK reports it: no other K has both a higher mean c_npmi and a higher mean exclusivity),
    the one closest to the best of both, each measure scaled to [0, 1] over the grid (ties: the
    smaller K). Returns K and why."""
    cols = [c for c in ("c_npmi", "c_v", "perplexity", "stability", "exclusivity") if c in grid]
    means = grid.groupby("k")[cols].mean()
    stable = means[means["stability"] >= min_stability]
    if len(stable):
        k = int(stable["c_npmi"].idxmax())
        return k, (f"highest mean c_npmi ({stable.loc[k, 'c_npmi']:.3f}) among K with stability ≥ {min_stability} "
                   f"({', '.join(map(str, stable.index))})")
    if means["stability"].isna().all():
        why = "one seed, no stability measured"
    else:
        why = f"no K reached stability {min_stability} (the most stable: {means['stability'].max():.2f})"
    if "exclusivity" not in means or means["exclusivity"].isna().all():
        k = int(means["c_npmi"].idxmax())
        return k, f"{why}: highest mean c_npmi ({means.loc[k, 'c_npmi']:.3f})"
    front = means.loc[frontier(means)]
    scaled = sum((front[c] - means[c].min()) / (means[c].max() - means[c].min() or 1.0) for c in ("c_npmi", "exclusivity"))
    k = int(scaled.idxmax())
    return k, (f"{why}: of the K on the coherence–exclusivity frontier ({', '.join(map(str, front.index))}), the one "
               f"closest to the best of both (c_npmi {means.loc[k, 'c_npmi']:.3f}, exclusivity "
               f"{means.loc[k, 'exclusivity']:.2f})")


# ---- prevalence with the topic model's own uncertainty ------------------------------------------
PREVALENCE_METHOD = ("method of composition (as stm's estimateEffect): {S} draws of each unit's topic proportions "
                     "from its variational Dirichlet posterior (gensim gamma), averaged to documents by length; in "
                     "each draw an OLS of document prevalence on group indicators (cell means) and a draw of the "
                     "coefficients from their estimated sampling distribution; 95% intervals are percentiles "
                     "over the pooled draws (means clipped to [0, 1]); effects are differences from the first group "
                     "in sorted order, from the same draws")


def unit_weights(unit_doc: np.ndarray, unit_len: np.ndarray, n_docs: int):
    """Documents × units sparse matrix that averages unit values to documents, weighted by unit
    length (a document's rows sum to 1). Sparse: a dense one is documents × units in size (16 GB for
    20,000 documents of 5 paragraphs each)."""
    from scipy import sparse

    weights = np.maximum(np.asarray(unit_len, dtype=float), 1.0)
    W = sparse.csr_matrix((weights, (unit_doc, np.arange(len(unit_doc)))), shape=(n_docs, len(unit_doc)))
    totals = np.asarray(W.sum(axis=1)).ravel()
    return sparse.diags(1.0 / np.maximum(totals, 1e-12)) @ W


PREVALENCE_COLUMNS = ["group", "topic", "prevalence", "low", "high", "documents", "kind"]


def prevalence_effects(gamma: np.ndarray, unit_doc: np.ndarray, unit_len: np.ndarray,
                       doc_groups: pd.Series | pd.DataFrame, S: int = 100, seed: int = 0) -> pd.DataFrame:
    """Mean topic prevalence per group with 95% intervals that include topic-model uncertainty.

    ``gamma``: units × K; ``unit_doc``: document index of each unit (0..D−1); ``unit_len``: tokens
    per unit; ``doc_groups``: the group of each document (NA = left out), or a DataFrame with one
    column per grouping (quarter, province, …): every grouping is regressed on the same S draws of
    the topic proportions, and the result has a ``grouping`` column. A document without units
    (outside a training sample) is left out too.

    Each draw: topic proportions from every unit's Dirichlet posterior, averaged to documents by
    length; per grouping, the regression of a document's proportion on group indicators (the
    group means, with the pooled residual variance) and one draw of its coefficients from their
    normal sampling distribution (Roberts et al.'s method of composition).
    """
    rng = seeded_rng(seed, "prevalence")
    frame = doc_groups if isinstance(doc_groups, pd.DataFrame) else doc_groups.to_frame("_")
    D, K = len(frame), gamma.shape[1]
    has_units = np.bincount(np.asarray(unit_doc, dtype=np.int64), minlength=D)[:D] > 0
    designs = {}
    for name in frame.columns:
        groups = frame[name].reset_index(drop=True).astype("string")
        keep = groups.notna().to_numpy() & has_units
        levels = sorted(groups[keep].unique())
        if levels:
            code = np.full(D, -1)
            code[keep] = pd.Categorical(groups[keep], categories=levels).codes
            designs[name] = (levels, code, np.bincount(code[keep], minlength=len(levels)).astype(float))
    W = unit_weights(unit_doc, unit_len, D)
    draws = {name: np.empty((S, len(levels), K)) for name, (levels, _, _) in designs.items()}
    for s in range(S):
        theta = rng.gamma(gamma)                                 # Dirichlet draws via Gammas
        theta /= theta.sum(axis=1, keepdims=True)
        Y = W @ theta                                            # documents × K
        for name, (levels, code, n_g) in designs.items():
            kept = code >= 0
            c, y = code[kept], Y[kept]
            means = np.zeros((len(levels), K))
            np.add.at(means, c, y)
            means /= n_g[:, None]
            sigma2 = ((y - means[c]) ** 2).sum(0) / max(len(c) - len(levels), 1)     # K
            draws[name][s] = means + np.sqrt(sigma2[None, :] / n_g[:, None]) * rng.standard_normal(means.shape)
    out = []
    for name, (levels, _, counts) in designs.items():
        d = draws[name]
        est = np.clip(d.mean(0), 0.0, 1.0)
        lo, hi = np.clip(np.percentile(d, [2.5, 97.5], axis=0), 0.0, 1.0)
        rows = [(levels[g], k, est[g, k], lo[g, k], hi[g, k], int(counts[g]), "mean")
                for g in range(len(levels)) for k in range(K)]
        # effects: each group minus the first (reference) group, from the same pooled draws
        for g in range(1, len(levels)):
            diff = d[:, g, :] - d[:, 0, :]
            dlo, dhi = np.percentile(diff, [2.5, 97.5], axis=0)
            rows += [(f"{levels[g]} − {levels[0]}", k, diff[:, k].mean(), dlo[k], dhi[k], int(counts[g]), "effect")
                     for k in range(K)]
        out.append(pd.DataFrame(rows, columns=PREVALENCE_COLUMNS).assign(grouping=name))
    result = pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=[*PREVALENCE_COLUMNS, "grouping"])
    return result if isinstance(doc_groups, pd.DataFrame) else result.drop(columns="grouping")


# ---- NMF cross-check ------------------------------------------------------------------------------
def nmf_components(texts: list[list[str]], dictionary, k: int, seed: int = 0) -> np.ndarray:
    """scikit-learn NMF on TF-IDF of the units over the dictionary's words, at K = ``k``: the K ×
    words matrix of its topics (what :func:`nmf_match` compares with the LDA topics, and the Gibbs
    engine's ``nmf_prior`` leans towards). Units without a dictionary word are left out, so the
    units as given and as a model keeps them give the same matrix."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer
    from threadpoolctl import threadpool_limits

    vocab = {dictionary[i]: i for i in range(len(dictionary))}
    texts = [t for t in texts if any(w in vocab for w in t)]   # a unit without a dictionary word adds nothing
    X = TfidfVectorizer(analyzer=lambda t: t, lowercase=False, vocabulary=vocab).fit_transform(texts)
    nmf = NMF(n_components=k, random_state=seed, init="nndsvda", max_iter=500)
    with threadpool_limits(1):  # its 500 updates amplify the summation order of threaded BLAS
        nmf.fit(X)
    return nmf.components_


def nmf_match(H: np.ndarray, model: LdaTopics) -> pd.DataFrame:
    """Each NMF topic (rows of ``H``, over the model's words) matched to an LDA topic by the cosine
    of their word weights (Hungarian assignment)."""
    vocab = model.vocabulary_
    A = model.topic_term_ / np.linalg.norm(model.topic_term_, axis=1, keepdims=True)
    B = H / np.linalg.norm(H, axis=1, keepdims=True).clip(min=1e-12)
    sim = A @ B.T
    rows, cols = linear_sum_assignment(-sim)
    lda_top = model.top_words(8)
    out = []
    for r, c in zip(rows, cols):
        out.append((int(r), int(c), float(sim[r, c]), " ".join(lda_top[r]),
                    " ".join(vocab[j] for j in np.argsort(-H[c], kind="stable")[:8])))
    return pd.DataFrame(out, columns=["lda_topic", "nmf_topic", "cosine", "lda_top_words", "nmf_top_words"])


# ---- what the topic browser shows ------------------------------------------------------------------
def browser_data(models: dict, topics, passages, lambdas=np.linspace(0, 1, 11), n: int = 15) -> dict:
    """What the browser shows, per language: ``models``: lang → fitted LdaTopics; ``topics`` and
    ``passages``: the stage's tables."""
    data = {}
    for lang, m in models.items():
        vocab = m.vocabulary_
        tf = np.maximum(m.term_frequency_, 1e-12)
        by_lambda = {}
        for lam in lambdas:
            rel = relevance(m.topic_term_, tf, float(lam))
            by_lambda[f"{lam:.1f}"] = [[[vocab[j], float(m.topic_term_[t, j])] for j in np.argsort(-rel[t], kind="stable")[:n]]
                                       for t in range(m.k)]
        sub = topics[topics["lang"] == lang]
        data[lang] = {"labels": [str(x) for x in sub.sort_values("topic")["label"]],
                      "shares": [float(x) for x in sub.sort_values("topic")["share"]],
                      "words": by_lambda,
                      "passages": [[[str(r.doc_id), float(r.proportion), str(r.text)] for r in
                                    passages[(passages["lang"] == lang) & (passages["topic"] == t)].itertuples()]
                                   for t in range(m.k)]}
    return data
