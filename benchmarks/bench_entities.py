#!/usr/bin/env python
"""Entity extraction: MSRA NER F1 per type and speed over the digest corpus.

Quality (entity-level exact match on the MSRA NER test set,
``../shared/data/eval/ner/msra/testright1.txt``): each line is a sequence of
``span/tag`` items separated by spaces, tags ``nr`` (person), ``ns`` (place),
``nt`` (organisation) and ``o`` (other). The text of a line is the
concatenation of the spans (it equals ``test1.txt``); an entity is
``(line, start, end, type)`` with character offsets in that text. Printed for:

- ``jieba POS``: a private ``jieba.Tokenizer`` with ``jieba.posseg.POSTokenizer``;
  every word tagged nr/ns/nt is an entity (the baseline of the issue);
- ``CRF``: :class:`analysis.ner.crf.CRFTagger` with name-run splitting;
- ``extract_entities``: the full extractor (person/place/organization mapped
  to nr/ns/nt; its rules follow this project's conventions, e.g. a name inside
  邓小平理论 is no person, so it loses a little against MSRA). It returns
  nested mentions on purpose (江州区委 is an organisation and 江州区 a place in
  it); MSRA's spans are flat, so a second row keeps only the outermost
  mentions (a mention inside another returned mention is dropped) — both rows
  are printed. A last row runs it with ``doctrine_people=True``: MSRA tags
  邓小平 inside 邓小平理论 as a person, the project's default (and its gold)
  does not.

``--dev`` scores the same methods on the held-out tenth of People's Daily
1998 (every 10th paragraph, labels as ``scripts/train_ner.py`` makes them),
which a model trained with ``--holdout 10`` has not seen (pass it with
``--model``; the packaged model is trained on every paragraph): the place to
tune rules without looking at the MSRA test answers.

``--lost N`` also counts, per type, the entities the bare CRF gets right
and ``extract_entities`` loses (what the rules drop), and prints the first N
of them with their context (use it on a set you may read: ``--dev`` or
``--half first``).

Speed: ``extract_entities`` over the first N reports of the digest corpus
(``xwlb_articles.jsonl.gz``) against bare ``lcut`` of a private jieba
tokenizer on the same texts in the same run, in interleaved blocks of 50
reports (the machine is shared: a change of load hits both timings alike).

    .venv/bin/python benchmarks/bench_entities.py [--docs 2000] [--msra-lines 0]
"""
from __future__ import annotations

import argparse
import collections
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"
from _digest import DIGEST, digest_texts  # noqa: E402
TYPES = {"nr": "PER", "ns": "LOC", "nt": "ORG"}
LABEL_TYPE = {"person": "PER", "place": "LOC", "organization": "ORG"}


#: MSRA lines 1-2182 are the dev half (read to learn the labelling convention),
#: 2183-4365 the test half (never read; scored separately to show generalisation)
MSRA_DEV_LINES = 2182


def msra(limit: int = 0, half: str = "all"):
    """(text, gold spans) per line of the MSRA test set; ``half`` "first"
    (lines 1-2182), "second" (2183-4365) or "all"."""
    lines = []
    with open(SHARED / "eval/ner/msra/testright1.txt", encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if (half == "first" and lineno > MSRA_DEV_LINES) or (half == "second" and lineno <= MSRA_DEV_LINES):
                continue
            text, gold = "", set()
            for item in line.split():
                span, _, tag = item.rpartition("/")
                if tag in TYPES:
                    gold.add((len(text), len(text) + len(span), TYPES[tag]))
                text += span
            lines.append((text, gold))
            if limit and len(lines) >= limit:
                break
    return lines


def pd_dev(limit: int = 0):
    """(text, gold spans) of the held-out tenth of People's Daily 1998 (``--holdout 10``)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import train_ner
    from analysis.ner.crf import bio_spans, load_surnames
    train_ner.PERSON_NAMES.update(train_ner.collect_names(train_ner.DEFAULT_CORPUS))
    train_ner.SURNAMES.update(load_surnames())
    out = []
    for chars, labels in train_ner.sentences(train_ner.DEFAULT_CORPUS, 10, "dev"):
        out.append((chars, set(bio_spans(labels))))
        if limit and len(out) >= limit:
            break
    return out


def jieba_pos_tagger():
    """The baseline: a function giving the (start, end, type) spans of jieba's
    ``nr``/``ns``/``nt`` words (its own tokenizer, not jieba's global one)."""
    import jieba
    import jieba.posseg
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    pos = jieba.posseg.POSTokenizer(tok)

    def jieba_pos(text):
        out, i = [], 0
        for w, flag in pos.lcut(text):
            if flag in TYPES:
                out.append((i, i + len(w), TYPES[flag]))
            i += len(w)
        return out
    return jieba_pos


def score(lines, predict):
    tp, fp, fn = collections.Counter(), collections.Counter(), collections.Counter()
    t0 = time.perf_counter()
    for text, gold in lines:
        pred = set(predict(text))
        for s in pred & gold:
            tp[s[2]] += 1
        for s in pred - gold:
            fp[s[2]] += 1
        for s in gold - pred:
            fn[s[2]] += 1
    secs = time.perf_counter() - t0
    out = {}
    for k in ("PER", "LOC", "ORG"):
        p = tp[k] / max(1, tp[k] + fp[k])
        r = tp[k] / max(1, tp[k] + fn[k])
        out[k] = (p, r, 2 * p * r / max(1e-9, p + r))
    return out, secs


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=2000, help="digest reports for the speed test")
    ap.add_argument("--msra-lines", type=int, default=0, help="0 = all 4,365 lines (with --dev: sentences)")
    ap.add_argument("--dev", action="store_true", help="score on People's Daily's held-out tenth, not MSRA")
    ap.add_argument("--half", choices=("all", "first", "second", "each"), default="all",
                    help="MSRA lines 1-2182 (first: the dev half), 2183-4365 (second) or all; "
                    "each = all, then each half")
    ap.add_argument("--no-speed", action="store_true", help="skip the speed test")
    ap.add_argument("--lost", type=int, default=-1, help="count the CRF-correct entities extract_entities "
                    "loses and print the first N (0: counts only)")
    ap.add_argument("--model", default="", help="another crfsuite model (e.g. one trained with --holdout 10 "
                    "for --dev); default the packaged one")
    args = ap.parse_args(argv)
    from analysis.entities import extract_entities
    from analysis.ner.crf import get_tagger

    jieba_pos = jieba_pos_tagger()

    from analysis.entities import EntityOptions
    opts = EntityOptions(model=args.model)
    tagger = get_tagger(args.model or None)

    def extractor(text):
        return [(r["start"], r["end"], LABEL_TYPE[r["label"]]) for r in extract_entities(text, options=opts)
                if r["label"] in LABEL_TYPE]

    msra_opts = EntityOptions(model=args.model, doctrine_people=True)

    def extractor_msra(text):
        return [(r["start"], r["end"], LABEL_TYPE[r["label"]]) for r in extract_entities(text, options=msra_opts)
                if r["label"] in LABEL_TYPE]

    def outermost(text):
        spans = extractor(text)
        return [sp for sp in spans if not any(o[0] <= sp[0] and sp[1] <= o[1] and o[:2] != sp[:2]
                                              for o in spans)]

    if args.dev:
        lines = pd_dev(args.msra_lines)
        print(f"People's Daily 1998 held-out tenth (dev): {len(lines)} sentences, "
              f"{sum(len(t) for t, _ in lines)} characters, {sum(len(g) for _, g in lines)} entities")
        sets = [("dev", lines)]
    else:
        halves = ("all", "first", "second") if args.half == "each" else (args.half,)
        sets = [(h, msra(args.msra_lines, h)) for h in halves]
    for h, lines in sets:
        if not args.dev:
            what = {"all": "", "first": " first half (lines 1-2182, dev)",
                    "second": " second half (lines 2183-4365)"}[h]
            print(f"MSRA NER test{what}: {len(lines)} lines, {sum(len(t) for t, _ in lines)} characters, "
                  f"{sum(len(g) for _, g in lines)} entities")
        extractor(lines[0][0])  # load everything before timing
        print(f"{'method':<26} {'PER P/R/F1':>20} {'LOC P/R/F1':>20} {'ORG P/R/F1':>20} {'sec':>6}")
        results = {}
        for name, fn in (("jieba POS", jieba_pos), ("CRF", tagger.spans), ("extract_entities", extractor),
                         ("extract_entities outermost", outermost), ("  doctrine_people=True", extractor_msra)):
            res, secs = score(lines, fn)
            results[name] = res
            cells = ["{:.3f}/{:.3f}/{:.3f}".format(*res[k]) for k in ("PER", "LOC", "ORG")]
            print(f"{name:<26} {cells[0]:>20} {cells[1]:>20} {cells[2]:>20} {secs:6.1f}")
        for k in ("PER", "LOC", "ORG"):
            print(f"F1 {k}: CRF {results['CRF'][k][2]:.3f} vs jieba POS {results['jieba POS'][k][2]:.3f} "
                  f"(+{results['CRF'][k][2] - results['jieba POS'][k][2]:.3f})")
        if args.lost >= 0:
            lost, shown = collections.Counter(), 0
            for text, gold in lines:
                for s, e, k in sorted((set(tagger.spans(text)) & gold) - set(extractor(text))):
                    lost[k] += 1
                    if shown < args.lost:
                        shown += 1
                        print(f"  lost {k} {text[s:e]}: {text[max(0, s - 12):e + 12]}".replace("\n", " "))
            print("CRF-correct entities extract_entities loses: "
                  + ", ".join(f"{k} {lost[k]}" for k in ("PER", "LOC", "ORG")))

    if args.no_speed:
        return 0
    if not DIGEST.exists():
        print(f"speed: {DIGEST} missing, skipped")
        return 0
    import jieba
    tok = jieba.Tokenizer()  # bare segmentation, the baseline of the speed aim
    tok.initialize()
    texts = digest_texts(args.docs)
    chars = sum(len(t) for t in texts)
    # interleaved blocks of 50 reports, each timed with lcut then extraction,
    # so that changes of load on the shared machine hit both alike
    t_cut = t_ent = 0.0
    n = 0
    for i in range(0, len(texts), 50):
        block = texts[i:i + 50]
        t0 = time.perf_counter()
        for t in block:
            tok.lcut(t)
        t_cut += time.perf_counter() - t0
        t0 = time.perf_counter()
        for t in block:
            n += len(extract_entities(t, options=opts))
        t_ent += time.perf_counter() - t0
    print(f"speed over {len(texts)} digest reports ({chars / 1e6:.2f} M characters, blocks of 50 interleaved): "
          f"jieba lcut {t_cut:.1f} s ({chars / t_cut / 1e6:.2f} M chars/s), "
          f"extract_entities {t_ent:.1f} s ({chars / t_ent / 1e6:.2f} M chars/s, {n} mentions); "
          f"ratio {t_ent / t_cut:.2f}x (aim <= 3x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
