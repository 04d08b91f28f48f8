""":class:`Skipped`: a record that holds no document, and why (counted, not an error)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Skipped:
    """A record or page without text to keep (empty record, title only,
    a page with navigation but no article). It counts as ``skipped`` in the
    :class:`~analysis.ingest.IngestReport`; the reason is kept there.

    Example:
        >>> str(Skipped("a.jsonl:3", "title only, no text"))
        'a.jsonl:3: title only, no text'
    """

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"
