"""Topic models: recovery of known topics, of a planted prevalence effect, determinism, the stage."""
import json

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linear_sum_assignment

from analysis.pipeline.config import load_config
from analysis.corpus.stage import build_corpus
from analysis.text.stage import build_tokens
from analysis.topics.stage import build_topics, grid_for
from analysis.topics.gibbs import GibbsLda
from analysis.topics.models import LdaTopics, choose_k, frex, nmf_components, nmf_match, prevalence_effects, relevance, topic_overlap
from tests.conftest import ROOT


def synthetic(seed=0, K=5, V=200, D=500, L=80, group_effect=0.0):
    """Documents drawn from K known topics; with ``group_effect``, group B documents put that much
    more prior weight on topic 0."""
    rng = np.random.default_rng(seed)
    beta = np.full((K, V), 0.01)
    for k in range(K):
        beta[k, k * (V // K):(k + 1) * (V // K)] = rng.gamma(2.0, 1.0, V // K)
    beta /= beta.sum(1, keepdims=True)
    group = np.where(np.arange(D) % 2 == 0, "A", "B")
    alpha = np.full((D, K), 0.3)
    alpha[group == "B", 0] += group_effect
    theta = np.vstack([rng.dirichlet(a) for a in alpha])
    vocab = [f"w{j}" for j in range(V)]
    cum = np.cumsum(beta, axis=1)
    texts = []
    for d in range(D):
        z = rng.choice(K, size=L, p=theta[d])
        u = rng.random(L)
        words = [int(np.searchsorted(cum[k], x)) for k, x in zip(z, u)]
        texts.append([vocab[min(j, V - 1)] for j in words])
    return texts, beta, theta, vocab, group


def best_match_cosine(model, beta, vocab):
    idx = [vocab.index(w) for w in model.vocabulary_]
    A = model.topic_term_ / np.linalg.norm(model.topic_term_, axis=1, keepdims=True)
    B = beta[:, idx] / np.linalg.norm(beta[:, idx], axis=1, keepdims=True)
    sim = A @ B.T
    r, c = linear_sum_assignment(-sim)
    return sim[r, c].mean()


def engine(name, k, seed):
    """An estimator of each engine as the stage makes it (the Gibbs engine with the NMF prior of
    tifa.toml; "tomotopy-plain" without), with the dictionary of every word (the synthetic vocabulary)."""
    if name == "gensim":
        return LdaTopics(k, random_state=seed, no_below=1, no_above=1.0)
    nmf = load_config(ROOT / "tifa.toml").topics.nmf_prior if name == "tomotopy" else 0.0
    return GibbsLda(k, random_state=seed, nmf_prior=nmf)


def fit(name, k, seed, texts):
    from gensim.corpora import Dictionary

    return engine(name, k, seed).fit(texts, Dictionary(texts))


ENGINES = ("gensim", "tomotopy")


@pytest.mark.parametrize("name", ENGINES + ("tomotopy-plain",))
@pytest.mark.parametrize("seed", [0, 7])
def test_fitted_topics_match_the_true_ones(name, seed):
    texts, beta, _, vocab, _ = synthetic(seed)
    m = fit(name, 5, seed, texts)
    assert best_match_cosine(m, beta, vocab) >= 0.9


def test_the_nmf_prior_is_a_weak_prior_from_the_nmf_topics():
    """topics.nmf_prior: each word's prior leans to the NMF topics that weigh it, by pseudo-counts
    worth the declared share of an average topic's tokens; without it every topic has η."""
    from gensim.corpora import Dictionary

    texts, *_ = synthetic(3, D=300)
    d = Dictionary(texts)
    m = GibbsLda(5, 1, nmf_prior=0.01).fit(texts, d)
    H = nmf_components(texts, d, 5, 1)
    H = H / H.sum(1, keepdims=True)
    w = d[int(np.argmax(H.max(0)))]                   # the word one NMF topic weighs most
    prior = np.asarray(m.model_.get_word_prior(w))
    expected = 0.01 + 0.01 * sum(map(len, texts)) / 5 * H[:, d.token2id[w]]
    assert np.allclose(prior, expected) and prior.max() > 10 * prior.min()
    assert len(GibbsLda(5, 1).fit(texts, d).model_.get_word_prior(w)) == 0    # no prior of its own: η


@pytest.mark.parametrize("name", ENGINES)
def test_same_seed_same_topics(name):
    texts, *_ = synthetic(1, D=200)
    a, b = fit(name, 5, 3, texts), fit(name, 5, 3, texts)
    assert np.array_equal(a.topic_term_, b.topic_term_) and np.array_equal(a.doc_topic_, b.doc_topic_)
    assert topic_overlap(a.top_words(), b.top_words())[0] == 1.0
    assert np.array_equal(a.transform(texts[:20]), b.transform(texts[:20]))
    assert a.get_params()["k"] == 5 and a.set_params(k=6).k == 6


@pytest.mark.parametrize("name", ENGINES)
def test_planted_prevalence_effect_is_recovered(name):
    texts, beta, theta, vocab, group = synthetic(2, D=600, group_effect=1.2)
    m = fit(name, 5, 2, texts)
    idx = [vocab.index(w) for w in m.vocabulary_]
    k0 = int(np.argmax(m.topic_term_ @ beta[0, idx]))  # the fitted topic that is true topic 0
    prev = prevalence_effects(m.gamma_, np.arange(len(texts)), np.full(len(texts), 80.0),
                              pd.Series(group), S=60, seed=0)
    p = prev[prev["topic"] == k0].set_index("group")
    true_effect = theta[group == "B", 0].mean() - theta[group == "A", 0].mean()
    effect = p.loc["B − A"]
    assert effect["kind"] == "effect"
    assert effect["low"] < true_effect < effect["high"], (true_effect, effect.to_dict())
    assert effect["low"] > 0  # the planted effect is found
    assert p.loc["B", "prevalence"] > p.loc["A", "prevalence"]


def test_relevance_and_frex():
    tt = np.array([[0.5, 0.3, 0.2], [0.1, 0.1, 0.8]])
    tf = np.array([60.0, 40.0, 100.0])
    assert np.allclose(relevance(tt, tf, 1.0), np.log(tt))
    r0 = relevance(tt, tf, 0.0)
    assert np.allclose(r0, np.log(tt / (tf / tf.sum())))
    f = frex(tt)
    assert f.shape == tt.shape and f[0, 0] > f[0, 2] and f[1, 2] == f.max()


def test_choose_k_rule():
    grid = pd.DataFrame({"k": [4, 4, 6, 6, 8, 8], "c_npmi": [0.1, 0.1, 0.2, 0.2, 0.3, 0.3],
                         "c_v": 0.5, "perplexity": 100.0, "stability": [0.8, 0.8, 0.7, 0.7, 0.3, 0.3]})
    assert choose_k(grid, 0.5)[0] == 6     # 8 is more coherent but unstable
    grid["exclusivity"] = [0.5, 0.5, 0.6, 0.6, 0.52, 0.52]
    k, why = choose_k(grid, 0.9)                  # none stable enough: the coherence–exclusivity frontier
    assert k == 6 and "frontier (6, 8)" in why   # 4 is dominated by 6; 6 is nearer the best of both than 8
    # the CCTV items' grid (tomotopy, 3 seeds, whole items): stability modest everywhere, coherence rising
    # with K; the rule no longer falls back to the smallest K
    cctv = pd.DataFrame({"k": [4, 6, 8, 10, 12, 15, 20, 25],
                         "c_npmi": [0.040, 0.044, 0.046, 0.067, 0.038, 0.067, 0.078, 0.095],
                         "exclusivity": [0.82, 0.75, 0.73, 0.72, 0.68, 0.67, 0.64, 0.62],
                         "stability": [0.53, 0.46, 0.43, 0.39, 0.35, 0.30, 0.35, 0.36], "c_v": 0.6, "perplexity": 1.0})
    assert choose_k(cctv, 0.3)[0] == 25
    assert choose_k(cctv, 0.5)[0] == 4                          # a strict floor keeps only the most stable K
    assert grid_for(29, (4, 6, 8, 10, 12)) == [4, 6, 8]


def test_nmf_cross_check_finds_the_same_topics():
    texts, beta, _, vocab, _ = synthetic(4, D=300)
    m = LdaTopics(5, random_state=4, no_below=1, no_above=1.0).fit(texts)
    match = nmf_match(nmf_components(texts, m.dictionary_, 5, 0), m)
    assert len(match) == 5 and match["cosine"].mean() > 0.8


@pytest.mark.slow
def test_topics_stage_on_the_seeds(tmp_path):
    cfg = load_config(ROOT / "tifa.toml").with_paths(data=tmp_path / "data")
    import dataclasses
    labels = tmp_path / "labels.csv"
    labels.write_text("lang,topic,label\nzh,0,我的标签\n", encoding="utf-8")
    cfg = dataclasses.replace(cfg, topics=dataclasses.replace(cfg.topics, labels=labels, k_grid=(4, 6), seeds=(1, 2),
                                                              passes=5, draws=20))
    build_corpus(cfg, progress=False)
    build_tokens(cfg, progress=False)
    r = build_topics(cfg, progress=False)
    from analysis.topics.labels import labelled

    assert (r.tables["topics"]["label"] == r.tables["topics"]["suggested_label"]).all()  # the stage does not label
    t = labelled(r, cfg.topics.labels).tables                                                       # the outputs do
    assert set(t["topics"]["lang"]) == {"zh", "en"}
    assert t["topics"].set_index(["lang", "topic"]).loc[("zh", 0), "label"] == "我的标签"
    assert set(t["grid"]["k"]) == {4, 6} and t["grid"]["stability"].between(0, 1).all()
    assert t["notes"]["note"].str.contains("K = ").sum() == 2
    assert (tmp_path / "data" / "topics" / "zh" / "lda.tomotopy").exists()
    from analysis.publishing.pages import browser_html

    data = json.loads((tmp_path / "data" / "topics" / "browser.json").read_text(encoding="utf-8"))
    page = browser_html(data, t["topics"])
    assert "Topic browser" in page and "我的标签" in page
    doc = t["doc_topics"]
    assert np.allclose(doc.filter(like="topic_").sum(axis=1, skipna=True), 1.0)
    assert doc.filter(like="topic_").shape[1] == t["topics"]["k"].max()  # as many columns as the largest K
    assert not build_topics(cfg, progress=False).rebuilt
    again = build_topics(cfg, progress=False, force=True).tables["topics"]
    assert again["top_relevance"].tolist() == t["topics"]["top_relevance"].tolist()  # deterministic


def test_coherence_of_all_fits_at_once_equals_one_by_one():
    from gensim.corpora import Dictionary

    from gensim.models import CoherenceModel

    from analysis.topics.stage import coherence_per_fit

    def coherence(model, texts, measure, topn=10):  # one CoherenceModel per fit, the plain way
        return CoherenceModel(topics=model.top_words(topn), texts=texts, dictionary=model.dictionary_,
                              coherence=measure, topn=topn, processes=1).get_coherence()

    texts, *_ = synthetic(5, D=150)
    fits = [LdaTopics(k, random_state=s, no_below=1, no_above=1.0) for k, s in ((3, 1), (4, 2))]
    d = Dictionary(texts)
    fits = [f.fit(texts, d) for f in fits]
    for measure in ("c_npmi", "c_v"):
        together = coherence_per_fit([f.top_words(10) for f in fits], texts, d, measure, 10)
        alone = [coherence(f, texts, measure) for f in fits]
        assert together == pytest.approx(alone, rel=1e-6)


def test_unit_weights_average_units_to_documents_by_length_and_stay_sparse():
    from scipy import sparse

    from analysis.topics.models import unit_weights

    unit_doc = np.array([0, 0, 1, 2, 2, 2])
    unit_len = np.array([3, 1, 5, 0, 2, 2])  # an empty unit still counts once
    W = unit_weights(unit_doc, unit_len, 3)
    assert sparse.issparse(W) and W.nnz == 6
    theta = np.array([[1, 0], [0, 1], [0.5, 0.5], [1, 0], [0, 1], [0, 1]], dtype=float)
    got = W @ theta
    assert np.allclose(got, [[0.75, 0.25], [0.5, 0.5], [0.2, 0.8]])
    big = unit_weights(np.repeat(np.arange(20000), 5), np.ones(100000), 20000)  # dense: 16 GB
    assert big.shape == (20000, 100000) and big.nnz == 100000


def test_one_seed_chooses_k_by_coherence():
    """topics.seeds = [1]: no stability to measure; K by coherence instead of a crash."""
    import pandas as pd

    from analysis.topics.models import choose_k

    grid = pd.DataFrame({"k": [4, 6], "seed": [1, 1], "c_npmi": [0.02, 0.05], "c_v": [0.4, 0.5],
                         "perplexity": [10.0, 12.0], "stability": [float("nan")] * 2})
    assert choose_k(grid)[0] == 6 and "one seed" in choose_k(grid)[1]


def test_the_k_grid_is_the_same_whatever_the_worker_count():
    """Each Gibbs fit samples on one thread: topics.workers changes the speed, never the grid."""
    import dataclasses

    from gensim.corpora import Dictionary

    from analysis.pipeline.config import TopicParams
    from analysis.topics.stage import run_grid

    texts, *_ = synthetic(3, D=120, L=40)
    per_lang = {"zh": (texts[:100], texts[100:], Dictionary(texts[:100]))}
    tp = dataclasses.replace(TopicParams(), k_grid=(3, 5), seeds=(1, 2), gibbs_iterations=50)
    one = run_grid(per_lang, dataclasses.replace(tp, workers=1), progress=False)
    two = run_grid(per_lang, dataclasses.replace(tp, workers=2), progress=False)
    pd.testing.assert_frame_equal(one, two)
    assert one["exclusivity"].between(0, 1).all() and one["perplexity"].gt(1).all()


@pytest.mark.slow
def test_covariate_model_recovers_a_planted_effect():
    """DMR with the group as covariate: the 95% interval of B − A in topic 0's prevalence covers the
    planted difference (the bench runs 40 replicates; here 6, fixed seeds)."""
    from gensim.corpora import Dictionary

    from analysis.topics.gibbs import CovariateLda
    from analysis.topics.models import match_topics

    covered = 0
    for seed in range(6):
        texts, beta, theta, vocab, group = synthetic(seed, D=600, L=80, group_effect=0.8)
        d = Dictionary(texts)
        m = CovariateLda(5, seed + 1).fit(texts, d, [[f"group={g}"] for g in group])
        idx = [vocab.index(w) for w in m.vocabulary_]
        order, cos = match_topics(beta[:, idx], m.topic_term_)
        assert cos[0] > 0.9            # the topic with the planted effect is found
        prev = prevalence_effects(m.gamma_[:, order], np.arange(len(texts)), np.full(len(texts), 80.0),
                                  pd.Series(group), S=60, seed=seed)
        effect = prev[(prev["topic"] == 0) & (prev["kind"] == "effect")].iloc[0]
        truth = theta[group == "B", 0].mean() - theta[group == "A", 0].mean()
        covered += effect["low"] <= truth <= effect["high"]
        assert m.prior(["group=B"])[order[0]] > m.prior(["group=A"])[order[0]]   # the prior moved with B
    assert covered >= 5


def test_seeded_topics_keep_their_seeds():
    from gensim.corpora import Dictionary

    from analysis.topics.seeds import seeds_kept

    texts, beta, _, vocab, _ = synthetic(4)
    seeds = {"first": ["w3", "w7", "w11"], "third": ["w85", "w90"]}     # words of true topics 0 and 2
    m = GibbsLda(5, 1).fit(texts, Dictionary(texts), seed_words=dict(enumerate(seeds.values())))
    kept = seeds_kept(m, list(seeds))
    assert list(kept["seeded_with"][:2]) == ["first", "third"] and kept["seed_share"][:2].gt(0.8).all()
    idx = [vocab.index(w) for w in m.vocabulary_]
    assert np.argmax(beta[:, idx] @ m.topic_term_[0]) == 0 and np.argmax(beta[:, idx] @ m.topic_term_[1]) == 2


def test_a_seed_file_with_mistakes_names_every_line(tmp_path):
    from analysis.topics.seeds import SeedWordsError, read_seed_file, seed_groups

    path = tmp_path / "seed_words.csv"
    path.write_text("topic,word\n增长,投资\n增长\n改革,投资\n,空\n", encoding="utf-8")
    with pytest.raises(SeedWordsError) as err:
        read_seed_file(path)
    message = str(err.value)
    assert "line 3" in message and "line 4: '投资' already seeds topic '增长' (line 2)" in message and "line 5" in message
    with pytest.raises(SeedWordsError, match="no such file"):
        read_seed_file(tmp_path / "absent.csv")
    groups = seed_groups("lexicon", ROOT / "lexicon" / "lexicon.csv", path)
    assert "general" in groups and "稳中求进" in groups["general"]
    assert seed_groups("none", ROOT / "lexicon" / "lexicon.csv", path) == {}


@pytest.mark.parametrize("name", ENGINES)
def test_a_model_fitted_on_a_sample_infers_the_other_units(name):
    """topics.max_train_units (issue 18): fitted on 60% of the units, the model gives every unit a
    posterior; the sampled units keep their fitted one, the others' proportions follow the truth
    as closely as the fitted units' do."""
    from gensim.corpora import Dictionary

    from analysis.topics.models import match_topics

    texts, beta, theta, vocab, _ = synthetic(3, D=400)
    sample = sorted(np.random.default_rng(0).choice(len(texts), 240, replace=False).tolist())
    m = engine(name, 5, 1).fit_sample(texts, Dictionary(texts), sample)
    alone = engine(name, 5, 1).fit([texts[i] for i in sample], Dictionary(texts))
    assert m.gamma_.shape == (400, 5) and np.allclose(m.doc_topic_.sum(1), 1)
    assert np.array_equal(m.gamma_[sample], alone.gamma_) and list(m.sample_) == sample
    idx = [vocab.index(w) for w in m.vocabulary_]
    order, _ = match_topics(beta[:, idx], m.topic_term_)
    rest = np.setdiff1d(np.arange(400), sample)
    error = np.abs(m.doc_topic_[:, order] - theta).sum(1)
    assert error[rest].mean() < 1.3 * error[sample].mean() and error[rest].mean() < 0.4
    if name == "tomotopy":  # α + topic counts: a unit's posterior adds up to its words plus Σα
        assert np.allclose(m.gamma_[rest].sum(1), 80 + m.alpha_.sum())


def test_the_fixed_topic_posterior_is_the_same_in_any_batch_and_finds_the_units_topics():
    """The Gibbs engine's inference of new units (issue 18: tomotopy's took most of a sampled fit's
    time): each unit's result depends on its words only, so the stage's chunks give the whole
    corpus's answer bit for bit; it adds up to α + the unit's known tokens; and it recovers the
    planted proportions about as well as the sampler does for the units it fitted."""
    from gensim.corpora import Dictionary

    from analysis.topics.models import match_topics

    texts, beta, theta, vocab, _ = synthetic(4, D=400)
    m = engine("tomotopy", 5, 1).fit(texts[:200], Dictionary(texts))
    new = texts[200:] + [["not-a-word"], []]
    whole = m.posterior(new)
    assert np.array_equal(whole, np.vstack([m.posterior(new[i:i + 37]) for i in range(0, len(new), 37)]))
    assert np.allclose(whole.sum(1), [80 + m.alpha_.sum()] * 200 + [m.alpha_.sum()] * 2)
    assert np.array_equal(whole[-1], m.alpha_) and np.array_equal(whole[-2], m.alpha_)
    idx = [vocab.index(w) for w in m.vocabulary_]
    order, _ = match_topics(beta[:, idx], m.topic_term_)
    inferred = np.abs(whole[:200, order] / whole[:200].sum(1, keepdims=True) - theta[200:]).sum(1).mean()
    fitted = np.abs(m.doc_topic_[:, order] - theta[:200]).sum(1).mean()
    assert inferred < 1.2 * fitted, (inferred, fitted)


def test_the_chosen_models_infer_the_units_outside_the_sample_in_chunks_side_by_side(monkeypatch):
    """final_fits: the plain model's inference of the units outside its sample runs in chunks in
    worker processes, and gives what fit_sample gives in one process."""
    from gensim.corpora import Dictionary

    import dataclasses

    import analysis.topics.stage as stage

    texts, *_ = synthetic(5, D=300)
    d = Dictionary(texts)
    sample = list(range(0, 300, 3))
    tp = load_config(ROOT / "tifa.toml").topics
    monkeypatch.setattr(stage, "INFER_CHUNK", 45)
    tp = dataclasses.replace(tp, workers=2)
    inputs = {"zh": {**stage.units_in_memory(texts, sample), "dictionary": d, "k": 5, "k_seeded": 5, "covariates": [],
                     "seeds": {}}}
    fitted = stage.final_fits(inputs, tp, 7, progress=False)[("zh", "plain")]
    alone = stage.make_model(tp.engine, 5, 7, tp).fit_sample(texts, d, sample,
                                                             nmf_topics=nmf_components([texts[i] for i in sample], d, 5, 7))
    assert np.array_equal(fitted.gamma_, alone.gamma_) and list(fitted.sample_) == sample


def test_corpus_stop_words_are_counted_over_paragraphs_and_bounded():
    """On a few long documents, a word in most documents is not a stop word unless it is in many of
    their paragraphs; stop words are never more than MAX_STOPWORDS_OF_VOCABULARY of the vocabulary."""
    from analysis.topics.stage import MAX_STOPWORDS_OF_VOCABULARY, corpus_stopwords
    from analysis.topics.units import Vocabulary

    def stop_words(units: list[list[str]]):
        seen = Vocabulary()
        for p, toks in enumerate(units):
            seen.add(p, toks)
        return corpus_stopwords(seen, 0.1)

    paragraphs = {}
    for d in range(30):                       # 30 long documents of 10 paragraphs
        for p in range(10):
            paragraphs[(d, p)] = [f"w{d}_{p}_{i}" for i in range(40)] + ["建设"] + (["产业"] if p == 0 else [])
    by_doc = stop_words([[t for p in range(10) for t in paragraphs[(d, p)]] for d in range(30)])
    by_para = stop_words(list(paragraphs.values()))
    assert set(by_para["word"]) == {"建设"}                          # in every paragraph
    assert {"建设", "产业"} <= set(by_doc["word"])                     # 产业: in every document, 1 paragraph in 10
    vocabulary = len({t for toks in paragraphs.values() for t in toks})
    assert len(by_doc) <= MAX_STOPWORDS_OF_VOCABULARY * vocabulary
    common = [[f"c{i}" for i in range(50)] + [f"u{d}"] for d in range(30)]   # 50 words in every document, 80 in all
    assert len(stop_words(common)) == int(MAX_STOPWORDS_OF_VOCABULARY * 80) == 1


def test_a_grid_is_widened_when_its_largest_k_is_chosen_and_weak_topics_are_named():
    from analysis.pipeline.config import TopicParams
    from analysis.topics.stage import diagnostics_note, widen_by, widened_grid

    tp = TopicParams(k_grid=(4, 8, 12, 20), seeds=(1, 2))
    assert widen_by(1000, tp.k_grid) == [25, 30] and widen_by(66, tp.k_grid) == [22] and widen_by(60, tp.k_grid) == []

    def grid(npmi):
        return pd.DataFrame([("zh", k, s, v, 0.5 if k > 4 else 0.9, 0.6) for k, v in npmi.items() for s in (1, 2)],
                            columns=["lang", "k", "seed", "c_npmi", "stability", "exclusivity"])
    per_lang = {"zh": (list(range(1000)), None, None)}
    notes = []
    assert widened_grid(grid({4: 0.01, 8: 0.02, 12: 0.03, 20: 0.05}), per_lang, tp, notes) == {"zh": [25, 30]}
    assert "the grid was widened to 25, 30" in notes[0][1]
    assert widened_grid(grid({4: 0.01, 8: 0.06, 12: 0.03, 20: 0.05}), per_lang, tp, []) == {}
    weak = diagnostics_note(grid({4: -0.2, 8: -0.1, 12: -0.3, 20: -0.25}), 8, tp)
    assert weak.startswith("warning: weak topics") and "c_npmi -0.100 is below 0" in weak
    assert "largest of the grid" in diagnostics_note(grid({4: 0.01, 20: 0.05}), 20, tp)
    assert diagnostics_note(grid({4: 0.01, 8: 0.06, 20: 0.05}), 8, tp) is None
