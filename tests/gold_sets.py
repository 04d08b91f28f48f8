"""The hand-annotated entity gold sets of tests/data and the texts they annotate.

One place for what the entity tests (tests/test_entities_gold.py), the
in-genre CRF training (``scripts/train_ner.py --extra-gold``) and
``benchmarks/eval_gold_model.py`` all need: which sets there are, which of
them may be tuned on, their files and the texts of their documents (the seed
body, the shipped related reports, digest reports from
``../shared/data/xwlb/xwlb_articles.jsonl.gz``). Sets are discovered from the
files, so a new ``gold_entities_tuneN_a/_b.json`` joins everything at once.

Names: ``gold`` (gold_entities.json), ``heldout`` (gold_entities_heldout.json),
``tuneN`` and ``freshN`` (two files each, parts a and b). ``heldout`` and the
``fresh`` sets are held out: never tuned on, scored in aggregate only.
"""
from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SEED = ROOT / "corpus" / "seed" / "000_6821ed831be0e517.txt"
RELATED = ROOT / "corpus" / "related" / "volunteer_partybuilding_subset.jsonl"
DIGEST = (ROOT.parent / "shared" / "data" / "xwlb" / "xwlb_articles.jsonl.gz").resolve()
_PART_SET = re.compile(r"^gold_entities_((?:tune|fresh)\d+)_a\.json$")


def _number(name: str) -> int:
    return int(re.sub(r"\D", "", name) or 0)


def tuning_sets() -> list[str]:
    """``gold`` and every ``tuneN`` with its files, in order."""
    found = [m.group(1) for p in DATA.glob("gold_entities_tune*_a.json") if (m := _PART_SET.match(p.name))]
    return ["gold"] + sorted(found, key=_number)


def heldout_sets() -> list[str]:
    """``heldout`` and every ``freshN``: never tuned on."""
    found = [m.group(1) for p in DATA.glob("gold_entities_fresh*_a.json") if (m := _PART_SET.match(p.name))]
    return ["heldout"] + sorted(found, key=_number)


def is_heldout(name: str) -> bool:
    return name == "heldout" or name.startswith("fresh")


def set_files(name: str) -> list[Path]:
    """The annotation files of a set (the parts that exist)."""
    if name in ("gold", "heldout"):
        return [DATA / ("gold_entities.json" if name == "gold" else "gold_entities_heldout.json")]
    return [p for p in (DATA / f"gold_entities_{name}_{part}.json" for part in "ab") if p.exists()]


def set_docs(name: str) -> list[dict]:
    """The annotated documents of a set, its files in order."""
    return [d for path in set_files(name) for d in json.loads(path.read_text(encoding="utf-8"))["documents"]]


def selection(name: str) -> list[str]:
    """The report ids a set was drawn from (tests/data/gold_selection_<name>.json; ``gold``: gold_selection.json)."""
    fname = "gold_selection.json" if name == "gold" else f"gold_selection_{name}.json"
    return json.loads((DATA / fname).read_text(encoding="utf-8"))


def digest_texts_by_id(ids, path: Path = DIGEST) -> dict[str, str]:
    """The 'content' of the digest reports with these ids, read in one pass that stops when
    all are found; {} for the ids when the file is absent."""
    want = set(ids)
    out: dict[str, str] = {}
    if not want or not path.exists():
        return out
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line[8:22].split('"')[0] in want:  # '{"id": "20221204-5100", ...': no parse for the rest
                rec = json.loads(line)
                out[rec["id"]] = rec["content"]
                if len(out) == len(want):
                    break
    return out


def gold_texts(ids) -> dict[str, str]:
    """Texts of these gold document ids: ``seed`` (the seed article's body), the related
    reports, and digest reports for the rest (missing when ../shared is absent)."""
    from analysis.ingest.reader import read_path
    want = set(ids)
    out: dict[str, str] = {}
    if "seed" in want:
        out["seed"] = next(d for d in read_path(SEED) if hasattr(d, "body")).body
    with open(RELATED, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if str(rec["id"]) in want:
                out[str(rec["id"])] = rec["content"]
    out.update(digest_texts_by_id(want - set(out)))
    return out
