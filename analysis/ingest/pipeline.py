"""``ingest``: read inputs into the store in batches, with a report.

- Documents are written in batches (``batch_size`` documents or
  ``batch_seconds``, whichever comes first), each batch one transaction: a
  run killed at any moment leaves whole documents only, and running it again
  completes it (existing documents count as duplicates).
- A file read completely without errors is fingerprinted (sha256 + format +
  reader version); the next run skips it without parsing (``unchanged``).
- Bad input never stops the run: each failure is one line in
  ``report.errors`` (``file:line: reason``) and counts in ``failed``. The
  library logs failures at DEBUG only; the caller (the CLI) prints
  ``report.errors``, so each failure is reported once.
- Records without text (empty, title only, a page of navigation) count in
  ``skipped`` with their reason in ``report.skips``; files a folder walk
  leaves out (unknown extensions, README/LICENSE...) are listed in
  ``report.ignored``; undecodable bytes replaced by U+FFFD are summed in
  ``report.bad_bytes``.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from ..document import Document
from ..errors import InputError
from .archives import Limits, expand_paths, ignored_kinds, iter_members, source_for
from .reader import FORMATS, read_source
from .skipped import Skipped

log = logging.getLogger(__name__)

#: bump when a reader changes what it produces, so fingerprints are re-read
READER_VERSION = 2  # 2: datelines moved to meta, title-only records skipped, bad bytes counted
MAX_ERRORS_PER_FILE = 50
MAX_SKIPS_KEPT = 1000


@dataclass
class IngestReport:
    """What an ingestion run did.

    Attributes:
        added: new documents written.
        duplicates: documents already in the store (also those of unchanged files).
        skipped: records without text (empty, title only, navigation pages).
        failed: records or files that could not be read.
        errors: one line per failure: ``file:line: reason``.
        skips: one line per skipped record: ``origin: reason``.
        files: input files (and archive members) read.
        unchanged: input files skipped because they were ingested before.
        ignored: files a folder walk left out (not input files).
        bad_bytes: undecodable bytes replaced by U+FFFD in the documents read.
        seconds: wall time.
    """

    added: int = 0
    duplicates: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    skips: list[str] = field(default_factory=list)
    files: int = 0
    unchanged: int = 0
    ignored: list[str] = field(default_factory=list)
    bad_bytes: int = 0
    seconds: float = 0.0

    def summary_line(self) -> str:
        """``ingested 2 files: 422 added, 0 duplicates, 0 skipped, 0 failed (1.2 s)``, then
        ``; 3 files ignored (.bin, .py)`` and ``; 1,234 undecodable bytes replaced`` when so."""
        extra = f", {self.unchanged} unchanged since last run" if self.unchanged else ""
        line = (f"ingested {self.files} file{'s' if self.files != 1 else ''}{extra}: {self.added} added, "
                f"{self.duplicates} duplicates, {self.skipped} skipped, {self.failed} failed "
                f"({self.seconds:.1f} s)")
        if self.ignored:
            n = len(self.ignored)
            line += f"; {n} file{'s' if n != 1 else ''} ignored ({ignored_kinds([Path(p) for p in self.ignored])})"
        if self.bad_bytes:
            line += f"; {self.bad_bytes:,} undecodable byte{'s' if self.bad_bytes != 1 else ''} replaced"
        return line

    def _error(self, err: InputError | str, count: bool = True) -> None:
        if count:
            self.failed += 1
        self.errors.append(str(err))
        log.debug("%s", err)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class _Writer:
    """Buffers documents and writes them in short transactions."""

    def __init__(self, store, report: IngestReport, batch_size: int, batch_seconds: float, bar=None):
        self.store, self.report, self.bar = store, report, bar
        self.batch_size, self.batch_seconds = batch_size, batch_seconds
        self.buf: list[Document] = []
        self.t0 = time.monotonic()

    def add(self, doc: Document) -> None:
        self.buf.append(doc)
        if len(self.buf) >= self.batch_size or time.monotonic() - self.t0 >= self.batch_seconds:
            self.flush()

    def flush(self) -> None:
        if self.buf:
            added, dup = self.store.add_documents(self.buf)
            self.report.added += added
            self.report.duplicates += dup
            if self.bar is not None:
                self.bar.update(len(self.buf))
            self.buf = []
        self.t0 = time.monotonic()


def ingest(store, paths: Iterable[str | os.PathLike], config: Mapping | None = None, format: str = "auto",
           mapping: Mapping[str, str] | None = None, progress: bool = False,
           batch_size: int | None = None, batch_seconds: float | None = None) -> IngestReport:
    """Read files, folders, archives or ``-`` (stdin) into ``store``.

    Args:
        store: an :class:`analysis.store.Store`.
        paths: files, folders (recursive), ``.gz``/``.zip``/``.tar.gz``, ``-``.
        config: the configuration (its ``[ingest]`` table); defaults when None.
        format: ``auto`` or one of :data:`FORMATS` (for every input).
        mapping: column mapping for JSONL/CSV (:func:`parse_mapping`).
        progress: show a progress bar (documents) on stderr.

    Returns:
        An :class:`IngestReport`.

    Example:
        >>> from analysis.store import Store                     # doctest: +SKIP
        >>> ingest(Store("c.sqlite"), ["corpus/seed"]).added      # doctest: +SKIP
        1
    """
    if format not in FORMATS:
        from ..errors import ConfigError
        raise ConfigError(f"unknown format {format!r} (one of {', '.join(FORMATS)})")
    if config is None:
        from ..config import load_config
        config = load_config()
    opts = dict(config.get("ingest", {}))
    limits = Limits(int(opts.get("max_archive_bytes", Limits.max_archive_bytes)),
                    int(opts.get("max_member_bytes", Limits.max_member_bytes)))
    tz = opts.get("timezone", "Asia/Shanghai")
    batch_size = batch_size or int(opts.get("batch_size", 200))
    batch_seconds = batch_seconds or float(opts.get("batch_seconds", 0.5))
    fp_format = f"{format}|v{READER_VERSION}"
    if mapping:
        fp_format += "|" + ",".join(f"{k}={v}" for k, v in sorted(mapping.items()))

    report = IngestReport()
    t_start = time.monotonic()
    bar = None
    redirect = contextlib.nullcontext()
    if progress:
        from tqdm import tqdm
        from tqdm.contrib.logging import logging_redirect_tqdm
        bar = tqdm(unit=" docs", desc="ingest", dynamic_ncols=True, leave=True)
        redirect = logging_redirect_tqdm()  # log lines (-v) above the bar, not through it
    writer = _Writer(store, report, batch_size, batch_seconds, bar)
    ignored: list[Path] = []
    try:
        with redirect:
            _run(store, paths, format, mapping, tz, limits, fp_format, report, writer, bar, ignored)
    finally:
        if bar is not None:
            bar.close()
        report.ignored = [str(p) for p in ignored]
        report.seconds = time.monotonic() - t_start
    log.info("%s", report.summary_line())
    return report


def _run(store, paths, format, mapping, tz, limits, fp_format, report, writer, bar, ignored) -> None:
    for item in expand_paths(paths, ignored=ignored):
        if isinstance(item, InputError):
            report._error(item)
            continue
        sha = None
        if item != "-":
            try:
                sha = _sha256(item)
            except OSError as exc:
                report._error(InputError(str(item), f"cannot read ({exc.strerror or exc})"))
                continue
            n_done = store.file_done(sha, fp_format)
            if n_done is not None:
                report.unchanged += 1
                report.duplicates += n_done
                log.info("%s: unchanged since it was ingested (%d documents)", item, n_done)
                continue
        n_docs = errors = 0
        for src in iter_members(source_for(item, limits), limits):
            if isinstance(src, InputError):
                report._error(src)
                errors += 1
                continue
            report.files += 1
            if bar is not None:
                bar.set_postfix_str(src.name[-40:], refresh=False)
            file_errors = file_bad = 0
            for doc in read_source(src, format, mapping, tz):
                if doc is None or isinstance(doc, Skipped):
                    report.skipped += 1
                    if doc is not None:
                        report.skips.append(str(doc))
                        log.debug("skipped %s", doc)
                elif isinstance(doc, InputError):
                    errors += 1
                    file_errors += 1
                    report._error(doc, count=True) if file_errors <= MAX_ERRORS_PER_FILE else None
                    if file_errors > MAX_ERRORS_PER_FILE:
                        report.failed += 1
                else:
                    n_docs += 1
                    file_bad += doc.meta.get("bad_bytes", 0) or 0
                    writer.add(doc)
            if file_bad:  # kept with U+FFFD in their place, but say which file had them
                report.bad_bytes += file_bad
                log.warning("%s: %d undecodable byte%s replaced by U+FFFD", src.name, file_bad,
                            "s" if file_bad != 1 else "")
            if file_errors > MAX_ERRORS_PER_FILE:
                report.errors.append(f"{src.name}: {file_errors - MAX_ERRORS_PER_FILE} more errors not shown")
        writer.flush()
        if sha is not None and errors == 0:
            st = item.stat()
            store.mark_file_done(str(item), st.st_size, st.st_mtime_ns, sha, fp_format, n_docs)
    writer.flush()
