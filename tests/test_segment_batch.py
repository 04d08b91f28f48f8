"""Tests of the batch API ``Segmenter.spans_many``: every document comes out
exactly as ``Segmenter._spans`` cuts it alone (words and start offsets), on the
shipped corpus, digest reports and generated text with the boundary and
placeholder characters in it."""
from __future__ import annotations

import gzip
import json

import pytest
from conftest import shared_file
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import segment
from analysis.segment import _BOUNDARY, _PLACEHOLDER, Segmenter, get_segmenter

#: texts that probe the edges of a batch: numbers, dates and whitespace at the
#: start and end (next to the boundary), Latin letters and digits after a number
#: (the split pattern's look-aheads), the boundary and placeholder characters
#: themselves, tokens of 256 characters and more (lengths no longer fit a byte)
EDGE_TEXTS = [
    "3万多人次参与", "搭载天玑8100处理器，28日本报讯", "共有3个人\r\n\r\n  2500多人员　参加\u3000\n",
    "100 — 300户口，20余万元 ", "\n\n第3次 第一 1.3万余；92.3%的 ５G", "2023年3月25日10:30，12:00至13:30",
    "  ", "", "江小爱", "2500", "V2 5G网络 abc123 1,234,567元", "第", "5", "个", "abc", "。", "\n",
    "3月5日，12月25日上午 5:30 至 7：05；2024-1-31 2024年1月 第3届",
    "\n".join(f"江小爱{i}人 服务" for i in range(100)),
    "江州区\x1c3人\x85\xa0第2届\u2028\u205f100\u2000—\u200a300户\x0b\x0c志愿者\u1680\u202f5",
    "a" * 300 + "志愿者" + " " * 300 + "1" * 300 + "人",
    f"1{_PLACEHOLDER}2个 {_PLACEHOLDER} 江小爱{_PLACEHOLDER}",
    f"江州区{_BOUNDARY}3万多人次{_BOUNDARY}", _BOUNDARY, _PLACEHOLDER + _BOUNDARY,
]


def _check(seg: Segmenter, texts: list[str]) -> None:
    got = seg.spans_many(texts)
    assert len(got) == len(texts)
    for text, (words, starts) in zip(texts, got):
        assert (words, starts) == seg._spans(text), text[:60]
        if not seg.options.to_simplified:
            assert all(text[s:s + len(w)] == w for w, s in zip(words, starts))


@pytest.mark.parametrize("backend,hmm", [("rjieba", True), ("rjieba", False), ("jieba", True), ("jieba", False)])
def test_spans_many_equals_spans_on_shipped_corpus(related_records, seed_text, backend, hmm):
    seg = Segmenter(backend=backend, hmm=hmm)
    texts = EDGE_TEXTS + [seed_text] + [r["content"] for r in related_records]
    if backend == "jieba":
        texts = texts[:80]  # the pure-Python backend is slow; the same code path
    _check(seg, texts)
    _check(seg, texts[::-1])  # other neighbours at every boundary
    seeded = [seed_text, seed_text[:100], seed_text]
    _check(seg, seeded)


@pytest.mark.parametrize("backend,hmm,n", [("rjieba", True, 3000), ("rjieba", False, 3000), ("jieba", True, 300)])
def test_spans_many_equals_spans_on_digest_reports(backend, hmm, n):
    path = shared_file("xwlb", "xwlb_articles.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        texts = [json.loads(line)["content"] or "" for _, line in zip(range(n), fh)]
    seg = get_segmenter(backend=backend, hmm=hmm)
    got = seg.spans_many(texts)
    differ = [t[:40] for t, g in zip(texts, got) if g != seg._spans(t)]
    assert differ == []
    assert sum(len(w) for w, _ in got) > 150 * n  # real work was compared


def test_spans_many_small_batches_and_iterables(related_records, monkeypatch):
    # many batches (one call per ~1000 characters) give the same as one
    seg = get_segmenter(backend="rjieba")
    texts = [r["content"] for r in related_records[:60]] + EDGE_TEXTS
    expected = [seg._spans(t) for t in texts]
    monkeypatch.setattr(segment, "_BATCH_CHARS", 1000)
    assert seg.spans_many(iter(texts)) == expected
    monkeypatch.setattr(segment, "_BATCH_CHARS", 1)
    assert seg.spans_many(texts) == expected
    assert seg.spans_many([]) == []


def test_spans_many_to_simplified():
    seg = Segmenter(backend="rjieba", to_simplified=True)
    texts = ["誌願者服務群眾3萬多人次", "江州區 2500多人", "", "臺灣 國際"]
    _check(seg, texts)
    assert seg.spans_many(texts)[0][0][-1] == "3万多人次"


def test_spans_many_falls_back_when_a_unit_word_mentions_the_boundary():
    # a dictionary word "个<boundary>" would make the unit's look-ahead see the
    # boundary: documents are then cut one by one (same output)
    texts = ["共有3个", "人", "有3个", f"3个{_BOUNDARY}"]
    seg = Segmenter(backend="rjieba", extra_words=[(f"个{_BOUNDARY}", 5000, "n")])
    seg.cut("3个")
    assert seg.backend.batch_safe is False
    assert get_segmenter(backend="rjieba").backend.batch_safe is True
    _check(seg, texts)
    # a fresh backend whose first use is spans_many: the pattern is built first
    fresh = Segmenter(backend="rjieba", extra_words=[(f"个{_BOUNDARY}", 5001, "n")])
    assert fresh.backend._split is None
    assert fresh.spans_many(texts) == [fresh._spans(t) for t in texts]
    assert fresh.backend.batch_safe is False


_FRAGMENTS = [*"0123456789０５.．,，第年月日号时:：-/—~至 \n\r\t\u3000人次个月百分点万千多余来亿%‰处理器本报讯员民xAB",
              _PLACEHOLDER, _BOUNDARY, "3", "25", "2023", "１２", "1,234", "江小爱", "志愿者", "服务", "人员",
              "个人", "日本", "\r\n", "  ", "a" * 260]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_FRAGMENTS), max_size=12).map("".join), max_size=8))
def test_spans_many_equals_spans_on_generated_documents(texts):
    seg = get_segmenter(backend="rjieba")
    assert seg.spans_many(texts) == [seg._spans(t) for t in texts]


@pytest.mark.parametrize("backend", ["rjieba", "jieba"])
def test_segment_corpus_stores_what_payload_gives(corpus, seed_text, related_records, backend):
    # the store cuts 100 documents at a time: each stored payload equals the
    # one-document payload (_payload, as analysis.parallel computes it)
    from analysis.document import Document
    from analysis.segment import _payload, segment_corpus
    n = 150 if backend == "rjieba" else 40  # more than one batch of 100 for rjieba
    texts = [seed_text] + [r["content"] for r in related_records[:n]] + ["", "  \n", f"3个{_BOUNDARY}人"]
    docs = [Document(title="", body=t) for t in texts]
    corpus.store.add_documents(docs)
    seg = Segmenter(backend=backend)
    ids = corpus.store.doc_ids()
    assert len(ids) > 100 if backend == "rjieba" else len(ids) > 40
    assert segment_corpus(corpus, segmenter=seg, pos=backend == "jieba") == len(ids)
    stored = corpus.store.get_annotations("tokens", seg.tokens_hash)
    bodies = {d["doc_id"]: d["body"] for d in corpus.store.iter_documents(["doc_id", "body"])}
    assert len(stored) == len(ids)
    for did in ids:
        assert stored[did] == _payload(seg, bodies[did], backend == "jieba"), did


def test_spans_many_long_document(seed_text):
    # offsets beyond the int table's first size (32,768): the table grows
    seg = get_segmenter(backend="rjieba")
    long_text = "\n".join([seed_text] * 15)
    assert len(long_text) > 40_000
    texts = [seed_text, long_text, "3万多人次"]
    got = seg.spans_many(texts)
    assert got == [seg._spans(t) for t in texts]
    assert got[1][1][-1] > 40_000
