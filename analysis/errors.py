"""Exception classes for the whole package, in one place.

Every error the library raises on purpose derives from :class:`AnalysisError`,
so callers (and the CLI) can catch one class. Errors about input carry the
file, the line (or archive member) and a reason, and render as one clear line::

    corpus/bad.jsonl:17: malformed JSON (Expecting ',' delimiter)
"""
from __future__ import annotations


class AnalysisError(Exception):
    """Base class of all errors raised by :mod:`analysis`."""


class ConfigError(AnalysisError):
    """A configuration file or option is invalid."""


class StoreError(AnalysisError):
    """The corpus store cannot be opened, migrated or written."""


class DocumentNotFound(StoreError):
    """No document with the given id is in the store."""


class InputError(AnalysisError):
    """An input file (or one record of it) cannot be read or parsed.

    Args:
        path: the file (or ``archive.zip!member``) that failed.
        reason: a short human-readable reason.
        line: the 1-based line or record number, when known.

    Example:
        >>> str(InputError("a.jsonl", "malformed JSON", line=3))
        'a.jsonl:3: malformed JSON'
    """

    def __init__(self, path: str, reason: str, line: int | None = None):
        self.path = str(path)
        self.reason = reason
        self.line = line
        super().__init__(self.__str__())

    def __str__(self) -> str:  # one line, file first, like a compiler
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.reason}"


class UnsafeArchiveError(InputError):
    """An archive member escapes the target (``..``, absolute path) or the
    archive expands past the configured size limit."""


class SegmentError(AnalysisError):
    """The segmenter cannot be configured (missing dictionary, bad entry)."""


class ExtractionError(AnalysisError):
    """Figure, date or entity extraction failed on a document."""


class ModelError(AnalysisError):
    """A keyword/topic model is used before it is fitted, or is misconfigured."""


class NoDocumentsError(ModelError):
    """A keyword, collocation or topic function got an empty selection
    (no document matches the filters, or the corpus is empty)."""


class ReportError(AnalysisError):
    """A report or notebook cannot be rendered."""


class EngineError(AnalysisError):
    """The parallel or distributed engine failed (scheduler unreachable, ...)."""


class AnnotateInterrupted(KeyboardInterrupt):
    """``annotate`` was interrupted (Ctrl-C): what was finished is stored.

    A :class:`KeyboardInterrupt` (code that catches that still works) that
    carries the run's report: ``report.stored`` documents were written."""

    def __init__(self, report=None):
        super().__init__("interrupted")
        self.report = report
