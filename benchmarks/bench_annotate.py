"""Where `annotate` spends its time: per stage, against bare jieba.lcut, in one process.

On the first ``--docs`` digest reports (``../shared/data/xwlb/xwlb_articles.jsonl.gz``)
this measures, back to back and ``--reps`` times interleaved (the machine is
shared, so only ratios measured side by side mean much), the CPU time of:

- ``lcut``: bare ``jieba.lcut`` over the bodies (the baseline, 1.0x);
- ``tokens``: the stored token payload (``segment._payload``: cut, offsets, sentences);
- ``figures``: ``FigureExtractor.extract`` cutting every clause window itself;
- ``figures+tokens``: the same with the document's tokens (what annotate does);
- ``entities``: ``extract_entities``;
- ``pack``: JSON + zlib of the three payloads (done in the worker);
- ``ipc``: pickling a chunk of (doc_id, body, kinds) jobs out and the packed
  results back, and unpickling both (what the pool adds per document);
- ``read`` / ``write``: reading the bodies from the store, writing the packed
  results in one transaction per 500 documents.

Each row prints seconds, MB/s and the ratio of its throughput to lcut's;
``annotate per core`` is 1 / the sum of the stage costs in lcut units, the
best a worker could do. Then ``annotate()`` itself with 1 and N workers
(wall time), its ratio to lcut, the 2-worker speed-up, and what the
pool adds beyond the stages. ``--profile`` prints cProfile's top functions of
``annotate(workers=1)``.

Usage::

    .venv/bin/python benchmarks/bench_annotate.py [--docs 1000] [--reps 2] [--workers 2] [--profile]
"""
from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import pickle
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "xwlb" / "xwlb_articles.jsonl.gz"


def cpu(fn) -> float:
    t = time.process_time()
    fn()
    return time.process_time() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--backend", default="jieba", choices=["jieba", "rjieba"])
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    import jieba
    jieba.setLogLevel(logging.WARNING)
    from analysis import Corpus, Document
    from analysis.parallel import AnnotateSpec, _worker, _write_packed, annotate
    from analysis.store import pack
    from analysis.segment import _payload

    records = []
    with gzip.open(args.data, "rt", encoding="utf-8") as fh:
        for line in fh:
            records.append(json.loads(line))
            if len(records) >= args.docs:
                break
    bodies = [r["content"] for r in records]
    mb = sum(len(b.encode()) for b in bodies) / 1e6
    tmp = Path(tempfile.mkdtemp(prefix="bench-annotate-"))
    docs = [Document(title=r["title"], body=r["content"], published_at=r["date"]) for r in records]

    def fresh(name):
        c = Corpus.open(tmp / f"{name}.sqlite")
        c.store.add_documents(docs)
        return c

    corpus = fresh("stages")
    spec = AnnotateSpec.from_corpus(corpus, backend=args.backend)
    w = _worker(spec)
    w.warm()
    jieba.lcut("预热")
    ids = [d.doc_id for d in docs]
    print(f"# bench_annotate {time.strftime('%Y-%m-%d')} on {platform.machine()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}, Python {platform.python_version()}; {len(bodies)} reports, "
          f"{mb:.2f} MB; backend {args.backend}; stages {', '.join(spec.stages)}; "
          f"figures reuse tokens: {w.fig_tokens}", flush=True)

    from analysis.entities import extract_entities
    toks = [_payload(w.seg, b, False) for b in bodies]
    figs = [w.ext.extract(b, i) for b, i in zip(bodies, ids)]
    ents = [extract_entities(b, i, w.ent_opts) for b, i in zip(bodies, ids)] if w.ent_opts else [[]] * len(ids)
    packed = [{"tokens": pack(t), "figures": pack(f), "entities": pack(e)} for t, f, e in zip(toks, figs, ents)]
    kinds = spec.stages

    def figures_plain():
        w.ext._words_cache.clear()
        for b, i in zip(bodies, ids):
            w.ext.extract(b, i)

    def figures_tokens():
        w.ext._words_cache.clear()
        for b, i, t in zip(bodies, ids, toks):
            w.ext.extract(b, i, t)

    def ipc():
        for k in range(0, len(ids), 64):
            jobs = [(d, b, kinds) for d, b in zip(ids[k:k + 64], bodies[k:k + 64])]
            pickle.loads(pickle.dumps(jobs, pickle.HIGHEST_PROTOCOL))
            res = [(d, p, None) for d, p in zip(ids[k:k + 64], packed[k:k + 64])]
            pickle.loads(pickle.dumps(res, pickle.HIGHEST_PROTOCOL))

    write_stores = [fresh(f"write-{r}") for r in range(args.reps)]

    def write():
        c = write_stores.pop()
        rows = list(zip(ids, packed))
        for k in range(0, len(rows), 500):
            _write_packed(c.store, spec, rows[k:k + 500])
        c.close()

    stages = {
        "lcut": lambda: [jieba.lcut(b) for b in bodies],
        "tokens": lambda: [_payload(w.seg, b, False) for b in bodies],
        "figures (cuts windows)": figures_plain,
        "figures+tokens": figures_tokens,
        "entities": (lambda: [extract_entities(b, i, w.ent_opts) for b, i in zip(bodies, ids)])
        if w.ent_opts else (lambda: None),
        "pack (JSON+zlib)": lambda: [{k: pack(v) for k, v in (("tokens", t), ("figures", f), ("entities", e))}
                                     for t, f, e in zip(toks, figs, ents)],
        "ipc (pickle out+back)": ipc,
        "read bodies": lambda: list(corpus.store.iter_documents(["doc_id", "body"], doc_ids=ids)),
        "write (500/txn)": write,
    }
    times = {k: [] for k in stages}
    for _ in range(args.reps):
        for name, fn in stages.items():
            times[name].append(cpu(fn))
    best = {k: min(v) for k, v in times.items()}
    base = best["lcut"]
    print(f"\n| stage (CPU, best of {args.reps}) | s | MB/s | × lcut | share of annotate |")
    print("|---|---:|---:|---:|---:|")
    used = ["tokens", "figures+tokens", "entities", "pack (JSON+zlib)", "ipc (pickle out+back)",
            "read bodies", "write (500/txn)"]
    total = sum(best[k] for k in used)
    for name, s in best.items():
        share = f"{100 * s / total:.0f}%" if name in used else ""
        print(f"| {name} | {s:.2f} | {mb / s if s else float('inf'):.2f} | "
              f"{base / s if s else float('inf'):.3f} | {share} |")
    print(f"| **annotate per core, sum of the stages** | {total:.2f} | {mb / total:.2f} | {base / total:.3f} | 100% |")

    # annotate() itself: 1 worker in this process, N workers in the pool; CPU of all processes
    import resource

    def all_cpu() -> float:
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

    wall, cpus = {}, {}
    for n in (1, args.workers):
        c = fresh(f"annotate-{n}")
        t, u = time.perf_counter(), all_cpu()
        rep = annotate(c, workers=n, spec=spec)
        wall[n], cpus[n] = time.perf_counter() - t, all_cpu() - u
        assert rep.documents == len(ids) and not rep.failed, rep
        c.close()
    lcpu = cpu(lambda: [jieba.lcut(b) for b in bodies])
    print(f"\nannotate() CPU of all processes: 1 worker {cpus[1]:.2f} s ({lcpu / cpus[1]:.3f}x lcut's {lcpu:.2f} s), "
          f"{args.workers} workers {cpus[args.workers]:.2f} s ({lcpu / cpus[args.workers]:.3f}x); "
          f"beyond the stages: {cpus[1] - total:+.2f} s")
    print(f"annotate() wall (load {os.getloadavg()[0]:.1f}): 1 worker {wall[1]:.2f} s, {args.workers} workers "
          f"{wall[args.workers]:.2f} s; speed-up {wall[1] / wall[args.workers]:.2f}x "
          f"(CPU-bound ceiling {args.workers * cpus[1] / cpus[args.workers]:.2f}x on an idle machine)")
    if args.profile:
        import cProfile
        import pstats
        c = fresh("profile")
        pr = cProfile.Profile()
        pr.enable()
        annotate(c, workers=1, spec=spec)
        pr.disable()
        pstats.Stats(pr).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
