"""Benchmark: figure extraction vs bare jieba segmentation on the same text.

Reads the digest corpus (../shared/data/xwlb/xwlb_articles.jsonl.gz, 24,090
reports) and times, in one process, bare ``jieba.lcut`` over every report
(the baseline) and ``extract_figures`` over every report. The issue's aim:
extraction adds at most 50% on top of segmentation time (ratio ≤ 0.50).

    .venv/bin/python benchmarks/bench_figures.py [--limit N] [--path FILE]
"""
from __future__ import annotations

import argparse
import gzip
import json
import logging
import platform
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "xwlb" / "xwlb_articles.jsonl.gz"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--path", default=str(DEFAULT))
    ap.add_argument("--limit", type=int, default=None, help="only the first N reports")
    args = ap.parse_args()
    texts = []
    with gzip.open(args.path, "rt", encoding="utf-8") as fh:
        for line in fh:
            texts.append(json.loads(line)["content"] or "")
            if args.limit and len(texts) >= args.limit:
                break
    chars = sum(map(len, texts))
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6

    import jieba
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    from analysis.figures import extract_dates, extract_figures, get_extractor
    extract_figures("志愿者2500多人，建成46个站点")  # load the lexicon and dictionary tags once

    t0 = time.perf_counter()
    for t in texts:
        jieba.lcut(t)
    t_jieba = time.perf_counter() - t0

    t0 = time.perf_counter()
    n_fig = n_cat = 0
    for t in texts:
        recs = extract_figures(t)
        n_fig += len(recs)
        n_cat += sum(1 for r in recs if r["category"])
    t_fig = time.perf_counter() - t0

    t0 = time.perf_counter()
    n_dates = sum(len(extract_dates(t)) for t in texts)
    t_dates = time.perf_counter() - t0

    print(f"machine: {platform.machine()}, Python {platform.python_version()}, "
          f"{len(texts)} reports, {chars:,} characters ({mb:.1f} MB)")
    print(f"jieba.lcut (baseline)   {t_jieba:8.2f} s  {mb / t_jieba:6.2f} MB/s")
    print(f"extract_figures         {t_fig:8.2f} s  {mb / t_fig:6.2f} MB/s  "
          f"{n_fig:,} figures ({n_cat:,} categorised)")
    print(f"extract_dates           {t_dates:8.2f} s  {mb / t_dates:6.2f} MB/s  {n_dates:,} dates")
    print(f"figures / jieba ratio   {t_fig / t_jieba:8.3f}  (aim: <= 0.50)")
    print(f"config: {get_extractor().config_hash}")


if __name__ == "__main__":
    main()
