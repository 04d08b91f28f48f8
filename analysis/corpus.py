"""`Corpus`: the researcher's handle on a corpus store.

quanteda-style flow: ``Corpus`` → stored tokens → tidy DataFrames. The methods
are thin: each calls the stage module's function of the same name, so the
library, the CLI and the notebooks share one implementation.

Example:
    >>> from analysis import Corpus
    >>> corpus = Corpus.open("corpus/corpus.sqlite")      # doctest: +SKIP
    >>> corpus.ingest(["corpus/"])                         # doctest: +SKIP
    >>> corpus.search("江小爱")[["doc_id", "title"]]       # doctest: +SKIP
"""
from __future__ import annotations

import logging
import numbers
import os
from pathlib import Path
from typing import Any, Iterable, Sequence

import pandas as pd

from .config import Config, default_corpus_path, load_config
from .document import COLUMNS
from .store import Store

log = logging.getLogger(__name__)


class Corpus:
    """A corpus of Chinese news documents kept in a SQLite store.

    Args:
        store: the underlying :class:`~analysis.store.Store`.
        config: the merged configuration (packaged defaults + user file).
    """

    def __init__(self, store: Store, config: Config | None = None):
        self.store = store
        self.config = config if config is not None else load_config()

    # -- opening ----------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike | None = None, config: Config | str | None = None,
             readonly: bool = False) -> "Corpus":
        """Open (creating if needed) the corpus store at ``path``.

        ``path`` defaults to ``$ANALYSIS_CORPUS`` or the configured
        ``[store] path`` (``corpus/corpus.sqlite``).
        """
        cfg = config if isinstance(config, Config) else load_config(config)
        store_path = default_corpus_path(path, cfg)
        return cls(Store(store_path, busy_timeout_ms=cfg["store"].get("busy_timeout_ms", 60000),
                         readonly=readonly), cfg)

    @property
    def path(self) -> Path:
        return self.store.path

    def __len__(self) -> int:
        return self.store.count()

    def __repr__(self) -> str:
        return f"Corpus({str(self.path)!r}, {len(self)} documents)"

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Corpus":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- ingestion --------------------------------------------------------
    def ingest(self, paths: Iterable[str | os.PathLike], **kwargs: Any):
        """Read files, folders, archives or ``-`` (stdin) into the store.

        Keyword arguments are those of :func:`analysis.ingest.ingest`
        (``format``, ``mapping``, ``progress``...). Returns its
        :class:`~analysis.ingest.IngestReport`.
        """
        from .ingest import ingest
        return ingest(self.store, paths, config=self.config, **kwargs)

    # -- documents --------------------------------------------------------
    def get(self, doc_id: str) -> dict[str, Any]:
        """One document as a dict; a unique id prefix is accepted."""
        return self.store.get(doc_id)

    def to_frame(self, columns: Sequence[str] | None = None,
                 doc_ids: Iterable[str] | None = None) -> pd.DataFrame:
        """One row per document (insertion order, or the order of ``doc_ids``).

        Args:
            columns: a subset of the columns below (all by default).
            doc_ids: only these documents (full ids), in this order.

        Returns:
            DataFrame with the columns of :data:`analysis.document.COLUMNS`:

            - ``doc_id`` (str): 16 hex digits, from the normalised body;
            - ``title``, ``body`` (str): clean text, paragraphs split by ``\n``;
            - ``source`` (str or None): publisher (光明日报客户端);
            - ``published_at`` (str or None): ISO 8601, a date-time with offset
              (``2023-03-28T16:45:44+08:00``) or a date (``2022-01-04``);
              ``pd.to_datetime(df.published_at, format="ISO8601", utc=True)``
              converts it;
            - ``authors`` (list of ``{"name", "role", "affiliation"}``),
              ``byline`` (str or None): the people of the byline and the byline
              as written;
            - ``url``, ``origin`` (str): where it was published and the file
              (``path``, ``archive!member``, ``file:line``) it was read from;
            - ``lang`` (``zh``, ``zh-Hant``, ``ja`` or ``other``), ``encoding``
              (of the original bytes), ``ingested_at`` (ISO 8601);
            - ``meta`` (dict): category, tags, title_prefix, dateline,
              bad_bytes, source_id and any other input column;
            - ``length`` (int): characters of the body.

        Raises:
            DocumentNotFound: an id of ``doc_ids`` is not in the store.

        Example:
            >>> corpus = Corpus.open("corpus/corpus.sqlite")        # doctest: +SKIP
            >>> corpus.to_frame(["doc_id", "source", "length"]).head(2)  # doctest: +SKIP
                         doc_id   source  length
            0  6821ed831be0e517  光明日报客户端    1977
            1  3b0c0e8fa3ad1c1e  央视网《新闻联播》     316
        """
        cols = list(columns or COLUMNS)
        rows = list(self.store.iter_documents(cols, doc_ids=doc_ids))
        return pd.DataFrame(rows, columns=cols)

    def search(self, query: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Documents whose title or body contains the query.

        Every space-separated part of ``query`` must occur as a substring
        (3+ characters through the FTS5 trigram index, 1–2 characters by a
        scan), so Chinese needs no segmentation.

        Args:
            query: the text to find (``江小爱``, ``社区 志愿``).
            columns: columns of the result (all of :meth:`to_frame` by default).

        Returns:
            DataFrame with the columns of :meth:`to_frame`, one row per
            matching document, in insertion order (empty when none matches).

        Example:
            >>> corpus.search("江小爱", columns=["doc_id", "title"])  # doctest: +SKIP
                         doc_id                        title
            0  6821ed831be0e517  广西崇左江州区:党建引领 “江小爱”服务暖民心
        """
        ids = self.store.search(query)
        return self.to_frame(columns, doc_ids=ids)

    def select(self, doc: str | Sequence[str] | None = None, query: str | None = None,
               since: str | None = None, until: str | None = None,
               source: str | None = None, category: str | None = None) -> list[str]:
        """Doc ids matching every given condition (all documents when none is given).

        Args:
            doc: one id (or unique prefix) or a list of ids.
            query: full-text query (see :meth:`search`).
            since, until: ISO dates, inclusive, compared on ``published_at``.
            source: exact publisher name.
            category: ``meta.category`` equal to this value.

        Returns:
            A list of ``doc_id`` strings in insertion order (not a DataFrame:
            pass it as ``doc_ids=`` to :meth:`to_frame` and the stage functions).

        Raises:
            DocumentNotFound: ``doc`` names no document (or an ambiguous prefix).

        Example:
            >>> ids = corpus.select(query="志愿服务", since="2023-01-01")  # doctest: +SKIP
            >>> corpus.to_frame(["title"], doc_ids=ids)                    # doctest: +SKIP
        """
        where, params = [], []
        if since:
            where.append("substr(published_at, 1, 10) >= ?")
            params.append(since)
        if until:
            where.append("substr(published_at, 1, 10) <= ?")
            params.append(until)
        if source:
            where.append("source = ?")
            params.append(source)
        if category:
            where.append("json_extract(meta, '$.category') = ?")
            params.append(category)
        ids = [d["doc_id"] for d in self.store.iter_documents(["doc_id"], where=" AND ".join(where),
                                                                 params=params)]
        if doc is not None:
            wanted = [doc] if isinstance(doc, str) else list(doc)
            full = {self.store.get(d)["doc_id"] for d in wanted}
            ids = [i for i in ids if i in full]
        if query:
            hits = set(self.store.search(query))
            ids = [i for i in ids if i in hits]
        return ids

    def summary(self) -> dict[str, Any]:
        """Counts for a quick look: documents, characters, sources, date range.

        Returns:
            ``{"path", "documents", "characters", "sources": {source: documents},
            "first_date", "last_date"}`` (dates ``YYYY-MM-DD`` or None).
        """
        df = self.to_frame(["doc_id", "source", "published_at", "length"])
        dates = df["published_at"].dropna().str.slice(0, 10)
        return {
            "path": str(self.path),
            "documents": int(len(df)),
            "characters": int(df["length"].sum()) if len(df) else 0,
            "sources": df["source"].fillna("(unknown)").value_counts().to_dict(),
            "first_date": dates.min() if len(dates) else None,
            "last_date": dates.max() if len(dates) else None,
        }

    def summary_frame(self) -> pd.DataFrame:
        """The summary as records: a first row ``(all)`` for the whole corpus,
        then one row per source (most documents first).

        Returns:
            DataFrame with columns ``source`` (str; ``(all)``, ``(unknown)``
            for documents without one), ``documents``, ``characters`` (int),
            ``first_date``, ``last_date`` (``YYYY-MM-DD`` or None).

        Example:
            >>> corpus.summary_frame()                       # doctest: +SKIP
                   source  documents  characters  first_date   last_date
            0       (all)        422      ...      2022-01-04  2023-03-28
            1  央视网《新闻联播》        421      ...      2022-01-04  2026-...
        """
        cols = ["source", "documents", "characters", "first_date", "last_date"]
        df = self.to_frame(["source", "published_at", "length"])
        if df.empty:
            return pd.DataFrame([("(all)", 0, 0, None, None)], columns=cols)
        df["source"] = df["source"].fillna("(unknown)")
        df["date"] = df["published_at"].str.slice(0, 10)

        def row(name: str, part: pd.DataFrame) -> tuple:
            dates = part["date"].dropna()
            return (name, int(len(part)), int(part["length"].sum()),
                    dates.min() if len(dates) else None, dates.max() if len(dates) else None)

        rows = [row("(all)", df)]
        counts = df["source"].value_counts()
        rows += [row(src, df[df["source"] == src]) for src in counts.index]
        return pd.DataFrame(rows, columns=cols)

    # -- stages (each delegates to its module) ----------------------------
    def segmenter(self, **overrides: Any):
        """The corpus's configured :class:`~analysis.segment.Segmenter`
        (packaged domain dictionary + this corpus's accepted terms)."""
        from .segment import corpus_segmenter
        return corpus_segmenter(self, **overrides)

    def tokens(self, **kwargs: Any):
        """Stored tokens (segmenting what is missing); see :func:`analysis.segment.corpus_tokens`.

        Keyword arguments: ``doc_ids``, ``pos`` (POS tags, stored once),
        ``as_frame``, ``segmenter``.

        Returns:
            A list of token lists (one per document), or with
            ``as_frame=True`` a DataFrame with one row per token and columns
            ``doc_id`` (str), ``sentence`` (int, 0-based), ``position`` (int,
            0-based token number in the document), ``token`` (str), ``pos``
            (str or None), ``start``, ``end`` (int character offsets into the body).

        Example:
            >>> df = corpus.tokens(doc_ids=[corpus.select()[0]], as_frame=True)  # doctest: +SKIP
            >>> df[["token", "start", "end"]].head(3)                            # doctest: +SKIP
        """
        from .segment import corpus_tokens
        return corpus_tokens(self, **kwargs)

    def kwic(self, term: str, **kwargs: Any) -> pd.DataFrame:
        """Keyword in context on the stored segmentation; see :func:`analysis.segment.kwic`.

        Keyword arguments: ``window`` (context tokens on each side, at least
        1; default 15), ``doc_ids``, ``segmenter``.

        Returns:
            DataFrame with one row per occurrence and columns ``doc_id``,
            ``start``, ``end`` (character offsets of the match in the body),
            ``left``, ``keyword``, ``right`` (body text of ``window`` tokens
            before and after, line breaks as spaces).

        Raises:
            ConfigError: ``window`` is below 1.

        Example:
            >>> corpus.kwic("江小爱", window=3)[["left", "keyword", "right"]]  # doctest: +SKIP
                   left keyword   right
            0  党建引领 “     江小爱  ”服务暖民心
        """
        window = kwargs.get("window", 15)
        if isinstance(window, bool) or not isinstance(window, numbers.Integral) or window < 1:
            from .errors import ConfigError
            raise ConfigError(f"kwic window must be a whole number of at least 1 (got {window!r})")
        from .segment import kwic
        return kwic(self, term, **kwargs)

    def figures(self, **kwargs: Any) -> pd.DataFrame:
        """Figures of every (selected) document, cached; see :func:`analysis.figures.corpus_figures`."""
        from .figures import corpus_figures
        return corpus_figures(self, **kwargs)

    def entities(self, **kwargs: Any) -> pd.DataFrame:
        """Entities of every (selected) document, cached; see :func:`analysis.entities.corpus_entities`."""
        from .entities import corpus_entities
        return corpus_entities(self, **kwargs)

    def keywords(self, **kwargs: Any) -> pd.DataFrame:
        """Keyword table; see :func:`analysis.keywords.keywords`."""
        from .keywords import keywords
        return keywords(self, **kwargs)
