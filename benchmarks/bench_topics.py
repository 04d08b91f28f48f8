"""Benchmark: the keyword + topic pass on the whole 新闻联播 digest corpus.

24,090 reports from ``../shared/data/xwlb/xwlb_articles.jsonl.gz`` are put in
a store and segmented first (tokens stored, timed separately); then, timed
one by one with the peak resident memory after each step: loading the stored
tokens once (one bulk read; every later step reuses them), corpus frequency
with dispersion, keyness of a subset (query 志愿服务) against the packaged
reference, the document-term matrix, TF-IDF, NMF k=20, LDA k=20 (the
``[topics]`` settings) and NPMI/UMass coherence. ``--compare-old`` then fits
LDA with the settings before the speed work (batch, 10 passes), outside the
total, to put its coherence beside the new one. The baseline measured in the same process is a bare
``CountVectorizer`` over the same token lists (the floor of any DTM).

Usage::

    .venv/bin/python benchmarks/bench_topics.py [--store /tmp/xwlb_bench.sqlite] [--limit N] [--compare-old]
"""
from __future__ import annotations

import argparse
import gzip
import json
import logging
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SOURCE = ROOT.parent / "shared" / "data" / "xwlb" / "xwlb_articles.jsonl.gz"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", default="/tmp/xwlb_bench.sqlite")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--k", type=int, default=20)
    ap.add_argument("--compare-old", action="store_true",
                    help="also fit LDA with the old settings (batch, 10 passes), untimed in the total")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

    from analysis import Corpus
    from analysis.document import Document
    from analysis.keywords import frequency, keyness, term_filter, token_docs, KeywordOptions
    from analysis.segment import segment_corpus
    from analysis.topics import TopicModel, binary_units, topic_coherence

    rows = []

    def step(name, t0, note=""):
        dt = time.perf_counter() - t0
        rows.append((name, dt, peak_mb(), note))
        print(f"{name:28s} {dt:8.2f} s   peak RSS {peak_mb():7.0f} MB  {note}", flush=True)
        return dt

    corpus = Corpus.open(args.store)
    if len(corpus) == 0:
        t0 = time.perf_counter()
        with gzip.open(SOURCE, "rt", encoding="utf-8") as fh:
            recs = [json.loads(line) for line in fh][: args.limit]
        corpus.store.add_documents([Document(title=r["title"], body=r["content"], source=r["source"],
                                             published_at=r["date"], url=r["url"], origin=r["id"])
                                    for r in recs])
        step("store documents", t0, f"{len(corpus)} docs")
    t0 = time.perf_counter()
    n = segment_corpus(corpus)
    step("segment + store tokens", t0, f"{n} newly segmented (0 = already stored)")

    print("load average at the start:", open("/proc/loadavg").read().split()[:3], flush=True)
    total = time.perf_counter()
    t0 = time.perf_counter()
    docs, seg = token_docs(corpus)  # one bulk read, shared by every step below
    step("load stored tokens", t0, f"{len(docs)} docs, {sum(len(d.words) for d in docs)} tokens")
    t0 = time.perf_counter()
    opts = KeywordOptions.from_config(corpus.config)
    keep = term_filter(seg, opts.min_len, opts.drop_numbers)
    kept = {w for w in set().union(*(d.words for d in docs)) if keep(w)}
    terms = [[w for w in d.words if w in kept] for d in docs]
    step("content-term filter", t0, f"{sum(map(len, terms))} terms")

    t0 = time.perf_counter()
    f = frequency(docs, seg=seg, top=20)
    step("frequency + dispersion", t0, f"top: {' '.join(f['term'][:5])}")
    t0 = time.perf_counter()
    k = keyness(corpus, query="志愿服务", top=20)
    step("keyness 志愿服务 vs reference", t0, f"top: {' '.join(k['term'][:5])}")

    t0 = time.perf_counter()
    base = CountVectorizer(analyzer=lambda x: x, lowercase=False).fit_transform(terms)
    t_base = step("baseline: bare CountVectorizer", t0, f"{base.shape}")
    del base

    tm_n = TopicModel.from_config(corpus.config, method="nmf", k=args.k)
    t0 = time.perf_counter()
    vec = CountVectorizer(analyzer=lambda x: x, lowercase=False, min_df=tm_n.min_df, max_df=tm_n.max_df,
                          max_features=tm_n.max_features)
    counts = vec.fit_transform(terms)
    t_dtm = time.perf_counter() - t0
    step("DTM (pruned vocabulary)", t0, f"{counts.shape}, {t_dtm / t_base:.2f}x the bare baseline")
    t0 = time.perf_counter()
    TfidfTransformer().fit_transform(counts)
    step("TF-IDF", t0)

    t0 = time.perf_counter()
    tm_n.fit(docs)
    step(f"NMF k={args.k} (DTM+fit+coherence)", t0,
         f"NPMI {tm_n.coherence_npmi_:.3f} UMass {tm_n.coherence_umass_:.3f}")
    tm_l = TopicModel.from_config(corpus.config, method="lda", k=args.k)
    t0 = time.perf_counter()
    tm_l.fit(docs)
    step(f"LDA k={args.k} (DTM+fit+coherence)", t0,
         f"{tm_l.learning_method_}, {tm_l.n_iter_} passes: NPMI {tm_l.coherence_npmi_:.3f} "
         f"UMass {tm_l.coherence_umass_:.3f}")
    t0 = time.perf_counter()
    units = binary_units(terms, tm_l.vocabulary_)
    topic_coherence(tm_l._top_idx(tm_l.components_), units)
    step("coherence alone (doc units)", t0)
    t_total = time.perf_counter() - total - t_base  # the bare baseline is not part of the pass
    print(f"\nTOTAL keyword + topic pass: {t_total:.1f} s (without the baseline), peak RSS {peak_mb():.0f} MB "
          f"(aims: < 120 s, < 2048 MB)")
    print("load average at the end:", open("/proc/loadavg").read().split()[:3], flush=True)
    if args.compare_old:  # outside the timed pass: the settings before issue 6's speed work
        t0 = time.perf_counter()
        old = TopicModel.from_config(corpus.config, method="lda", k=args.k, learning_method="batch",
                                     max_iter=10).fit(docs)
        step(f"old LDA k={args.k} (batch, 10 passes)", t0,
             f"NPMI {old.coherence_npmi_:.3f} UMass {old.coherence_umass_:.3f}")
    print("\nNMF topics:")
    print(tm_n.topics()[["topic", "label", "prevalence", "npmi", "umass"]].to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
