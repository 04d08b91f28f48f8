"""Candidates for the packaged domain dictionary (analysis/data/dict/domain.txt),
for a person to review, and checks of the accepted entries.

The domain dictionary is grown from the corpora with the project's own
suggestion tools (:func:`analysis.terms.suggest_terms`: terms in Chinese
quotation marks, and new words by mutual information plus left/right branching
entropy), run with the current domain dictionary loaded, so only terms it still
splits are listed. A person reads the list and copies the real terms (policies,
programmes, institutions, administrative units, fixed slogans of local
governance, Party building, volunteer service and news) into domain.txt with a
frequency and a tag; fragments (日上午, 记者从国家), person names and
ordinary phrases are put in ``scripts/domain_terms_rejected.txt`` so a rerun
shows only what has not been reviewed yet.

Usage::

    # candidates from the digest corpus and the shipped corpus -> TSV
    .venv/bin/python scripts/review_domain_terms.py candidates --out /tmp/candidates.tsv [--limit 0]
    # after reading the TSV: the accepted terms ("word tag" a line, "# section" comments)
    # appended to domain.txt with a frequency from their corpus count, the rest rejected
    .venv/bin/python scripts/review_domain_terms.py add accepted.txt
    .venv/bin/python scripts/review_domain_terms.py reject-rest /tmp/candidates.tsv
    # checks of domain.txt: how plain jieba cuts each entry, corpus frequency,
    # entries that touch numbers / SIGHAN test lines, and the SIGHAN F change per entry
    .venv/bin/python scripts/review_domain_terms.py check [--sighan]

Both steps print what they measured; nothing is changed in the package.
"""
from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"
DIGEST = SHARED / "xwlb" / "xwlb_articles.jsonl.gz"
SEED = ROOT / "corpus" / "seed" / "000_6821ed831be0e517.txt"
RELATED = ROOT / "corpus" / "related" / "volunteer_partybuilding_subset.jsonl"
DOMAIN = ROOT / "analysis" / "data" / "dict" / "domain.txt"
REJECTED = ROOT / "scripts" / "domain_terms_rejected.txt"
SIGHAN = SHARED / "eval" / "sighan2005"
_NUMERAL = re.compile(r"[0-9０-９零一二两三四五六七八九十百千万亿]")


def read_texts(limit: int = 0) -> list[str]:
    """The shipped corpus (seed + related reports) and the digest reports (first ``limit``; 0 = all)."""
    texts = [SEED.read_text(encoding="utf-8")]
    with open(RELATED, encoding="utf-8") as fh:
        texts += [json.loads(line)["content"] for line in fh]
    with gzip.open(DIGEST, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if limit and i >= limit:
                break
            texts.append(json.loads(line).get("content") or "")
    return texts


def read_rejected() -> set[str]:
    if not REJECTED.exists():
        return set()
    return {line.split()[0] for line in REJECTED.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}


def candidates(args) -> None:
    from analysis.segment import Segmenter
    from analysis.terms import suggest_terms
    t0 = time.perf_counter()
    texts = read_texts(args.limit)
    chars = sum(map(len, texts))
    seg = Segmenter()
    df = suggest_terms(texts, segmenter=seg, min_quoted=args.min_quoted, min_count=args.min_count,
                       top=args.top or None, progress=True)
    rejected = read_rejected()
    df = df[~df.term.isin(rejected)]
    df.to_csv(args.out, sep="\t", index=False)
    print(f"{len(texts):,} texts, {chars:,} characters; {len(df)} candidates "
          f"({(df.kind == 'quoted').sum()} quoted, {(df.kind == 'new').sum()} new, "
          f"{len(rejected)} already rejected) -> {args.out} in {time.perf_counter() - t0:.0f} s")


def freq_for(count: int) -> int:
    """Dictionary frequency of an accepted term from its count in the corpora.

    High enough that the term beats the split of its parts in context (a
    jieba word of frequency 1,000 has probability 1.7e-5, the product of two
    common parts is ~1e-7), low enough not to outweigh everyday words around
    it (的 318,825, 发展 31,784): 1,000 below 100 occurrences, 2,000 below
    1,000, 3,000 above.
    """
    return 1000 if count < 100 else 2000 if count < 1000 else 3000


def add(args) -> None:
    from analysis.segment import read_dictionary
    known = {w for w, _, _ in read_dictionary(DOMAIN)}
    texts = read_texts(args.limit)
    joined = "\n".join(texts)
    out, added = [], 0
    for line in Path(args.accepted).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            out.append(line)
            continue
        word, tag = line.split()
        if word in known:
            print(f"already in domain.txt: {word}")
            continue
        known.add(word)
        count = joined.count(word)
        out.append(f"{word} {freq_for(count)} {tag}")
        added += 1
    with open(DOMAIN, "a", encoding="utf-8") as fh:
        fh.write("\n".join(out) + "\n")
    print(f"appended {added} entries to {DOMAIN.relative_to(ROOT)}")


def reject_rest(args) -> None:
    import pandas as pd
    from analysis.segment import read_dictionary
    known = {w for w, _, _ in read_dictionary(DOMAIN)} | read_rejected()
    df = pd.read_csv(args.candidates, sep="\t")
    rest = [t for t in df.term if t not in known]
    new = not REJECTED.exists()
    with open(REJECTED, "a", encoding="utf-8") as fh:
        if new:
            fh.write("# Candidates of scripts/review_domain_terms.py read and not taken into the domain\n"
                     "# dictionary: fragments (日上午), person names, foreign places, ordinary phrases\n"
                     "# (新模式, 占比超过), titles of books, films and programmes. One a line.\n")
        fh.write("".join(f"{t}\n" for t in rest))
    print(f"{len(rest)} candidates recorded as rejected in {REJECTED.relative_to(ROOT)}")


def _sighan(name: str):
    raw = [r.strip() for r in (SIGHAN / f"{name}_test.utf8").read_text(encoding="utf-8").splitlines()]
    gold = [line.split() for line in (SIGHAN / f"{name}_test_gold.utf8").read_text(encoding="utf-8").splitlines()]
    return raw, gold


def _f(pred, gold) -> float:
    """F of segmented lines against gold lines (the SIGHAN benchmark's scorer)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_sighan import score
    return score(pred, gold, set())["F"]


def check(args) -> None:
    import jieba
    jieba.setLogLevel(logging.WARNING)
    from analysis.segment import Segmenter, read_dictionary
    entries = read_dictionary(DOMAIN)
    words = [w for w, _, _ in entries]
    dup = {w for w in words if words.count(w) > 1}
    print(f"{len(entries)} entries in {DOMAIN.relative_to(ROOT)}; duplicates: {sorted(dup) or 'none'}")
    bare = jieba.Tokenizer()
    bare.initialize()
    texts = read_texts(args.limit)
    joined = "\n".join(texts)
    print("entries plain jieba keeps whole anyway (harmless, maybe needless):",
          " ".join(w for w in words if bare.lcut(w) == [w]) or "none")
    rare = [w for w in words if joined.count(w) < 2]
    print(f"entries seen fewer than twice in the corpora ({len(rare)}):", " ".join(rare) or "none")
    numeric = [w for w in words if _NUMERAL.search(w)]
    print(f"entries with a numeral character ({len(numeric)}; check numbers still merge):", " ".join(numeric))
    seg = Segmenter()
    probe = {w: seg.cut(f"共有3万多人次参加{w}活动") for w in numeric}
    bad = {w: c for w, c in probe.items() if "3万多人次" not in c or w not in c}
    print("numeral entries that break a number or are not kept whole in context:", bad or "none")
    if not args.sighan:
        return
    # SIGHAN: the lines each entry touches, and F on them with / without the entry
    # (the entry switched off in the segmenter's own jieba tokenizer, then restored)
    tok = seg.backend.tok
    for name in ("pku", "msr"):
        raw, gold = _sighan(name)
        touched = {w: [i for i, line in enumerate(raw) if w in line] for w in words}
        touched = {w: ix for w, ix in touched.items() if ix}
        print(f"{name.upper()}: {len(touched)} entries occur in test lines")
        for w, ix in sorted(touched.items(), key=lambda kv: -len(kv[1])):
            lines, g = [raw[i] for i in ix], [gold[i] for i in ix]
            f_with = _f([seg.cut(s) for s in lines], g)
            old = tok.FREQ[w]
            tok.FREQ[w] = 0
            f_without = _f([seg.cut(s) for s in lines], g)
            tok.FREQ[w] = old
            flag = "  <-- worse with the entry" if f_with < f_without - 1e-9 else ""
            print(f"  {w:10s} lines {len(ix):4d}  F on them with {f_with:.4f} without {f_without:.4f}{flag}")


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("candidates", help="suggest_terms over the corpora -> TSV to review")
    c.add_argument("--out", default="/tmp/domain_candidates.tsv")
    c.add_argument("--limit", type=int, default=0, help="digest reports to read (0 = all 24,090)")
    c.add_argument("--min-count", type=int, default=20, help="minimum frequency of a new word")
    c.add_argument("--min-quoted", type=int, default=3, help="minimum times a term is quoted")
    c.add_argument("--top", type=int, default=600, help="candidates of each kind (0 = all)")
    c.set_defaults(func=candidates)
    a = sub.add_parser("add", help="append accepted terms (word tag a line) to domain.txt")
    a.add_argument("accepted")
    a.add_argument("--limit", type=int, default=0)
    a.set_defaults(func=add)
    r = sub.add_parser("reject-rest", help="record the candidates not accepted as rejected")
    r.add_argument("candidates")
    r.set_defaults(func=reject_rest)
    k = sub.add_parser("check", help="checks of the accepted entries")
    k.add_argument("--limit", type=int, default=0)
    k.add_argument("--sighan", action="store_true", help="also F on SIGHAN lines with / without each entry")
    k.set_defaults(func=check)
    args = ap.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
