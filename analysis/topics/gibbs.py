"""LDA by collapsed Gibbs sampling (tomotopy): the default topic engine.

Same contract as the gensim engine (:class:`analysis.topics.models.LdaTopics`): ``fit(texts,
dictionary)`` returns self; ``topic_term_`` is K × V over the dictionary's word ids; ``gamma_`` is
each unit's Dirichlet posterior, here α + the unit's topic counts after the last sweep (what the
method of composition draws from); ``transform(texts)`` gives topic proportions of new units.

Each fit samples on one thread, so that a seed gives the same model whatever ``topics.workers``
is (tomotopy's parallel samplers give a different, equally valid chain for each thread count);
the K grid runs its fits side by side in worker processes instead.
"""
from __future__ import annotations

import warnings

import numpy as np

from .models import TopicEstimator


class GibbsLda(TopicEstimator):
    """``GibbsLda(k, random_state, iterations).fit(texts, dictionary)``: asymmetric α learned every
    ``optim_interval`` sweeps after ``burn_in`` (tomotopy's defaults), η = ``eta``.

    ``nmf_prior`` > 0 leans the topics towards a non-negative factorisation of the units' TF-IDF
    (:func:`analysis.topics.models.nmf_components`, K topics): word w's prior in topic k is
    η + s · H[k, w] / Σ H[k], with s = ``nmf_prior`` × the average topic's token count (1%: a
    hundredth of the evidence the data give a topic). A weak, data-derived prior that starts the
    sampler near a good mode, as stm starts from a spectral solution and the gensim engine from NMF
    (tomotopy cannot take starting assignments; word priors are its author's advice for this)."""

    def __init__(self, k: int = 10, random_state: int = 0, iterations: int = 200, alpha: float = 1.0,
                 eta: float = 0.01, optim_interval: int = 10, burn_in: int = 50, infer_iterations: int = 100,
                 nmf_prior: float = 0.0):
        self.k = k
        self.random_state = random_state
        self.iterations = iterations
        self.alpha = alpha
        self.eta = eta
        self.optim_interval = optim_interval
        self.burn_in = burn_in
        self.infer_iterations = infer_iterations
        self.nmf_prior = nmf_prior

    def fit(self, texts: list[list[str]], dictionary=None, seed_words: dict[int, list[str]] | None = None,
            nmf_topics: np.ndarray | None = None) -> "GibbsLda":
        """``seed_words``: topic → words whose prior leans to that topic (seeded topics, as keyATM's:
        η 1 for its own topic and 0.01 for the others; words outside the dictionary are ignored).
        ``nmf_topics``: the NMF of these units (:func:`analysis.topics.models.nmf_components`) when
        it is already computed, for the ``nmf_prior``; otherwise it is computed here."""
        import tomotopy as tp

        return self._fit(tp.LDAModel(k=self.k, alpha=self.alpha, eta=self.eta, seed=self._seed()), texts, dictionary,
                         lambda model, i, words: model.add_doc(words), seed_words, nmf_topics)

    def __getstate__(self) -> dict:
        """Picklable (tomotopy's models are not): the sampler's state travels as its own bytes, so
        a model fitted in a worker process comes back whole."""
        state = dict(self.__dict__)
        if "model_" in state:
            state["model_"] = (type(self.model_).__name__, self.model_.saves(full=True))
        return state

    def __setstate__(self, state: dict) -> None:
        import tomotopy as tp

        if "model_" in state:
            kind, data = state["model_"]
            state["model_"] = getattr(tp, kind).loads(data)
        self.__dict__.update(state)

    def _seed(self) -> int:
        return int(self.random_state) % (2 ** 32)

    def _fit(self, model, texts, dictionary, add, seed_words=None, nmf_topics=None) -> "GibbsLda":
        """Add the units (``add(model, i, words)``), sample, and read the fitted model back in the
        dictionary's word ids."""
        from .models import topic_dictionary

        if dictionary is None:
            dictionary = topic_dictionary(texts, 2, 0.5, 20000)
        self.dictionary_ = dictionary
        known = dictionary.token2id
        model.burn_in = self.burn_in
        model.optim_interval = self.optim_interval
        kept, added = [], []
        for i, toks in enumerate(texts):
            words = [t for t in toks if t in known]
            if words:
                add(model, i, words)
                kept.append(i)
                added.append(words)
        if self.nmf_prior > 0 and added:
            self._nmf_word_priors(model, added, dictionary, nmf_topics)
        self.seed_words_ = {}
        for topic, words in sorted((seed_words or {}).items()):
            self.seed_words_[topic] = [w for w in words if w in known]
            for w in self.seed_words_[topic]:
                model.set_word_prior(w, [1.0 if t == topic else 0.01 for t in range(self.k)])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            model.train(self.iterations, workers=1)
        self.model_ = model
        self.used_ = frozenset(model.used_vocabs)
        # tomotopy numbers words in its own order: columns go back to the dictionary's ids
        order = np.array([known[w] for w in model.used_vocabs])
        phi = np.zeros((self.k, len(dictionary)))
        phi[:, order] = np.array([model.get_topic_word_dist(t) for t in range(self.k)])
        self.topic_term_ = phi
        self.alpha_ = np.asarray(model.alpha, dtype=float) if np.ndim(model.alpha) else np.full(self.k, model.alpha)
        gamma = self._priors(len(texts))                            # a unit without known words: its prior
        for i, doc in zip(kept, model.docs):
            gamma[i] += self._topic_counts(doc)
        self.gamma_ = gamma
        self.doc_topic_ = gamma / gamma.sum(axis=1, keepdims=True)
        freq = np.zeros(len(dictionary))
        freq[order] = np.asarray(model.used_vocab_freq, dtype=float)
        self.term_frequency_ = freq
        return self

    def _nmf_word_priors(self, model, units: list[list[str]], dictionary, H: np.ndarray | None = None) -> None:
        """Word priors η + s · (NMF topic's share of the word), ``nmf_prior`` (see the class); ``H``:
        the units' NMF when the caller has it."""
        from .models import nmf_components

        if H is None:
            H = nmf_components(units, dictionary, self.k, self._seed())
        H = H / np.maximum(H.sum(axis=1, keepdims=True), 1e-300)
        strength = self.nmf_prior * sum(map(len, units)) / self.k
        for w in sorted({w for words in units for w in words}):
            model.set_word_prior(w, (self.eta + strength * H[:, dictionary.token2id[w]]).tolist())

    def _priors(self, n: int) -> np.ndarray:
        """Each unit's Dirichlet prior (α for every unit in plain LDA)."""
        return np.tile(self.alpha_, (n, 1))

    def transform(self, texts: list[list[str]]) -> np.ndarray:
        """Topic proportions of new units, the topics fixed (``posterior``)."""
        gamma = self.posterior(texts)
        return gamma / gamma.sum(axis=1, keepdims=True)

    def posterior_counts(self, counts) -> np.ndarray:
        """Each new unit's Dirichlet posterior with the topics fixed, on the scale of ``gamma_`` for
        the fitted ones (α + the unit's known tokens in all): the variational E-step over the fitted
        topic-word distributions (:func:`analysis.topics.models.fixed_topic_posterior`), all units at
        once; ``counts``: the units' :func:`analysis.topics.models.unit_term_matrix`. tomotopy's own
        inference recomputes the whole model's likelihood for every unit, which made it the largest
        cost of a sampled fit at 100,000 documents (bench/RESULTS.md, "Scale")."""
        from .models import fixed_topic_posterior

        return fixed_topic_posterior(counts, self.topic_term_, self.alpha_, self.infer_iterations)

    def _topic_counts(self, doc) -> np.ndarray:
        """How many of a unit's tokens the last sweep gave each topic."""
        return np.bincount(np.asarray(doc.topics, dtype=np.int64), minlength=self.k)


class CovariateLda(GibbsLda):
    """Dirichlet-multinomial regression (Mimno & McCallum 2008; tomotopy ``DMRModel``): a unit's
    prior on topics is exp(λ · x) for its covariates x (an intercept and one indicator per value,
    such as ``province=广东省`` and ``quarter=2022Q2``), so topic prevalence is estimated as a
    function of the covariates while the topics are fitted, as stm's prevalence formula does.
    ``fit(texts, dictionary, covariates)``: ``covariates`` holds each unit's list of indicators.
    ``gamma_`` is exp(λ · x) + the unit's topic counts."""

    def __init__(self, k: int = 10, random_state: int = 0, iterations: int = 200, alpha: float = 1.0,
                 eta: float = 0.01, sigma: float = 1.0, optim_interval: int = 10, burn_in: int = 50,
                 infer_iterations: int = 100, nmf_prior: float = 0.0):
        super().__init__(k, random_state, iterations, alpha, eta, optim_interval, burn_in, infer_iterations,
                         nmf_prior)
        self.sigma = sigma

    def fit(self, texts, dictionary=None, covariates: list[list[str]] | None = None,
            seed_words: dict[int, list[str]] | None = None, nmf_topics: np.ndarray | None = None) -> "CovariateLda":
        import tomotopy as tp

        covariates = covariates if covariates is not None else [[] for _ in texts]
        if len(covariates) != len(texts):
            raise ValueError(f"{len(covariates)} covariate rows for {len(texts)} units")
        self.covariates_ = [tuple(c) for c in covariates]
        model = tp.DMRModel(k=self.k, alpha=self.alpha, eta=self.eta, sigma=self.sigma, seed=self._seed())
        return self._fit(model, texts, dictionary,
                         lambda m, i, words: m.add_doc(words, metadata="", multi_metadata=list(self.covariates_[i])),
                         seed_words, nmf_topics)

    def _priors(self, n: int) -> np.ndarray:
        cache: dict = {}
        out = np.empty((n, self.k))
        for i, x in enumerate(self.covariates_):
            if x not in cache:
                cache[x] = np.asarray(self.model_.get_topic_prior("", list(x)), dtype=float)
            out[i] = cache[x]
        return out

    def prior(self, covariates: list[str]) -> np.ndarray:
        """The Dirichlet prior exp(λ · x) of a unit with these covariate indicators."""
        return np.asarray(self.model_.get_topic_prior("", list(covariates)), dtype=float)
