"""Segmentation speed on the 新闻联播 digest corpus, against bare jieba in the same run.

Prints MB/s (UTF-8 bytes of the document bodies) for:

- bare ``jieba.lcut`` (the baseline) and ``Segmenter.tokenize`` plain with
  offsets (jieba backend), ratio to the baseline (aim ≥ 0.9×);
- bare ``jieba.posseg.lcut`` and ``Segmenter`` with POS on a sample (aim ≥ 1.0×);
- the rjieba backend (aim ≥ 15× bare ``jieba.lcut``) and how far it agrees
  with the jieba backend (identical documents, identical token spans);
- the Segmenter over a process pool with all cores vs one process (aim ≥ 1.7× on 2);
- ``segment_corpus`` into a corpus store, then a second, fully cached run
  (aim: under 5% of the first).

Usage::

    .venv/bin/python benchmarks/bench_segment.py [--limit-mb 0] [--pos-mb 1.5] [--store-mb 6]

``--limit-mb 0`` uses the whole corpus (42 MB); the POS and store parts use
the first ``--pos-mb`` / ``--store-mb`` MB (POS tagging in jieba runs at
about 0.15 MB/s).
"""
from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import tempfile
import time
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "xwlb" / "xwlb_articles.jsonl.gz"

_SEG = None


def _init(backend: str) -> None:
    global _SEG
    from analysis.segment import get_segmenter
    _SEG = get_segmenter(backend=backend)


def _work(texts: list[str]) -> list[tuple[list[str], list[int]]]:
    return [_SEG._spans(t) for t in texts]


def mb(texts) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


def take_mb(texts, limit):
    out, size = [], 0
    for t in texts:
        if limit and size >= limit * 1e6:
            break
        out.append(t)
        size += len(t.encode("utf-8"))
    return out


def interleaved(texts, fns, block=100):
    """Total seconds of each function, timed block by block in turn (fair under changing load)."""
    totals = dict.fromkeys(fns, 0.0)
    for i in range(0, len(texts), block):
        b = texts[i:i + block]
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn(b)
            totals[name] += time.perf_counter() - t0
    return totals


def timed(fn, *a):
    t0 = time.perf_counter()
    r = fn(*a)
    return r, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(DEFAULT))
    ap.add_argument("--limit-mb", type=float, default=0.0, help="0 = the whole corpus")
    ap.add_argument("--pos-mb", type=float, default=1.5)
    ap.add_argument("--store-mb", type=float, default=6.0)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()

    import jieba
    import jieba.posseg
    jieba.setLogLevel(logging.WARNING)
    from analysis.segment import Segmenter, segment_corpus

    with gzip.open(args.data, "rt", encoding="utf-8") as fh:
        texts = [json.loads(line)["content"] for line in fh]
    texts = [t for t in texts if t]
    texts = take_mb(texts, args.limit_mb)
    size = mb(texts)
    print(f"corpus: {len(texts)} documents, {size:.1f} MB ({args.data})")

    jieba.initialize()
    seg = Segmenter()
    rseg = Segmenter(backend="rjieba")
    for s in (seg, rseg):  # one-time loads: tokenizer, word frequencies/tags (number-unit check)
        s.cut("预热：服务群众3万多人次")
        s.backend.dict_table()
    # the machine is shared and noisy: time every contender on the same block in turn
    t = interleaved(texts, {
        "base": lambda b: [jieba.lcut(x) for x in b],
        "spans": lambda b: [seg._spans(x) for x in b],
        "tokenize": lambda b: [seg.tokenize(x) for x in b],
        "rjieba": lambda b: [rseg._spans(x) for x in b],
    })
    t_base, t_seg, t_tok, t_r = t["base"], t["spans"], t["tokenize"], t["rjieba"]
    print(f"jieba.lcut (bare)              {size / t_base:6.2f} MB/s  ({t_base:.1f} s)")
    print(f"Segmenter words+offsets        {size / t_seg:6.2f} MB/s  ({t_seg:.1f} s)  "
          f"ratio {t_base / t_seg:.2f}x bare lcut")
    print(f"Segmenter.tokenize (Token obj) {size / t_tok:6.2f} MB/s  ({t_tok:.1f} s)  "
          f"ratio {t_base / t_tok:.2f}x bare lcut")
    print(f"Segmenter(backend=rjieba)      {size / t_r:6.2f} MB/s  ({t_r:.1f} s)  "
          f"ratio {t_base / t_r:.1f}x bare lcut")

    sample = take_mb(texts, args.pos_mb)
    smb = mb(sample)
    t = interleaved(sample, {
        "base": lambda b: [jieba.posseg.lcut(x) for x in b],
        "pos": lambda b: [seg.tokenize(x, pos=True) for x in b],
        "rpos": lambda b: [rseg.tokenize(x, pos=True) for x in b],
    })
    print(f"POS sample {smb:.1f} MB: jieba.posseg.lcut {smb / t['base']:5.2f} MB/s; Segmenter pos=True "
          f"{smb / t['pos']:5.2f} MB/s  ratio {t['base'] / t['pos']:.2f}x bare posseg; rjieba backend "
          f"{smb / t['rpos']:5.2f} MB/s")
    for hmm in (True, False):
        a = Segmenter(hmm=hmm)
        b = Segmenter(backend="rjieba", hmm=hmm)
        same_docs = same_tok = n_tok = 0
        for t in texts:
            wa, sa = a._spans(t)
            wb, sb = b._spans(t)
            same_docs += wa == wb
            spa = set(zip(sa, map(len, wa)))
            same_tok += len(spa & set(zip(sb, map(len, wb))))
            n_tok += len(spa)
        print(f"rjieba vs jieba agreement (hmm={hmm}): identical documents {same_docs / len(texts):.1%}, "
              f"identical tokens {same_tok / n_tok:.2%}")

    if args.workers > 1:
        chunks = [texts[i:i + 200] for i in range(0, len(texts), 200)]
        with get_context("fork").Pool(args.workers, initializer=_init, initargs=("jieba",)) as pool:
            pool.map(_work, [["预热"]] * args.workers)
            _, t_par = timed(lambda: pool.map(_work, chunks, chunksize=1))
        print(f"Segmenter, {args.workers} processes       {size / t_par:6.2f} MB/s  ({t_par:.1f} s)  "
              f"speed-up {t_seg / t_par:.2f}x over 1 process")

    from analysis import Corpus
    from analysis.document import Document
    part = take_mb(texts, args.store_mb)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Corpus.open(Path(tmp) / "bench.sqlite")
        corpus.store.add_documents([Document(title="", body=t) for t in part])
        n1, t1 = timed(segment_corpus, corpus)
        n2, t2 = timed(segment_corpus, corpus)
        _, t3 = timed(lambda: corpus.tokens())
        corpus.close()
    print(f"segment_corpus {mb(part):.1f} MB: first run {t1:.1f} s ({n1} docs), cached run {t2:.2f} s "
          f"({n2} docs) = {t2 / t1:.1%} of the first; reading all stored tokens {t3:.1f} s")


if __name__ == "__main__":
    main()
