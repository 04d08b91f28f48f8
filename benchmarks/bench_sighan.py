"""Segmentation accuracy on the SIGHAN 2005 bakeoff test sets (PKU, MSR).

Scores the project's Segmenter (packaged domain dictionary, number+unit
merging) next to plain jieba 0.42.1 (``jieba.lcut``, default mode, HMM on)
with the definitions of the official ``score`` script: a word is correct when
its character span matches a gold word; P = correct / predicted,
R = correct / gold, F = 2PR/(P+R), OOV recall = recall of gold words not in
the training word list.

Usage::

    .venv/bin/python benchmarks/bench_sighan.py [--data ../shared/data/eval/sighan2005] [--backend jieba]
"""
from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def spans(words):
    out, pos = set(), 0
    for w in words:
        out.add((pos, pos + len(w)))
        pos += len(w)
    return out


def score(pred_lines, gold_lines, train_words):
    correct = n_pred = n_gold = oov_gold = oov_correct = 0
    for pred, gold in zip(pred_lines, gold_lines):
        ps, gs = spans(pred), spans(gold)
        hit = ps & gs
        correct += len(hit)
        n_pred += len(ps)
        n_gold += len(gs)
        pos = 0
        for w in gold:
            if w not in train_words:
                oov_gold += 1
                if (pos, pos + len(w)) in hit:
                    oov_correct += 1
            pos += len(w)
    p = correct / n_pred
    r = correct / n_gold
    return {"P": p, "R": r, "F": 2 * p * r / (p + r), "OOV_R": oov_correct / max(oov_gold, 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "eval" / "sighan2005"))
    ap.add_argument("--backend", default="jieba")
    args = ap.parse_args()
    import jieba
    jieba.setLogLevel(logging.WARNING)
    from analysis.segment import Segmenter
    seg = Segmenter(backend=args.backend)
    data = Path(args.data)
    for name in ("pku", "msr"):
        raw = (data / f"{name}_test.utf8").read_text(encoding="utf-8").splitlines()
        gold = [line.split() for line in (data / f"{name}_test_gold.utf8").read_text(encoding="utf-8").splitlines()]
        train = set((data / f"{name}_training_words.utf8").read_text(encoding="utf-8").split())
        raw = [r.strip() for r in raw]
        assert len(raw) == len(gold)
        t0 = time.perf_counter()
        base = [[w for w in jieba.lcut(line) if not w.isspace()] for line in raw]
        t1 = time.perf_counter()
        ours = [seg.cut(line) for line in raw]
        t2 = time.perf_counter()
        b, o = score(base, gold, train), score(ours, gold, train)
        for label, s, t in (("jieba 0.42.1", b, t1 - t0), (f"Segmenter({args.backend})", o, t2 - t1)):
            print(f"{name.upper():4s} {label:18s} F {s['F']:.3f}  P {s['P']:.3f}  R {s['R']:.3f}  "
                  f"OOV-R {s['OOV_R']:.3f}  ({t:.1f} s)")
        print(f"{name.upper():4s} delta F {o['F'] - b['F']:+.4f}")


if __name__ == "__main__":
    main()
