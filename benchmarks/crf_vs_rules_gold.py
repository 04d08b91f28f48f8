"""Person precision/recall of the bare CRF's PER spans vs ``extract_entities`` on each gold set.

Aggregate figures only (no per-item output), so it may be run on the held-out
sets (gold_entities_heldout.json, gold_entities_fresh3_*.json) without
tuning on them. Names are compared per document as sets (exact strings),
as tests/test_entities_gold.py does; the seed is left out.

Usage::

    PYTHONHASHSEED=0 .venv/bin/python benchmarks/crf_vs_rules_gold.py
"""
import json, sys
from pathlib import Path
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from analysis.entities import _resources, extract_entities
texts = {}
for line in open(ROOT / "corpus" / "related" / "volunteer_partybuilding_subset.jsonl", encoding="utf-8"):
    r = json.loads(line); texts[str(r["id"])] = r["content"]
tagger = _resources(None).tagger
for label, files in (("tuning", ["gold_entities.json"]), ("tune2", ["gold_entities_tune2_a.json", "gold_entities_tune2_b.json"]),
                     ("heldout", ["gold_entities_heldout.json"]), ("fresh3", ["gold_entities_fresh3_a.json", "gold_entities_fresh3_b.json"])):
    docs = [d for f in files for d in json.load(open(ROOT / "tests" / "data" / f, encoding="utf-8"))["documents"]]
    res = {}
    for name in ("crf", "rules"):
        tp = fp = fn = 0
        for d in docs:
            if d["id"] not in texts: continue
            t = texts[d["id"]]
            if name == "crf":
                spans = tagger.entity_spans(t)[0]
                pred = {t[s:e] for s, e, lab in spans if lab.lower().startswith(("per", "nr"))}
            else:
                pred = {r["name"] for r in extract_entities(t, d["id"]) if r["label"] == "person"}
            gold = {p["name"] for p in d["people"]}
            tp += len(pred & gold); fp += len(pred - gold); fn += len(gold - pred)
        res[name] = f"P {tp/max(1,tp+fp):.3f} R {tp/max(1,tp+fn):.3f} (tp {tp} fp {fp} fn {fn})"
    print(label, res)
