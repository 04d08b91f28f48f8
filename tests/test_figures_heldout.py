"""Figures on a second gold set that was never used to build or tune the extractor.

``tests/data/gold_figures_heldout.json`` holds every figure of 30 related
reports (``tests/data/gold_selection_heldout.json``), annotated by reading,
with the same conventions as ``gold_figures.json``; the scoring is the same
(``test_figures_gold.score``). It measures how the extractor generalises.

Measured 2026-11-29 (before the last round of counted-noun work): precision
0.965, recall 0.990, approx 0.990, counted 0.728. The gate holds precision,
recall and approx at the issue's 0.95 and counted at the level reached: the
issue's counted aim (0.85) is NOT met on held-out reports.
"""
from __future__ import annotations

import json

import pytest

from conftest import TESTDATA
from test_figures_gold import _texts, score

FLOORS = {"precision": 0.95, "recall": 0.95, "approx": 0.95, "counted": 0.70}


@pytest.fixture(scope="module")
def heldout():
    return json.loads((TESTDATA / "gold_figures_heldout.json").read_text(encoding="utf-8"))


def test_heldout_gold_is_disjoint_and_complete(heldout):
    sel = json.loads((TESTDATA / "gold_selection_heldout.json").read_text(encoding="utf-8"))
    tuned = json.loads((TESTDATA / "gold_selection.json").read_text(encoding="utf-8"))
    assert [d["id"] for d in heldout["documents"]] == sel and not set(sel) & set(tuned)
    assert sum(len(d["figures"]) for d in heldout["documents"]) > 150


def test_heldout_floors(heldout):
    s, report = score(heldout, _texts())
    print("\nfigures vs held-out gold: " + ", ".join(
        f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in s.items()))
    for name, floor in FLOORS.items():
        assert s[name] >= floor, f"{name} {s[name]:.3f} < {floor}\n" + "\n".join(report)
