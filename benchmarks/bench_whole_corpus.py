"""annotate() with 1 worker over the WHOLE digest corpus vs bare jieba.lcut, wall time, A/B against a commit.

The issue's per-core measure as the README's whole-corpus row takes it: a
fresh store holding the whole digest corpus (``xwlb_articles.jsonl.gz``
minus the last 100 reports, as ``bench_pipeline.py`` ingests it: 23,990
reports), ``annotate(corpus, workers=1, backend=...)`` timed from the call
to its return (spec, dictionaries, models, warm-up, every stage and every
write included) in a fresh Python process, then bare single-process
``jieba.lcut`` over the same bodies in the same process (after its own
dictionary load, which is not timed). Each run prints wall and CPU seconds
and the ratio ``lcut wall / annotate wall`` (higher is faster; the aim is
>= 1.0).

The store is ingested once into a template and copied for every run (no
annotations in it). Each side first runs once on 200 reports, untimed, so
that the disk caches (numba's compiled functions, jieba's) are there, as
for a user's second run. ``--ref COMMIT`` also runs the ``analysis`` package of
that commit (``git archive`` into a temporary folder) on the same store,
alternating with the checkout (ref, new, ref, new ...) so both see the same
machine load.

Usage (one line, the figure in the README)::

    PYTHONPATH=. .venv/bin/python benchmarks/bench_whole_corpus.py [--backend rjieba] [--reps 2] [--ref COMMIT]

(``benchmarks/bench_annotate.py --whole-corpus-1worker`` runs the same.)
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _digest import DIGEST as DATA, digest_records, extract_package  # noqa: E402


def _child(store: str, backend: str) -> None:
    """One measurement in this (fresh) process: annotate wall/CPU, then lcut over the same bodies."""
    import logging
    logging.basicConfig(level=logging.WARNING)
    from analysis import Corpus
    from analysis.parallel import annotate
    corpus = Corpus.open(store)
    bodies = [d["body"] for d in corpus.store.iter_documents(["body"])]
    t, c = time.perf_counter(), time.process_time()
    rep = annotate(corpus, workers=1, backend=backend)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    assert rep.documents == len(bodies) and not rep.failed, rep
    corpus.close()
    import jieba
    jieba.setLogLevel(logging.WARNING)
    jieba.lcut("预热")
    t, c = time.perf_counter(), time.process_time()
    for b in bodies:
        jieba.lcut(b)
    lwall, lcpu = time.perf_counter() - t, time.process_time() - c
    import analysis
    print(json.dumps({"wall": wall, "cpu": cpu, "lcut_wall": lwall, "lcut_cpu": lcpu, "docs": len(bodies),
                      "mb": sum(len(b.encode()) for b in bodies) / 1e6, "package": analysis.__file__}))


def _template(tmp: Path, data: str) -> tuple[Path, Path]:
    """(the store of the whole corpus, a store of its first 200 reports), no annotations."""
    sys.path.insert(0, str(ROOT))
    import logging
    logging.basicConfig(level=logging.WARNING)
    from analysis import Corpus
    records = digest_records(0, Path(data))[:-100]
    src = tmp / "main.jsonl"
    with open(src, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    path = tmp / "template.sqlite"
    c = Corpus.open(path)
    c.ingest([str(src)])
    c.close()
    small_src = tmp / "small.jsonl"
    with open(small_src, "w", encoding="utf-8") as fh:
        for r in records[:200]:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    small = tmp / "small.sqlite"
    c = Corpus.open(small)
    c.ingest([str(small_src)])
    c.close()
    return path, small


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--backend", default="rjieba", choices=["jieba", "rjieba"])
    ap.add_argument("--reps", type=int, default=1, help="runs of each side")
    ap.add_argument("--ref", default=None, help="also run this commit's analysis package, alternating")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        _child(*args.child)
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="bench-whole-"))
    try:
        t = time.perf_counter()
        template, small = _template(tmp, args.data)
        print(f"# bench_whole_corpus {time.strftime('%Y-%m-%d %H:%M %Z')} on {platform.machine()}, "
              f"{os.cpu_count()} cores, Python {platform.python_version()}; backend {args.backend}; "
              f"store ingested in {time.perf_counter() - t:.1f} s", flush=True)
        sides = {"new": str(ROOT)}
        if args.ref:
            commit = subprocess.check_output(["git", "rev-parse", args.ref], cwd=ROOT, text=True).strip()
            ref_dir = extract_package(commit, tmp / f"ref-{commit[:10]}")
            sides = {f"ref {commit[:10]}": str(ref_dir), "new": str(ROOT)}
        for name, path in sides.items():  # fill the disk caches (numba, jieba) as a user's second run finds them
            store = tmp / "prime.sqlite"
            shutil.copy(small, store)
            subprocess.run([sys.executable, __file__, "--child", str(store), args.backend],
                           env=dict(os.environ, PYTHONPATH=path), check=True, capture_output=True, cwd=path)
            store.unlink()
        results: dict[str, list[dict]] = {k: [] for k in sides}
        for r in range(args.reps):
            for name, path in sides.items():
                store = tmp / f"run-{r}-{name.split()[0]}.sqlite"
                shutil.copy(template, store)
                env = dict(os.environ, PYTHONPATH=path)
                load = os.getloadavg()[0]
                out = subprocess.run([sys.executable, __file__, "--child", str(store), args.backend], env=env,
                                     check=True, capture_output=True, text=True, cwd=path)
                res = json.loads(out.stdout.strip().splitlines()[-1])
                if not res["package"].startswith(path):
                    raise SystemExit(f"{name} imported {res['package']}, not {path}")
                results[name].append(res)
                store.unlink()
                print(f"{name:>16}: annotate(workers=1) {res['wall']:6.2f} s wall ({res['cpu']:6.2f} s CPU), "
                      f"lcut {res['lcut_wall']:6.2f} s wall ({res['lcut_cpu']:6.2f} s CPU) -> "
                      f"**{res['lcut_wall'] / res['wall']:.3f}x** wall, {res['lcut_cpu'] / res['cpu']:.3f}x CPU; "
                      f"{res['docs']} reports, {res['mb']:.1f} MB; load {load:.1f}", flush=True)
        from statistics import median
        print("\n# per side: median of the runs (wall ratio, CPU ratio), best annotate wall and CPU")
        for name, rs in results.items():
            print(f"- {name}: {median(r['lcut_wall'] / r['wall'] for r in rs):.3f}x wall, "
                  f"{median(r['lcut_cpu'] / r['cpu'] for r in rs):.3f}x CPU (median of {len(rs)}); annotate best "
                  f"{min(r['wall'] for r in rs):.2f} s wall, {min(r['cpu'] for r in rs):.2f} s CPU")
        if len(results) == 2:
            (a, ra), (b, rb) = results.items()
            print(f"- annotate CPU {b} / {a}: {median(r['cpu'] for r in rb) / median(r['cpu'] for r in ra):.3f} "
                  "(medians)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
