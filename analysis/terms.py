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
_SEP = "\n"  # between runs of Chinese characters (never inside one)
# characters that rarely start / end a new word but often glue to one: measure words,
# tails of a number, quantity or title (日上午, 名志愿者, 枚金牌, 量突破, 部部长),
# function words, reporting verbs (考察时, 报道称, 面积达)
_BAD_HEAD = set("日月年号名个次届位项家户支批场枚架艘栋座条台轮处类级量额率部局员化的了和与及在是为对把被将从向于")
_BAD_TAIL = set("时说称达超约的了和与及在是为对把被将从向于等中上下")

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
              min_entropy: float = 1.0, top: int | None = 200, tick=None) -> pd.DataFrame:
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
        tick: called with no argument after each counting step (a progress
            bar's update; ``max_len + 2`` steps in all).

    Returns:
        DataFrame ``term, freq, pmi, entropy, score`` with
        ``score = log(freq) * min(pmi, 8) * entropy``, best first; a candidate
        contained in a better one with (nearly, ≤ 1.1×) the same frequency
        is left out (州区 inside 江州区).
    """
    tick = tick or (lambda: None)
    # all runs of Chinese characters in one string, a separator between runs: the
    # n-grams of each length are sliced out and counted in C, without a list
    # (a lazy map keeps only the counts in memory)
    text = _SEP + _SEP.join(r for t in texts for r in _HAN_RUN.findall(t)) + _SEP
    n = len(text)
    counts: list[Counter] = [Counter() for _ in range(max_len + 1)]
    for k in range(1, max_len + 1):
        counts[k] = Counter(map(text.__getitem__, map(slice, range(n - k + 1), range(k, n + 1))))
        tick()
    total = (n - counts[1][_SEP]) or 1
    cands: dict[str, float] = {}
    log_total = math.log(total)
    for k in range(2, max_len + 1):
        for g, f in counts[k].items():
            if f < min_count or _SEP in g:
                continue
            # log(p(g) / (p(a) p(b))) for the weakest split a|b
            pmi = math.log(f) + log_total - max(math.log(counts[i][g[:i]] * counts[k - i][g[i:]])
                                                for i in range(1, k))
            if pmi >= min_pmi:
                cands[g] = pmi
    tick()
    if not cands:
        tick()
        return pd.DataFrame(columns=["term", "freq", "pmi", "entropy", "score"])
    left: dict[str, Counter] = defaultdict(Counter)
    right: dict[str, Counter] = defaultdict(Counter)
    lengths = sorted({len(g) for g in cands})
    for k in lengths:
        for i in [i for i in range(1, n - k) if text[i:i + k] in cands]:
            g = text[i:i + k]
            a, b = text[i - 1], text[i + k]
            # a run boundary is a distinct neighbour each time
            left[g][a if a != _SEP else i] += 1
            right[g][b if b != _SEP else -i] += 1
    tick()
    rows = []
    for g, pmi in cands.items():
        ent = min(_entropy(left[g]), _entropy(right[g]))
        if ent < min_entropy:
            continue
        f = counts[len(g)][g]
        rows.append((g, f, pmi, ent, math.log(f) * min(pmi, 8.0) * ent))
    df = pd.DataFrame(rows, columns=["term", "freq", "pmi", "entropy", "score"])
    df = df.sort_values(["score", "term"], ascending=[False, True], ignore_index=True)
    # drop candidates contained in a better one with (nearly) the same frequency:
    # each kept term lends its frequency to all its substrings
    keep = []
    container: dict[str, int] = {}
    for row in df.itertuples(index=False):
        if row.freq <= 1.1 * container.get(row.term, 0):
            continue
        keep.append(row)
        g = row.term
        for a in range(len(g)):
            for b in range(a + 2, len(g) + 1):
                sub = g[a:b]
                if container.get(sub, 0) < row.freq:
                    container[sub] = row.freq
        if top and len(keep) >= top:
            break
    return pd.DataFrame(keep, columns=df.columns)


def suggest_terms(corpus_or_texts, segmenter=None, min_quoted: int = 1, min_count: int = 5,
                  top: int | None = None, kinds: Sequence[str] = ("quoted", "new"),
                  progress: bool = False) -> pd.DataFrame:
    """Terms worth adding to the corpus dictionary, for the researcher to review.

    Each kind is filtered first (known words, stop words, fragments left out)
    and ranked on its own: the table holds the best ``top`` quoted terms,
    then the best ``top`` new words.

    Args:
        corpus_or_texts: a :class:`~analysis.corpus.Corpus` or texts.
        segmenter: the segmenter whose splits decide what is new (the
            corpus segmenter, or the default one for texts).
        min_quoted: a quoted term must be quoted this many times.
        min_count: a new word must occur this many times.
        top: at most this many rows of each kind (all when None).
        kinds: ``"quoted"`` and/or ``"new"``.
        progress: show a progress bar (tqdm, on stderr).

    Returns:
        DataFrame with columns ``term`` (str), ``kind`` (``quoted`` or
        ``new``), ``freq`` (occurrences in the texts), ``doc_freq`` (documents
        containing it), ``score`` (ranking within its kind: for a quoted term
        ``times quoted + log(freq)``, for a new word
        ``log(freq) * min(pmi, 8) * entropy``), ``pmi`` and ``entropy`` (new
        words only), ``segmented_as`` (how the segmenter cuts it now,
        ``/``-joined). Rows are grouped by kind (quoted first), best first::

            term    kind    freq  doc_freq  score  pmi  entropy  segmented_as
            微心愿   quoted  2     1         2.69   NaN  NaN      微/心愿
            江州区   new     17    1         ...    ...  ...      江州/区
    """
    from .segment import corpus_segmenter, get_segmenter
    steps = 1 + ("quoted" in kinds) + ("new" in kinds) * 9   # new_words ticks 8 times (max_len 6)
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=steps, desc="terms", unit="step")

    def tick():
        if bar is not None:
            bar.update(1)

    try:
        texts = _texts(corpus_or_texts)
        if segmenter is None:
            segmenter = corpus_segmenter(corpus_or_texts) if hasattr(corpus_or_texts, "store") else get_segmenter()
        tick()
        frames = []
        if "quoted" in kinds:
            rows = []
            for term, count, _ in quoted_terms(texts, min_count=min_quoted):
                if segmenter.in_dictionary(term) or segmenter.is_stopword(term):
                    continue
                freq = sum(t.count(term) for t in texts)
                rows.append({"term": term, "kind": "quoted", "freq": freq,
                             "score": count + math.log(freq), "pmi": None, "entropy": None,
                             "segmented_as": "/".join(segmenter.cut(term))})
                if top and len(rows) >= 4 * top:  # enough to rank (score ≈ times quoted)
                    break
            frames.append(_ranked(rows, top))
            tick()
        if "new" in kinds:
            done = set(frames[0].term) if frames else set()
            nw = new_words(texts, min_count=min_count, top=None, tick=tick)
            rows = []
            for r in nw.itertuples(index=False):
                if r.term in done or r.term[0] in _BAD_HEAD or r.term[-1] in _BAD_TAIL:
                    continue
                if segmenter.in_dictionary(r.term):
                    continue
                cut = segmenter.cut(r.term)
                if segmenter.is_stopword(cut[0]) or segmenter.is_stopword(cut[-1]):
                    continue
                if all(len(c) > 1 for c in cut):  # a phrase of known words (习近平/指出), not a new word
                    continue
                rows.append({"term": r.term, "kind": "new", "freq": int(r.freq),
                             "score": float(r.score), "pmi": float(r.pmi), "entropy": float(r.entropy),
                             "segmented_as": "/".join(cut)})
                if top and len(rows) >= top:  # nw is already ranked by score
                    break
            frames.append(_ranked(rows, top))
            tick()
    finally:
        if bar is not None:
            bar.close()
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    df["doc_freq"] = [sum(1 for t in texts if term in t) for term in df.term]
    df["pmi"] = df["pmi"].astype(float)
    df["entropy"] = df["entropy"].astype(float)
    return df[COLUMNS]


def _ranked(rows: list[dict], top: int | None) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "doc_freq"])
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
