"""annotate with N workers vs 1, each in a fresh process on a fresh store (what the CLI does).

bench_pipeline measures 1 vs 2 workers inside one long process that holds
the whole pipeline's data (~1 GB), so its pool forks a large parent; this
script runs every worker count in a process of its own, on a fresh store of
the first ``--docs`` digest reports, and prints wall time, the parent's and
the workers' CPU time and the speed-up of each count over 1 worker
(median over ``--reps`` alternating runs).

Usage::

    .venv/bin/python benchmarks/bench_workers.py [--docs 30000] [--backend rjieba] [--workers 1,2] [--reps 2]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _digest import digest_records  # noqa: E402


def one(docs: int, backend: str, workers: int) -> dict:
    """Ingest ``docs`` reports into a fresh store and time ``annotate`` (in this process)."""
    sys.path.insert(0, str(ROOT))
    from analysis.corpus import Corpus
    from analysis.document import Document
    from analysis.parallel import AnnotateSpec, annotate
    recs = digest_records(docs)
    c = Corpus.open(Path(tempfile.mkdtemp()) / "w.sqlite")
    batch = [Document(title=r["title"], body=r["content"], published_at=r["date"]) for r in recs]
    for i in range(0, len(batch), 1000):
        c.store.add_documents(batch[i:i + 1000])
    spec = AnnotateSpec.from_corpus(c, backend=backend)
    s0, c0 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    rep = annotate(c, workers=workers, spec=spec)
    wall = time.perf_counter() - t
    s1, c1 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = lambda a, b: b.ru_utime + b.ru_stime - a.ru_utime - a.ru_stime  # noqa: E731
    return {"workers": workers, "wall": wall, "parent_cpu": cpu(s0, s1), "children_cpu": cpu(c0, c1),
            "documents": rep.documents, "failed": len(rep.failed)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=30000, help="first N digest reports (default: all)")
    ap.add_argument("--backend", default="rjieba", choices=["jieba", "rjieba"])
    ap.add_argument("--workers", default="1,2", help="worker counts, comma-separated")
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: run one count, print JSON
    args = ap.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.docs, args.backend, args.one)))
        return
    counts = [int(w) for w in args.workers.split(",")]
    print(f"# bench_workers {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
          f"backend {args.backend}, {args.docs} reports max; load {os.getloadavg()[0]:.1f}", flush=True)
    walls: dict[int, list[float]] = {w: [] for w in counts}
    for rep in range(args.reps):
        for w in (counts if rep % 2 == 0 else counts[::-1]):  # alternate the order
            out = subprocess.run([sys.executable, __file__, "--docs", str(args.docs), "--backend", args.backend,
                                  "--one", str(w)], capture_output=True, text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            walls[w].append(r["wall"])
            print(f"workers {w}: {r['documents']} documents, wall {r['wall']:.2f} s, parent CPU "
                  f"{r['parent_cpu']:.2f} s, workers CPU {r['children_cpu']:.2f} s", flush=True)
    base = statistics.median(walls[1]) if 1 in walls else None
    for w in counts:
        if base and w != 1:
            print(f"speed-up {w} workers over 1 (median wall): {base / statistics.median(walls[w]):.2f}x")
    print(f"load after {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
