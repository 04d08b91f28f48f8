"""Entity extraction against the hand-annotated gold (tests/data/gold_entities.json).

The gold (written by another engineer without looking at analysis/) lists, for
the seed article and 36 related reports, every named person with role and
affiliation, and every programme name.

Scoring, as documented in the README ("Entities"):

- **People**: per document, the set of unique predicted person names against
  the set of gold names (exact string); precision and recall are micro-averaged
  over documents (summed true/false positives and false negatives).
- **Roles**: over matched people. Both strings are normalised (punctuation,
  quotes and spaces removed). A predicted role is right when it equals the
  gold role or one of its ``role_alternatives``, or when one contains the
  other (the gold's own note: "treat role/affiliation as matching when one
  string contains the other or equals a role_alternative"); when the gold
  role is null, a null prediction is right. The predicted role of a person is
  the first non-null role of its mentions.
- **Programmes**: per document, unique normalised names; a prediction matches
  a gold name when one contains the other (the gold asks for containment:
  西部计划 / 大学生志愿服务西部计划); predictions that hit the gold's
  ``programmes_borderline`` list are ignored (neither true nor false).

Floors asserted: person precision ≥ 0.95, recall ≥ 0.90, role ≥ 0.85.
Programme precision/recall are printed and held to a lower floor (the issue
sets no aim for them).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from analysis.entities import extract_entities
from gold_sets import gold_texts, selection, set_docs

GOLD = Path(__file__).parent / "data" / "gold_entities.json"
#: a second gold set, annotated the same way on 30 other reports and never used
#: while building or tuning the extractor (tests/data/gold_selection_heldout.json)
GOLD_HELDOUT = Path(__file__).parent / "data" / "gold_entities_heldout.json"
_PUNCT = re.compile(r"[\s“”\"‘’'「」『』《》()（）,，、。:：;；!！?？·・\-—_]+")


def norm(s: str | None) -> str:
    return _PUNCT.sub("", s or "")


def role_ok(pred: str | None, gold: dict) -> bool:
    """The fair comparison of a predicted role with a gold person's role."""
    if gold.get("role") is None:
        return pred is None or not norm(pred)
    if not pred:
        return False
    p = norm(pred)
    for g in [gold["role"]] + list(gold.get("role_alternatives") or []):
        g = norm(g)
        if g and (p == g or p in g or g in p):
            return True
    return False


def prog_match(a: str, b: str) -> bool:
    a, b = norm(a), norm(b)
    return bool(a) and bool(b) and (a == b or a in b or b in a)


@pytest.fixture(scope="module")
def gold():
    if not GOLD.exists():
        pytest.skip("tests/data/gold_entities.json not written yet")
    return json.loads(GOLD.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def texts(seed_path, related_records):
    from analysis.ingest.reader import read_path
    seed = next(d for d in read_path(seed_path) if hasattr(d, "body"))
    out = {"seed": seed.body}
    for r in related_records:
        out[str(r["id"])] = r["content"]
    return out


@pytest.fixture(scope="module")
def scores(gold, texts):
    return score_gold(gold, texts)


def score_gold(gold: dict, texts: dict[str, str]) -> dict:
    """Person P/R, role accuracy and programme P/R of extract_entities on a gold set."""
    tp = fp = fn = 0
    roles_right = roles_total = 0
    ptp = pfp = pfn = 0
    misses: list[str] = []
    for doc in gold["documents"]:
        text = texts[doc["id"]]
        recs = extract_entities(text, doc["id"])
        pred_people: dict[str, str | None] = {}
        for r in recs:
            if r["label"] == "person":
                if r["name"] not in pred_people or (pred_people[r["name"]] is None and r["role"]):
                    pred_people[r["name"]] = r["role"]
        gold_people = {p["name"]: p for p in doc["people"]}
        for name in pred_people:
            if name in gold_people:
                tp += 1
                roles_total += 1
                if role_ok(pred_people[name], gold_people[name]):
                    roles_right += 1
                else:
                    misses.append(f"{doc['id']} role {name}: {pred_people[name]!r} vs {gold_people[name]['role']!r}")
            else:
                fp += 1
                misses.append(f"{doc['id']} extra person {name}")
        for name in gold_people:
            if name not in pred_people:
                fn += 1
                misses.append(f"{doc['id']} missed person {name}")
        # programmes
        gp = list(dict.fromkeys(doc.get("programmes") or []))
        border = doc.get("programmes_borderline") or []
        pp = list(dict.fromkeys(r["name"] for r in recs if r["label"] == "programme"))
        matched_gold = set()
        for name in pp:
            hits = [g for g in gp if prog_match(name, g)]
            if hits:
                ptp += 1
                matched_gold.update(hits)
            elif any(prog_match(name, b) for b in border):
                continue
            else:
                pfp += 1
                misses.append(f"{doc['id']} extra programme {name}")
        for g in gp:
            if g not in matched_gold:
                pfn += 1
                misses.append(f"{doc['id']} missed programme {g}")
    res = dict(person_p=tp / max(1, tp + fp), person_r=tp / max(1, tp + fn),
               role=roles_right / max(1, roles_total), prog_p=ptp / max(1, ptp + pfp),
               prog_r=(ptp and (sum(len(set(d.get("programmes") or [])) for d in gold["documents"]) - pfn)
                       / max(1, sum(len(set(d.get("programmes") or [])) for d in gold["documents"]))),
               counts=dict(tp=tp, fp=fp, fn=fn, roles=roles_total, prog_tp=ptp, prog_fp=pfp, prog_fn=pfn),
               misses=misses)
    print("\nentities gold:", {k: (round(v, 3) if isinstance(v, float) else v) for k, v in res.items()
                               if k != "misses"})
    print("\n".join(misses))
    return res


def test_gold_covers_seed_and_30_reports(gold, texts):
    ids = [d["id"] for d in gold["documents"]]
    assert "seed" in ids and len(ids) >= 31
    assert all(i in texts for i in ids)


def test_person_precision(scores):
    assert scores["person_p"] >= 0.95, scores["misses"]


def test_person_recall(scores):
    assert scores["person_r"] >= 0.90, scores["misses"]


def test_role_accuracy(scores):
    assert scores["role"] >= 0.85, scores["misses"]


def test_programmes(scores):
    # no aim in the issue; a floor that catches a broken programme finder
    assert scores["prog_r"] >= 0.5 and scores["prog_p"] >= 0.4, scores["misses"]


@pytest.fixture(scope="module")
def heldout_scores(texts):
    return score_gold(json.loads(GOLD_HELDOUT.read_text(encoding="utf-8")), texts)


def test_heldout_gold_covers_its_selection():
    sel = json.loads((GOLD.parent / "gold_selection_heldout.json").read_text(encoding="utf-8"))
    gold = json.loads(GOLD_HELDOUT.read_text(encoding="utf-8"))
    assert [d["id"] for d in gold["documents"]] == sel
    assert not set(sel) & set(json.loads((GOLD.parent / "gold_selection.json").read_text(encoding="utf-8")))


#: Held-out floors: the level reached (22 people in 30 reports, so one person
#: moves recall by 0.045). The issue's aims (P 0.95, R 0.90, role 0.85) are
#: NOT reached on this held-out set; the README reports both figures.
#: 2026-11-29 (organisation/person work of issue 5, model c1 0.1/c2 0.05): person
#: P 0.81 -> 0.85, R 0.773, role 0.882 unchanged; precision floor raised to 0.80.
HELDOUT_FLOORS = {"person_p": 0.80, "person_r": 0.70, "role": 0.85}


def test_heldout_people_and_roles(heldout_scores):
    """On reports never used for tuning: a regression gate at the level reached."""
    s = heldout_scores
    for key, floor in HELDOUT_FLOORS.items():
        assert s[key] >= floor, (key, s[key], s["misses"])


def test_role_comparison_is_fair():
    g = {"role": "住户", "role_alternatives": ["老人"]}
    assert role_ok("老人", g) and role_ok("住户", g) and not role_ok("书记", g)
    assert role_ok("沿山社区党委书记", {"role": "沿山社区党委书记"})
    assert role_ok("党委书记", {"role": "沿山社区党委书记"})
    assert role_ok(None, {"role": None}) and not role_ok(None, {"role": "记者"})


#: more tuning sets, each 30 related reports outside every other selection
#: (tests/data/gold_selection_<name>.json), annotated in two parts by two annotators the same
#: way as gold_entities.json; tuning on them is allowed. tune2: session 3; tune3: session 4
#: (scored before anyone tuned on it: P 0.975, R 0.929, role 0.899 over 85 people).
#: Floors: the level reached.
TUNING_SETS = {
    "tune2": {"person_p": 0.90, "person_r": 0.85, "role": 0.85},
    "tune3": {"person_p": 0.95, "person_r": 0.90, "role": 0.90},
    "tune4": {"person_p": 0.95, "person_r": 0.90, "role": 0.90},
    "tune5": {"person_p": 0.95, "person_r": 0.95, "role": 0.90},
    "tune6": {"person_p": 0.95, "person_r": 0.95, "role": 0.90},
    "tune7": {"person_p": 0.95, "person_r": 0.88, "role": 0.85},
    "tune8": {"person_p": 0.95, "person_r": 0.92, "role": 0.90},
    "tune9": {"person_p": 0.95, "person_r": 0.95, "role": 0.85},
    "tune10": {"person_p": 0.95, "person_r": 0.95, "role": 0.90},
    "tune11": {"person_p": 0.95, "person_r": 0.75, "role": 0.90},
    "tune12": {"person_p": 0.95, "person_r": 0.93, "role": 0.95},
    "tune13": {"person_p": 0.97, "person_r": 0.87, "role": 0.95},
    "tune14": {"person_p": 0.95, "person_r": 0.90, "role": 0.95},
    "tune15": {"person_p": 0.93, "person_r": 0.93, "role": 0.90},
    "tune16": {"person_p": 0.95, "person_r": 0.87, "role": 0.95},
    "tune17": {"person_p": 0.97, "person_r": 0.95, "role": 0.93},
    "tune18": {"person_p": 0.97, "person_r": 0.93, "role": 0.93},
    "tune19": {"person_p": 0.93, "person_r": 0.97, "role": 0.95},
    # session 6: tune20-22 are related reports (corpus/related, 90 of the 205 in no selection),
    # annotated blind; first look with the session-start code (770c7e2) before anyone read their
    # misses: tune20 0.966 / 0.966 / 0.965 (59 people), tune21 1.000 / 0.962 / 0.961 (53),
    # tune22 1.000 / 0.940 / 0.974 (83); pooled 0.989 / 0.954 / 0.968 over 195 people
    "tune20": {"person_p": 0.95, "person_r": 0.95, "role": 0.95},
    "tune21": {"person_p": 0.95, "person_r": 0.95, "role": 0.92},
    "tune22": {"person_p": 0.97, "person_r": 0.97, "role": 0.95},
    # tune23/24: 60 more related reports (their extractor output was read in audit J before they
    # were annotated); first look with the session-start code: tune23 0.963 / 0.867 / 0.962
    # (30 people), tune24 1.000 / 0.978 / 0.932 (45); tune20-24 pooled 0.988 / 0.948 / 0.961 (270)
    "tune23": {"person_p": 0.95, "person_r": 0.93, "role": 0.85},
    "tune24": {"person_p": 0.97, "person_r": 0.97, "role": 0.95},
    # tune25-27: digest reports of the local genre with counts (three or more words of local life, two
    # or more counted nouns; some were in session 5's audit pools); first look with the session-start
    # code: tune25 1.000 / 0.969 / 0.935 (32 people), tune26 0.971 / 0.917 / 0.970 (36), tune27
    # 0.867 / 0.897 / 1.000 (29; two of its four false names were the annotator's: 习近平总书记 in two
    # reports marked "no named people", corrected by reading, see the notes), pooled 0.947 / 0.928 / 0.967
    "tune25": {"person_p": 0.97, "person_r": 0.95, "role": 0.90},
    "tune26": {"person_p": 0.95, "person_r": 0.88, "role": 0.93},
    "tune27": {"person_p": 0.95, "person_r": 0.90, "role": 0.95},
}
#: held-out sets annotated the same way after a tuning round and scored only in aggregate:
#: never tune on them; their misses are deliberately not printed (not even when a floor fails).
#: fresh3 landed after session 3's round (73 people: P 0.859, R 0.918, role 0.94 then);
#: fresh4 in session 4, before its round (55 people: P 0.893, R 0.909, role 0.96 with the code
#: of the session start). Floors: regression gates below the level measured, not targets.
HELDOUT_SETS = {
    "fresh3": {"person_p": 0.84, "person_r": 0.88, "role": 0.90},
    "fresh4": {"person_p": 0.85, "person_r": 0.85, "role": 0.90},
    "fresh5": {"person_p": 0.90, "person_r": 0.85, "role": 0.90},
    "fresh6": {"person_p": 0.95, "person_r": 0.93, "role": 0.60},
    "fresh7": {"person_p": 0.95, "person_r": 0.93, "role": 0.93},
}
#: fresh7 (session 6; 30 related reports, read twice blind: 64 of 64 people and every role agree,
#: gold_entities_fresh7_r2.json) scored once with the session's final code: 0.984 / 0.969 / 0.984
#: (the session-start code: 0.984 / 0.969 / 0.758; the role gain is the heading of a list, tune9's).
#: fresh6 (digest; session 5, scored once with the session's final code: 138 people, one report alone
#: lists 68; its roles follow the annotator's reading of titles over long lists, 在主席台就座的领导同志还有…
#: -> 领导同志, which the extractor leaves null: role 0.649). The other held-out sets were annotated a
#: second time, blind (gold_entities_<set>_r2.json): people agree 154 of 154 and one role differed.
#: tune4, tune6-9 and fresh5 are digest reports of the genre outside the related reports (texts from
#: ../shared/data/xwlb/xwlb_articles.jsonl.gz): tune4 (first look with session 4's code before
#: its tune4 round: P 0.906, R 0.889, role 0.958 over 54 people; with the session-start code
#: 0.870 / 0.870 / 0.957) and fresh5 (first look 1.0 / 0.923 / 0.958 over 26 people, both codes)
#: tune5 (related reports whose extractor output was read in session 4's audits: first look
#: 1.0 / 0.979 / 0.979 over 97 people) and tune6 (digest reports: first look 0.926 / 0.909 / 0.96
#: over 55 people) came after the tune4 round
#: tune7 and tune8 (digest reports; first looks 0.903 / 0.848 / 0.893 over 33 people and
#: 0.900 / 0.947 / 0.917 over 38) came after the tune5/tune6 round
#: tune9 (digest; first look 0.948 / 0.936 / 0.836 over 78 people) came after that
#: tune10 and tune11 (digest; session 5, first looks with session 4's code 0.919 / 0.971 / 0.941 over 35
#: people and 1.0 / 0.769 / 0.95 over 26; tune11's misses are names the rules do not find: 谌贻琴
#: twice, 舒穗英家, 参加调研的连德仁, a clause-initial 文安红, 帕克普尔 after 新任…总司令)
#: tune12-tune17 (digest; session 5, three rounds of two sets, tune13/15/17 people-rich: six or more words
#: of local life). First looks, person P / R, session-start code -> the session's code of that moment
#: (each before anyone read the set's misses): tune12+13 0.927 / 0.891 -> 0.943 / 0.891 (129 people),
#: tune14+15 0.897 / 0.897 -> 0.907 / 0.907 (107), tune16+17 0.960 / 0.922 -> 0.960 / 0.942 (103);
#: pooled over the six 0.927 / 0.903 -> 0.936 / 0.912 (339 people). tune18/tune19 (people-rich, after
#: the final held-out look): first look with the session's code 0.963 / 0.972 (108 people)
SELECTIONS = ["gold", "heldout", *TUNING_SETS, *HELDOUT_SETS]


@pytest.mark.parametrize("name", [*TUNING_SETS, *HELDOUT_SETS])
def test_gold_set_covers_its_selection(name):
    sel = selection(name)
    ids = [d["id"] for d in set_docs(name)]
    assert sorted(ids) == sorted(sel) and len(ids) == len(set(ids)) == 30
    for other in SELECTIONS:
        if other != name:
            assert not set(sel) & set(selection(other)), other


def _set_texts(name: str) -> dict[str, str]:
    """The texts of a set's documents (digest reports: skips without ../shared)."""
    docs = set_docs(name)
    out = gold_texts(d["id"] for d in docs)
    if len(out) < len({d["id"] for d in docs}):
        from conftest import shared_file
        shared_file("xwlb", "xwlb_articles.jsonl.gz")  # skips, with the reason, when ../shared is absent
    assert {d["id"] for d in docs} <= set(out)
    return out


@pytest.mark.parametrize("name", TUNING_SETS)
def test_tuning_set_people_and_roles(name):
    """People and roles on a tuning set (P/R/role and misses printed with -s)."""
    s = score_gold({"documents": set_docs(name)}, _set_texts(name))
    for key, floor in TUNING_SETS[name].items():
        assert s[key] >= floor, (key, s[key], s["misses"])


@pytest.mark.parametrize("name", HELDOUT_SETS)
def test_heldout_set_people_and_roles(name):
    """On reports nobody tuned on: aggregate floors only (no per-item output)."""
    import contextlib
    import io
    with contextlib.redirect_stdout(io.StringIO()):  # score_gold prints every miss
        s = score_gold({"documents": set_docs(name)}, _set_texts(name))
    for key, floor in HELDOUT_SETS[name].items():
        assert s[key] >= floor, (key, round(s[key], 3))
