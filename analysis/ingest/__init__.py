"""Ingestion: files of every shape → clean :class:`~analysis.document.Document` objects → the store.

Public API::

    from analysis.ingest import ingest, read_path, parse_mapping, IngestReport

- :func:`ingest` (store, paths, config=None, format="auto", mapping=None,
  progress=False) → :class:`IngestReport`.
- :func:`read_path` (path, format="auto", mapping=None) → documents and
  :class:`~analysis.errors.InputError` objects of one input, without a store.
- :func:`parse_mapping` (``("title=headline,body=content",)``) → dict.

Formats (``format=``): ``text`` (aggregator pages like the seed), ``html``,
``jsonl``, ``json``, ``csv``, ``tsv``, ``sogou`` (GBK pseudo-XML),
``digest`` (daily digest Markdown); ``auto`` detects them per file.
Modules: :mod:`.encoding`, :mod:`.normalize`, :mod:`.archives`,
:mod:`.text`, :mod:`.html`, :mod:`.tabular`, :mod:`.sogou`, :mod:`.digest`,
:mod:`.byline`, :mod:`.reader`, :mod:`.pipeline`.
"""
from __future__ import annotations

from .byline import find_byline, parse_byline
from .normalize import normalize_text, parse_datetime
from .pipeline import IngestReport, ingest
from .reader import FORMATS, detect_format, read_path, read_source
from .tabular import parse_mapping

__all__ = ["ingest", "IngestReport", "read_path", "read_source", "parse_mapping", "detect_format",
           "FORMATS", "normalize_text", "parse_datetime", "parse_byline", "find_byline"]
