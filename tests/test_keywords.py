"""Keywords: frequency, TF-IDF, TextRank, keyness (quanteda definitions), collocations."""
from __future__ import annotations

import gzip
import json
import math
import re

import numpy as np
import pytest
from scipy.stats import chi2_contingency

from analysis import Corpus
from analysis.errors import ConfigError
from analysis.keywords import (DEFAULT_REFERENCE, collocations, cooccurrence, frequency, keyness,
                               keyness_stats, keywords, load_reference, textrank, tfidf)

from conftest import RELATED, SEED, shared_file


@pytest.fixture(scope="module")
def kcorpus(tmp_path_factory):
    c = Corpus.open(tmp_path_factory.mktemp("kw") / "corpus.sqlite")
    c.ingest([str(SEED), str(RELATED)], progress=False)
    yield c
    c.close()


@pytest.fixture(scope="module")
def seed_id(kcorpus):
    ids = kcorpus.select(query="江小爱")
    assert len(ids) == 1
    return ids[0]


@pytest.fixture(scope="module")
def seg(kcorpus):
    return kcorpus.segmenter()


# -- keyness -----------------------------------------------------------------
def test_seed_keyness_acceptance(kcorpus, seed_id, seg):
    df = keyness(kcorpus, doc=seed_id, top=20)
    assert list(df.columns[:4]) == ["term", "score", "freq", "doc_freq"]
    assert df["term"].iloc[0] == "江小爱"
    assert df["n_reference"].iloc[0] == 0          # a new name: absent from national news
    for term in df["term"]:
        assert not seg.is_stopword(term), term
        assert not re.search(r"[\d０-９]", term), term
        assert not re.fullmatch(r"[\W_]+", term), term
        assert not seg.is_number(term), term
    assert (df["score"].diff().dropna() <= 0).all()
    assert (df["p"] < 0.001).all()                # G² > 10.83 for every key term


def test_keyness_stats_match_quanteda_test_table():
    # quanteda's own test: d1 = "b b b b b b b a a a" (target), d2 = "a a a a a a a b b"
    table = np.array([[3, 7], [7, 2]])  # rows: target, reference; cols: a, rest
    st = keyness_stats([3], [7], 10, 9)
    yates = chi2_contingency(table, correction=True)[0]
    plain = chi2_contingency(table, correction=False)[0]
    assert st["chi2"][0] == pytest.approx(-yates)      # under-used: negative
    none = keyness_stats([3], [7], 10, 9, correction="none")
    assert none["chi2"][0] == pytest.approx(-plain)
    g_plain = chi2_contingency(table, correction=False, lambda_="log-likelihood")[0]
    assert st["g2_uncorrected"][0] == pytest.approx(-g_plain, rel=1e-6)
    # Yates for G2 as quanteda: a, d move +0.5 and b, c -0.5 when ad - bc < 0
    adj = np.array([[3.5, 6.5], [6.5, 2.5]])
    g_adj = chi2_contingency(adj, correction=False, lambda_="log-likelihood")[0]
    assert st["g2"][0] == pytest.approx(-g_adj, rel=1e-6)
    assert st["p"][0] == pytest.approx(chi2_contingency(adj, correction=False, lambda_="log-likelihood")[1])
    # log ratio: log2 of relative frequencies
    assert st["log_ratio"][0] == pytest.approx(math.log2((3 / 10) / (7 / 9)))


def test_yates_only_when_an_expected_count_is_small():
    # every expected count >= 5: quanteda applies no correction
    st = keyness_stats([50], [40], 1000, 1200)
    table = np.array([[50, 40], [950, 1160]])
    assert st["chi2"][0] == pytest.approx(chi2_contingency(table, correction=False)[0])
    assert st["g2"][0] == pytest.approx(st["g2_uncorrected"][0])


def test_keyness_against_rest_and_texts(kcorpus, seed_id):
    rest = keyness(kcorpus, doc=seed_id, reference="rest", top=5)
    assert rest["term"].iloc[0] in {"江小爱", "江州区"}
    texts = ["江州区志愿者开展义务理发服务。", "村里开展春耕生产。"]
    df = keyness(texts[:1], reference=texts[1:], top=None)
    assert set(df["term"]) >= {"江州区", "志愿者"}
    assert (df.loc[df["term"] == "开展", "score"] < df.loc[df["term"] == "江州区", "score"].iloc[0]).all()


def test_packaged_reference_is_small_and_clean(seg):
    from analysis.config import data_path
    path = data_path(*DEFAULT_REFERENCE.split("/"))
    assert path.stat().st_size < 5_000_000
    ref = load_reference()
    assert ref.n_docs == 24090
    assert ref.total > ref.counts.sum() * 0.9
    assert ref.counts["习近平"] > 1000
    head = list(ref.counts.index[:300])
    assert not [t for t in head if seg.is_stopword(t) or seg.is_number(t)]
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        assert fh.readline().startswith("# source:")


# -- frequency, tf-idf, textrank -------------------------------------------------
def test_frequency_of_the_seed(kcorpus, seed_id):
    df = frequency(kcorpus, doc=seed_id, top=None)
    row = df.set_index("term").loc["江小爱"]
    body = kcorpus.get(seed_id)["body"]
    # every 江小爱 token is a substring occurrence; the title 江小爱 is not in the body
    assert 10 <= row["freq"] <= body.count("江小爱")
    assert row["doc_freq"] == 1
    tokens = kcorpus.tokens(doc_ids=[seed_id])[0]
    words = [w for w in tokens if not re.fullmatch(r"[\W_]+", w)]
    assert row["rel_freq"] == pytest.approx(row["freq"] * 10_000 / len(words))


def test_frequency_doc_freq_over_the_corpus(kcorpus):
    df = frequency(kcorpus, top=None).set_index("term")
    assert df.loc["江小爱", "doc_freq"] == len(kcorpus.select(query="江小爱"))
    assert df.loc["志愿服务", "doc_freq"] <= len(kcorpus.select(query="志愿服务"))


def test_tfidf_idf_sources(kcorpus, seed_id):
    corp = tfidf(kcorpus, doc=seed_id, top=None).set_index("term")
    ref = tfidf(kcorpus, doc=seed_id, idf="reference", top=None).set_index("term")
    n = len(kcorpus)
    assert corp.loc["江小爱", "idf"] == pytest.approx(math.log((1 + n) / 2) + 1)
    assert ref.loc["江小爱", "idf"] == pytest.approx(math.log(1 + load_reference().n_docs) + 1)
    assert corp.loc["江小爱", "idf"] > corp.loc["服务", "idf"]
    assert ref.index[0] == "江小爱"


def test_tfidf_on_texts_matches_sklearn(seg):
    from sklearn.feature_extraction.text import TfidfVectorizer
    texts = ["志愿者上门理发，志愿者测量血压。", "社区组织志愿者开展春耕。", "春耕生产正忙。"]
    df = tfidf(texts, top=None).set_index("term")
    vec = TfidfVectorizer(tokenizer=lambda t: [w for w in seg.terms(t) if len(w) > 1], lowercase=False,
                          token_pattern=None)
    x = vec.fit_transform(texts)
    expect = dict(zip(vec.get_feature_names_out(), np.asarray(x.mean(axis=0)).ravel()))
    for term, score in expect.items():
        assert df.loc[term, "score"] == pytest.approx(score)


def test_textrank(kcorpus, seed_id):
    df = textrank(kcorpus, doc=seed_id, top=5)
    assert "江小爱" in set(df["term"])
    assert df["score"].iloc[0] == 1.0
    nopos = textrank(kcorpus, doc=seed_id, top=5, pos_filter=())
    assert "江小爱" in set(nopos["term"])
    # a hub joined to every other term ranks first
    hub = textrank(["志愿者 理发。志愿者 血压。志愿者 春耕。志愿者 家电。"], pos_filter=(), top=None)
    assert hub["term"].iloc[0] == "志愿者"


def test_dispatcher_and_errors(kcorpus, seed_id):
    df = keywords(kcorpus, method="keyness", doc=seed_id, top=3)
    assert (df["method"] == "keyness").all() and len(df) == 3
    with pytest.raises(ConfigError):
        keywords(kcorpus, method="nope")
    with pytest.raises(ConfigError):                  # an error from analysis.errors, not TypeError
        keywords(kcorpus, method="freq", date="2023")


# -- collocations and co-occurrence -------------------------------------------
def test_collocations_pmi_from_counts(kcorpus):
    df = collocations(kcorpus, measure="g2", top=30)
    assert "习近平总书记" in set(df["term"])
    row = df.set_index("term").loc["习近平总书记"]
    # recount independently from the stored tokens
    toks = kcorpus.tokens()
    words = [[w for w in doc if not re.fullmatch(r"[\W_]+", w)] for doc in toks]
    n = sum(len(w) for w in words)
    c1 = sum(w.count("习近平") for w in words)
    c2 = sum(w.count("总书记") for w in words)
    assert row["pmi"] == pytest.approx(math.log2(row["freq"] * n / (c1 * c2)))
    assert row["freq"] <= min(c1, c2)
    assert (df["freq"] >= 3).all()


def test_cooccurrence_partners_share_a_sentence(kcorpus, seed_id, seg):
    df = cooccurrence(kcorpus, term="江小爱", doc=seed_id, min_count=2, top=10)
    assert len(df) > 3 and (df["term1"] == "江小爱").all()
    body = kcorpus.get(seed_id)["body"]
    sentences = [body[s:e] for s, e in seg.sentences(body)]
    for _, r in df.iterrows():
        assert sum(1 for s in sentences if "江小爱" in s and r["term2"] in s) >= r["freq"]
    assert df["npmi"].between(-1, 1).all()


def test_cli_keywords_and_collocations(runner, cli, kcorpus, seed_id):
    res = runner.invoke(cli, ["--corpus", str(kcorpus.path), "keywords", "--doc", seed_id, "--top", "3",
                              "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.output.splitlines()]
    assert rows[0]["term"] == "江小爱" and rows[0]["p"] < 1e-6
    res = runner.invoke(cli, ["--corpus", str(kcorpus.path), "collocations", "--with", "江小爱",
                              "--doc", seed_id, "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("term,term1,term2")


# -- bulk token reading, loaded TokenDocs, dispersion ------------------------------
def test_bulk_reader_matches_per_document_reads(kcorpus):
    from analysis.segment import iter_stored_tokens, stored_tokens
    every = list(iter_stored_tokens(kcorpus))
    assert [d for d, _ in every] == kcorpus.store.doc_ids()       # document (insertion) order
    per_doc = stored_tokens(kcorpus)
    assert dict(every) == per_doc
    ids = kcorpus.store.doc_ids()
    pick = [ids[5], ids[2], "0000000000000000", ids[5], ids[7]]    # unknown id skipped, repeat once
    got = list(iter_stored_tokens(kcorpus, pick, chunk=2))
    assert [d for d, _ in got] == [ids[5], ids[2], ids[7]]
    assert all(p == per_doc[d] for d, p in got)


def test_bulk_reader_segments_missing_documents_first(corpus, seed_text):
    from analysis.document import Document
    from analysis.segment import iter_stored_tokens
    corpus.store.add_documents([Document(title="t", body=seed_text)])
    (did, payload), = list(iter_stored_tokens(corpus))
    assert payload["w"].count("江小爱") >= 10 and "".join(payload["w"]) == "".join(seed_text.split())


def test_loaded_token_docs_give_the_same_keywords(kcorpus, seed_id):
    from analysis.keywords import token_docs
    docs, seg = token_docs(kcorpus)
    assert len(docs) == len(kcorpus)
    whole = frequency(kcorpus, top=None)
    again = frequency(docs, seg=seg, top=None)
    assert whole.equals(again)
    one = frequency(docs, doc_ids=[seed_id], seg=seg, top=None)
    assert one.equals(frequency(kcorpus, doc=seed_id, top=None))
    with pytest.raises(ConfigError):
        frequency(docs, query="江小爱")


def test_dispersion_by_hand():
    from scipy import sparse
    from analysis.keywords import dispersion
    # three parts of 10, 20, 10 words (shares 1/4, 1/2, 1/4) and an empty part left out;
    # columns: in proportion to size / all in part 0 / all in part 1 / parts 0 and 2
    counts = sparse.csr_matrix(np.array([[1, 4, 0, 1], [2, 0, 2, 0], [1, 0, 0, 1], [0, 0, 0, 0]]))
    dp, d = dispersion(counts, np.array([10, 20, 10, 0]))
    # DP = 1/2 sum |v - s|: (0) ; (|1-.25|+.5+.25)/2 ; (.25+|1-.5|+.25)/2 ; (.25+.5+.25)/2
    assert dp == pytest.approx([0.0, 0.75, 0.5, 0.5])
    # Juilland: relative freqs (.1,.1,.1) -> sd 0 -> D 1; one part -> 0; (.1, 0, .1): V = 1/sqrt 2 -> 0.5
    assert d == pytest.approx([1.0, 0.0, 0.0, 0.5])


def test_frequency_dispersion_columns(kcorpus, seed_id):
    df = frequency(kcorpus, top=None).set_index("term")
    n = len(kcorpus)
    assert df["doc_prop"].to_numpy() == pytest.approx(df["doc_freq"].to_numpy() / n)
    assert df["dp"].between(0, 1).all() and df["juilland_d"].between(0, 1).all()
    # 江小爱 is in one report of many: concentrated; 志愿服务 runs through the volunteer subset
    assert df.loc["江小爱", "doc_freq"] == 1 and df.loc["江小爱", "dp"] > 0.99
    assert df.loc["江小爱", "juilland_d"] == 0
    assert df.loc["志愿服务", "dp"] < df.loc["江小爱", "dp"]
    assert df.loc["志愿服务", "juilland_d"] > 0.5
    single = frequency(kcorpus, doc=seed_id, top=None)
    assert (single["dp"] == 0).all() and single["juilland_d"].isna().all()


# -- review of issue 6 ------------------------------------------------------------
def _related_by_hand():
    with open(RELATED, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def test_reference_knows_its_documents_by_content_id(kcorpus, seed_id):
    ref = load_reference()
    assert len(ref.doc_ids) == ref.n_docs - 8            # 8 reports repeat another's body
    related = [d for d in kcorpus.store.doc_ids() if d != seed_id]
    # the shipped related reports come from the same dump: every one is in the reference,
    # under the id the store gives it (body after the dateline moved to meta)
    assert set(related) <= ref.doc_ids
    assert seed_id not in ref.doc_ids


def test_keyness_subtracts_target_documents_in_the_default_reference(kcorpus, seed_id):
    from analysis.keywords import token_docs
    df = keyness(kcorpus, query="志愿服务", top=None)
    target = kcorpus.select(query="志愿服务")
    assert seed_id in target
    # every selected report except the seed (光明日报) is one of the 24,090 reference documents
    assert df.attrs["subtracted"] == len(target) - 1
    ref = load_reference()
    assert df.attrs["reference_docs"] == ref.n_docs - (len(target) - 1)
    row = df.set_index("term").loc["志愿服务"]
    docs, seg = token_docs(kcorpus, [d for d in target if d != seed_id])
    own = sum(d.words.count("志愿服务") for d in docs)
    assert own > 100
    assert row["n_reference"] == ref.counts["志愿服务"] - own


def test_subtracted_reference_equals_the_rest_of_the_digest(kcorpus, seed_id):
    """n_reference of 志愿服务 after subtraction = 志愿服务 tokens in the reference
    documents outside the target, counted here from the digest JSONL itself."""
    from analysis.document import content_id
    from analysis.ingest.text import split_dateline
    path = shared_file("xwlb", "xwlb_articles.jsonl.gz")
    target = set(kcorpus.select(query="志愿服务"))
    seg = kcorpus.segmenter()
    rest = 0
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for rec in map(json.loads, fh):
            if "志愿服务" not in rec["content"]:
                continue
            body = split_dateline(rec["content"])[0]
            if content_id(body) in target:
                continue
            rest += seg.cut(body).count("志愿服务")
    df = keyness(kcorpus, query="志愿服务", top=None).set_index("term")
    assert df.loc["志愿服务", "n_reference"] == rest


def test_subtraction_by_hand_with_a_corpus_reference(kcorpus, seed_id):
    from analysis.keywords import Reference, term_filter, token_docs
    ids = kcorpus.select(query="冬奥")[:2]
    docs, seg = token_docs(kcorpus, ids)
    keep = term_filter(seg)
    ref = Reference.from_docs(docs, keep)               # reference = the two reports
    df = keyness(kcorpus, doc_ids=ids[:1], reference=ref, top=None).set_index("term")
    assert df.attrs["subtracted"] == 1
    assert df.attrs["reference_docs"] == 1
    second = [w for w in docs[1].words if keep(w)]
    for term in df.index[:10]:
        assert df.loc[term, "n_reference"] == second.count(term)
    texts = keyness(["江州区志愿者。"], reference=["江州区志愿者。"], top=None)
    assert texts.attrs["subtracted"] == 0                # text-<n> names are not content ids


def test_tfidf_reference_is_an_argument_and_a_config_option(kcorpus, seed_id, tmp_path):
    from analysis.keywords import KeywordOptions
    path = tmp_path / "ref.tsv"
    path.write_text("# total: 1000\n# n_docs: 9\nterm\tcount\tdoc_freq\n江小爱\t4\t4\n服务\t30\t9\n",
                    encoding="utf-8")
    df = tfidf(kcorpus, doc=seed_id, idf="reference", reference=str(path), top=None).set_index("term")
    assert df.loc["江小爱", "idf"] == pytest.approx(math.log(10 / 5) + 1)
    assert df.loc["服务", "idf"] == pytest.approx(math.log(10 / 10) + 1)
    assert df.loc["江州区", "idf"] == pytest.approx(math.log(10 / 1) + 1)
    opts = KeywordOptions(reference=str(path))
    again = tfidf(kcorpus, doc=seed_id, idf="reference", options=opts, top=None).set_index("term")
    assert again.loc["江小爱", "idf"] == pytest.approx(df.loc["江小爱", "idf"])


@pytest.mark.parametrize("func", [frequency, tfidf, textrank, keyness, collocations, cooccurrence])
def test_empty_selection_is_one_clear_error(kcorpus, func):
    from analysis.errors import NoDocumentsError
    with pytest.raises(NoDocumentsError, match="no documents selected"):
        func(kcorpus, query="这个词不在语料里ZZZ")


@pytest.mark.parametrize("args", [["keywords", "--method", m] for m in ("freq", "tfidf", "textrank", "keyness")]
                         + [["collocations"], ["wordcloud", "--out", "x.png"]])
def test_cli_empty_selection_exits_1(runner, cli, kcorpus, args, tmp_path):
    args = [a if a != "x.png" else str(tmp_path / "x.png") for a in args]
    res = runner.invoke(cli, ["--corpus", str(kcorpus.path), *args, "--query", "这个词不在语料里ZZZ"])
    assert res.exit_code == 1, res.output
    assert "no documents selected" in res.stderr
    assert not (tmp_path / "x.png").exists()


def test_selection_by_date_source_and_category(kcorpus, seed_id):
    recs = _related_by_hand()
    assert len(kcorpus) == len(recs) + 1                 # no duplicate bodies among the reports

    def n_docs(**sel):
        df = frequency(kcorpus, top=None, **sel)
        return round(df["doc_freq"].iloc[0] / df["doc_prop"].iloc[0])

    # the seed is dated 2023-03-28; the reports by their JSONL date
    since = sum(r["date"] >= "2024-01-01" for r in recs)
    assert n_docs(since="2024-01-01") == since
    until = sum(r["date"] <= "2022-06-30" for r in recs)
    assert n_docs(until="2022-06-30") == until
    window = sum("2023-03-01" <= r["date"] <= "2023-03-31" for r in recs) + 1   # + the seed
    assert n_docs(since="2023-03-01", until="2023-03-31") == window
    assert n_docs(source="光明日报客户端") == 1
    assert n_docs(source="央视网《新闻联播》") == sum(r["source"] == "央视网《新闻联播》" for r in recs)
    cat = sum(r["title"].startswith("【冬奥之约】") for r in recs)
    assert cat > 0 and n_docs(category="冬奥之约") == cat


def test_collocation_g2_by_hand(kcorpus):
    df = collocations(kcorpus, measure="g2", top=30).set_index("term")
    row = df.loc["习近平总书记"]
    toks = kcorpus.tokens()
    words = [[w for w in doc if not re.fullmatch(r"[\W_]+", w)] for doc in toks]
    n = sum(len(w) for w in words)
    c1 = sum(w.count("习近平") for w in words)
    c2 = sum(w.count("总书记") for w in words)
    a = row["freq"]
    obs = [a, c1 - a, c2 - a, n - c1 - c2 + a]
    exp = [c1 * c2 / n, c1 * (n - c2) / n, (n - c1) * c2 / n, (n - c1) * (n - c2) / n]
    g2 = 2 * sum(o * math.log(o / e) for o, e in zip(obs, exp) if o > 0)
    assert row["g2"] == pytest.approx(g2, rel=1e-6)
    assert row["p"] == pytest.approx(float(__import__("scipy.stats").stats.chi2.sf(g2, 1)), rel=1e-6, abs=1e-300)


def test_textrank_pos_filter_removes_other_tags(kcorpus, seed_id):
    from analysis.keywords import token_docs
    doc = token_docs(kcorpus, [seed_id], pos=True)[0][0]
    tags = {}
    for w, p in zip(doc.words, doc.pos):
        tags.setdefault(w, set()).add(p)
    assert "ns" not in tags["志愿者"] and "ns" in tags["江州区"]
    places = textrank(kcorpus, doc=seed_id, pos_filter=("ns",), top=None)
    assert "江州区" in set(places["term"])
    for term in places["term"]:
        assert any(p and p.startswith("ns") for p in tags[term]), term
    assert "志愿者" not in set(places["term"])
    every = textrank(kcorpus, doc=seed_id, pos_filter=(), top=None)
    assert "志愿者" in set(every["term"]) and len(every) > len(places)


def test_cli_rounds_statistics_but_not_p_values(runner, cli, kcorpus):
    res = runner.invoke(cli, ["--corpus", str(kcorpus.path), "collocations", "--measure", "pmi",
                              "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    lib = collocations(kcorpus, measure="pmi").set_index("term")
    for r in rows:
        assert r["pmi"] == round(r["pmi"], 4) and r["npmi"] == round(r["npmi"], 4)
        assert r["p"] == lib.loc[r["term"], "p"]             # exact
    assert any(r["pmi"] != lib.loc[r["term"], "pmi"] for r in rows)


def test_cli_wordcloud_writes_a_png_with_chinese(runner, cli, kcorpus, seed_id, tmp_path):
    from PIL import Image
    from analysis import plots
    out = tmp_path / "cloud.png"
    res = runner.invoke(cli, ["--corpus", str(kcorpus.path), "wordcloud", "--doc", seed_id, "--out", str(out),
                              "--top", "30"])
    assert res.exit_code == 0, res.output
    img = np.asarray(Image.open(out).convert("RGB"))
    assert img.shape[:2] == (600, 1000)                 # [plots] width, height
    # the same cloud drawn by the library with the packaged font: identical pixels,
    # so the CLI drew real glyphs of 江小爱... (the glyph tests are in test_plots.py)
    wc = plots.wordcloud(keyness(kcorpus, doc=seed_id, top=30))
    assert "江小爱" in {w for (w, _), *_ in wc.layout_}
    assert np.array_equal(img, np.asarray(wc.to_image().convert("RGB")))
    assert (img.min(axis=2) < 200).sum() > 2000
