#!/usr/bin/env python
"""Build analysis/data/ner/known_names.txt: names the surname rules cannot read.

One reproducible command (a few seconds)::

    .venv/bin/python scripts/build_known_names.py \
        [--corpus ../shared/data/xwlb/xwlb_articles.jsonl.gz] [--out analysis/data/ner/known_names.txt]

Why: a Chinese name is read by its surname (``surnames.txt``, counted in
People's Daily 1998-01). Officials of today's news with a surname that corpus
never or hardly writes (谌贻琴, 尤权, 应勇, 岑浩辉, 怀进鹏, 蓝佛安) are missed
wherever no title stands right before them: in a list of leaders
(王毅、李干杰、王小洪、谌贻琴出席), after 和, at a clause start.

The digest corpus (``xwlb_articles.jsonl.gz``; every report of a
``tests/data/gold_selection*.json`` file left out, so the gold sets stay
unseen) writes such names many times right after an office (副团长谌贻琴、,
国家主席通伦，). A candidate is the two or three Chinese characters after an
office of ``roles.txt`` and before a boundary (、，。；和及等 or a verb of
speech or attendance). It is kept when

- its first character is a surname People's Daily writes fewer than
  ``_RARE_SURNAME`` times (a name with a common surname needs no list), or
  jieba's dictionary has it as a place or other proper noun (普京/ns, 苏林/ns:
  the rules read no name there either);
- it stands after an office in at least ``--min-docs`` reports and in a
  list (next to a 、) in at least ``--min-lists`` reports;
- it is no dictionary word but a name (jieba ``nr``, ``ns``, ``nz`` or none), holds no
  dictionary word that is not a name (念兹 of 念兹在兹, 治久安), no function
  character (的, 在, 和...), and in fewer than one occurrence of five is it
  part of a longer dictionary word;
- it is no division of the gazetteer and on no place list.

The extractor takes every mention of a listed name that is not part of a
word, a place or a quoted brand (option ``known_names``, "none" to switch off).
"""
from __future__ import annotations

import argparse
import collections
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
from build_place_names import corpus_reports  # noqa: E402  (the same reports, gold selections left out)

DEFAULT_CORPUS = ROOT.parent / "shared/data/xwlb/xwlb_articles.jsonl.gz"
DEFAULT_OUT = ROOT / "analysis/data/ner/known_names.txt"
HAN = re.compile(r"^[\u4e00-\u9fff]+$")
#: what may follow a name after an office: a list mark, a stop, a verb of speech or attendance
AFTER = re.compile(r"[、，。；和及等]|出席|表示|说|指出|强调|主持|会见|会晤|陪同|参加|讲话|致辞|宣布|在")


def known_names(reports: list[tuple[str, str]], min_docs: int, min_lists: int) -> list[tuple[str, int, int]]:
    """(name, reports with the name after an office, reports with it in a list), most frequent first."""
    from analysis import entities as E
    res = E._resources(E.EntityOptions())
    office = E._Doc("", None, res)._office_re()
    words = res.common_words
    after_office: dict[str, set[str]] = collections.defaultdict(set)
    for doc_id, text in reports:
        for m in office.finditer(text):
            a = m.end()
            for ln in (3, 2):
                x = text[a:a + ln]
                if len(x) == ln and HAN.match(x) and AFTER.match(text, a + ln):
                    after_office[x].add(doc_id)
                    break

    def name_like(x: str) -> bool:
        tag = words.get(x, "nr")
        if tag.startswith("nr") and res.surnames.get(x[0], 0) >= E._RARE_SURNAME or x[0] in E._NOT_SURNAME_START:
            return False  # (a name jieba tags as a place, 普京/ns, 苏林/ns, is no name to the rules either)
        if any(c in E._NOT_IN_NAME for c in x) or x in res.roles or not (tag.startswith("nr") or tag in ("ns", "nz")):
            return False
        subs = (x[i:j] for i in range(len(x)) for j in range(i + 2, len(x) + 1) if (i, j) != (0, len(x)))
        if any(not words.get(s, "nr").startswith("nr") for s in subs):
            return False
        return not (res.gaz.has(x) or x in res.place_names)

    cands = {x for x, ds in after_office.items() if len(ds) >= min_docs and name_like(x)}
    if not cands:
        return []
    rx = re.compile("|".join(sorted(map(re.escape, cands), key=len, reverse=True)))
    in_list: dict[str, set[str]] = collections.defaultdict(set)
    seen: collections.Counter[str] = collections.Counter()
    in_word: collections.Counter[str] = collections.Counter()
    for doc_id, text in reports:
        for m in rx.finditer(text):
            x, a, b = m.group(0), m.start(), m.end()
            seen[x] += 1
            if text[a - 1:a] == "、" or text[b:b + 1] == "、":
                in_list[x].add(doc_id)
            if any(text[i:j] in words for i in (a - 1, a - 2) if i >= 0 for j in (b, b + 1)) \
                    or any(text[i:j] in words for i in (a, a + 1) for j in (b + 1, b + 2) if j - i >= 2 and i < b):
                in_word[x] += 1
    rows = [(x, len(after_office[x]), len(in_list[x])) for x in cands
            if len(in_list[x]) >= min_lists and in_word[x] * 5 < seen[x]]
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--min-docs", type=int, default=5, help="fewest reports with the name after an office")
    ap.add_argument("--min-lists", type=int, default=2, help="fewest reports with the name in a 、-list")
    args = ap.parse_args(argv)
    reports = corpus_reports(args.corpus)
    rows = known_names(reports, args.min_docs, args.min_lists)
    lines = [
        "# Names with a surname People's Daily 1998 hardly writes, as the digest corpus writes them after",
        "# an office and in lists (analysis/entities.py takes every mention). Written by",
        "# scripts/build_known_names.py; do not edit.",
        f"# {args.corpus.name}: {len(reports)} reports (gold selections left out); name, reports after an office"
        f" (>= {args.min_docs}), reports in a list (>= {args.min_lists}).",
    ]
    lines += [f"{x}\t{n}\t{k}" for x, n, k in rows]
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(args.out)
    print(f"{len(rows)} names -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
