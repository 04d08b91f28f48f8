"""Regression gate: figure extraction against the hand-annotated gold standard.

``tests/data/gold_figures.json`` holds every figure of the seed article and of
36 related reports, annotated by reading (not by running this code). Scores:

- precision / recall on (value, unit) per document (a range is keyed by its
  (low, high)); figures are matched one to one, in text order;
- approx accuracy and counted accuracy on the matched figures. A counted noun
  is right when it equals the gold one or one ends with the other (the head
  noun: 志愿者 / 党员志愿者), both after removing quotes; both null is right.

The floors are the issue's aims (precision, recall, approx ≥ 0.95, counted ≥
0.85 over all gold). The counted rules were tuned on one half of the gold
documents only (sorted ids, even positions: :func:`halves`); the other half is
held out, and its counted accuracy is printed and gated separately at the level
reached, so an overfitted rule shows. The measured figures are printed (``-s``).
"""
from __future__ import annotations

import json

import pytest

from analysis.figures import extract_figures
from conftest import RELATED, SEED, TESTDATA

FLOORS = {"precision": 0.95, "recall": 0.95, "approx": 0.95, "counted": 0.85}
#: counted accuracy on the held-out half (never looked at while tuning): the level reached
HELD_OUT_COUNTED_FLOOR = 0.75


def _key(rec: dict):
    def r(v):
        return None if v is None else round(float(v), 6)
    v = r(rec["value"])
    return (v if v is not None else (r(rec["low"]), r(rec["high"]))), rec["unit"]


def _norm_counted(c):
    if c is None:
        return None
    c = "".join(ch for ch in c if ch not in "“”‘’\"'「」")
    return c or None


def counted_ok(pred, gold) -> bool:
    p, g = _norm_counted(pred), _norm_counted(gold)
    if p is None or g is None:
        return p is g
    return p == g or p.endswith(g) or g.endswith(p)


def _texts() -> dict[str, str]:
    from analysis.ingest import read_path
    from analysis.document import Document
    seed = [d for d in read_path(str(SEED)) if isinstance(d, Document)]
    assert len(seed) == 1
    texts = {"seed": seed[0].body}
    with open(RELATED, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            texts[rec["id"]] = rec["content"]
    return texts


def score(gold: dict, texts: dict[str, str]) -> tuple[dict, list[str]]:
    tp = fp = fn = 0
    approx_ok = counted_right = 0
    report = []
    for doc in gold["documents"]:
        pred = extract_figures(texts[doc["id"]], doc["id"])
        used = [False] * len(pred)
        for g in doc["figures"]:
            hit = None
            for i, p in enumerate(pred):  # same key, prefer the same text
                if not used[i] and _key(p) == _key(g) and p["text"].endswith(g["text"][-2:]):
                    hit = i
                    break
            if hit is None:
                hit = next((i for i, p in enumerate(pred) if not used[i] and _key(p) == _key(g)), None)
            if hit is None:
                fn += 1
                report.append(f"{doc['id']}: MISSED {g['text']} {_key(g)}")
                continue
            used[hit] = True
            tp += 1
            p = pred[hit]
            if p["approx"] == g["approx"]:
                approx_ok += 1
            else:
                report.append(f"{doc['id']}: APPROX {g['text']} gold={g['approx']} got={p['approx']}")
            if counted_ok(p["counted"], g["counted"]):
                counted_right += 1
            else:
                report.append(f"{doc['id']}: COUNTED {g['text']} gold={g['counted']} got={p['counted']}")
        for i, p in enumerate(pred):
            if not used[i]:
                fp += 1
                report.append(f"{doc['id']}: EXTRA {p['text']} {_key(p)} | {p['sentence'][:40]}")
    s = {"tp": tp, "fp": fp, "fn": fn,
         "precision": tp / (tp + fp) if tp + fp else 1.0,
         "recall": tp / (tp + fn) if tp + fn else 1.0,
         "approx": approx_ok / tp if tp else 1.0,
         "counted": counted_right / tp if tp else 1.0}
    return s, report


@pytest.fixture(scope="module")
def gold() -> dict:
    path = TESTDATA / "gold_figures.json"
    if not path.exists():
        pytest.skip("tests/data/gold_figures.json not written yet")
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def test_gold_covers_the_selection(gold):
    ids = {d["id"] for d in gold["documents"]}
    selection = set(json.loads((TESTDATA / "gold_selection.json").read_text(encoding="utf-8")))
    assert "seed" in ids and selection <= ids
    assert sum(len(d["figures"]) for d in gold["documents"]) > 100


def test_gold_floors(gold):
    s, report = score(gold, _texts())
    print("\nfigures vs gold: " + ", ".join(
        f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in s.items()))
    for line in report:
        print("  " + line)
    for name, floor in FLOORS.items():
        assert s[name] >= floor, f"{name} {s[name]:.3f} < {floor} (see the printed report)"


def halves(gold: dict) -> tuple[dict, dict]:
    """(tuning half, held-out half) of the gold documents: sorted ids, even / odd positions."""
    ids = sorted(d["id"] for d in gold["documents"])
    tune = set(ids[0::2])
    return ({"documents": [d for d in gold["documents"] if d["id"] in tune]},
            {"documents": [d for d in gold["documents"] if d["id"] not in tune]})


def test_counted_on_the_tuning_and_held_out_halves(gold):
    texts = _texts()
    tune, held = halves(gold)
    st, _ = score(tune, texts)
    sh, report = score(held, texts)
    print(f"\ncounted: tuning half {st['counted']:.3f} ({st['tp']} figures), "
          f"held-out half {sh['counted']:.3f} ({sh['tp']} figures)")
    assert len(tune["documents"]) + len(held["documents"]) == len(gold["documents"])
    assert sh["counted"] >= HELD_OUT_COUNTED_FLOOR, "\n".join(r for r in report if "COUNTED" in r)


def test_counted_match_rule():
    assert counted_ok("党员志愿者", "志愿者") and counted_ok("“江小爱”暖心站点", "暖心站点")
    assert counted_ok(None, None)
    assert not counted_ok("群众", None) and not counted_ok("活动", "志愿者")
