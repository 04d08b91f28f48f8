#!/usr/bin/env python
"""Check that ``annotate`` stores the same annotations as a reference commit.

Both sides ingest the same digest reports (the first ``--docs`` of
``xwlb_articles.jsonl.gz``, plus the shipped related reports and the seed)
into a fresh store and run ``annotate(workers=1, backend=...)``; the
reference is the ``analysis`` package of a git commit (``git archive`` into a
temporary folder, run in a subprocess with ``PYTHONHASHSEED=0`` like this
side). Then, for every stage (tokens, figures, entities) and document, the
stored payloads are decoded (``store.unpack``) and compared; the config
hashes the results are stored under must be the same too (a speed change
must not invalidate stored annotations). Raw blobs that differ while their
payloads are equal (a new encoding) are counted apart.

    PYTHONHASHSEED=0 PYTHONPATH=. .venv/bin/python benchmarks/check_annotations_identical.py --ref COMMIT [--docs 3000] [--backend rjieba]

Exits 1 when any payload or config hash differs.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _digest import digest_texts, extract_package  # noqa: E402


def _records(n_docs: int) -> list[dict]:
    recs = [{"title": f"digest {i}", "content": t} for i, t in enumerate(digest_texts(n_docs)) if t]
    for p in sorted((ROOT / "corpus" / "related").glob("*.jsonl")):
        with open(p, encoding="utf-8") as fh:
            recs.extend({"title": r.get("title", ""), "content": r["content"]}
                        for r in map(json.loads, filter(str.strip, fh)))
    for p in sorted((ROOT / "corpus" / "seed").glob("*.txt")):
        recs.append({"title": p.stem, "content": p.read_text(encoding="utf-8")})
    return recs


def _child(store: str, backend: str, out: str) -> None:
    """Annotate ``store`` with the package on sys.path; pickle {kind: (hash, {doc_id: blob})}."""
    import logging
    logging.basicConfig(level=logging.WARNING)
    from analysis import Corpus
    from analysis.parallel import annotate
    c = Corpus.open(store)
    rep = annotate(c, workers=1, backend=backend)
    res = {}
    for kind, h in rep.hashes.items():
        rows = c.store.conn.execute("SELECT doc_id, data FROM annotations WHERE kind=? AND config=?",
                                    (kind, h)).fetchall()
        res[kind] = (h, {d: bytes(b) for d, b in rows})
    c.close()
    import analysis
    with open(out, "wb") as fh:
        pickle.dump({"package": analysis.__file__, "failed": rep.failed, "stages": res}, fh)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=3000, help="digest reports")
    ap.add_argument("--ref", help="reference commit (required)")
    ap.add_argument("--backend", default="rjieba", choices=["jieba", "rjieba"])
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        _child(*args.child)
        return 0
    if not args.ref:
        ap.error("--ref COMMIT is required")
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable, __file__] + (argv if argv is not None else sys.argv[1:]),
                  dict(os.environ, PYTHONHASHSEED="0"))
    commit = subprocess.check_output(["git", "rev-parse", args.ref], cwd=ROOT, text=True).strip()
    tmp = Path(tempfile.mkdtemp(prefix="check-annotations-"))
    try:
        src = tmp / "docs.jsonl"
        recs = _records(args.docs)
        with open(src, "w", encoding="utf-8") as fh:
            for r in recs:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        sys.path.insert(0, str(ROOT))
        from analysis import Corpus
        from analysis.store import unpack
        template = tmp / "template.sqlite"
        c = Corpus.open(template)
        c.ingest([str(src)])
        c.close()
        ref_dir = extract_package(commit, tmp / "ref")
        sides = {}
        for name, path in (("ref", str(ref_dir)), ("new", str(ROOT))):
            store, out = tmp / f"{name}.sqlite", tmp / f"{name}.pkl"
            shutil.copy(template, store)
            subprocess.run([sys.executable, __file__, "--child", str(store), args.backend, str(out)],
                           env=dict(os.environ, PYTHONPATH=path), check=True, cwd=path)
            with open(out, "rb") as fh:
                sides[name] = pickle.load(fh)
            if not sides[name]["package"].startswith(path):
                raise SystemExit(f"{name} imported {sides[name]['package']}, not {path}")
        ref, new = sides["ref"]["stages"], sides["new"]["stages"]
        bad = 0
        print(f"{len(recs)} texts; reference {commit[:12]}, backend {args.backend}; failed: ref "
              f"{len(sides['ref']['failed'])}, new {len(sides['new']['failed'])}")
        for kind in sorted(set(ref) | set(new)):
            if kind not in ref or kind not in new:
                print(f"{kind}: only in {'new' if kind in new else 'ref'}")
                bad += 1
                continue
            (h_ref, a), (h_new, b) = ref[kind], new[kind]
            differ = [d for d in a if d not in b or unpack(a[d]) != unpack(b[d])]
            extra = [d for d in b if d not in a]
            raw = sum(1 for d in a if d in b and a[d] != b[d])
            print(f"{kind}: config {h_ref} vs {h_new} ({'same' if h_ref == h_new else 'DIFFERENT'}); "
                  f"{len(a)} vs {len(b)} documents; payloads that differ: {len(differ) + len(extra)}; "
                  f"raw blobs that differ: {raw}")
            for d in differ[:3]:
                print(f"  {d}: ref {str(unpack(a[d]))[:300]}\n  {d}: new {str(unpack(b[d]))[:300] if d in b else None}")
            bad += len(differ) + len(extra) + (h_ref != h_new)
        print(f"differences: {bad}")
        return 1 if bad else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
