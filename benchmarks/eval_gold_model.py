#!/usr/bin/env python
"""Pooled held-out gold score of the extractor with a given CRF model (aggregates only).

Scores people (P / R / role, tests/test_entities_gold.py's ``score_gold``) of
``extract_entities(text, doc_id, EntityOptions(model=M))`` over the held-out
gold sets pooled: gold_entities_heldout.json + fresh3 + fresh4 + fresh5 (a+b).
``score_gold`` prints every miss: its output is swallowed here and only the
aggregate figures are printed (never tune on these sets).

    PYTHONPATH=. .venv/bin/python benchmarks/eval_gold_model.py [--model PATH]

``--sets tune7,tune8`` scores tuning sets instead (an in-genre dev set for a
model trained with ``scripts/train_ner.py --extra-gold --extra-exclude
tune7,tune8``); ``--misses`` prints their misses, refused for held-out sets.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="", help="crfsuite model (default: the packaged one)")
    ap.add_argument("--sets", default="", help="gold sets pooled (default: the held-out ones)")
    ap.add_argument("--misses", action="store_true", help="print the misses (tuning sets only)")
    args = ap.parse_args(argv)
    import test_entities_gold as tg
    from gold_sets import gold_texts, heldout_sets, is_heldout, set_docs

    from analysis.entities import EntityOptions, extract_entities
    sets = [x for x in args.sets.split(",") if x] or heldout_sets()
    if args.misses and any(is_heldout(x) for x in sets):
        ap.error("--misses is for tuning sets only: held-out sets are scored in aggregate")
    opts = EntityOptions(model=args.model)
    tg.extract_entities = lambda text, doc_id=None: extract_entities(text, doc_id, opts)
    docs = [d for name in sets for d in set_docs(name)]
    texts = gold_texts(d["id"] for d in docs)
    t0 = time.time()
    with contextlib.redirect_stdout(io.StringIO()):  # score_gold prints every miss: shown only with --misses
        s = tg.score_gold({"documents": docs}, texts)
    c = s["counts"]
    if args.misses:
        print("\n".join(m for m in s["misses"] if "programme" not in m))
    print(f"model {args.model or 'packaged'}: {'+'.join(sets)} ({len(docs)} documents, "
          f"{c['tp'] + c['fn']} gold people) person P {s['person_p']:.3f} R {s['person_r']:.3f} "
          f"role {s['role']:.3f} (tp {c['tp']} fp {c['fp']} fn {c['fn']}; {time.time() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
