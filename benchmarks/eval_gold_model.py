#!/usr/bin/env python
"""Pooled held-out gold score of the extractor with a given CRF model (aggregates only).

Scores people (P / R / role, tests/test_entities_gold.py's ``score_gold``) of
``extract_entities(text, doc_id, EntityOptions(model=M))`` over the held-out
gold sets pooled: gold_entities_heldout.json + fresh3 + fresh4 + fresh5 (a+b).
``score_gold`` prints every miss: its output is swallowed here and only the
aggregate figures are printed (never tune on these sets).

    PYTHONPATH=. .venv/bin/python benchmarks/eval_gold_model.py [--model PATH]
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

HELDOUT_FILES = ["gold_entities_heldout.json"] + [f"gold_entities_{n}_{p}.json" for n in ("fresh3", "fresh4", "fresh5")
                                                  for p in "ab"]
DIGEST_HELDOUT = {"fresh5"}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="", help="crfsuite model (default: the packaged one)")
    args = ap.parse_args(argv)
    import test_entities_gold as tg
    from conftest import digest_texts_by_id
    from analysis.entities import EntityOptions, extract_entities
    from analysis.ingest.reader import read_path

    opts = EntityOptions(model=args.model)
    tg.extract_entities = lambda text, doc_id=None: extract_entities(text, doc_id, opts)
    data = ROOT / "tests" / "data"
    docs, digest_ids = [], set()
    for fname in HELDOUT_FILES:
        part = json.loads((data / fname).read_text(encoding="utf-8"))["documents"]
        docs.extend(part)
        if any(f"_{n}_" in fname for n in DIGEST_HELDOUT):
            digest_ids.update(d["id"] for d in part)
    texts = {"seed": next(d for d in read_path(ROOT / "corpus/seed/000_6821ed831be0e517.txt")
                          if hasattr(d, "body")).body}
    with open(ROOT / "corpus/related/volunteer_partybuilding_subset.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            texts[str(r["id"])] = r["content"]
    texts.update(digest_texts_by_id(digest_ids))
    t0 = time.time()
    with contextlib.redirect_stdout(io.StringIO()):  # score_gold prints every miss: never shown
        s = tg.score_gold({"documents": docs}, texts)
    c = s["counts"]
    print(f"model {args.model or 'packaged'}: pooled held-out ({len(docs)} documents, "
          f"{c['tp'] + c['fn']} gold people) person P {s['person_p']:.3f} R {s['person_r']:.3f} "
          f"role {s['role']:.3f} (tp {c['tp']} fp {c['fp']} fn {c['fn']}; {time.time() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
