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
        """One row per document with the columns of :data:`analysis.document.COLUMNS`.

        ``published_at`` stays an ISO string (dates and date-times mix);
        ``pd.to_datetime(df.published_at, format="ISO8601", utc=True)`` converts it.
        """
        cols = list(columns or COLUMNS)
        rows = list(self.store.iter_documents(cols, doc_ids=doc_ids))
        return pd.DataFrame(rows, columns=cols)

    def search(self, query: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Documents whose title or body contains the query (substring, any length)."""
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
        """Counts for a quick look: documents, characters, sources, date range."""
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

    # -- stages (each delegates to its module) ----------------------------
    def segmenter(self, **overrides: Any):
        """The corpus's configured :class:`~analysis.segment.Segmenter`
        (packaged domain dictionary + this corpus's accepted terms)."""
        from .segment import corpus_segmenter
        return corpus_segmenter(self, **overrides)

    def tokens(self, **kwargs: Any):
        """Stored tokens (segmenting what is missing); see :func:`analysis.segment.corpus_tokens`."""
        from .segment import corpus_tokens
        return corpus_tokens(self, **kwargs)

    def kwic(self, term: str, **kwargs: Any) -> pd.DataFrame:
        """Keyword in context on the stored segmentation; see :func:`analysis.segment.kwic`."""
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
