"""The whole pipeline on the whole digest corpus, measured against bare jieba in the same run.

Stages on the 24,090 新闻联播 reports (``../shared/data/xwlb/xwlb_articles.jsonl.gz``;
the last 100 reports are held back for the incremental run):

1. ``ingest`` into a fresh store;
2. ``annotate`` (segmentation + figures + entities) with the local process pool;
3. ``keywords`` (keyness against the packaged reference, from stored tokens);
4. ``topics`` (LDA, [topics] defaults, from stored tokens);
5. incremental: ingest the 100 held-back reports and annotate them.

For each: wall time, MB/s and docs/s (UTF-8 bytes of the bodies handled),
peak memory (PSS and plain RSS of this process and its children added up, sampled every 0.1 s: see Peak) and
the ratio of its throughput to bare single-process ``jieba.lcut`` over the same
text, measured in this run. Then, on a sample (``--sample`` documents):
annotate with 1 vs 2 workers, with the jieba and rjieba backends, per-stage
cost, and the Dask engine on a local 2-worker cluster vs the local pool.

Usage::

    .venv/bin/python benchmarks/bench_pipeline.py [--limit 0] [--sample 3000] [--workers 2]

``--limit N`` runs the pipeline on the first N reports only (0 = all).
"""
from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import platform
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "xwlb" / "xwlb_articles.jsonl.gz"


class Peak:
    """Peak memory (MiB) of this process plus its children while the block runs.

    Two sums, sampled every 0.1 s: ``pss``, the proportional set size (a page
    shared by n processes counts 1/n in each: forked workers share the
    parent's tables, so this is what the machine really holds), and ``rss``,
    the plain resident sizes added up (counts shared pages once per process:
    an upper bound)."""

    def __enter__(self):
        import psutil
        self.proc = psutil.Process()
        self.pss = self.rss = 0.0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def _sample(self) -> tuple[float, float]:
        import psutil
        pss = rss = 0
        for p in [self.proc] + self.proc.children(recursive=True):
            try:
                m = p.memory_full_info()
                pss += m.pss
                rss += m.rss
            except psutil.Error:
                pass
        return pss / 2**20, rss / 2**20

    def _update(self) -> None:
        pss, rss = self._sample()
        self.pss, self.rss = max(self.pss, pss), max(self.rss, rss)

    def _run(self):
        while not self._stop.is_set():
            self._update()
            self._stop.wait(0.1)

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()
        self._update()


def mb_of(texts) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


def lcut_rate(texts) -> float:
    """MB/s of bare single-process jieba.lcut (the global tokenizer: this is the baseline)."""
    import jieba
    jieba.setLogLevel(logging.WARNING)
    jieba.lcut("预热")
    t = time.perf_counter()
    for x in texts:
        jieba.lcut(x)
    return mb_of(texts) / (time.perf_counter() - t)


ROWS: list[tuple] = []


def row(stage, seconds, mb, docs, peak, base, workers=1, note=""):
    rate = mb / seconds if seconds else float("inf")
    ROWS.append((stage, seconds, rate, docs / seconds if seconds else float("inf"), peak.pss, peak.rss,
                 rate / base, rate / base / workers, note))
    print(f"{stage:<34} {seconds:8.2f} s {rate:7.3f} MB/s {docs / seconds if seconds else 0:8.0f} docs/s "
          f"peak PSS {peak.pss:6.0f} MiB (RSS sum {peak.rss:6.0f})  {rate / base:6.3f}x lcut  ({rate / base / workers:.3f}x per core) {note}",
          flush=True)


def _warm_dask_worker(spec) -> None:
    from analysis.parallel import _worker
    _worker(spec).warm()


def write_jsonl(path, records):
    with open(path, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--sample", type=int, default=3000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip-pipeline", action="store_true")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    import dask
    dask.config.set({"logging": {"distributed": "warning"}})
    logging.getLogger("distributed").setLevel(logging.WARNING)
    from analysis import Corpus, Document
    from analysis.keywords import keywords
    from analysis.parallel import AnnotateSpec, annotate
    from analysis.topics import TopicModel

    with gzip.open(args.data, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    if args.limit:
        records = records[:args.limit]
    print(f"# bench_pipeline {time.strftime('%Y-%m-%d')} on {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; {len(records)} reports", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    main_part, extra = records[:-100], records[-100:]
    write_jsonl(tmp / "main.jsonl", main_part)
    write_jsonl(tmp / "extra.jsonl", extra)
    bodies = [r["content"] for r in main_part]
    mb = mb_of(bodies)
    base = lcut_rate(bodies)
    print(f"baseline: bare jieba.lcut {base:.3f} MB/s over {mb:.1f} MB ({len(bodies)} reports)", flush=True)

    if not args.skip_pipeline:
        corpus = Corpus.open(tmp / "corpus.sqlite")
        first = 0.0
        with Peak() as p:
            t = time.perf_counter()
            rep = corpus.ingest([str(tmp / "main.jsonl")])
            dt = time.perf_counter() - t
        first += dt
        n = len(corpus)
        row("ingest", dt, mb, n, p, base, 1, rep.summary_line())
        with Peak() as p:
            rep = annotate(corpus, workers=args.workers)
        first += rep.seconds
        row(f"annotate ({args.workers} workers, jieba)", rep.seconds, mb, rep.documents, p, base,
            args.workers, f"failed {len(rep.failed)}")
        with Peak() as p:
            t = time.perf_counter()
            kw = keywords(corpus, method="keyness", top=20)
            dt = time.perf_counter() - t
        first += dt
        row("keywords (keyness)", dt, mb, n, p, base, 1, " ".join(kw.term[:8]))
        with Peak() as p:
            t = time.perf_counter()
            tm = TopicModel.from_config(corpus.config).fit(corpus)
            dt = time.perf_counter() - t
        first += dt
        row(f"topics ({tm.method} k={tm.k_})", dt, mb, n, p, base, 1,
            f"NPMI {tm.coherence_npmi_:.3f}")
        print(f"whole pipeline: {first:.1f} s, peak PSS {max(r[4] for r in ROWS):.0f} MiB "
              f"(RSS sum {max(r[5] for r in ROWS):.0f} MiB)", flush=True)
        emb = mb_of([r["content"] for r in extra])
        with Peak() as p:
            t = time.perf_counter()
            corpus.ingest([str(tmp / "extra.jsonl")])
            rep = annotate(corpus, workers=args.workers)
            dt = time.perf_counter() - t
        row("incremental: +100 ingest+annotate", dt, emb, rep.documents, p, base, args.workers,
            f"{100 * dt / first:.2f}% of the first run")
        corpus.close()

    # -- sample: workers, backends, stages, dask ---------------------------------
    sample = main_part[:args.sample]
    sbodies = [r["content"] for r in sample]
    smb = mb_of(sbodies)
    sbase = lcut_rate(sbodies)
    print(f"\nsample: {len(sample)} reports, {smb:.1f} MB; bare jieba.lcut {sbase:.3f} MB/s", flush=True)
    docs = [Document(title=r["title"], body=r["content"], published_at=r["date"]) for r in sample]

    def fresh(name):
        c = Corpus.open(tmp / f"{name}.sqlite")
        for i in range(0, len(docs), 1000):
            c.store.add_documents(docs[i:i + 1000])
        return c

    results = {}
    for backend in ("jieba", "rjieba"):
        for stages in (["tokens"], ["figures"], ["entities"]):
            if stages != ["tokens"] and backend == "rjieba":
                continue  # figures and entities do not segment
            c = fresh(f"{backend}-{stages[0]}")
            spec = AnnotateSpec.from_corpus(c, stages, backend=backend)
            with Peak() as p:
                rep = annotate(c, workers=1, spec=spec)
            row(f"  {stages[0]} only (1 worker, {backend})", rep.seconds, smb, rep.documents, p, sbase)
        for w in (1, args.workers):
            c = fresh(f"{backend}-{w}")
            spec = AnnotateSpec.from_corpus(c, backend=backend)
            with Peak() as p:
                rep = annotate(c, workers=w, spec=spec)
            results[(backend, w)] = rep.seconds
            row(f"annotate ({w} worker{'s' if w > 1 else ''}, {backend})", rep.seconds, smb, rep.documents,
                p, sbase, w)
        print(f"speed-up {args.workers} workers over 1 ({backend}): "
              f"{results[(backend, 1)] / results[(backend, args.workers)]:.2f}x", flush=True)

    from analysis.dataset import export_parquet
    from analysis.parallel import annotate_dataset
    c = fresh("dask")
    ds = str(tmp / "ds")
    export_parquet(c, ds, rows_per_partition=max(20, len(sample) // 40), annotations=False)
    spec = AnnotateSpec.from_corpus(c)
    from distributed import Client, LocalCluster
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        t = time.perf_counter()
        client.run(_warm_dask_worker, spec)  # a long-lived cluster worker keeps this between runs
        warm = time.perf_counter() - t
        with Peak() as p:
            rep = annotate_dataset(ds, ds, spec, scheduler=client)
        row(f"annotate dask local cluster ({args.workers} w)", rep.seconds, smb, rep.documents, p, sbase,
            args.workers, f"{rep.seconds / results[('jieba', args.workers)]:.2f}x the pool's time "
            f"(+{warm:.1f} s worker warm-up, once per worker)")
    print("\n| stage | wall s | MB/s | docs/s | peak PSS MiB | peak RSS sum MiB | × lcut | × lcut per core |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for stage, s, rate, dps, pss, rss, ratio, per_core, note in ROWS:
        print(f"| {stage.strip()} | {s:.1f} | {rate:.3f} | {dps:.0f} | {pss:.0f} | {rss:.0f} | {ratio:.3f} | "
              f"{per_core:.3f} |")


if __name__ == "__main__":
    main()
