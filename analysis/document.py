"""The document record that ingestion produces and the store keeps."""
from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

_WS = re.compile(r"\s+")

#: The columns of ``Corpus.to_frame()`` / ``analysis docs --format jsonl``.
COLUMNS = ["doc_id", "title", "body", "source", "published_at", "authors", "byline",
           "url", "origin", "lang", "encoding", "ingested_at", "meta", "length"]


def content_id(body: str, title: str = "") -> str:
    """Stable id of a document from its normalised content.

    All whitespace is removed before hashing, so the same article read from a
    text page, an HTML page or a JSON export (different line breaks and
    indentation) gets the same id. The title is used only when the body is
    empty.

    Example:
        >>> content_id("江州区 志愿者\\n2500多人") == content_id("江州区志愿者2500多人")
        True
    """
    key = _WS.sub("", body) or _WS.sub("", title)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


@dataclass
class Document:
    """One news document, as ingestion produces it.

    Attributes:
        title: the headline, aggregator prefixes removed (kept in ``meta``).
        body: clean text, paragraphs separated by ``\\n``.
        source: the publisher as the page gives it (光明日报客户端).
        published_at: ISO 8601 with offset (``2023-03-28T16:45:44+08:00``),
            or a date (``2023-03-28``) when the time is unknown; None if unknown.
        authors: people of the byline: ``[{"name": "周仕兴", "role": "全媒体记者",
            "affiliation": "光明日报"}]``.
        byline: the byline as written (``通讯员苏晓霞光明日报全媒体记者周仕兴``).
        url: where it was published, when known.
        origin: the file (and ``!member`` / ``:line``) it was read from.
        lang: ``zh`` (Simplified or Traditional as detected: ``zh-Hant``).
        encoding: the encoding of the original bytes (``utf-8``, ``gb18030``...).
        meta: free metadata (category, tags, title_prefix, bad_bytes...).
    """

    title: str
    body: str
    source: str | None = None
    published_at: str | None = None
    authors: list[dict[str, Any]] = field(default_factory=list)
    byline: str | None = None
    url: str | None = None
    origin: str | None = None
    lang: str = "zh"
    encoding: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    ingested_at: str | None = None
    doc_id: str = ""

    def __post_init__(self) -> None:
        if not self.doc_id:
            self.doc_id = content_id(self.body, self.title)

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["length"] = len(self.body)
        return d
