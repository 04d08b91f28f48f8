"""Topic models (LDA, NMF) on the stored segmentation, with measured quality.

:class:`TopicModel` is a scikit-learn estimator: ``__init__`` only stores
parameters, :meth:`TopicModel.fit` learns attributes ending in ``_``,
:meth:`~TopicModel.get_feature_names_out` gives the vocabulary, and fitted
models pickle. Quality is reported, not assumed:

* coherence per topic and overall — NPMI (``c_npmi``, Bouma 2009, as gensim:
  ε = 1e-12, pairs of the top terms) and UMass (Mimno et al. 2011, mean over
  ordered pairs of ``log((D(wi, wj) + 1) / D(wj))``), counted on the corpus's
  own documents or sentences (``coherence_unit``);
* stability across seeds (:meth:`TopicModel.stability`): the mean cosine
  similarity of topics matched one-to-one (Hungarian) between runs.

Example:
    >>> from analysis import Corpus
    >>> from analysis.topics import TopicModel
    >>> corpus = Corpus.open("corpus/corpus.sqlite")             # doctest: +SKIP
    >>> tm = TopicModel(method="nmf", k=8).fit(corpus)           # doctest: +SKIP
    >>> tm.topics()[["topic", "label", "prevalence", "npmi"]]    # doctest: +SKIP
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linear_sum_assignment
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

from .config import load_config, options_from
from .errors import ConfigError, ModelError, NoDocumentsError
from .keywords import KeywordOptions, _is_token_docs, is_corpus, term_filter, token_docs

log = logging.getLogger(__name__)

_EPS = 1e-12


@dataclass
class TopicOptions:
    """Options of the topic stage (``[topics]`` in the config).

    Attributes:
        method: ``lda`` or ``nmf``.
        k: number of topics.
        top_n: top terms per topic (and for coherence).
        min_df: terms in fewer documents are dropped (int = documents,
            float = share).
        max_df: terms in a larger share of documents are dropped.
        max_features: vocabulary size limit (most frequent terms).
        max_iter: passes of batch (or explicitly online) LDA; NMF runs up
            to max(200, max_iter) iterations.
        learning_method: LDA ``batch`` (variational EM), ``online``
            (mini-batches of ``batch_size`` documents) or ``auto``: online
            with ``online_passes`` passes when there are at least
            ``online_min_docs`` documents, batch otherwise. Measured on the
            24,082 新闻联播 reports, k=20: online, 3 passes of 4096 is 42 s
            and NPMI 0.297 against 72 s and NPMI 0.285 for batch, 10 passes;
            on 4,000 of them online loses coherence (0.20 against 0.28).
        online_passes: passes of online LDA chosen by ``auto``.
        online_min_docs: documents from which ``auto`` chooses online.
        batch_size: documents per mini-batch of online LDA.
        n_jobs: processes for LDA's E-step (scikit-learn ``n_jobs``; results
            then depend on the split, and on a busy 2-core machine it is slower).
        blas_threads: BLAS threads while fitting (0 = the library default).
            1 by default: the models' dense products are small (k × k,
            k × terms) and spinning BLAS threads on a busy 2-core machine
            made NMF 12× slower (8,000 reports: 121.6 s with 2 threads, 9.8 s with 1).
        coherence_unit: ``document`` or ``sentence``: where co-occurrence
            is counted for coherence.
        random_state: the seed.
    """

    method: str = "lda"
    k: int = 10
    top_n: int = 10
    min_df: float = 2
    max_df: float = 0.5
    max_features: int = 20_000
    max_iter: int = 10
    learning_method: str = "auto"
    online_passes: int = 3
    online_min_docs: int = 10_000
    batch_size: int = 4096
    n_jobs: int | None = None
    blas_threads: int = 1
    coherence_unit: str = "document"
    random_state: int = 0

    @classmethod
    def from_config(cls, cfg: dict | None = None) -> "TopicOptions":
        cfg = cfg if cfg is not None else load_config()
        return options_from(cls, dict(cfg.get("topics", {})), "topics")


def _identity(x):
    return x


# -- coherence ---------------------------------------------------------------
def binary_units(units: Sequence[Sequence[str]], vocabulary: dict[str, int]) -> sparse.csc_matrix:
    """A units × vocabulary 0/1 matrix (a unit is a document or a sentence)."""
    rows, cols = [], []
    for u, terms in enumerate(units):
        for t in set(terms):
            j = vocabulary.get(t)
            if j is not None:
                rows.append(u)
                cols.append(j)
    return sparse.csc_matrix((np.ones(len(rows), dtype=np.float64), (rows, cols)),
                             shape=(len(units), len(vocabulary)))


def topic_coherence(top_terms: Sequence[Sequence[int]], units: sparse.spmatrix) -> pd.DataFrame:
    """NPMI and UMass coherence of topics given as ranked term columns.

    Args:
        top_terms: per topic, the column indices of its top terms, best first.
        units: a units × terms 0/1 matrix (documents or sentences).

    Returns:
        DataFrame with one row per topic: ``topic``, ``npmi`` (mean over
        unordered pairs of ``log(P(wi,wj)/(P(wi)P(wj))) / -log P(wi,wj)``,
        with ε = 1e-12 so a never co-occurring pair scores ≈ -1), ``umass``
        (mean over i > j of ``log((D(wi,wj) + 1) / D(wj))``).
    """
    units = sparse.csc_matrix(units)
    n = units.shape[0]
    cols = sorted({c for t in top_terms for c in t})
    pos = {c: i for i, c in enumerate(cols)}
    sub = units[:, cols]
    co = (sub.T @ sub).toarray()
    d = np.diag(co)
    rows = []
    for ti, terms in enumerate(top_terms):
        idx = [pos[c] for c in terms]
        npmi, umass = [], []
        for a in range(len(idx)):
            for b in range(a):
                i, j = idx[a], idx[b]          # j ranks higher than i
                p_ij = co[i, j] / n
                p_i, p_j = d[i] / n, d[j] / n
                if p_i > 0 and p_j > 0:
                    pmi = np.log((p_ij + _EPS) / (p_i * p_j))
                    npmi.append(pmi / -np.log(p_ij + _EPS))
                if d[j] > 0:
                    umass.append(np.log((co[i, j] + 1) / d[j]))
        rows.append({"topic": ti, "npmi": float(np.mean(npmi)) if npmi else float("nan"),
                     "umass": float(np.mean(umass)) if umass else float("nan")})
    return pd.DataFrame(rows, columns=["topic", "npmi", "umass"])


def match_topics(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Match the topics (rows) of two topic-term matrices one to one.

    Returns:
        (assignment of each row of ``a`` to a row of ``b``, cosine similarity
        of each matched pair), by the Hungarian algorithm on cosine similarity.
    """
    an = a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), _EPS)
    bn = b / np.maximum(np.linalg.norm(b, axis=1, keepdims=True), _EPS)
    sim = an @ bn.T
    r, c = linear_sum_assignment(-sim)
    order = np.argsort(r)
    return c[order], sim[r, c][order]


# -- the estimator -------------------------------------------------------------
#: ``LO:HI`` without a step tries every k when there are at most this many values
K_RANGE_MAX_VALUES = 10


def parse_k_range(spec: Any) -> list[int]:
    """The k values of a ``k_range``: ``"LO:HI"``, ``"LO:HI:STEP"``, a
    ``(lo, hi)`` or ``(lo, hi, step)`` tuple, or any iterable of ints.

    ``LO:HI`` includes both ends. Without a step every k is tried when the
    range holds at most :data:`K_RANGE_MAX_VALUES` values; a longer range gets
    the smallest step giving at most that many. ``HI`` is always tried,
    whatever the step.

    Example:
        >>> parse_k_range("2:5")
        [2, 3, 4, 5]
        >>> parse_k_range("5:20:4")
        [5, 9, 13, 17, 20]
        >>> parse_k_range("5:20")
        [5, 7, 9, 11, 13, 15, 17, 19, 20]

    Raises:
        ConfigError: malformed, ``LO > HI``, a step < 1 or a k < 1.
    """
    bounds = spec
    if isinstance(spec, str):
        try:
            bounds = tuple(int(p) for p in spec.split(":"))
        except ValueError:
            raise ConfigError(f"k_range must be LO:HI or LO:HI:STEP, not {spec!r}") from None
        if len(bounds) not in (2, 3):
            raise ConfigError(f"k_range must be LO:HI or LO:HI:STEP, not {spec!r}")
    if isinstance(bounds, tuple) and len(bounds) in (2, 3) and not isinstance(spec, range):
        lo, hi = int(bounds[0]), int(bounds[1])
        if lo > hi:
            raise ConfigError(f"k_range: LO {lo} is above HI {hi}")
        if len(bounds) == 3:
            step = int(bounds[2])
            if step < 1:
                raise ConfigError(f"k_range: step must be >= 1, not {step}")
        else:
            step = max(1, math.ceil((hi - lo) / (K_RANGE_MAX_VALUES - 1)))
        ks = sorted(set(range(lo, hi + 1, step)) | {hi})
    else:
        try:
            ks = sorted({int(k) for k in bounds})
        except (TypeError, ValueError):
            raise ConfigError(f"k_range must hold integers, not {spec!r}") from None
    if not ks or ks[0] < 1:
        raise ConfigError(f"k_range must hold positive integers, not {spec!r}")
    return ks


class NotFittedModelError(ModelError, NotFittedError):
    """A :class:`TopicModel` is used before :meth:`TopicModel.fit` (both a
    :class:`~analysis.errors.ModelError` and scikit-learn's ``NotFittedError``)."""


class TopicModel(TransformerMixin, BaseEstimator):
    """LDA or NMF topic model over stored tokens, texts or token lists.

    Args:
        method: ``lda`` (scikit-learn ``LatentDirichletAllocation``, batch
            variational EM on counts) or ``nmf`` (``NMF`` on TF-IDF,
            ``nndsvda`` initialisation).
        k: number of topics (ignored when ``k_range`` is given).
        k_range: candidate k values: ``"LO:HI"`` / ``(lo, hi)`` (every k
            from LO to HI when at most 10 values), ``"LO:HI:STEP"`` /
            ``(lo, hi, step)`` (HI always included), or an iterable such as
            ``range(5, 21, 5)``; see :func:`parse_k_range`. The k with the
            best mean NPMI is kept (``k_scores_`` lists them all).
        random_state: seed (fixed by default, so results repeat).
        top_n: top terms per topic, used for labels and coherence.
        min_df, max_df, max_features: vocabulary limits (CountVectorizer).
        max_iter: LDA passes (NMF: up to max(200, max_iter) iterations).
        learning_method: LDA ``batch``, ``online`` or ``auto`` (online with
            ``online_passes`` passes from ``online_min_docs`` documents, batch
            below; see :class:`TopicOptions` for the measurements).
        online_passes, online_min_docs: see ``learning_method``.
        batch_size: documents per mini-batch of online LDA.
        n_jobs: processes for LDA's E-step (None = 1).
        blas_threads: BLAS threads while fitting (0 = library default; see
            :class:`TopicOptions`).
        coherence_unit: ``document`` or ``sentence`` (needs a Corpus or texts).
        tokenizer: callable text -> terms for raw texts (default: the
            configured :class:`~analysis.segment.Segmenter`'s terms).

    Attributes:
        k_: number of topics fitted.
        vocabulary_: term -> column.
        components_: topics × terms weights, each row summing to 1.
        doc_topic_: documents × topics mixture, each row summing to 1.
        doc_ids_: the document ids (``text-<n>`` / ``doc-<n>`` for lists).
        titles_, dates_: document titles and dates (None when unknown).
        coherence_: DataFrame ``topic, npmi, umass``.
        coherence_npmi_, coherence_umass_: their means over topics.
        n_iter_: passes (LDA) or iterations (NMF) the fitted model ran.
        learning_method_: ``batch`` or ``online`` (LDA; None for NMF).
        k_scores_: DataFrame ``k, npmi, umass`` when ``k_range`` was used.
        model_: the fitted scikit-learn model.
        stability_: set by :meth:`stability`.
    """

    def __init__(self, method: str = "lda", k: int = 10, k_range: Any = None, random_state: int | None = 0,
                 top_n: int = 10, min_df: float = 2, max_df: float = 0.5, max_features: int | None = 20_000,
                 max_iter: int = 10, learning_method: str = "auto", coherence_unit: str = "document",
                 tokenizer=None, batch_size: int = 4096, n_jobs: int | None = None, blas_threads: int = 1,
                 online_passes: int = 3, online_min_docs: int = 10_000):
        self.method = method
        self.k = k
        self.k_range = k_range
        self.random_state = random_state
        self.top_n = top_n
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.max_iter = max_iter
        self.learning_method = learning_method
        self.coherence_unit = coherence_unit
        self.tokenizer = tokenizer
        self.batch_size = batch_size
        self.n_jobs = n_jobs
        self.blas_threads = blas_threads
        self.online_passes = online_passes
        self.online_min_docs = online_min_docs

    @classmethod
    def from_config(cls, cfg: dict | None = None, **overrides: Any) -> "TopicModel":
        """A model with the ``[topics]`` options of a config (packaged defaults)."""
        o = TopicOptions.from_config(cfg)
        params = dict(method=o.method, k=o.k, random_state=o.random_state, top_n=o.top_n, min_df=o.min_df,
                      max_df=o.max_df, max_features=o.max_features, max_iter=o.max_iter,
                      learning_method=o.learning_method, coherence_unit=o.coherence_unit,
                      batch_size=o.batch_size, n_jobs=o.n_jobs, blas_threads=o.blas_threads,
                      online_passes=o.online_passes, online_min_docs=o.online_min_docs)
        params.update(overrides)
        return cls(**params)

    # -- input -------------------------------------------------------------
    def _documents(self, X, doc_ids=None, **select) -> tuple[list[str], list[list[str]], list[list[list[str]]],
                                                             list | None, list | None]:
        """(ids, terms per doc, sentences of terms per doc, titles, dates)."""
        if is_corpus(X) or _is_token_docs(X) or (isinstance(X, (list, tuple)) and X and isinstance(X[0], str)
                                                 and self.tokenizer is None):
            docs, seg = token_docs(X, doc_ids, **select)
            kopt = KeywordOptions.from_config(getattr(X, "config", None))
            keep = term_filter(seg, kopt.min_len, kopt.drop_numbers)
            ids = [d.doc_id for d in docs]
            if self.coherence_unit == "sentence":  # terms grouped by sentence (slower)
                sents = []
                for d in docs:
                    groups: dict[int, list[str]] = {}
                    for w, s in zip(d.words, d.sent):
                        if keep(w):
                            groups.setdefault(s, []).append(w)
                    sents.append(list(groups.values()))
                terms = [[w for g in doc for w in g] for doc in sents]
            else:
                sents = None
                kept = {w for w in set().union(*(d.words for d in docs)) if keep(w)}  # once per type
                terms = [[w for w in d.words if w in kept] for d in docs]
            titles = dates = None
            if is_corpus(X):
                meta = X.to_frame(["doc_id", "title", "published_at"], doc_ids=ids)
                titles = meta["title"].tolist()
                dates = meta["published_at"].tolist()
            return ids, terms, sents, titles, dates
        items = list(X)
        if items and isinstance(items[0], str):
            terms = [list(self.tokenizer(t)) for t in items]
        else:
            terms = [list(t) for t in items]
        ids = [f"doc-{i}" for i in range(len(terms))]
        return ids, terms, [[t] for t in terms], None, None

    # -- fitting -----------------------------------------------------------
    def _k_values(self) -> list[int]:
        if self.k_range is None:
            return [int(self.k)]
        return parse_k_range(self.k_range)

    def _weighted(self, counts):
        """The matrix the model is fitted on: counts (LDA) or TF-IDF (NMF)."""
        return self.tfidf_.transform(counts) if self.method == "nmf" else counts

    def _fit_one(self, counts, k: int, seed: int | None, init: str | None = None):
        if self.blas_threads:
            from threadpoolctl import threadpool_limits
            with threadpool_limits(limits=int(self.blas_threads), user_api="blas"):
                return self._fit_one_(counts, k, seed, init)
        return self._fit_one_(counts, k, seed, init)

    def _fit_one_(self, counts, k: int, seed: int | None, init: str | None = None):
        if self.method == "lda":
            from sklearn.decomposition import LatentDirichletAllocation
            how, passes = self.lda_schedule(counts.shape[0])
            m = LatentDirichletAllocation(n_components=k, learning_method=how, batch_size=self.batch_size,
                                          max_iter=passes, total_samples=counts.shape[0], n_jobs=self.n_jobs,
                                          random_state=seed)
            if how == "online":
                # the same mini-batch updates as fit(), without fit's closing E-step and
                # perplexity bound over every document (transform below does that E-step)
                for _ in range(passes):
                    m.partial_fit(counts)
                m.n_iter_ = passes
                theta = m.transform(counts)
            else:
                theta = m.fit_transform(counts)
            comp = m.components_
        elif self.method == "nmf":
            from sklearn.decomposition import NMF
            x = counts  # already TF-IDF weighted (see _weighted)
            m = NMF(n_components=k, init=init or "nndsvda", max_iter=max(self.max_iter, 200),
                    random_state=seed)
            theta = m.fit_transform(x)
            comp = m.components_
        else:
            raise ConfigError(f"topic method must be lda or nmf, not {self.method!r}")
        comp = comp / np.maximum(comp.sum(axis=1, keepdims=True), _EPS)
        theta = theta / np.maximum(theta.sum(axis=1, keepdims=True), _EPS)
        return m, comp, theta

    def lda_schedule(self, n_docs: int) -> tuple[str, int]:
        """``(learning_method, passes)`` LDA uses for ``n_docs`` documents."""
        if self.learning_method == "auto":
            if n_docs >= self.online_min_docs:
                return "online", int(self.online_passes)
            return "batch", int(self.max_iter)
        if self.learning_method not in ("batch", "online"):
            raise ConfigError(f"learning_method must be auto, batch or online, not {self.learning_method!r}")
        return self.learning_method, int(self.max_iter)

    def _top_idx(self, comp: np.ndarray) -> list[list[int]]:
        n = min(self.top_n, comp.shape[1])
        return [list(np.argsort(-row, kind="stable")[:n]) for row in comp]

    def fit(self, X, y=None, doc_ids: Iterable[str] | None = None, **select: Any) -> "TopicModel":
        """Fit on a Corpus (stored tokens; ``doc_ids`` or ``query=``, ``since=``...
        select documents), a list of texts, or a list of token lists.

        Raises:
            NoDocumentsError: the selection holds no document.
            ModelError: too few documents or terms for the model.
        """
        if self.coherence_unit not in ("document", "sentence"):
            raise ConfigError(f"coherence_unit must be document or sentence, not {self.coherence_unit!r}")
        ids, terms, sents, titles, dates = self._documents(X, doc_ids, **select)
        if not ids:
            raise NoDocumentsError("topics: no documents selected (no document matches the selection, "
                                   "or the corpus is empty)")
        if len(ids) < 2:
            raise ModelError(f"topic model needs at least 2 documents, got {len(ids)}")
        min_df = self.min_df if not isinstance(self.min_df, int) or self.min_df <= len(ids) else 1
        vec = CountVectorizer(analyzer=_identity, lowercase=False, min_df=min_df, max_df=self.max_df,
                              max_features=self.max_features)
        try:
            counts = vec.fit_transform(terms)
        except ValueError as exc:  # empty vocabulary after pruning
            raise ModelError(f"topic model: no terms left ({exc})") from exc
        self.vectorizer_ = vec
        self.vocabulary_ = vec.vocabulary_
        self.tfidf_ = TfidfTransformer().fit(counts)
        x = self._weighted(counts)
        if self.coherence_unit == "document":  # = binary_units(terms, vocabulary_), without a Python loop
            units = sparse.csc_matrix((counts > 0).astype(np.float64))
        else:
            units = binary_units([s for doc in sents for s in doc], self.vocabulary_)
        results = []
        for k in self._k_values():
            if k > min(counts.shape):
                log.warning("k=%d is more than documents/terms allow; skipped", k)
                continue
            m, comp, theta = self._fit_one(x, k, self.random_state)
            coh = topic_coherence(self._top_idx(comp), units)
            results.append((k, m, comp, theta, coh))
            log.info("%s k=%d: NPMI %.3f, UMass %.3f", self.method, k, coh["npmi"].mean(), coh["umass"].mean())
        if not results:
            raise ModelError(f"no k in {self._k_values()} fits {counts.shape[0]} documents × {counts.shape[1]} terms")
        best = max(results, key=lambda r: np.nan_to_num(r[4]["npmi"].mean(), nan=-2))
        self.k_, self.model_, self.components_, self.doc_topic_, self.coherence_ = best
        self.n_iter_ = int(getattr(self.model_, "n_iter_", 0))
        self.learning_method_ = self.lda_schedule(counts.shape[0])[0] if self.method == "lda" else None
        self.coherence_npmi_ = float(self.coherence_["npmi"].mean())
        self.coherence_umass_ = float(self.coherence_["umass"].mean())
        if self.k_range is not None:
            self.k_scores_ = pd.DataFrame([{"k": r[0], "npmi": r[4]["npmi"].mean(), "umass": r[4]["umass"].mean()}
                                           for r in results])
        self.doc_ids_ = ids
        self.titles_ = titles
        self.dates_ = dates
        self._x = x
        return self

    def _check(self) -> None:
        if not hasattr(self, "components_"):
            raise NotFittedModelError("TopicModel is not fitted yet: call fit() first")

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_x", None)  # the training matrix is not part of the model
        return state

    def transform(self, X) -> np.ndarray:
        """Topic mixtures (rows sum to 1) of new texts or token lists."""
        self._check()
        _, terms, _, _, _ = self._documents(X)
        theta = self.model_.transform(self._weighted(self.vectorizer_.transform(terms)))
        return theta / np.maximum(theta.sum(axis=1, keepdims=True), _EPS)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """The vocabulary, in column order of ``components_``."""
        self._check()
        return self.vectorizer_.get_feature_names_out()

    # -- results -----------------------------------------------------------
    def top_terms(self, n: int | None = None) -> pd.DataFrame:
        """Top terms per topic.

        Returns:
            DataFrame with columns ``topic``, ``rank`` (0 = best), ``term``,
            ``weight`` (share of the topic's term distribution).
        """
        self._check()
        names = self.get_feature_names_out()
        n = n or self.top_n
        rows = []
        for t, row in enumerate(self.components_):
            for r, j in enumerate(np.argsort(-row, kind="stable")[:n]):
                rows.append((t, r, names[j], float(row[j])))
        return pd.DataFrame(rows, columns=["topic", "rank", "term", "weight"])

    def topics(self) -> pd.DataFrame:
        """One row per topic.

        Returns:
            DataFrame with columns ``topic``, ``label`` (top 5 terms joined
            with ``/``), ``terms`` (top ``top_n`` terms), ``prevalence``
            (mean share in the documents), ``npmi``, ``umass``.
        """
        self._check()
        tt = self.top_terms()
        terms = tt.groupby("topic")["term"].apply(list)
        df = pd.DataFrame({"topic": range(self.k_)})
        df["label"] = [" / ".join(terms[t][:5]) for t in df["topic"]]
        df["terms"] = [terms[t] for t in df["topic"]]
        df["prevalence"] = self.doc_topic_.mean(axis=0)
        return df.merge(self.coherence_, on="topic")

    def document_topics(self) -> pd.DataFrame:
        """Topic mixture per document (long form).

        Returns:
            DataFrame with columns ``doc_id``, ``topic``, ``weight``; rows of
            one document sum to 1.
        """
        self._check()
        k = self.k_
        return pd.DataFrame({"doc_id": np.repeat(self.doc_ids_, k), "topic": np.tile(np.arange(k), len(self.doc_ids_)),
                             "weight": self.doc_topic_.ravel()})

    def representative_docs(self, n: int = 3) -> pd.DataFrame:
        """The documents with the largest share of each topic.

        Returns:
            DataFrame with columns ``topic``, ``rank``, ``doc_id``, ``weight``,
            ``title`` (None when the input had no titles).
        """
        self._check()
        rows = []
        for t in range(self.k_):
            for r, i in enumerate(np.argsort(-self.doc_topic_[:, t], kind="stable")[:n]):
                rows.append((t, r, self.doc_ids_[i], float(self.doc_topic_[i, t]),
                             self.titles_[i] if self.titles_ else None))
        return pd.DataFrame(rows, columns=["topic", "rank", "doc_id", "weight", "title"])

    def prevalence_over_time(self, freq: str = "M", dates: Sequence | None = None) -> pd.DataFrame:
        """Mean topic share per period (documents without a date are left out).

        Args:
            freq: a pandas period alias (``D``, ``W``, ``M``, ``Q``, ``Y``).
            dates: dates of the fitted documents when the input had none.

        Returns:
            DataFrame with columns ``period`` (str), ``topic``,
            ``prevalence`` (mean share that period), ``n_docs``.
        """
        self._check()
        dates = dates if dates is not None else self.dates_
        if dates is None:
            raise ModelError("prevalence_over_time needs document dates (fit on a Corpus or pass dates=)")
        when = pd.to_datetime(pd.Series([str(d)[:10] if d else None for d in dates]), errors="coerce")
        ok = when.notna().to_numpy()
        if not ok.any():
            raise ModelError("prevalence_over_time: no document has a date")
        period = when[ok].dt.to_period(freq).astype(str).to_numpy()
        wide = pd.DataFrame(self.doc_topic_[ok], columns=range(self.k_))
        wide["period"] = period
        g = wide.groupby("period")
        long = g.mean().reset_index().melt(id_vars="period", var_name="topic", value_name="prevalence")
        long["topic"] = long["topic"].astype(int)
        long = long.merge(g.size().rename("n_docs").reset_index(), on="period")
        return long.sort_values(["period", "topic"]).reset_index(drop=True)

    def stability(self, seeds: Sequence[int] = (1, 2), X=None) -> float:
        """Mean best-match cosine similarity of topics between runs with other seeds.

        The model is refitted on the same documents (k = ``k_``) with each
        seed; each run's topics are matched one to one with this model's
        (Hungarian algorithm) and the matched similarities averaged. NMF's
        ``nndsvda`` start ignores the seed, so every NMF run here (this one
        included) starts from ``init="random"``. Sets ``stability_`` and
        ``stability_runs_`` (DataFrame ``seed, similarity, min_similarity``).
        """
        self._check()
        counts = getattr(self, "_x", None)
        if counts is None:
            if X is None:
                raise ModelError("stability: pass X (the training data) to a model loaded from a pickle")
            _, terms, _, _, _ = self._documents(X)
            counts = self._weighted(self.vectorizer_.transform(terms))
        init = "random" if self.method == "nmf" else None
        base = self.components_ if init is None else self._fit_one(counts, self.k_, self.random_state, init)[1]
        rows = []
        for s in seeds:
            comp = self._fit_one(counts, self.k_, s, init)[1]
            _, sims = match_topics(base, comp)
            rows.append({"seed": s, "similarity": float(sims.mean()), "min_similarity": float(sims.min())})
        self.stability_runs_ = pd.DataFrame(rows)
        self.stability_ = float(self.stability_runs_["similarity"].mean())
        return self.stability_
