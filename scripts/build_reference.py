"""Build the packaged keyness reference: term counts of a general news corpus.

Reads the 24,090 CCTV 新闻联播 reports (``../shared/data/xwlb/xwlb_articles.jsonl.gz``)
with the ingestion rules (:func:`analysis.ingest.read_path`: the leading
dateline 央视网消息（新闻联播）： goes to meta, as in a store), takes each
document's body — what the store segments and what its ``doc_id`` hashes —
segments it with the packaged default segmenter
(``get_segmenter()``: jieba, HMM on, the domain dictionary, the merged stop
words), keeps content terms as :func:`analysis.keywords.term_filter` does with
the default ``[keywords]`` options (no stop words, punctuation, numbers or
single characters) and writes ``analysis/data/reference/xwlb_terms.tsv.gz``:
a ``#`` header (source, segmenter, total term count, documents, min_count),
then ``term<TAB>count<TAB>doc_freq`` for terms seen at least ``--min-count``
times. It also writes ``xwlb_doc_ids.txt.gz`` (the sorted ``doc_id`` of every
document, named in the header) so :func:`analysis.keywords.keyness` can
subtract a target document that is in the reference. Only counts and ids are
shipped, not the text.

Usage (from the project root, 2 processes, about a minute)::

    .venv/bin/python scripts/build_reference.py [--min-count 3] [--workers 2]
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from collections import Counter
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.document import Document  # noqa: E402
from analysis.ingest import read_path  # noqa: E402
from analysis.keywords import DEFAULT_REFERENCE_IDS, KeywordOptions, Reference, term_filter  # noqa: E402
from analysis.segment import get_segmenter  # noqa: E402

SOURCE = ROOT.parent / "shared" / "data" / "xwlb" / "xwlb_articles.jsonl.gz"
OUT = ROOT / "analysis" / "data" / "reference" / "xwlb_terms.tsv.gz"


def _terms(text: str) -> list[str]:
    seg = get_segmenter()
    opts = KeywordOptions()
    keep = term_filter(seg, opts.min_len, opts.drop_numbers)
    return [w for w in seg.cut(text) if keep(w)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", default=str(SOURCE))
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    t0 = time.perf_counter()
    ids, texts = [], []
    for doc in read_path(args.source):
        if not isinstance(doc, Document):
            logging.warning("skipped: %s", doc)
            continue
        # every report counts (24,090), also the few with the body of another (8): a target
        # document found in the reference is subtracted once, the other copy stays
        ids.append(doc.doc_id)
        texts.append(doc.body)
    with Pool(args.workers) as pool:
        per_doc = pool.map(_terms, texts, chunksize=200)
    freq, dfreq = Counter(), Counter()
    for terms in per_doc:
        freq.update(terms)
        dfreq.update(set(terms))
    import pandas as pd
    counts = pd.Series(freq, dtype="int64")
    seg = get_segmenter()
    ref = Reference(counts, pd.Series(dfreq, dtype="int64"), int(counts.sum()), len(texts), {
        "source": "CCTV 新闻联播 reports 2022-01-01..2026-08-21 (GitHub yuekcc/cctv_news; text (c) CCTV, "
                  "counts only, research use), ingested bodies (dateline in meta, title not counted)",
        "built_by": "scripts/build_reference.py",
        "segmenter": f"{seg.options.backend} hmm={seg.options.hmm} dictionary={seg.options.dictionary} "
                     f"tokens_hash={seg.tokens_hash}",
        "filter": "keywords.term_filter(min_len=2, drop_numbers=True), packaged stop words",
    }, frozenset(ids))
    n = ref.write(args.out, min_count=args.min_count, ids_file=DEFAULT_REFERENCE_IDS)
    print(f"{len(texts)} documents ({len(set(ids))} distinct bodies), {ref.total} terms, {len(freq)} types; wrote {n} terms "
          f"(count >= {args.min_count}) to {args.out} ({Path(args.out).stat().st_size / 1e6:.2f} MB) "
          f"in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
