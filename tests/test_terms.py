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
    assert df.score.is_monotonic_decreasing
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
