#!/usr/bin/env python
"""Check that ``extract_entities`` gives the same records as a reference commit.

The reference is the ``analysis`` package of a git commit (default: the
merge base of HEAD and ``main``), unpacked with ``git archive`` into a
temporary folder and run in a subprocess, so that the old
``analysis/entities.py`` runs with its own gazetteer and helpers. Its records
are cached in a pickle per commit and text set (``/tmp``). The current
checkout then runs in this process on the same texts and every report's
records must be equal, record for record, key for key.

Texts: the first ``--docs`` digest reports (``xwlb_articles.jsonl.gz``), the
shipped related reports (``corpus/related/*.jsonl``) and the seed article.

    PYTHONPATH=. .venv/bin/python benchmarks/check_entities_identical.py [--docs 3000] [--ref COMMIT]

After merging a speed branch into main, pass ``--ref`` the main commit
before the merge (the default merge base is then main itself).

Both sides run with ``PYTHONHASHSEED=0`` (the script restarts itself so):
some records depend on the order of a set of names, so two runs of the
same code can differ under different hash seeds.

Prints the number of reports and records, the time of each side, and the
first differences; exits 1 when any report differs.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
from _digest import digest_texts, extract_package  # noqa: E402


def load_texts(n_docs: int) -> list[str]:
    texts = digest_texts(n_docs)
    for p in sorted((ROOT / "corpus" / "related").glob("*.jsonl")):
        with open(p, encoding="utf-8") as fh:
            texts.extend(json.loads(line)["content"] for line in fh if line.strip())
    for p in sorted((ROOT / "corpus" / "seed").glob("*.txt")):
        texts.append(p.read_text(encoding="utf-8"))
    return texts


def run(texts: list[str]) -> tuple[list[list[dict]], float]:
    """Records of every text with the ``analysis`` package on sys.path."""
    import logging
    import jieba
    jieba.setLogLevel(logging.WARNING)
    from analysis.entities import extract_entities
    extract_entities(texts[0], doc_id="warm")
    t0 = time.perf_counter()
    out = [extract_entities(t, doc_id=str(i)) for i, t in enumerate(texts)]
    return out, time.perf_counter() - t0


def _child(texts_file: str, out_file: str) -> None:
    with open(texts_file, "rb") as fh:
        texts = pickle.load(fh)
    out, secs = run(texts)
    import analysis.entities
    if not analysis.entities.__file__.startswith(os.getcwd()):
        raise SystemExit(f"reference run imported {analysis.entities.__file__}, not the archived commit")
    with open(out_file, "wb") as fh:
        pickle.dump((out, secs), fh)


def reference(ref: str, texts: list[str]) -> tuple[list[list[dict]], float]:
    commit = subprocess.check_output(["git", "rev-parse", ref], cwd=ROOT, text=True).strip()
    key = hashlib.sha1(("\x00".join(texts) + os.environ.get("PYTHONHASHSEED", "")).encode()).hexdigest()[:12]
    cache = Path(tempfile.gettempdir()) / f"entities_ref_{commit[:12]}_{key}.pkl"
    if cache.exists():
        with open(cache, "rb") as fh:
            out, secs = pickle.load(fh)
        return out, secs
    with tempfile.TemporaryDirectory() as tmp:
        extract_package(commit, tmp)
        texts_file = os.path.join(tmp, "texts.pkl")
        with open(texts_file, "wb") as fh:
            pickle.dump(texts, fh)
        out_file = os.path.join(tmp, "out.pkl")
        env = dict(os.environ, PYTHONPATH=tmp)
        subprocess.run([sys.executable, __file__, "--child", texts_file, out_file], env=env, check=True,
                       cwd=tmp)
        with open(out_file, "rb") as fh:
            out, secs = pickle.load(fh)
    with open(cache, "wb") as fh:
        pickle.dump((out, secs), fh)
    return out, secs


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=3000, help="digest reports")
    ap.add_argument("--ref", default=None, help="reference commit (default: merge base of HEAD and main)")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        _child(*args.child)
        return 0
    if os.environ.get("PYTHONHASHSEED") != "0":
        # the records depend on set order in places (later mentions of names found,
        # 林郑月娥 / 郑月娥): both sides run with one hash seed
        os.execve(sys.executable, [sys.executable, __file__] + (argv if argv is not None else sys.argv[1:]),
                  dict(os.environ, PYTHONHASHSEED="0"))
    ref = args.ref or subprocess.check_output(["git", "merge-base", "HEAD", "main"], cwd=ROOT, text=True).strip()
    texts = load_texts(args.docs)
    old, t_old = reference(ref, texts)
    sys.path.insert(0, str(ROOT))
    new, t_new = run(texts)
    differ = [i for i, (a, b) in enumerate(zip(old, new)) if a != b]
    print(f"{len(texts)} reports, {sum(map(len, old))} reference records, {sum(map(len, new))} new records; "
          f"reference {ref[:12]} {t_old:.1f} s (cached run), new {t_new:.1f} s")
    for i in differ[:5]:
        a, b = old[i], new[i]
        print(f"report {i}: {len(a)} vs {len(b)} records")
        for ra, rb in zip(a, b):
            if ra != rb:
                print("  old", {k: ra[k] for k in ra if ra.get(k) != rb.get(k)})
                print("  new", {k: rb[k] for k in rb if ra.get(k) != rb.get(k)})
                break
    print(f"reports that differ: {len(differ)}")
    return 1 if differ or len(old) != len(new) else 0


if __name__ == "__main__":
    sys.exit(main())
