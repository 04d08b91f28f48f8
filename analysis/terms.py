"""Corpus-learned terms: quoted terms and new words, suggested to the researcher
and, once accepted, recorded in the corpus user dictionary.

Two sources of candidates:

- **quoted terms**: text inside Chinese quotation marks (“…”, 「…」, 『…』,
  《…》, ‘…’) of 2–10 characters without punctuation; news writers quote
  programme names and slogans (“江小爱”, “微心愿”, “三码合一”).
- **new words**: character n-grams (2–6 Chinese characters) that recur, hold
  together (pointwise mutual information of their weakest split) and have
  free boundaries (left and right branching entropy), as in Matrix67's
  "互联网时代的社会语言学" method.

A candidate is suggested only when the segmenter's dictionaries do not have
it yet (even if jieba's HMM happens to join it: a dictionary entry makes it
stable with HMM off, in POS tagging and in both backends). :func:`suggest_terms` returns a
table to show; :func:`add_terms` records the accepted ones with
``store.add_terms``, so :func:`analysis.segment.corpus_segmenter` uses them
in every later run (and stored tokens are recomputed once, because the
segmenter configuration hash changes).

Example:
    >>> from analysis.terms import quoted_terms
    >>> quoted_terms(["组建“江小爱”志愿服务队，“江小爱”党员"], min_count=1)[0]
    ('江小爱', 2, 1)
"""
from __future__ import annotations

import logging
import math
import re
from collections import Counter, defaultdict
from typing import Iterable, Sequence

import pandas as pd

log = logging.getLogger(__name__)

_QUOTED_RE = re.compile(r"“([^“”\n]{2,10})”|「([^「」\n]{2,10})」|『([^『』\n]{2,10})』"
                        r"|《([^《》\n]{2,12})》|‘([^‘’\n]{2,10})’")
_PUNCT_IN = re.compile(r"[\s，,。！？!?；;：:、…—·\-\"'“”‘’《》「」()（）]")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
# characters that rarely start / end a new word but often glue to one (日上午, 名志愿者, 考察时)
_BAD_HEAD = set("日月年号名个次届位项家户支批场的了和与及在是为对把被将从向于")
_BAD_TAIL = set("时说的了和与及在是为对把被将从向于等中上下")

COLUMNS = ["term", "kind", "freq", "doc_freq", "score", "pmi", "entropy", "segmented_as"]


def _texts(corpus_or_texts) -> list[str]:
    if isinstance(corpus_or_texts, str):
        return [corpus_or_texts]
    if hasattr(corpus_or_texts, "store"):
        return [d["body"] for d in corpus_or_texts.store.iter_documents(["body"])]
    return list(corpus_or_texts)


def quoted_terms(texts: Iterable[str], min_count: int = 2, min_docs: int = 1) -> list[tuple[str, int, int]]:
    """Terms inside Chinese quotation marks: ``[(term, count, doc_count)]``, most frequent first.

    Args:
        texts: document bodies.
        min_count: keep terms quoted at least this many times in all.
        min_docs: keep terms quoted in at least this many documents.
    """
    count: Counter = Counter()
    docs: Counter = Counter()
    for text in texts:
        seen = set()
        for m in _QUOTED_RE.finditer(text):
            term = next(g for g in m.groups() if g)
            if _PUNCT_IN.search(term) or term.isascii() or term.isdigit():
                continue
            count[term] += 1
            seen.add(term)
        docs.update(seen)
    out = [(t, c, docs[t]) for t, c in count.items() if c >= min_count and docs[t] >= min_docs]
    return sorted(out, key=lambda x: (-x[1], -x[2], x[0]))


def _entropy(counter: Counter) -> float:
    total = sum(counter.values())
    return -sum(c / total * math.log(c / total) for c in counter.values()) if total else 0.0


def new_words(texts: Iterable[str], min_count: int = 5, max_len: int = 6, min_pmi: float = 3.0,
              min_entropy: float = 1.0, top: int | None = 200) -> pd.DataFrame:
    """New-word candidates from character n-gram statistics.

    Args:
        texts: document bodies (only runs of Chinese characters are used).
        min_count: minimum frequency of the n-gram.
        max_len: longest n-gram (characters).
        min_pmi: minimum pointwise mutual information (natural log) of the
            weakest split of the n-gram into two parts.
        min_entropy: minimum of the left and right branching entropies
            (a run boundary counts as a distinct neighbour each time).
        top: keep this many best candidates (all when None).

    Returns:
        DataFrame ``term, freq, pmi, entropy, score`` with
        ``score = freq_share * pmi * entropy``-like ranking
        (``log(freq) * min(pmi, 8) * entropy``), best first.
    """
    runs = [r for t in texts for r in _HAN_RUN.findall(t)]
    counts: list[Counter] = [Counter() for _ in range(max_len + 2)]
    for r in runs:
        n = len(r)
        for k in range(1, min(max_len + 1, n) + 1):
            c = counts[k]
            for i in range(n - k + 1):
                c[r[i:i + k]] += 1
    total = sum(counts[1].values()) or 1
    cands: dict[str, float] = {}
    for k in range(2, max_len + 1):
        for g, f in counts[k].items():
            if f < min_count:
                continue
            pg = f / total
            pmi = min(math.log(pg / ((counts[i][g[:i]] / total) * (counts[k - i][g[i:]] / total)))
                      for i in range(1, k))
            if pmi >= min_pmi:
                cands[g] = pmi
    if not cands:
        return pd.DataFrame(columns=["term", "freq", "pmi", "entropy", "score"])
    left: dict[str, Counter] = defaultdict(Counter)
    right: dict[str, Counter] = defaultdict(Counter)
    for r in runs:
        n = len(r)
        for k in range(2, min(max_len, n) + 1):
            for i in range(n - k + 1):
                g = r[i:i + k]
                if g in cands:
                    left[g][r[i - 1] if i > 0 else f"^{i}{id(r)}"] += 1
                    right[g][r[i + k] if i + k < n else f"${i}{id(r)}"] += 1
    rows = []
    for g, pmi in cands.items():
        ent = min(_entropy(left[g]), _entropy(right[g]))
        if ent < min_entropy:
            continue
        f = counts[len(g)][g]
        rows.append((g, f, pmi, ent, math.log(f) * min(pmi, 8.0) * ent))
    df = pd.DataFrame(rows, columns=["term", "freq", "pmi", "entropy", "score"])
    df = df.sort_values(["score", "term"], ascending=[False, True], ignore_index=True)
    # drop candidates contained in a better one with (nearly) the same frequency
    keep, kept = [], []
    for row in df.itertuples(index=False):
        if any(row.term in k and row.freq <= 1.1 * kf for k, kf in kept):
            continue
        keep.append(row)
        kept.append((row.term, row.freq))
    df = pd.DataFrame(keep, columns=df.columns)
    return df.head(top) if top else df


def suggest_terms(corpus_or_texts, segmenter=None, min_quoted: int = 1, min_count: int = 5,
                  top: int | None = None, kinds: Sequence[str] = ("quoted", "new")) -> pd.DataFrame:
    """Terms worth adding to the corpus dictionary, for the researcher to review.

    Args:
        corpus_or_texts: a :class:`~analysis.corpus.Corpus` or texts.
        segmenter: the segmenter whose splits decide what is new (the
            corpus segmenter, or the default one for texts).
        min_quoted: a quoted term must be quoted this many times.
        min_count: a new word must occur this many times.
        top: at most this many rows (all when None).
        kinds: ``"quoted"`` and/or ``"new"``.

    Returns:
        DataFrame with columns ``term`` (str), ``kind`` (``quoted`` or
        ``new``), ``freq`` (occurrences in the texts), ``doc_freq`` (documents
        containing it), ``score`` (ranking; quoted terms first), ``pmi`` and
        ``entropy`` (new words only), ``segmented_as`` (how the segmenter cuts
        it now, ``/``-joined)::

            term    kind    freq  doc_freq  score  pmi  entropy  segmented_as
            三码合一  quoted  1     1         ...    NaN  NaN      三码/合一
    """
    from .segment import corpus_segmenter, get_segmenter
    texts = _texts(corpus_or_texts)
    if segmenter is None:
        segmenter = corpus_segmenter(corpus_or_texts) if hasattr(corpus_or_texts, "store") else get_segmenter()
    rows: dict[str, dict] = {}

    def doc_freq(term):
        return sum(1 for t in texts if term in t)

    if "quoted" in kinds:
        for term, count, _ in quoted_terms(texts, min_count=min_quoted):
            if segmenter.in_dictionary(term) or segmenter.is_stopword(term):
                continue
            cut = segmenter.cut(term)
            freq = sum(t.count(term) for t in texts)
            rows[term] = {"term": term, "kind": "quoted", "freq": freq, "doc_freq": doc_freq(term),
                          "score": 100.0 + count + math.log(freq), "pmi": None, "entropy": None,
                          "segmented_as": "/".join(cut)}
    if "new" in kinds:
        nw = new_words(texts, min_count=min_count, top=(top * 4) if top else None)
        for r in nw.itertuples(index=False):
            if r.term in rows:
                continue
            if segmenter.in_dictionary(r.term):
                continue
            cut = segmenter.cut(r.term)
            if any(segmenter.is_stopword(c) for c in (cut[0], cut[-1])):
                continue
            if r.term[0] in _BAD_HEAD or r.term[-1] in _BAD_TAIL:
                continue
            if all(len(c) > 1 for c in cut):  # a phrase of known words (习近平/指出), not a new word
                continue
            rows[r.term] = {"term": r.term, "kind": "new", "freq": int(r.freq), "doc_freq": doc_freq(r.term),
                            "score": float(r.score), "pmi": float(r.pmi), "entropy": float(r.entropy),
                            "segmented_as": "/".join(cut)}
    df = pd.DataFrame(list(rows.values()), columns=COLUMNS)
    df = df.sort_values(["score", "term"], ascending=[False, True], ignore_index=True)
    return df.head(top) if top else df


def add_terms(corpus, terms: Iterable[str | tuple], origin: str = "user") -> int:
    """Record terms in the corpus user dictionary (used by every later segmentation).

    Args:
        corpus: the corpus.
        terms: words, or ``(word, freq, tag)`` tuples.
        origin: where they came from (``user``, ``quoted``, ``new``).

    Returns:
        The number of terms newly added.
    """
    rows = []
    for t in terms:
        if isinstance(t, str):
            t = (t, None, None)
        word, freq, tag = (tuple(t) + (None, None))[:3]
        word = word.strip()
        if not word or any(c.isspace() for c in word):
            continue
        rows.append((word, freq, tag, origin))
    n = corpus.store.add_terms(rows)
    log.info("added %d terms to %s", n, corpus.path)
    return n
