"""Tests of analysis.terms (quoted terms, new words) and the `terms` / `segment` / `kwic` commands."""
from __future__ import annotations

import json

import pytest

from analysis.document import Document
from analysis.segment import Segmenter, corpus_segmenter
from analysis.terms import add_terms, new_words, quoted_terms, suggest_terms


@pytest.fixture(scope="module")
def shipped_texts(related_records):
    from conftest import SEED
    return [SEED.read_text(encoding="utf-8")] + [r["content"] for r in related_records]


def test_quoted_terms_counts(seed_text):
    got = {t: (c, d) for t, c, d in quoted_terms([seed_text], min_count=1)}
    assert got["微心愿"] == (seed_text.count("“微心愿”"), 1) == (2, 1)
    assert got["三码合一"] == (1, 1)
    assert got["江小爱"][0] == seed_text.count("“江小爱”") + seed_text.count("‘江小爱’")
    assert "江小爱志愿服务成员单位" not in got            # 11 characters: too long for a term
    assert all("," not in t for t in got)


def test_suggestions_on_shipped_corpus(shipped_texts):
    # with jieba's own dictionary only, the seed's programme names must be found
    bare = Segmenter(dictionary="")
    df = suggest_terms(shipped_texts, segmenter=bare)
    assert list(df.columns) == ["term", "kind", "freq", "doc_freq", "score", "pmi", "entropy", "segmented_as"]
    found = dict(zip(df.term, df.kind))
    for term in ("江小爱", "微心愿", "三码合一", "民心档案"):
        assert found.get(term) == "quoted", term
    assert found.get("江州区") == "new"                  # 17 times in the seed, never quoted
    row = df[df.term == "微心愿"].iloc[0]
    assert row.segmented_as == "微/心愿" and row.freq == 2
    # each kind ranked on its own, quoted terms first
    assert list(dict.fromkeys(df.kind)) == ["quoted", "new"]
    for kind in ("quoted", "new"):
        assert df[df.kind == kind].score.is_monotonic_decreasing
    assert df[df.kind == "quoted"].pmi.isna().all() and df[df.kind == "new"].pmi.notna().all()
    # with the packaged domain dictionary they are known: not suggested again
    known = set(suggest_terms(shipped_texts, segmenter=Segmenter(), kinds=("quoted",)).term)
    assert not {"江小爱", "微心愿", "三码合一"} & known


def test_new_words_cohesion_and_boundaries(shipped_texts):
    df = new_words(shipped_texts, min_count=5, top=None)
    terms = set(df.term)
    assert "江州区" in terms
    assert (df.pmi >= 3.0).all() and (df.entropy >= 1.0).all()
    assert "州区" not in terms                            # contained in 江州区 with the same count


def test_add_terms_used_by_corpus_segmenter(corpus, seed_text):
    corpus.store.add_documents([Document(title="t", body=seed_text)])
    before = corpus_segmenter(corpus)
    assert "春潮涌动" not in before.cut("春潮涌动")
    assert add_terms(corpus, ["春潮涌动", ("草木萌新", 50, "l")]) == 2
    assert add_terms(corpus, ["春潮涌动"]) == 0
    after = corpus_segmenter(corpus)
    assert after.cut("3月,春潮涌动,草木萌新。") == ["3月", ",", "春潮涌动", ",", "草木萌新", "。"]
    assert after.tokens_hash != before.tokens_hash


def _store(corpus, seed_text, related_records):
    corpus.store.add_documents([Document(title="seed", body=seed_text)] +
                               [Document(title=r["title"], body=r["content"]) for r in related_records[:5]])


def test_cli_segment_kwic_terms(runner, cli, corpus, store_path, seed_text, related_records):
    _store(corpus, seed_text, related_records)
    res = runner.invoke(cli, ["--corpus", str(store_path), "segment", "--no-progress"])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("segmented 6 of 6 documents")
    res = runner.invoke(cli, ["--corpus", str(store_path), "segment", "--no-progress"])
    assert res.output.startswith("segmented 0 of 6 documents (6 already stored")
    res = runner.invoke(cli, ["--corpus", str(store_path), "kwic", "微心愿", "--format", "jsonl"])
    rows = [json.loads(line) for line in res.output.splitlines()]
    assert len(rows) == 2 and all(r["keyword"] == "微心愿" for r in rows)
    assert rows[0]["left"].endswith("提交“")
    res = runner.invoke(cli, ["--corpus", str(store_path), "terms", "suggest", "--kind", "quoted",
                              "--top", "0", "--format", "csv"])
    assert res.exit_code == 0 and "江小爱" not in res.output.split("\n")[1:]
    res = runner.invoke(cli, ["--corpus", str(store_path), "terms", "add", "春潮涌动", "--tag", "l"])
    assert res.exit_code == 0 and "added 1 term(s): 春潮涌动" in res.output
    assert [t["term"] for t in corpus.store.terms()] == ["春潮涌动"]
    res = runner.invoke(cli, ["--corpus", str(store_path), "segment", "--no-progress"])
    assert res.output.startswith("segmented 6 of 6 documents")   # new configuration: once
    doc = corpus.store.doc_ids()[0]
    res = runner.invoke(cli, ["--corpus", str(store_path), "segment", "--doc", doc, "--format", "jsonl"])
    toks = [json.loads(line)["token"] for line in res.output.splitlines()]
    assert "春潮涌动" in toks and "3万多人次" in toks


def test_cli_segment_text(runner, cli):
    res = runner.invoke(cli, ["segment", "--text", "服务群众3万多人次", "--pos", "--format", "jsonl"])
    rows = [json.loads(line) for line in res.output.splitlines()]
    assert rows[-1] == {"token": "3万多人次", "pos": "m", "start": 4, "end": 9}


def test_suggest_top_is_per_kind_and_filtered_first(shipped_texts):
    # the old ranking kept the first top*4 n-grams, then filtered, and quoted terms
    # always outranked new words: a small top found no new word at all
    seg = Segmenter(dictionary="")
    full = suggest_terms(shipped_texts, segmenter=seg)
    small = suggest_terms(shipped_texts, segmenter=seg, top=5)
    assert (small.kind == "quoted").sum() == 5 and (small.kind == "new").sum() == 5
    for kind in ("quoted", "new"):
        assert list(small[small.kind == kind].term) == list(full[full.kind == kind].term[:5])
    new = full[full.kind == "new"]
    # every suggested new word passed the filters: unknown, not a phrase of known words
    assert not any(seg.in_dictionary(t) for t in new.term)
    assert all(any(len(p) == 1 for p in s.split("/")) for s in new.segmented_as)
    # n-grams glued to a measure word or a title are fragments, not words
    # (7枚金牌, 统战部部长, 组织部部长 in the shipped corpus)
    assert sum(t.count("枚金牌") for t in shipped_texts) >= 5 and "枚金牌" not in set(new.term)
    assert sum(t.count("部部长") for t in shipped_texts) >= 5 and "部部长" not in set(new.term)
    # doc_freq counts the documents that contain the term, freq its occurrences
    row = full[full.term == "江州区"].iloc[0]
    assert row.doc_freq == sum(1 for t in shipped_texts if "江州区" in t)
    assert row.freq == sum(t.count("江州区") for t in shipped_texts)


def test_cli_terms_suggest_default_top_finds_new_words(runner, cli, shipped_store):
    res = runner.invoke(cli, ["--corpus", str(shipped_store), "terms", "suggest", "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    kinds = [r["kind"] for r in rows]
    assert kinds.count("quoted") == 50 and kinds.count("new") == 50   # --top 50 of each kind
    assert kinds == sorted(kinds, key=["quoted", "new"].index)
    seg = Segmenter()
    for r in rows:
        assert not seg.in_dictionary(r["term"]), r
        assert r["segmented_as"] == "/".join(seg.cut(r["term"]))
        if r["kind"] == "new":      # quoted ones may be joined by the HMM, new words are split
            assert r["freq"] >= 5 and "/" in r["segmented_as"]
    assert "terms" in res.stderr                                        # the progress bar
    res = runner.invoke(cli, ["--corpus", str(shipped_store), "terms", "suggest", "--kind", "new",
                              "--no-progress", "--format", "csv"])
    assert res.exit_code == 0 and res.stderr == "" and "(no records)" not in res.stdout
    assert len(res.stdout.splitlines()) == 51


def test_cli_terms_add_suggested_includes_new_words(runner, cli, corpus, store_path, seed_text, related_records):
    _store(corpus, seed_text, related_records)
    expected = suggest_terms(corpus, top=2)               # what `terms add --suggested 2` takes
    assert list(expected.kind) == ["quoted", "quoted", "new", "new"]
    res = runner.invoke(cli, ["--corpus", str(store_path), "terms", "add", "--suggested", "2", "--tag", "nz"])
    assert res.exit_code == 0, res.output
    stored = corpus.store.terms()
    assert sorted(t["term"] for t in stored) == sorted(expected.term)
    assert {(t["tag"], t["origin"]) for t in stored} == {("nz", "suggested")}
    # recorded: the corpus segmenter now keeps them whole
    seg = corpus_segmenter(corpus)
    assert all(seg.cut(t) == [t] for t in expected.term)
