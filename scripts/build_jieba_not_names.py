#!/usr/bin/env python
"""Build analysis/data/ner/jieba_not_names.tsv: words jieba tags as names that are none.

One reproducible command (a few seconds)::

    .venv/bin/python scripts/build_jieba_not_names.py \
        [--pd ../shared/data/eval/ner/peoples_daily_1998/199801_pos_tagged.txt] \
        [--out analysis/data/ner/jieba_not_names.tsv] [--min-count 2]

Why: the entity rules ask jieba's dictionary whether a candidate is a common
word, and treat words tagged ``nr*`` (person names) as possible names. Many of
those tags are wrong: 安危, 满怀, 贺信, 华丽, 玉米, 伊拉克 and 乌克兰 are all
``nr`` in jieba 0.42's ``dict.txt``. People's Daily 1998 (January, tagged by
hand) tells them apart: a word that it writes at least ``--min-count`` times,
never as a person's name (``nr``, nor two ``nr`` tokens that make it up, as in
江/nr 泽民/nr), is listed with the tag People's Daily gives it most often.
The extractor then reads these words with that tag
(:attr:`analysis.entities._Resources.common_words`), so they count as
common words, places or organisations, not names.
"""
from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_PD = ROOT.parent / "shared/data/eval/ner/peoples_daily_1998/199801_pos_tagged.txt"
DEFAULT_OUT = ROOT / "analysis/data/ner/jieba_not_names.tsv"


def pd_tags(path: Path, wanted: set[str]) -> dict[str, collections.Counter]:
    """Tags People's Daily gives to the ``wanted`` words (two ``nr`` tokens in a row count as one ``nr``)."""
    tags: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            toks = []
            for tok in line.split():
                if "/" not in tok:
                    continue
                w, t = tok.rsplit("/", 1)
                toks.append((w.lstrip("["), t.split("]")[0]))
            for i, (w, t) in enumerate(toks):
                if w in wanted:
                    tags[w][t] += 1
                if t == "nr" and i + 1 < len(toks) and toks[i + 1][1] == "nr" and w + toks[i + 1][0] in wanted:
                    tags[w + toks[i + 1][0]]["nr"] += 1
    return tags


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pd", type=Path, default=DEFAULT_PD)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--min-count", type=int, default=2)
    args = ap.parse_args(argv)
    from analysis.jiebadict import dict_path, jieba_dict
    words, _, jtags = jieba_dict()
    nr = {w for w, t in zip(words, jtags) if t.startswith("nr") and 2 <= len(w) <= 4}
    tags = pd_tags(args.pd, nr)
    rows = sorted(((w, c.most_common(1)[0][0], sum(c.values())) for w, c in tags.items()
                   if c.get("nr", 0) == 0 and sum(c.values()) >= args.min_count), key=lambda r: (-r[2], r[0]))
    lines = [
        "# Words jieba's dictionary tags as person names (nr*) that People's Daily 1998 never writes as a name:",
        f"# word, People's Daily's most frequent tag for it, occurrences (>= {args.min_count}). Written by",
        f"# scripts/build_jieba_not_names.py from {args.pd.name} and jieba's {dict_path().name}; do not edit.",
    ]
    lines += [f"{w}\t{t}\t{n}" for w, t, n in rows]
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(args.out)
    print(f"{args.out}: {len(rows)} words ({len(nr)} nr words in jieba, {len(tags)} seen in People's Daily)",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
