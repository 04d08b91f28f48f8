#!/usr/bin/env python
"""Build analysis/data/ner/place_names.txt: names that read as places, not people.

One reproducible command (about two minutes on one core)::

    .venv/bin/python scripts/build_place_names.py \
        [--corpus ../shared/data/xwlb/xwlb_articles.jsonl.gz] [--out analysis/data/ner/place_names.txt]

Why: the character CRF was trained on People's Daily 1998 and reads many
foreign places of today's news as people (卢甘斯克, 库皮扬斯克, 汗尤尼斯,
贝鲁特, 卡塔尔): they are transliterations, like foreign names. Counting
over the whole digest corpus where each such "name" stands tells them apart.

Two sources, both written down in the file's header:

1. **The digest corpus** (``xwlb_articles.jsonl.gz``; every report in a
   ``tests/data/gold_selection*.json`` file is left out, so the gold sets
   stay unseen). :func:`analysis.entities.extract_entities`, run without a
   place list, gives the person names. For each name, every occurrence in
   the corpus is classed by its context: a place context is a preposition
   or verb of place before it (在, 赴, 抵达, 前往, 首都, 空袭, 攻占...) or a
   place word after it (市, 州, 地区, 方向, 附近, 一带, 境内, 等地...); a
   person context is a verb of speech after it (表示, 说, 称, 指出...). A
   name is kept when it has at least ``--min-place`` place contexts, no
   person context, a role in fewer than one mention of ten (a stray
   "title" before a place), and at least as many place contexts as person
   mentions.
2. **CLDR** (the Unicode Common Locale Data Repository, through the
   ``babel`` package): the Chinese names of countries and territories and of
   the time-zone exemplar cities (文莱, 汤加, 卡塔尔, 基辅, 贝鲁特).

The extractor drops a listed name unless one of its mentions in the text
has a title or a verb of speech (:meth:`analysis.entities._Doc._place_names`),
so a listed name can still be a person where the text says so.
"""
from __future__ import annotations

import argparse
import collections
import glob
import gzip
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_CORPUS = ROOT.parent / "shared/data/xwlb/xwlb_articles.jsonl.gz"
DEFAULT_OUT = ROOT / "analysis/data/ner/place_names.txt"

PLACE_BEFORE = re.compile(r"(?:在|赴|抵|抵达|到|前往|首都|城市|飞往|袭击|空袭|进攻|攻占|控制|包围|撤出|撤离|向)$")
PLACE_AFTER = re.compile(r"^(?:市|州|省|地区|方向|附近|一带|境内|等地|郊区|当地|港|机场|市区|北部|南部|东部|西部|"
                         r"中部|周边|前线|战线|地带|政府|方面|定居点|油田|战役|战场)")
PERSON_AFTER = re.compile(r"^(?:表示|说|称|指出|认为|强调|宣布|会见|会晤|发表|透露|回应|介绍|告诉|同志)")


def corpus_texts(path: Path) -> list[str]:
    """The reports of the digest corpus, without those of any gold selection."""
    return [text for _, text in corpus_reports(path)]


def corpus_reports(path: Path) -> list[tuple[str, str]]:
    """(id, content) of the digest corpus, without the reports of any gold selection
    (also used by scripts/build_known_names.py)."""
    excluded: set[str] = set()
    for f in glob.glob(str(ROOT / "tests" / "data" / "gold_selection*.json")):
        excluded |= set(json.loads(Path(f).read_text(encoding="utf-8")))
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if str(rec["id"]) not in excluded:
                out.append((str(rec["id"]), rec["content"]))
    return out


def place_contexts(texts: list[str], min_place: int) -> list[tuple[str, int, int]]:
    """(name, person mentions, place contexts) of the names the corpus writes only as places."""
    from analysis.entities import EntityOptions, extract_entities
    opts = EntityOptions(place_names="none")
    mentions: collections.Counter[str] = collections.Counter()
    with_role: collections.Counter[str] = collections.Counter()
    for text in texts:
        for e in extract_entities(text, options=opts):
            if e["label"] == "person" and e["name"] == e["text"] and len(e["name"]) >= 2:
                mentions[e["name"]] += 1
                if e.get("role"):
                    with_role[e["name"]] += 1
    big = "\n".join(texts)
    rows = []
    for name, n in mentions.items():
        if with_role[name] * 10 > n:
            continue  # a title before it in one mention of ten or more
        place = person = 0
        for m in re.finditer(re.escape(name), big):
            a, b = m.start(), m.end()
            if PLACE_BEFORE.search(big, max(0, a - 2), a) or PLACE_AFTER.match(big, b):
                place += 1
            if PERSON_AFTER.match(big, b):
                person += 1
                break
        if person == 0 and place >= min_place and place >= n:
            rows.append((name, n, place))
    return sorted(rows, key=lambda r: (-r[2], r[0]))


def cldr_places() -> tuple[list[str], str]:
    """Chinese CLDR names of territories and exemplar cities (2+ characters)."""
    import babel
    from babel import Locale
    loc = Locale("zh")
    names = set()
    for code, name in loc.territories.items():
        if len(code) == 2 and code.isalpha():
            names.add(name)
    for zone in loc.time_zones.values():
        if zone.get("city"):
            names.add(zone["city"])
    han = re.compile(r"^[\u4e00-\u9fff]{2,8}$")
    return sorted(n for n in names if han.match(n)), babel.__version__


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--min-place", type=int, default=3, help="fewest place contexts of a corpus name")
    args = ap.parse_args(argv)
    texts = corpus_texts(args.corpus)
    corpus_rows = place_contexts(texts, args.min_place)
    cldr, babel_version = cldr_places()
    seen = {r[0] for r in corpus_rows}
    lines = [
        "# Names that read as places, not people (analysis/entities.py drops them as people unless",
        "# the text gives a title or a verb of speech). Written by scripts/build_place_names.py; do not edit.",
        f"# 1. {len(corpus_rows)} names from the digest corpus ({args.corpus.name}, {len(texts)} reports, gold",
        f"#    selections left out): name, person mentions, place contexts (>= {args.min_place}, none of speech).",
        f"# 2. {len([n for n in cldr if n not in seen])} CLDR names of countries, territories and exemplar cities"
        f" (babel {babel_version}, Unicode licence).",
    ]
    lines += [f"{n}\t{m}\t{p}" for n, m, p in corpus_rows]
    lines += [f"{n}\tcldr" for n in cldr if n not in seen]
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(args.out)
    print(f"{args.out}: {len(corpus_rows)} corpus names, {len(cldr)} CLDR names", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
