"""Where `annotate` spends its time: per stage, against bare jieba.lcut, in one process.

On ``--docs`` distinct digest reports (``../shared/data/xwlb/xwlb_articles.jsonl.gz``,
the first ones; duplicates skipped as the store skips them) this measures, for
each backend (``--backend jieba``, ``rjieba`` or ``both``), ``--reps`` times
interleaved (the machine is shared, so only ratios measured side by side mean
much; best CPU time of the repetitions), the CPU time of:

- ``lcut``: bare single-process ``jieba.lcut`` over the bodies (the baseline, 1.0x);
- ``tokens``: the stored token payload (``segment._payload``), and apart its
  two parts: ``words + offsets`` (``Segmenter._spans``, the cut) and
  ``sentences`` (``segment.sentence_spans``);
- ``figures+tokens``: ``FigureExtractor.extract`` given the document's tokens
  (what annotate does; with rjieba the extractor cuts its clause windows
  itself); ``figures (cuts windows)``, the same without tokens, for reference;
- ``entities``: ``extract_entities``;
- ``pack``: ``store.pack`` of the three payloads as annotate packs them
  (msgpack + LZ4, done in the worker); ``pack, old format`` is what it cost
  as zlib JSON (for reference, not part of annotate any more);
- ``ipc``: pickling a chunk of (doc_id, body, kinds) jobs out and the packed
  results back, and unpickling both (what the pool adds per document);
- ``read`` / ``write``: reading the bodies from the store, writing the packed
  results in one transaction per 500 documents.

Each row prints seconds, MB/s, the ratio of its throughput to lcut's and its
share of annotate; ``annotate per core, sum of the stages`` is 1 / the sum of
the stage costs in lcut units. Then ``annotate()`` itself: CPU time of all
processes with 1 worker and with ``--workers`` (best of ``--reps``, ratio to
the best of lcut passes interleaved with them), wall times and the speed-up,
and what annotate adds beyond the stages.
``--profile`` prints cProfile's top functions of ``annotate(workers=1)``.

``--whole-corpus-1worker`` measures instead the README's whole-corpus row:
``annotate(workers=1)`` wall time over the whole digest corpus in a fresh
process and fresh store, warm-up and writes included, vs bare ``jieba.lcut``
over the same bodies (``benchmarks/bench_whole_corpus.py``, which also takes
``--ref COMMIT`` for an A/B against another commit; ``--reps``, ``--backend``
are passed on, default rjieba).

Usage::

    .venv/bin/python benchmarks/bench_annotate.py [--docs 2500] [--reps 3] [--workers 2]
                                                  [--backend both] [--profile]
    .venv/bin/python benchmarks/bench_annotate.py --whole-corpus-1worker [--backend rjieba] [--reps 1]
"""
from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import pickle
import platform
import resource
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "xwlb" / "xwlb_articles.jsonl.gz"


def cpu(fn) -> float:
    t = time.process_time()
    fn()
    return time.process_time() - t


def all_cpu() -> float:
    """CPU seconds of this process and its reaped children."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def load(path: str, n: int):
    from analysis import Document
    docs, seen = [], set()
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if not r["content"]:
                continue
            d = Document(title=r["title"], body=r["content"], published_at=r["date"])
            if d.doc_id in seen:  # the store keeps one document per content id
                continue
            seen.add(d.doc_id)
            docs.append(d)
            if len(docs) >= n:
                break
    return docs


def bench_backend(backend: str, docs, tmp: Path, args) -> dict:
    import jieba
    from analysis import Corpus
    from analysis.entities import extract_entities
    from analysis.parallel import AnnotateSpec, _worker, _write_packed, annotate
    from analysis.segment import _payload, sentence_spans
    from analysis.store import pack

    def fresh(name):
        c = Corpus.open(tmp / f"{backend}-{name}.sqlite")
        c.store.add_documents(docs)
        return c

    bodies = [d.body for d in docs]
    ids = [d.doc_id for d in docs]
    mb = sum(len(b.encode()) for b in bodies) / 1e6
    corpus = fresh("stages")
    spec = AnnotateSpec.from_corpus(corpus, backend=backend)
    w = _worker(spec)
    w.warm()
    print(f"\n## backend {backend}: stages {', '.join(spec.stages)}; figures reuse tokens: {w.fig_tokens}; "
          f"load {os.getloadavg()[0]:.1f}", flush=True)

    toks = [_payload(w.seg, b, False) for b in bodies]
    figs = [w.ext.extract(b, i, t if w.fig_tokens else None) for b, i, t in zip(bodies, ids, toks)]
    ents = [extract_entities(b, i, w.ent_opts) for b, i in zip(bodies, ids)] if w.ent_opts else [[]] * len(ids)
    outs = [{"tokens": t, "figures": f, "entities": e} for t, f, e in zip(toks, figs, ents)]
    packed = [{k: pack(v, True) for k, v in o.items()} for o in outs]
    kinds = spec.stages

    def figures(with_tokens: bool):
        def run():
            w.ext._clear_caches()  # cold clause caches, as a fresh worker has
            if with_tokens and w.fig_tokens:
                for b, i, t in zip(bodies, ids, toks):
                    w.ext.extract(b, i, t)
            else:
                for b, i in zip(bodies, ids):
                    w.ext.extract(b, i)
        return run

    def old_pack():
        for o in outs:
            for v in o.values():
                zlib.compress(json.dumps(v, ensure_ascii=False, separators=(",", ":")).encode(), 3)

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
        "  words + offsets": lambda: [w.seg._spans(b) for b in bodies],
        "  sentences": lambda: [sentence_spans(b) for b in bodies],
        "figures+tokens": figures(True),
        "figures (cuts windows)": figures(False),
        "entities": (lambda: [extract_entities(b, i, w.ent_opts) for b, i in zip(bodies, ids)])
        if w.ent_opts else (lambda: None),
        "pack (msgpack+LZ4)": lambda: [{k: pack(v, True) for k, v in o.items()} for o in outs],
        "pack, old format (JSON+zlib)": old_pack,
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
    used = ["tokens", "figures+tokens", "entities", "pack (msgpack+LZ4)", "ipc (pickle out+back)",
            "read bodies", "write (500/txn)"]
    total = sum(best[k] for k in used)
    print(f"\n| stage (CPU, best of {args.reps}) | s | MB/s | × lcut | share of annotate |")
    print("|---|---:|---:|---:|---:|")
    for name, s in best.items():
        share = f"{100 * s / total:.0f}%" if name in used else ""
        print(f"| {name} | {s:.3f} | {mb / s if s else float('inf'):.2f} | "
              f"{base / s if s else float('inf'):.3f} | {share} |")
    print(f"| **annotate per core, sum of the stages** | {total:.3f} | {mb / total:.2f} | "
          f"**{base / total:.3f}** | 100% |", flush=True)

    # annotate() itself: 1 worker in this process, N workers in the pool; CPU of all processes;
    # best of --reps, each next to an lcut pass over the same bodies
    wall: dict[int, list] = {1: [], args.workers: []}
    cpus: dict[int, list] = {1: [], args.workers: []}
    lcuts = []
    for r in range(args.reps):
        for n in (1, args.workers):
            c = fresh(f"annotate-{n}-{r}")
            t, u = time.perf_counter(), all_cpu()
            rep = annotate(c, workers=n, spec=spec)
            wall[n].append(time.perf_counter() - t)
            cpus[n].append(all_cpu() - u)
            assert rep.documents == len(ids) and not rep.failed, rep
            c.close()
        lcuts.append(cpu(lambda: [jieba.lcut(b) for b in bodies]))
    wall = {n: min(v) for n, v in wall.items()}
    cpus = {n: min(v) for n, v in cpus.items()}
    lcpu = min(lcuts)
    print(f"\nannotate() CPU of all processes (best of {args.reps}): 1 worker {cpus[1]:.2f} s "
          f"(**{lcpu / cpus[1]:.3f}x** lcut's {lcpu:.2f} s, interleaved), {args.workers} workers "
          f"{cpus[args.workers]:.2f} s ({lcpu / cpus[args.workers]:.3f}x); beyond the stages: {cpus[1] - total:+.2f} s")
    print(f"annotate() wall (load {os.getloadavg()[0]:.1f}): 1 worker {wall[1]:.2f} s, {args.workers} workers "
          f"{wall[args.workers]:.2f} s; speed-up {wall[1] / wall[args.workers]:.2f}x "
          f"(CPU-bound ceiling {args.workers * cpus[1] / cpus[args.workers]:.2f}x on an idle machine)", flush=True)
    if args.profile:
        import cProfile
        import pstats
        c = fresh("profile")
        pr = cProfile.Profile()
        pr.enable()
        annotate(c, workers=1, spec=spec)
        pr.disable()
        pstats.Stats(pr).sort_stats("tottime").print_stats(25)
    return {"per_core_stages": base / total, "per_core_annotate": lcpu / cpus[1],
            "speedup": wall[1] / wall[args.workers]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--docs", type=int, default=2500)
    ap.add_argument("--reps", type=int, default=None, help="repetitions (default 3; 1 with --whole-corpus-1worker)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--backend", default="both", choices=["jieba", "rjieba", "both"])
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--whole-corpus-1worker", action="store_true",
                    help="annotate(workers=1) over the whole digest corpus vs lcut (bench_whole_corpus.py)")
    args = ap.parse_args()
    if args.whole_corpus_1worker:
        import subprocess
        backend = "rjieba" if args.backend == "both" else args.backend
        raise SystemExit(subprocess.call([sys.executable, str(Path(__file__).with_name("bench_whole_corpus.py")),
                                          "--backend", backend, "--reps", str(args.reps or 1),
                                          "--data", args.data]))
    args.reps = args.reps or 3
    logging.basicConfig(level=logging.WARNING)
    import jieba
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    docs = load(args.data, args.docs)
    mb = sum(len(d.body.encode()) for d in docs) / 1e6
    tmp = Path(tempfile.mkdtemp(prefix="bench-annotate-"))
    print(f"# bench_annotate {time.strftime('%Y-%m-%d %H:%M %Z')} on {platform.machine()}, {os.cpu_count()} cores, "
          f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}, Python {platform.python_version()}; "
          f"{len(docs)} distinct digest reports, {mb:.2f} MB", flush=True)
    out = {}
    for backend in (["jieba", "rjieba"] if args.backend == "both" else [args.backend]):
        out[backend] = bench_backend(backend, docs, tmp, args)
    print("\n# summary: annotate per core × bare jieba.lcut (sum of the stages / annotate() with 1 worker); "
          f"{args.workers} workers vs 1 (wall); load at the end {os.getloadavg()[0]:.2f}")
    for backend, r in out.items():
        print(f"- {backend}: {r['per_core_stages']:.3f} / {r['per_core_annotate']:.3f}; "
              f"speed-up {r['speedup']:.2f}x")


if __name__ == "__main__":
    main()
