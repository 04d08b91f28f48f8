"""Keywords on the stored segmentation: frequency, TF-IDF, TextRank, keyness,
collocations and sentence co-occurrence.

Every function takes a :class:`~analysis.corpus.Corpus` (the stored tokens
are used; what is missing is segmented and stored first) or a list of texts
(segmented with the :class:`~analysis.segment.Segmenter`), plus an optional
selection — ``doc_ids`` or the filters of :meth:`Corpus.select` (``doc``,
``query``, ``since``, ``until``, ``source``, ``category``) — and returns a
tidy DataFrame sorted by ``score`` (highest first)::

    term  score  freq  doc_freq  <method columns>

Terms are content words: stop words (the packaged list), punctuation,
numbers and (by ``[keywords] min_len``) single characters are dropped, as
:meth:`Segmenter.terms` does.

Keyness follows quanteda's ``textstat_keyness`` (see :func:`keyness_stats`):
signed G² (likelihood ratio) and χ², with quanteda's conditional Yates
correction, p-values, and Hardie's log ratio as effect size. The default
reference is a general Chinese news corpus shipped as term counts
(``analysis/data/reference/``, built by ``scripts/build_reference.py`` from
the 24,090 CCTV 新闻联播 reports), so keyness works on a fresh install.

Example:
    >>> from analysis import Corpus
    >>> from analysis.keywords import keywords
    >>> corpus = Corpus.open("corpus/corpus.sqlite")              # doctest: +SKIP
    >>> keywords(corpus, method="keyness", query="江小爱", top=5)  # doctest: +SKIP
      term    score  freq  doc_freq  n_reference       g2  ...
    0 江小爱  307.0    18         1            0    307.0  ...

A target document that is itself in the reference (the shipped related
reports come from the same 新闻联播 dump) is subtracted from the reference
counts first: the reference stores the content ids of its documents
(``analysis.document.content_id`` of the ingested body), and the target's
own counts of those documents are taken out (``df.attrs["subtracted"]``).
"""
from __future__ import annotations

import dataclasses
import functools
import gzip
import logging
import math
import re
import sys
from collections import Counter
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.stats import chi2 as _chi2_dist

from .config import data_path, load_config, options_from
from .errors import ConfigError, ModelError, NoDocumentsError

log = logging.getLogger(__name__)

METHODS = ("freq", "tfidf", "textrank", "keyness")
SELECT_KEYS = ("doc", "query", "since", "until", "source", "category")
#: the default reference: term counts of the 24,090 新闻联播 reports
DEFAULT_REFERENCE = "reference/xwlb_terms.tsv.gz"
#: content ids of the reference's documents (a file next to the counts, named in its header)
DEFAULT_REFERENCE_IDS = "xwlb_doc_ids.txt.gz"

_PUNCT = re.compile(r"^[\W_]+$")
_NUMBER = re.compile(
    r"^[+\-−]?[\d０-９.．,，:：/%％‰]*[\d０-９][\d０-９.．,，:：/%％‰]*[多余几]?[十百千万亿]*[多余几]?$"
    r"|^[零〇一二两三四五六七八九十百千万亿]+$"
    r"|^第?[\d０-９]+[年月日号时分秒岁个名位次条项届期%]?$")
_SENT_END = frozenset("。！？!?；;\n")


@dataclass
class KeywordOptions:
    """Options of the keyword stage (``[keywords]`` in the config).

    Attributes:
        top: rows returned by default.
        min_len: shortest term kept (characters).
        drop_numbers: drop number tokens (2500, 3万, 一百).
        textrank_pos: POS tags TextRank keeps (jieba tag prefixes).
        textrank_window: co-occurrence window of TextRank (tokens).
        damping: TextRank damping factor.
        reference: the default keyness reference (``default``, ``rest`` or a
            path to a term-count TSV like the packaged one).
        correction: keyness correction, as quanteda: ``default`` (Yates when
            an expected count is under 5), ``yates`` (the same), ``none``.
        min_count: minimum count of a collocation / co-occurring pair.
        per: relative frequencies are per this many words.
    """

    top: int = 20
    min_len: int = 2
    drop_numbers: bool = True
    textrank_pos: tuple[str, ...] = ("n", "nr", "ns", "nt", "nz", "vn", "v", "l", "j")
    textrank_window: int = 5
    damping: float = 0.85
    reference: str = "default"
    correction: str = "default"
    min_count: int = 3
    per: int = 10_000

    @classmethod
    def from_config(cls, cfg: dict | None = None) -> "KeywordOptions":
        cfg = cfg if cfg is not None else load_config()
        table = dict(cfg.get("keywords", {}))
        if "textrank_pos" in table:
            table["textrank_pos"] = tuple(table["textrank_pos"])
        return options_from(cls, table, "keywords")


# -- tokens ------------------------------------------------------------------
@dataclass
class TokenDoc:
    """One document's stored tokens.

    Attributes:
        doc_id: the document id (``text-<n>`` for a list of texts).
        words: every token, in order.
        pos: POS tags (or None when not tagged).
        sent: the sentence number of each token (int32 array or list).
    """

    doc_id: str
    words: list[str]
    pos: list[str] | None
    sent: Sequence[int]


def _segmenter(corpus=None, seg=None):
    if seg is not None:
        return seg
    from . import segment
    if corpus is not None:
        return segment.corpus_segmenter(corpus)
    return segment.get_segmenter()


def term_filter(seg, min_len: int = 2, drop_numbers: bool = True):
    """A predicate telling content terms from stop words, punctuation and numbers.

    Uses the segmenter's ``is_stopword`` (the packaged list plus the user's)
    and ``is_number``, plus a number pattern of its own (一百, 第3).
    """
    is_stop = getattr(seg, "is_stopword", None) or (lambda w: False)
    is_num = getattr(seg, "is_number", None) or (lambda w: False)

    @functools.lru_cache(maxsize=200_000)
    def keep(w: str) -> bool:
        w = w.strip()
        if len(w) < min_len or _PUNCT.match(w):
            return False
        if drop_numbers and (_NUMBER.match(w) or is_num(w)):
            return False
        return not is_stop(w)

    return keep


def _sentence_numbers(starts: Sequence[int] | None, spans: Sequence[Sequence[int]] | None,
                      words: Sequence[str]) -> list[int]:
    if starts is not None and spans:
        bounds = np.asarray([s for s, _ in spans])
        return (np.searchsorted(bounds, np.asarray(starts), side="right") - 1).clip(0).astype(np.int32)
    out, n = [], 0
    for w in words:
        out.append(n)
        if w in _SENT_END or (w and w[-1] in _SENT_END):
            n += 1
    return out


_intern = sys.intern


def _from_payload(doc_id: str, p: Any) -> TokenDoc:
    if isinstance(p, dict):
        words = list(map(_intern, p.get("w") or ()))  # one str object per type, not per token
        return TokenDoc(doc_id, words, p.get("p"), _sentence_numbers(p.get("s"), p.get("sent"), words))
    words = [t if isinstance(t, str) else t[0] for t in p]
    return TokenDoc(doc_id, words, None, _sentence_numbers(None, None, words))


def _text_doc(seg, doc_id: str, text: str, pos: bool) -> TokenDoc:
    toks = seg.tokenize(text, pos=pos)
    words = [t.word for t in toks]
    tags = [t.pos for t in toks] if pos else None
    return TokenDoc(doc_id, words, tags, _sentence_numbers([t.start for t in toks], seg.sentences(text), words))


def is_corpus(obj: Any) -> bool:
    return hasattr(obj, "store") and hasattr(obj, "select")


def _is_token_docs(obj: Any) -> bool:
    return isinstance(obj, (list, tuple)) and bool(obj) and isinstance(obj[0], TokenDoc)


def select_ids(corpus, doc_ids: Iterable[str] | None = None, **select: Any) -> list[str] | None:
    """Doc ids of a selection (None = the whole corpus)."""
    sel = {k: v for k, v in select.items() if v is not None}
    if doc_ids is not None:
        ids = [corpus.get(d)["doc_id"] for d in ([doc_ids] if isinstance(doc_ids, str) else doc_ids)]
        if sel:
            keep = set(corpus.select(**sel))
            ids = [i for i in ids if i in keep]
        return ids
    if sel:
        return corpus.select(**sel)
    return None


def token_docs(corpus_or_texts, doc_ids: Iterable[str] | None = None, pos: bool = False, seg=None,
               **select: Any) -> tuple[list[TokenDoc], Any]:
    """Tokens of a corpus selection (stored segmentation) or of a list of texts.

    A Corpus is read with one bulk query (:func:`~analysis.segment.iter_stored_tokens`).
    A list of :class:`TokenDoc` (what this returned before) passes through,
    filtered by ``doc_ids``, so several keyword and topic functions can share
    one load of a large corpus: ``docs, seg = token_docs(corpus)`` then
    ``frequency(docs, seg=seg)``, ``TopicModel().fit(docs)``.

    Returns:
        (docs, segmenter)
    """
    unknown = set(select) - set(SELECT_KEYS)
    if unknown:
        raise ConfigError(f"unknown selection argument(s): {', '.join(sorted(unknown))} "
                          f"(use {', '.join(SELECT_KEYS)})")
    if _is_token_docs(corpus_or_texts):  # already loaded: select, do not copy
        docs = list(corpus_or_texts)
        if doc_ids is not None:
            wanted = set([doc_ids] if isinstance(doc_ids, str) else doc_ids)
            docs = [d for d in docs if d.doc_id in wanted]
        if select:
            raise ConfigError("query/since/... selections need a Corpus, not loaded TokenDocs")
        return docs, _segmenter(None, seg)
    if is_corpus(corpus_or_texts):
        corpus = corpus_or_texts
        seg = _segmenter(corpus, seg)
        ids = select_ids(corpus, doc_ids, **select)
        from .segment import iter_stored_tokens
        # one bulk read, each payload converted and dropped as it comes
        docs = [_from_payload(d, p) for d, p in iter_stored_tokens(corpus, ids, pos=pos, segmenter=seg)]
        return docs, seg
    if isinstance(corpus_or_texts, str):
        corpus_or_texts = [corpus_or_texts]
    seg = _segmenter(None, seg)
    texts = list(corpus_or_texts)
    names = [f"text-{i}" for i in range(len(texts))]
    if doc_ids is not None:
        wanted = set([doc_ids] if isinstance(doc_ids, str) else doc_ids)
        pairs = [(n, t) for n, t in zip(names, texts) if n in wanted]
    else:
        pairs = list(zip(names, texts))
    return [_text_doc(seg, n, t, pos) for n, t in pairs], seg


def require_docs(docs: Sequence[TokenDoc], what: str) -> None:
    """Raise :class:`NoDocumentsError` when a selection holds no document."""
    if not docs:
        raise NoDocumentsError(f"{what}: no documents selected (no document matches the selection, "
                               "or the corpus is empty)")


def _terms(doc: TokenDoc, keep) -> list[str]:
    return [w for w in doc.words if keep(w)]


def _is_word(w: str) -> bool:
    return bool(w.strip()) and not _PUNCT.match(w)


def _n_words(docs: Sequence[TokenDoc]) -> int:
    every = Counter()
    for d in docs:
        every.update(d.words)
    return sum(n for w, n in every.items() if _is_word(w))


def _counts(docs: Sequence[TokenDoc], keep) -> tuple[Counter, Counter]:
    """(occurrences, documents) per content term.

    Every token is counted first (``Counter.update`` runs in C) and the
    filter is applied once per type, not once per token.
    """
    freq, dfreq = Counter(), Counter()
    for d in docs:
        freq.update(d.words)
        dfreq.update(set(d.words))
    for w in [w for w in freq if not keep(w)]:
        del freq[w]
        del dfreq[w]
    return freq, dfreq


def _count_matrix(docs: Sequence[TokenDoc]) -> tuple[np.ndarray, sparse.csc_matrix]:
    """Every token type and the documents × types count matrix (vectorised:
    one ``pandas.factorize`` over all tokens, no Python loop per token)."""
    lengths = np.fromiter((len(d.words) for d in docs), dtype=np.int64, count=len(docs))
    flat = np.fromiter(chain.from_iterable(d.words for d in docs), dtype=object, count=int(lengths.sum()))
    codes, types = pd.factorize(flat)
    del flat
    rows = np.repeat(np.arange(len(docs), dtype=np.int32), lengths)
    m = sparse.csc_matrix((np.ones(len(codes), dtype=np.int32), (rows, codes.astype(np.int32))),
                          shape=(len(docs), len(types)))
    m.sum_duplicates()
    return np.asarray(types, dtype=object), m


def dispersion(counts: sparse.spmatrix, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gries's DP and Juilland's D of each column over the rows (the parts).

    Args:
        counts: parts × terms counts (documents × terms).
        sizes: words per part; parts with no words are left out.

    Returns:
        (``dp``, ``juilland_d``): Gries's (2008) deviation of proportions
        ``DP = ½ Σ_i |v_i - s_i|`` (``v_i`` the share of the term's
        occurrences in part ``i``, ``s_i`` the share of all words in part
        ``i``): 0 = spread exactly as the parts' sizes, near 1 = all in one
        small part. Juilland's ``D = 1 - V / sqrt(n - 1)`` (``V`` the
        coefficient of variation of the term's relative frequency over the
        ``n`` parts): 1 = even, 0 = in one part; NaN with one part.
    """
    sizes = np.asarray(sizes, dtype=float)
    ok = sizes > 0
    m = sparse.csc_matrix(counts)[ok].tocsc().astype(float)
    m.sort_indices()
    sizes = sizes[ok]
    n = len(sizes)
    total = np.asarray(m.sum(axis=0)).ravel()
    share = sizes / sizes.sum() if n else sizes
    col = np.repeat(np.arange(m.shape[1]), np.diff(m.indptr))
    v = m.data / np.where(total > 0, total, 1)[col]
    s_nz = share[m.indices]
    dev = np.bincount(col, weights=np.abs(v - s_nz), minlength=m.shape[1])
    s_in = np.bincount(col, weights=s_nz, minlength=m.shape[1])
    dp = 0.5 * (dev + 1 - s_in)
    rel = m.data / sizes[m.indices]
    s1 = np.bincount(col, weights=rel, minlength=m.shape[1])
    s2 = np.bincount(col, weights=rel * rel, minlength=m.shape[1])
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = s1 / n
        sd = np.sqrt(np.maximum(s2 / n - mean * mean, 0))
        d = 1 - (sd / mean) / np.sqrt(n - 1) if n > 1 else np.full(m.shape[1], np.nan)
    return dp, np.clip(d, 0, 1) if n > 1 else d


def _finish(df: pd.DataFrame, top: int | None) -> pd.DataFrame:
    df = df.sort_values(["score", "freq", "term"], ascending=[False, False, True], kind="mergesort")
    if top:
        df = df.head(top)
    return df.reset_index(drop=True)


def _opts(options: KeywordOptions | None, corpus=None) -> KeywordOptions:
    if options is not None:
        return options
    cfg = getattr(corpus, "config", None)
    return KeywordOptions.from_config(cfg)


# -- frequency ---------------------------------------------------------------
def frequency(corpus_or_texts, doc_ids=None, top: int | None = 20, options: KeywordOptions | None = None,
              seg=None, **select: Any) -> pd.DataFrame:
    """Term frequencies of a document, a selection or a corpus, with dispersion.

    Returns:
        DataFrame with columns ``term``, ``score`` (= ``freq``), ``freq``
        (occurrences), ``doc_freq`` (documents containing the term),
        ``rel_freq`` (per ``options.per`` = 10,000 words; words are all
        tokens except punctuation and spaces), ``doc_prop`` (``doc_freq`` /
        documents), ``dp`` (Gries's deviation of proportions over the
        documents: 0 = spread in proportion to document length, near 1 =
        concentrated in few documents), ``juilland_d`` (Juilland's D over
        the documents: 1 = even, 0 = one document; NaN for one document),
        ``method`` (``freq``). See :func:`dispersion`.

    Example:
        >>> frequency(["江小爱志愿服务队。江小爱志愿者。"], top=2)  # doctest: +SKIP
             term  score  freq  doc_freq  rel_freq  doc_prop   dp  juilland_d method
        0  江小爱      2     2         1  ...
    """
    opts = _opts(options, corpus_or_texts if is_corpus(corpus_or_texts) else None)
    docs, seg = token_docs(corpus_or_texts, doc_ids, seg=seg, **select)
    keep = term_filter(seg, opts.min_len, opts.drop_numbers)
    cols = ["term", "score", "freq", "doc_freq", "rel_freq", "doc_prop", "dp", "juilland_d", "method"]
    require_docs(docs, "freq")
    types, m = _count_matrix(docs)
    word = np.fromiter((_is_word(w) for w in types), dtype=bool, count=len(types))
    sizes = np.asarray(m[:, word].sum(axis=1)).ravel()
    content = np.flatnonzero(np.fromiter((keep(w) for w in types), dtype=bool, count=len(types)))
    m = m[:, content]
    dp, jd = dispersion(m, sizes)
    freq = np.asarray(m.sum(axis=0)).ravel().astype(np.int64)
    df = pd.DataFrame({"term": types[content], "freq": freq})
    df["score"] = df["freq"].astype(float)
    df["doc_freq"] = np.diff(m.indptr).astype(np.int64)
    df["rel_freq"] = df["freq"] * opts.per / max(int(sizes.sum()), 1)
    df["doc_prop"] = df["doc_freq"] / len(docs)
    df["dp"] = dp
    df["juilland_d"] = jd
    df["method"] = "freq"
    return _finish(df[cols], top)


# -- reference corpus --------------------------------------------------------
@dataclass
class Reference:
    """Term counts of a reference corpus.

    Attributes:
        counts: occurrences per term (pandas Series indexed by term).
        doc_freq: documents per term (Series indexed by term).
        total: all term occurrences (including terms below ``min_count``).
        n_docs: documents in the reference corpus.
        meta: the header of the file (source, segmenter, min_count...).
        doc_ids: content ids (``analysis.document.content_id`` of the
            ingested body, as the store's ``doc_id``) of the reference's
            documents; a target document among them is subtracted by
            :func:`keyness`. Empty when unknown.
    """

    counts: pd.Series
    doc_freq: pd.Series
    total: int
    n_docs: int
    meta: dict[str, str] = dataclasses.field(default_factory=dict)
    doc_ids: frozenset = frozenset()

    @classmethod
    def from_docs(cls, docs: Sequence[TokenDoc], keep, meta: dict | None = None,
                  with_ids: bool = True) -> "Reference":
        """Counts of loaded documents (``with_ids``: remember their ``doc_id``
        — False for plain texts, whose ``text-<n>`` names are not content ids)."""
        freq, dfreq = _counts(docs, keep)
        counts = pd.Series(freq, dtype="int64")
        return cls(counts, pd.Series(dfreq, dtype="int64").reindex(counts.index, fill_value=0),
                   int(counts.sum()), len(docs), dict(meta or {}),
                   frozenset(d.doc_id for d in docs) if with_ids else frozenset())

    def write(self, path: str | Path, min_count: int = 1, ids_file: str | None = None) -> int:
        """Write a gzipped TSV (``term<TAB>count<TAB>doc_freq``) with a ``#`` header.

        Args:
            path: the term-count file.
            min_count: terms counted fewer times are left out.
            ids_file: when given (a file name), the sorted ``doc_ids`` are
                written to that file next to ``path`` (gzipped, one a
                line) and the header names it (``# doc_ids: NAME``).

        Returns the number of terms written (those with ``count >= min_count``).
        """
        keep = self.counts[self.counts >= min_count].sort_values(ascending=False, kind="mergesort")
        meta = dict(self.meta, total=self.total, n_docs=self.n_docs, min_count=min_count, terms=len(keep))
        if ids_file:
            meta["doc_ids"] = ids_file
            with gzip.open(Path(path).parent / ids_file, "wt", encoding="utf-8", compresslevel=9) as fh:
                fh.writelines(f"{i}\n" for i in sorted(self.doc_ids))
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as fh:
            for k, v in meta.items():
                fh.write(f"# {k}: {v}\n")
            fh.write("term\tcount\tdoc_freq\n")
            for term, n in keep.items():
                fh.write(f"{term}\t{n}\t{int(self.doc_freq.get(term, 0))}\n")
        return len(keep)

    def without(self, docs: Sequence[TokenDoc], keep) -> tuple["Reference", int]:
        """This reference minus those of ``docs`` that are in it (by ``doc_id``).

        The documents' own term counts are subtracted: they are the counts
        the reference holds for them when it was built with the same
        segmenter (``meta["segmenter"]``'s ``tokens_hash``). Counts below
        the file's ``min_count`` were not shipped, so results are clipped at 0.

        Returns:
            (the reduced Reference, the number of documents subtracted)
        """
        inside = [d for d in docs if d.doc_id in self.doc_ids]
        if not inside:
            return self, 0
        freq, dfreq = _counts(inside, keep)
        return self.minus(freq, dfreq, len(inside), {d.doc_id for d in inside}), len(inside)

    def minus(self, freq: Mapping[str, int], doc_freq: Mapping[str, int], n_docs: int,
              doc_ids: Iterable[str] = ()) -> "Reference":
        """This reference minus the term and document counts of ``n_docs``
        of its own documents (clipped at 0: counts under ``min_count`` were
        not shipped)."""
        sub = pd.Series(freq, dtype="int64")
        counts = self.counts.sub(sub.reindex(self.counts.index, fill_value=0)).clip(lower=0)
        dfs = self.doc_freq.sub(pd.Series(doc_freq, dtype="int64").reindex(self.doc_freq.index, fill_value=0))
        return Reference(counts, dfs.clip(lower=0), max(self.total - int(sub.sum()), 0),
                         max(self.n_docs - n_docs, 0), dict(self.meta), self.doc_ids - set(doc_ids))


@functools.lru_cache(maxsize=4)
def load_reference(path: str | None = None) -> Reference:
    """Load a reference term-count file (default: the packaged 新闻联播 counts).

    Raises:
        ConfigError: the file is missing or malformed.
    """
    p = Path(path) if path else data_path(*DEFAULT_REFERENCE.split("/"))
    meta: dict[str, str] = {}
    terms, counts, dfs = [], [], []
    try:
        opener = gzip.open if p.suffix == ".gz" else open
        with opener(p, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("# "):
                    k, _, v = line[2:].partition(":")
                    meta[k.strip()] = v.strip()
                    continue
                parts = line.rstrip("\n").split("\t")
                if parts[0] == "term" or len(parts) < 2:
                    continue
                terms.append(parts[0])
                counts.append(int(parts[1]))
                dfs.append(int(parts[2]) if len(parts) > 2 else 0)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{p}: cannot read reference counts ({exc})") from exc
    ids: frozenset = frozenset()
    if meta.get("doc_ids"):
        ids_path = p.parent / meta["doc_ids"]
        try:
            with gzip.open(ids_path, "rt", encoding="ascii") as fh:
                ids = frozenset(line.strip() for line in fh if line.strip())
        except OSError as exc:
            raise ConfigError(f"{ids_path}: cannot read the reference's document ids ({exc})") from exc
    c = pd.Series(counts, index=terms, dtype="int64")
    total = int(meta.get("total", c.sum()))
    return Reference(c, pd.Series(dfs, index=terms, dtype="int64"), total,
                     int(meta.get("n_docs", 0)), meta, ids)


# -- keyness -----------------------------------------------------------------
def keyness_stats(a, b, total_target: float, total_reference: float,
                  correction: str = "default") -> pd.DataFrame:
    """Signed keyness statistics of 2×2 tables, as quanteda's ``textstat_keyness``.

    For each term: ``a`` = count in the target, ``b`` = count in the
    reference, ``c = total_target - a``, ``d = total_reference - b``,
    ``N = a+b+c+d``, ``E = (a+b)(a+c)/N``. The sign is + when ``a > E``.

    * ``chi2``: Pearson χ²; with ``correction="default"``/``"yates"`` the
      Yates continuity correction ``(|ad-bc| - N/2)²`` is applied when some
      expected count is < 5 and ``|ad-bc| >= N/2`` (quanteda
      ``keyness_chi2_dt``).
    * ``g2``: likelihood ratio G² = 2 Σ O ln(O/E) (ε = 1e-9 offsets zero
      cells); the Yates-corrected version moves a, d and b, c by 0.5 toward
      independence under the same condition (``|ad-bc| > N/2``; quanteda
      ``keyness_lr``). ``g2_uncorrected`` is the plain statistic.
    * ``p_chi2``, ``p`` (of ``g2``): upper tail of χ²(1).
    * ``log_ratio``: Hardie's log ratio, log2 of the ratio of relative
      frequencies, zero counts replaced by 0.5 (an effect size).

    Returns:
        DataFrame with columns ``chi2, p_chi2, g2, g2_uncorrected, p, log_ratio``.
    """
    if correction not in ("default", "yates", "none"):
        raise ConfigError(f"keyness correction must be default, yates or none, not {correction!r}")
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    c = total_target - a
    d = total_reference - b
    n = a + b + c + d
    e11 = (a + b) * (a + c) / n
    sign = np.where(a > e11, 1.0, -1.0)
    small = (((a + b) * (a + c) / n < 5) | ((a + b) * (b + d) / n < 5)
             | ((a + c) * (c + d) / n < 5) | ((c + d) * (b + d) / n < 5))
    adbc = np.abs(a * d - b * c)
    denom = (a + b) * (c + d) * (a + c) * (b + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        chi_plain = n * adbc ** 2 / denom
        chi_yates = n * (adbc - n * 0.5) ** 2 / denom
    corr = correction != "none"
    chi = np.where(corr & small & (adbc >= n / 2), chi_yates, chi_plain) * sign

    def g2(a_, b_, c_, d_):
        eps = 1e-9
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = (a_ * np.log(a_ / e11 + eps)
                     + b_ * np.log(b_ / ((a + b) * (b + d) / n) + eps)
                     + c_ * np.log(c_ / ((a + c) * (c + d) / n) + eps)
                     + d_ * np.log(d_ / ((b + d) * (c + d) / n) + eps))
        return 2 * terms * sign

    g_plain = g2(a, b, c, d)
    if corr:
        app = small & (adbc > n / 2)
        step = np.where(app, np.where(a * d - b * c > 0, -0.5, 0.5), 0.0)
        g_corr = g2(a + step, b - step, c - step, d + step)
    else:
        g_corr = g_plain
    ra = np.where(a > 0, a, 0.5) / total_target
    rb = np.where(b > 0, b, 0.5) / total_reference
    return pd.DataFrame({
        "chi2": chi, "p_chi2": _chi2_dist.sf(np.abs(chi), 1),
        "g2": g_corr, "g2_uncorrected": g_plain, "p": _chi2_dist.sf(np.abs(g_corr), 1),
        "log_ratio": np.log2(ra / rb),
    })


def keyness(corpus_or_texts, doc_ids=None, reference: Any = None, measure: str = "g2",
            top: int | None = 20, options: KeywordOptions | None = None, seg=None,
            **select: Any) -> pd.DataFrame:
    """Key terms of a target (a document, a selection, texts) against a reference.

    Args:
        corpus_or_texts: a Corpus or texts; the selection (``doc_ids`` or
            ``doc``/``query``/``since``/``until``/``source``/``category``) is
            the target.
        reference: ``"default"`` (the packaged news reference), ``"rest"``
            (the other documents of the corpus, as quanteda's target vs the
            rest), a :class:`Reference`, a path to a term-count TSV, or a
            list of texts.
        measure: ``g2`` (default) or ``chi2``: which statistic is ``score``.
        top: rows returned (None = every target term, over- and under-used).

    Returns:
        DataFrame with columns ``term``, ``score`` (the signed ``measure``),
        ``freq`` (count in the target), ``doc_freq`` (target documents),
        ``n_reference`` (count in the reference), ``g2``, ``g2_uncorrected``,
        ``p`` (of G²), ``chi2``, ``p_chi2``, ``log_ratio``, ``method``
        (``keyness``). Only terms that occur in the target are listed.
        ``df.attrs["subtracted"]`` is the number of target documents found
        in the reference (by content id) and subtracted from it;
        ``df.attrs["reference_docs"]`` and ``df.attrs["reference_total"]``
        the reference's documents and terms after that.

    Raises:
        NoDocumentsError: the selection holds no document.
        ModelError: the target has no terms.
    """
    opts = _opts(options, corpus_or_texts if is_corpus(corpus_or_texts) else None)
    if measure not in ("g2", "chi2"):
        raise ConfigError(f"keyness measure must be g2 or chi2, not {measure!r}")
    docs, seg = token_docs(corpus_or_texts, doc_ids, seg=seg, **select)
    require_docs(docs, "keyness")
    keep = term_filter(seg, opts.min_len, opts.drop_numbers)
    freq, dfreq = _counts(docs, keep)
    if not freq:
        raise ModelError("keyness: the target has no terms")
    ref = _reference(reference if reference is not None else opts.reference, corpus_or_texts, docs, keep, seg)
    ref, subtracted = ref.without(docs, keep)
    if subtracted:
        built = ref.meta.get("segmenter", "")
        if "tokens_hash=" in built and f"tokens_hash={getattr(seg, 'tokens_hash', '')}" not in built:
            log.warning("keyness: %d target documents subtracted from a reference built with another "
                        "segmenter (%s); the subtraction is approximate", subtracted, built)
        log.info("keyness: %d target documents are in the reference and were subtracted from it", subtracted)
    terms = list(freq)
    counts = pd.DataFrame({"term": terms, "freq": [freq[t] for t in terms],
                           "doc_freq": [dfreq[t] for t in terms]})
    return keyness_table(counts, ref, measure, top, opts.correction, subtracted)


def keyness_table(counts: pd.DataFrame, ref: "Reference", measure: str = "g2", top: int | None = 20,
                  correction: Any = None, subtracted: int = 0) -> pd.DataFrame:
    """The keyness table of target counts (``term``, ``freq``, ``doc_freq``)
    against a reference; the columns of :func:`keyness`. Shared by the store
    path and the dataset path (:func:`analysis.parallel.dataset_keywords`)."""
    a = counts["freq"].to_numpy(dtype=float)
    b = ref.counts.reindex(counts["term"], fill_value=0).to_numpy(dtype=float)
    stats = keyness_stats(a, b, float(a.sum()), float(ref.total), correction)
    df = pd.concat([counts[["term", "freq", "doc_freq"]].reset_index(drop=True)
                    .assign(freq=a.astype(np.int64), n_reference=b.astype(np.int64)), stats], axis=1)
    df["score"] = df[measure]
    df["method"] = "keyness"
    cols = ["term", "score", "freq", "doc_freq", "n_reference", "g2", "g2_uncorrected", "p",
            "chi2", "p_chi2", "log_ratio", "method"]
    out = _finish(df[cols], top)
    out.attrs.update(subtracted=subtracted, reference_docs=ref.n_docs, reference_total=ref.total)
    return out


def _reference(reference: Any, source, target_docs: Sequence[TokenDoc], keep, seg) -> Reference:
    if isinstance(reference, Reference):
        return reference
    if isinstance(reference, (str, Path)) and str(reference) == "default":
        return load_reference()
    if isinstance(reference, (str, Path)) and str(reference) == "rest":
        if not is_corpus(source):
            raise ConfigError('reference="rest" needs a Corpus')
        inside = {d.doc_id for d in target_docs}
        rest = [i for i in source.store.doc_ids() if i not in inside]
        if not rest:
            raise ModelError('keyness: reference="rest" is empty (the target is the whole corpus)')
        docs, _ = token_docs(source, rest, seg=seg)
        return Reference.from_docs(docs, keep)
    if isinstance(reference, (str, Path)):
        return load_reference(str(reference))
    if is_corpus(reference):
        docs, _ = token_docs(reference, seg=seg)
        return Reference.from_docs(docs, keep)
    docs, _ = token_docs(list(reference), seg=seg)
    return Reference.from_docs(docs, keep, with_ids=False)


# -- TF-IDF ------------------------------------------------------------------
def tfidf(corpus_or_texts, doc_ids=None, idf: str = "corpus", top: int | None = 20,
          options: KeywordOptions | None = None, seg=None, reference: Any = None,
          **select: Any) -> pd.DataFrame:
    """TF-IDF keywords of a document or selection (scikit-learn's weighting).

    Each document's vector is ``tf * idf`` (raw counts, smooth idf
    ``ln((1+n)/(1+df)) + 1``), L2-normalised as ``TfidfVectorizer`` does; the
    score of a selection is the mean over its documents.

    Args:
        idf: ``corpus`` (document frequencies of the whole corpus / all the
            texts given) or ``reference`` (those of a reference corpus).
        reference: with ``idf="reference"``: ``"default"`` (the packaged
            news reference), a path to a term-count TSV, a
            :class:`Reference`, or texts; default ``[keywords] reference``
            (``rest`` = the other documents of the corpus).

    Raises:
        NoDocumentsError: the selection holds no document.

    Returns:
        DataFrame with columns ``term``, ``score`` (mean TF-IDF), ``freq``,
        ``doc_freq`` (in the selection), ``idf``, ``method`` (``tfidf``).
    """
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
    opts = _opts(options, corpus_or_texts if is_corpus(corpus_or_texts) else None)
    if idf not in ("corpus", "reference"):
        raise ConfigError(f"idf must be corpus or reference, not {idf!r}")
    docs, seg = token_docs(corpus_or_texts, doc_ids, seg=seg, **select)
    require_docs(docs, "tfidf")
    keep = term_filter(seg, opts.min_len, opts.drop_numbers)
    target = [_terms(d, keep) for d in docs]
    if not any(target):
        raise ModelError("tfidf: the selection has no terms")
    if idf == "corpus":
        selected = {d.doc_id for d in docs}
        if is_corpus(corpus_or_texts):
            all_docs, _ = token_docs(corpus_or_texts, seg=seg)
        else:
            all_docs, _ = token_docs(corpus_or_texts, seg=seg) if doc_ids is not None else (docs, seg)
        others = [_terms(d, keep) for d in all_docs if d.doc_id not in selected]
        cv = CountVectorizer(analyzer=_identity, lowercase=False)
        counts = cv.fit_transform(target + others)
        tr = TfidfTransformer(smooth_idf=True).fit(counts)
        x = tr.transform(counts[:len(target)])
        vocab = cv.get_feature_names_out()
        idf_vec = tr.idf_
    else:
        ref = _reference(reference if reference is not None else opts.reference, corpus_or_texts, docs,
                         keep, seg)
        cv = CountVectorizer(analyzer=_identity, lowercase=False)
        counts = cv.fit_transform(target)
        vocab = cv.get_feature_names_out()
        dfr = ref.doc_freq.reindex(vocab, fill_value=0).to_numpy(dtype=float)
        idf_vec = np.log((1 + ref.n_docs) / (1 + dfr)) + 1
        x = counts.multiply(idf_vec).tocsr()
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        x = sparse.diags(1 / np.where(norms > 0, norms, 1)) @ x
    counts = counts[:len(target)]
    df = pd.DataFrame({
        "term": vocab,
        "score": np.asarray(x.mean(axis=0)).ravel(),
        "freq": np.asarray(counts.sum(axis=0)).ravel().astype(int),
        "doc_freq": np.asarray((counts > 0).sum(axis=0)).ravel().astype(int),
        "idf": idf_vec,
    })
    df = df[df["freq"] > 0]
    df["method"] = "tfidf"
    return _finish(df, top)


def _identity(x):
    return x


# -- TextRank ----------------------------------------------------------------
def textrank(corpus_or_texts, doc_ids=None, top: int | None = 20, pos_filter: Sequence[str] | None = None,
             window: int | None = None, options: KeywordOptions | None = None, seg=None,
             **select: Any) -> pd.DataFrame:
    """TextRank keywords (Mihalcea & Tarau 2004) over the stored tokens.

    A graph joins content terms that occur within ``window`` tokens of each
    other in a sentence (edge weight = co-occurrences, as jieba's
    ``textrank``); PageRank with damping ``options.damping`` runs to
    convergence on the whole selection's graph.

    Args:
        pos_filter: keep only tokens whose POS tag starts with one of these
            (default ``[keywords] textrank_pos``); ``()`` keeps every content
            term and needs no POS tagging (much faster).

    Returns:
        DataFrame with columns ``term``, ``score`` (PageRank, the top term
        scaled to 1), ``freq``, ``doc_freq``, ``method`` (``textrank``).
    """
    opts = _opts(options, corpus_or_texts if is_corpus(corpus_or_texts) else None)
    pos_filter = tuple(opts.textrank_pos if pos_filter is None else pos_filter)
    window = window or opts.textrank_window
    docs, seg = token_docs(corpus_or_texts, doc_ids, pos=bool(pos_filter), seg=seg, **select)
    require_docs(docs, "textrank")
    keep = term_filter(seg, opts.min_len, opts.drop_numbers)
    index: dict[str, int] = {}
    rows, cols = [], []
    freq, dfreq = Counter(), Counter()
    for d in docs:
        ok = [keep(w) and (not pos_filter or (d.pos is not None and d.pos[i] is not None
                                               and d.pos[i].startswith(pos_filter)))
              for i, w in enumerate(d.words)]
        seen = set()
        for i, w in enumerate(d.words):
            if not ok[i]:
                continue
            freq[w] += 1
            seen.add(w)
            wi = index.setdefault(w, len(index))
            for j in range(i + 1, min(i + window, len(d.words))):
                if d.sent[j] != d.sent[i]:
                    break
                if ok[j] and d.words[j] != w:
                    wj = index.setdefault(d.words[j], len(index))
                    rows += [wi, wj]
                    cols += [wj, wi]
        dfreq.update(seen)
    if not index:
        raise ModelError("textrank: no terms pass the filter")
    n = len(index)
    w = sparse.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n)).tocsr()
    out = np.asarray(w.sum(axis=1)).ravel()
    trans = (sparse.diags(1 / np.where(out > 0, out, 1)) @ w).T.tocsr()
    rank = np.full(n, 1.0 / n)
    dangling = out == 0
    for _ in range(200):
        new = (1 - opts.damping) / n + opts.damping * (trans @ rank + rank[dangling].sum() / n)
        if np.abs(new - rank).sum() < 1e-10:
            rank = new
            break
        rank = new
    terms = list(index)
    df = pd.DataFrame({"term": terms, "score": rank / rank.max(),
                       "freq": [freq[t] for t in terms], "doc_freq": [dfreq[t] for t in terms]})
    df["method"] = "textrank"
    return _finish(df, top)


# -- the dispatcher ----------------------------------------------------------
def keywords(corpus_or_texts, method: str = "freq", doc_ids=None, top: int | None = 20,
             **kwargs: Any) -> pd.DataFrame:
    """Keywords by ``method``: ``freq``, ``tfidf``, ``textrank`` or ``keyness``.

    Extra keyword arguments go to the method (``reference=``, ``idf=``,
    ``pos_filter=``...) or select documents (``query=``, ``since=``...).
    Every result has ``term, score, freq, doc_freq`` and ``method``; see
    :func:`frequency`, :func:`tfidf`, :func:`textrank`, :func:`keyness`.
    """
    funcs = {"freq": frequency, "tfidf": tfidf, "textrank": textrank, "keyness": keyness}
    if method not in funcs:
        raise ConfigError(f"unknown keyword method {method!r} (use {', '.join(METHODS)})")
    return funcs[method](corpus_or_texts, doc_ids=doc_ids, top=top, **kwargs)


# -- collocations and co-occurrence ------------------------------------------
def collocations(corpus_or_texts, doc_ids=None, measure: str = "pmi", min_count: int | None = None,
                 top: int | None = 20, options: KeywordOptions | None = None, seg=None,
                 **select: Any) -> pd.DataFrame:
    """Adjacent two-term collocations (bigrams) with PMI and log-likelihood.

    Bigrams are adjacent tokens in the same sentence that are both content
    terms. As NLTK's ``BigramAssocMeasures``: ``N`` = words (tokens that are
    not punctuation), ``c1``/``c2`` = word counts, ``a`` = bigram count;
    ``pmi = log2(a N / (c1 c2))``, ``npmi = pmi / -log2(a / N)`` and ``g2``
    the signed log-likelihood of the 2×2 table (no correction).

    Args:
        measure: ``pmi``, ``npmi`` or ``g2`` (the ``score``).
        min_count: bigrams seen fewer times are dropped (``[keywords] min_count``).

    Returns:
        DataFrame with columns ``term`` (the two terms joined), ``term1``,
        ``term2``, ``score``, ``freq``, ``doc_freq``, ``pmi``, ``npmi``,
        ``g2``, ``p``, ``method`` (``collocation``).
    """
    opts = _opts(options, corpus_or_texts if is_corpus(corpus_or_texts) else None)
    if measure not in ("pmi", "npmi", "g2"):
        raise ConfigError(f"collocation measure must be pmi, npmi or g2, not {measure!r}")
    min_count = opts.min_count if min_count is None else min_count
    docs, seg = token_docs(corpus_or_texts, doc_ids, seg=seg, **select)
    require_docs(docs, "collocations")
    keep = term_filter(seg, opts.min_len, opts.drop_numbers)
    words, bigrams, bdf = Counter(), Counter(), Counter()
    for d in docs:
        ws = [(w, s) for w, s in zip(d.words, d.sent) if w.strip() and not _PUNCT.match(w)]
        words.update(w for w, _ in ws)
        seen = set()
        for (w1, s1), (w2, s2) in zip(ws, ws[1:]):
            if s1 == s2 and keep(w1) and keep(w2):
                bigrams[(w1, w2)] += 1
                seen.add((w1, w2))
        bdf.update(seen)
    pairs = [p for p, n in bigrams.items() if n >= min_count]
    cols = ["term", "term1", "term2", "score", "freq", "doc_freq", "pmi", "npmi", "g2", "p", "method"]
    if not pairs:
        return pd.DataFrame(columns=cols)
    n = float(sum(words.values()))
    a = np.array([bigrams[p] for p in pairs], dtype=float)
    c1 = np.array([words[p[0]] for p in pairs], dtype=float)
    c2 = np.array([words[p[1]] for p in pairs], dtype=float)
    pmi = np.log2(a * n / (c1 * c2))
    npmi = pmi / -np.log2(a / n)
    st = keyness_stats(a, c2 - a, c1, n - c1, correction="none")
    df = pd.DataFrame({"term": [p[0] + p[1] for p in pairs], "term1": [p[0] for p in pairs],
                       "term2": [p[1] for p in pairs], "freq": a.astype(int),
                       "doc_freq": [bdf[p] for p in pairs], "pmi": pmi, "npmi": npmi,
                       "g2": st["g2_uncorrected"].to_numpy(), "p": st["p"].to_numpy()})
    df["score"] = df[measure]
    df["method"] = "collocation"
    return _finish(df[cols], top)


def cooccurrence(corpus_or_texts, term: str | None = None, doc_ids=None, unit: str = "sentence",
                 min_count: int | None = None, top: int | None = 20, options: KeywordOptions | None = None,
                 seg=None, **select: Any) -> pd.DataFrame:
    """Terms that occur in the same sentence (or document), with PMI and NPMI.

    Each sentence counts a pair once. ``P(x) = n(x) / U`` over ``U`` units
    (sentences or documents); ``pmi = log2(P(x,y) / (P(x) P(y)))``,
    ``npmi = pmi / -log2 P(x,y)``.

    Args:
        term: only pairs with this term (then ``term2`` is its partner).
        unit: ``sentence`` or ``document``.
        min_count: pairs co-occurring in fewer units are dropped.

    Returns:
        DataFrame with columns ``term`` (= ``term2``, the partner), ``term1``,
        ``term2``, ``score`` (npmi), ``freq`` (units with both), ``doc_freq``
        (documents with both terms), ``n1``, ``n2`` (units with
        each), ``pmi``, ``npmi``, ``method`` (``cooccurrence``).
    """
    opts = _opts(options, corpus_or_texts if is_corpus(corpus_or_texts) else None)
    if unit not in ("sentence", "document"):
        raise ConfigError(f"unit must be sentence or document, not {unit!r}")
    min_count = opts.min_count if min_count is None else min_count
    docs, seg = token_docs(corpus_or_texts, doc_ids, seg=seg, **select)
    require_docs(docs, "cooccurrence")
    keep = term_filter(seg, opts.min_len, opts.drop_numbers)
    vocab: dict[str, int] = {}
    rows, cols, unit_doc = [], [], []
    for di, d in enumerate(docs):
        groups: dict[int, set] = {}
        for w, s in zip(d.words, d.sent):
            if keep(w):
                groups.setdefault(s if unit == "sentence" else 0, set()).add(w)
        for ws in groups.values():
            u = len(unit_doc)
            unit_doc.append(di)
            for w in ws:
                rows.append(u)
                cols.append(vocab.setdefault(w, len(vocab)))
    out_cols = ["term", "term1", "term2", "score", "freq", "doc_freq", "n1", "n2", "pmi", "npmi", "method"]
    if not vocab:
        return pd.DataFrame(columns=out_cols)
    m = sparse.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)),
                          shape=(len(unit_doc), len(vocab)))
    names = np.array(list(vocab))
    n_units = m.shape[0]
    unit_counts = np.asarray(m.sum(axis=0)).ravel()
    if term is not None:
        if term not in vocab:
            return pd.DataFrame(columns=out_cols)
        ti = vocab[term]
        co = np.asarray(m[m[:, ti].nonzero()[0]].sum(axis=0)).ravel()
        co[ti] = 0
        j = np.nonzero(co >= max(min_count, 1))[0]
        i = np.full(len(j), ti)
        both = co[j]
    else:
        frequent = np.nonzero(unit_counts >= max(min_count, 1))[0]
        sub = m[:, frequent]
        c = sparse.triu(sub.T @ sub, k=1).tocoo()
        sel = c.data >= max(min_count, 1)
        i, j, both = frequent[c.row[sel]], frequent[c.col[sel]], c.data[sel]
    p_xy = both / n_units
    pmi = np.log2(p_xy / ((unit_counts[i] / n_units) * (unit_counts[j] / n_units)))
    with np.errstate(divide="ignore", invalid="ignore"):
        npmi = np.where(p_xy < 1, pmi / -np.log2(p_xy), 1.0)
    df = pd.DataFrame({"i": i, "j": j, "term1": names[i], "term2": names[j], "freq": both.astype(int),
                       "n1": unit_counts[i].astype(int), "n2": unit_counts[j].astype(int),
                       "pmi": pmi, "npmi": npmi})
    df["term"] = df["term2"]
    df["score"] = df["npmi"]
    df["method"] = "cooccurrence"
    df = _finish(df, top)
    # documents containing both terms, for the rows kept
    dm = (sparse.csr_matrix((np.ones(n_units), (unit_doc, np.arange(n_units))),
                            shape=(len(docs), n_units)) @ m).tocsc()
    df["doc_freq"] = [len(np.intersect1d(dm[:, a_].indices, dm[:, b_].indices, assume_unique=True))
                      for a_, b_ in zip(df["i"], df["j"])]
    return df[out_cols]
