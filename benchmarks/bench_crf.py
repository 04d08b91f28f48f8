#!/usr/bin/env python
"""CRF inference speed: pycrfsuite (feature strings) vs the compiled numba engine.

Over the first N reports of the digest corpus (``xwlb_articles.jsonl.gz``), in
interleaved blocks of 50 reports (the machine is shared: a change of load hits
every timing alike), times in the same process:

- bare ``lcut`` of a private jieba tokenizer (the baseline of every ratio);
- ``CRFTagger.tag(text, marginals=True)`` with ``engine="crfsuite"`` and
  ``engine="numba"`` (what :func:`analysis.entities.extract_entities` calls);
- ``extract_entities`` with each engine (the tagger of its cached resources
  is swapped per block), and checks both give the same records.

Prints seconds, characters per second, seconds per MB of UTF-8 text, and
throughput as a ratio to ``lcut`` (0.5x = half as fast as ``lcut``).

    .venv/bin/python benchmarks/bench_crf.py [--docs 2000]
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from _digest import DIGEST, digest_texts  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=2000, help="digest reports")
    ap.add_argument("--block", type=int, default=50, help="reports per interleaved block")
    args = ap.parse_args(argv)
    if not DIGEST.exists():
        print(f"{DIGEST} missing")
        return 1
    texts = digest_texts(args.docs)
    chars = sum(len(t) for t in texts)
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6

    import jieba
    jieba.setLogLevel(logging.WARNING)
    from analysis.entities import EntityOptions, _resources, extract_entities
    from analysis.ner.crf import CRFTagger

    t0 = time.perf_counter()
    tok = jieba.Tokenizer()
    tok.initialize()
    t_load_jieba = time.perf_counter() - t0
    t0 = time.perf_counter()
    ref = CRFTagger(engine="crfsuite")
    t_load_ref = time.perf_counter() - t0
    t0 = time.perf_counter()
    fast = CRFTagger(engine="numba")
    t_load_fast = time.perf_counter() - t0
    opts = EntityOptions()
    res = _resources(opts)
    # warm everything (numba's cached machine code, jieba, the extractor's lexicons)
    for t in texts[:5]:
        tok.lcut(t)
        ref.tag(t, marginals=True)
        fast.tag(t, marginals=True)
        extract_entities(t, options=opts)

    timing = dict.fromkeys(("lcut", "crfsuite", "numba", "ent_crfsuite", "ent_numba"), 0.0)
    differ = 0
    n_records = 0
    for i in range(0, len(texts), args.block):
        block = texts[i:i + args.block]
        t0 = time.perf_counter()
        for t in block:
            tok.lcut(t)
        timing["lcut"] += time.perf_counter() - t0
        # the two engines take turns going first (warm caches favour the second)
        engines = (("crfsuite", ref), ("numba", fast)) if i // args.block % 2 else (("numba", fast), ("crfsuite", ref))
        for name, tagger in engines:
            t0 = time.perf_counter()
            for t in block:
                tagger.tag(t, marginals=True)
            timing[name] += time.perf_counter() - t0
        outs = {}
        for name, tagger in engines:
            res.tagger = tagger
            t0 = time.perf_counter()
            outs[name] = [extract_entities(t, options=opts) for t in block]
            timing["ent_" + name] += time.perf_counter() - t0
        differ += sum(a != b for a, b in zip(outs["crfsuite"], outs["numba"]))
        n_records += sum(len(r) for r in outs["numba"])
    res.tagger = fast

    print(f"{len(texts)} digest reports, {chars / 1e6:.2f} M characters ({mb:.2f} MB UTF-8), "
          f"blocks of {args.block} interleaved")
    print(f"load: jieba {t_load_jieba:.2f} s, CRF crfsuite {t_load_ref:.2f} s, CRF numba {t_load_fast:.2f} s "
          "(incl. numba import and tables; the Lexicon is shared and loaded by the first)")
    base = timing["lcut"]
    print(f"{'':<34} {'sec':>7} {'M chars/s':>10} {'s per MB':>9} {'vs lcut':>8}")
    for key, label in (("lcut", "jieba lcut (baseline)"), ("crfsuite", "CRF tag+marginals, crfsuite"),
                       ("numba", "CRF tag+marginals, numba"), ("ent_crfsuite", "extract_entities, crfsuite CRF"),
                       ("ent_numba", "extract_entities, numba CRF")):
        secs = timing[key]
        print(f"{label:<34} {secs:7.2f} {chars / secs / 1e6:10.3f} {secs / mb:9.3f} {base / secs:7.2f}x")
    print(f"CRF speed-up numba/crfsuite: {timing['crfsuite'] / timing['numba']:.1f}x; "
          f"extract_entities speed-up: {timing['ent_crfsuite'] / timing['ent_numba']:.2f}x; "
          f"CRF share of extract_entities: crfsuite {timing['crfsuite'] / timing['ent_crfsuite']:.0%}, "
          f"numba {timing['numba'] / timing['ent_numba']:.0%}")
    print(f"records: {n_records}; reports whose records differ between engines: {differ}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
