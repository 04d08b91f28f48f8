"""Topic models: estimator conventions, coherence definitions, stability, time."""
from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
from scipy import sparse
from sklearn.base import clone

from analysis import Corpus
from analysis.errors import ModelError
from analysis.topics import TopicModel, match_topics, topic_coherence

from conftest import RELATED, SEED


@pytest.fixture(scope="module")
def tcorpus(tmp_path_factory):
    c = Corpus.open(tmp_path_factory.mktemp("tp") / "corpus.sqlite")
    c.ingest([str(SEED), str(RELATED)], progress=False)
    yield c
    c.close()


@pytest.fixture(scope="module")
def nmf(tcorpus):
    return TopicModel(method="nmf", k=6).fit(tcorpus)


def test_estimator_conventions(nmf, tcorpus):
    assert nmf.k_ == 6
    assert nmf.components_.shape == (6, len(nmf.get_feature_names_out()))
    assert np.allclose(nmf.components_.sum(axis=1), 1)
    assert nmf.doc_topic_.shape == (len(tcorpus), 6)
    assert np.allclose(nmf.doc_topic_.sum(axis=1), 1)
    params = nmf.get_params()
    assert params["method"] == "nmf" and params["k"] == 6
    fresh = clone(nmf)
    assert not hasattr(fresh, "components_")
    with pytest.raises(ModelError):
        fresh.top_terms()
    back = pickle.loads(pickle.dumps(nmf))
    texts = ["北京冬奥会场馆志愿者服务运动员。", "社区核酸检测疫情防控。"]
    assert np.allclose(back.transform(texts), nmf.transform(texts))


def test_topics_have_readable_terms_and_documents(nmf, tcorpus):
    tt = nmf.top_terms(5)
    assert len(tt) == 30 and (tt.groupby("topic")["weight"].apply(lambda w: w.is_monotonic_decreasing)).all()
    terms = set(tt["term"])
    # the related reports are about the Winter Olympics, epidemic control, volunteering...
    assert terms & {"冬奥会", "疫情", "志愿服务", "志愿者", "防控"}
    rep = nmf.representative_docs(2)
    assert rep["title"].notna().all()
    for _, r in rep.iterrows():
        i = nmf.doc_ids_.index(r["doc_id"])
        assert nmf.doc_topic_[i].argmax() == r["topic"] or r["weight"] >= nmf.doc_topic_[i].max() - 1e-9
    summary = nmf.topics()
    assert summary["prevalence"].sum() == pytest.approx(1)
    assert summary["npmi"].between(-1, 1).all()


def test_coherence_definitions_on_a_hand_made_matrix():
    # 4 documents x 3 terms: t0 and t1 always together, t2 never with them
    units = sparse.csc_matrix(np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 0, 1]]))
    df = topic_coherence([[0, 1], [0, 2]], units)
    assert df.loc[0, "npmi"] == pytest.approx(1.0, abs=1e-6)
    # never together: gensim's c_npmi with eps = 1e-12 gives (log eps - log P0 P2) / -log eps, close to -1
    eps = 1e-12
    assert df.loc[1, "npmi"] == pytest.approx((math.log(eps) - math.log(0.25)) / -math.log(eps))
    assert df.loc[1, "npmi"] < -0.9
    # UMass: log((D(w1,w0)+1)/D(w0))
    assert df.loc[0, "umass"] == pytest.approx(math.log(3 / 2))
    assert df.loc[1, "umass"] == pytest.approx(math.log(1 / 2))


def test_match_topics_finds_a_permutation():
    a = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    assign, sims = match_topics(a, a[::-1])
    assert list(assign) == [1, 0] and np.allclose(sims, 1)


def test_lda_is_reproducible_and_stability_is_measured(tcorpus):
    a = TopicModel(method="lda", k=4, max_iter=10).fit(tcorpus)
    b = TopicModel(method="lda", k=4, max_iter=10).fit(tcorpus)
    assert np.allclose(a.components_, b.components_)
    assert a.stability(seeds=(0,)) == pytest.approx(1.0)
    s = a.stability(seeds=(1, 2))
    assert 0 < s <= 1 and len(a.stability_runs_) == 2


def test_k_range_picks_best_npmi(tcorpus):
    tm = TopicModel(method="nmf", k_range="3:7").fit(tcorpus)
    assert list(tm.k_scores_["k"]) == [3, 4, 5, 6, 7]
    assert tm.k_ == int(tm.k_scores_.loc[tm.k_scores_["npmi"].idxmax(), "k"])


def test_prevalence_over_time(nmf):
    prev = nmf.prevalence_over_time("Y")
    assert set(prev["period"]) >= {"2022", "2023"}
    sums = prev.groupby("period")["prevalence"].sum()
    assert np.allclose(sums, 1)
    assert (prev.groupby("period")["n_docs"].first() > 0).all()


def test_token_lists_and_sentence_coherence(related_records):
    toks = [["冬奥会", "志愿者", "服务"], ["冬奥会", "运动员", "场馆"], ["疫情", "防控", "社区"],
            ["疫情", "核酸", "社区"]] * 3
    tm = TopicModel(method="nmf", k=2, min_df=1, max_df=1.0).fit(toks)
    assert tm.doc_ids_[0] == "doc-0"
    labels = [set(g) for _, g in tm.top_terms(3).groupby("topic")["term"]]
    assert any({"冬奥会"} <= s and "疫情" not in s for s in labels)
    texts = [r["title"] + "。" + r["content"] for r in related_records[:60]]
    st = TopicModel(method="nmf", k=3, coherence_unit="sentence").fit(texts)
    assert st.coherence_["npmi"].notna().all()


def test_cli_topics(runner, cli, tcorpus):
    res = runner.invoke(cli, ["--corpus", str(tcorpus.path), "topics", "--method", "nmf", "--k", "4",
                              "--format", "csv"])
    assert res.exit_code == 0, res.output
    out = res.stdout.splitlines()
    assert out[0] == "topic,terms,prevalence,npmi,umass"
    assert len(out) == 5
    assert "NPMI" in res.stderr


def test_fit_on_loaded_token_docs_and_document_coherence(tcorpus, nmf):
    from analysis.keywords import KeywordOptions, term_filter, token_docs
    from analysis.topics import binary_units
    docs, seg = token_docs(tcorpus)
    again = TopicModel(method="nmf", k=6).fit(docs)        # one load shared by several stages
    assert again.doc_ids_ == nmf.doc_ids_
    assert np.allclose(again.components_, nmf.components_)
    # document coherence from the count matrix = the definition on each document's set of terms
    kopt = KeywordOptions()
    keep = term_filter(seg, kopt.min_len, kopt.drop_numbers)
    units = binary_units([[w for w in d.words if keep(w)] for d in docs], nmf.vocabulary_)
    expect = topic_coherence(nmf._top_idx(nmf.components_), units)
    assert np.allclose(expect[["npmi", "umass"]], nmf.coherence_[["npmi", "umass"]])


def test_online_lda_equals_sklearn_fit_and_repeats(tcorpus):
    from sklearn.decomposition import LatentDirichletAllocation
    kw = dict(method="lda", k=4, learning_method="online", max_iter=2, batch_size=100)
    a = TopicModel(**kw).fit(tcorpus)
    assert np.allclose(TopicModel(**kw).fit(tcorpus).components_, a.components_)   # random_state fixed
    ref = LatentDirichletAllocation(n_components=4, learning_method="online", batch_size=100, max_iter=2,
                                    random_state=0)
    theta = ref.fit_transform(a._x)
    assert np.allclose(ref.components_ / ref.components_.sum(axis=1, keepdims=True), a.components_)
    assert np.allclose(theta / theta.sum(axis=1, keepdims=True), a.doc_topic_)
    assert a.model_.n_iter_ == 2


def test_auto_learning_method_by_corpus_size(tcorpus):
    tm = TopicModel(method="lda", k=3, max_iter=4, online_passes=2, online_min_docs=10_000)
    assert tm.lda_schedule(421) == ("batch", 4) and tm.lda_schedule(10_000) == ("online", 2)
    online = TopicModel(method="lda", k=3, online_passes=2, online_min_docs=100, batch_size=128).fit(tcorpus)
    assert online.learning_method_ == "online" and online.n_iter_ == 2
    with pytest.raises(Exception):
        TopicModel(method="lda", k=3, learning_method="sgd").fit(tcorpus)


# -- review of issue 6 ------------------------------------------------------------
def test_parse_k_range_tries_every_k_and_always_hi():
    from analysis.errors import ConfigError
    from analysis.topics import parse_k_range
    assert parse_k_range("2:5") == [2, 3, 4, 5]
    assert parse_k_range("5:14") == list(range(5, 15))          # 10 values: every k
    assert parse_k_range("3:9:3") == [3, 6, 9]
    assert parse_k_range("2:6:3") == [2, 5, 6]                   # HI even off the step
    assert parse_k_range((4, 6)) == [4, 5, 6]
    wide = parse_k_range("5:40")
    assert wide[0] == 5 and wide[-1] == 40 and len(wide) <= 11
    assert parse_k_range(range(5, 21, 5)) == [5, 10, 15, 20]
    for bad in ("5", "9:3", "a:b", "2:6:0", "0:3"):
        with pytest.raises(ConfigError):
            parse_k_range(bad)


def test_unfitted_model_raises_sklearn_not_fitted_error():
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted
    tm = TopicModel()
    for call in (tm.topics, lambda: tm.transform([["a"]]), tm.get_feature_names_out):
        with pytest.raises(NotFittedError):
            call()
        with pytest.raises(ModelError):
            call()
    with pytest.raises(NotFittedError):
        check_is_fitted(tm)


def test_cli_topics_k_range_prints_the_k_table(runner, cli, tcorpus):
    res = runner.invoke(cli, ["--corpus", str(tcorpus.path), "topics", "--method", "nmf", "--k-range", "3:5"])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    head = lines[0].split()
    assert head[:3] == ["k", "npmi", "umass"]
    ks = [int(line.split()[0]) for line in lines[2:5]]
    assert ks == [3, 4, 5]
    chosen = [line for line in lines[2:5] if line.split()[-1] == "True"]
    assert len(chosen) == 1
    k = int(chosen[0].split()[0])
    assert f"nmf k={k}:" in res.stderr
    res = runner.invoke(cli, ["--corpus", str(tcorpus.path), "topics", "--method", "nmf", "--k-range", "2:6:3",
                              "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[0].startswith("topic,terms")   # csv stdout: topics only
    assert [line.split()[0] for line in res.stderr.splitlines()[3:6]] == ["2", "5", "6"]


def test_cli_topics_stability(runner, cli, tcorpus):
    res = runner.invoke(cli, ["--corpus", str(tcorpus.path), "topics", "--method", "nmf", "--k", "4",
                              "--stability", "2", "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    import json
    import re
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(rows) == 4
    assert all(r["prevalence"] == round(r["prevalence"], 4) for r in rows)   # rounded, not a p-value
    m = re.search(r"stability over 2 seeds (\d\.\d{3})", res.stderr)
    assert m and 0 < float(m.group(1)) <= 1


def test_cli_topics_empty_selection_exits_1(runner, cli, tcorpus):
    res = runner.invoke(cli, ["--corpus", str(tcorpus.path), "topics", "--query", "这个词不在语料里ZZZ"])
    assert res.exit_code == 1
    assert "no documents selected" in res.stderr
