"""Format detection and :func:`read_path`: documents of one input, no store."""
from __future__ import annotations

import csv
import logging
import os
import re
from pathlib import PurePosixPath
from typing import Iterator, Mapping

from ..document import Document, content_id
from ..errors import ConfigError, InputError
from .archives import Limits, Source, expand_paths, iter_members, source_for
from .byline import parse_byline, _ROLE_RE
from .digest import is_digest, read_digest
from .encoding import decode, detect_encoding
from .html import parse_html
from .normalize import detect_lang
from .skipped import Skipped
from .sogou import read_sogou
from .tabular import DEFAULT_COLUMNS, RecordMapper, read_csv, read_json_array, read_jsonl
from .text import parse_text, split_dateline

log = logging.getLogger(__name__)

FORMATS = ("auto", "text", "html", "jsonl", "json", "csv", "tsv", "sogou", "digest")
_BY_EXT = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".tsv": "tsv",
           ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html", ".dat": "sogou",
           ".xml": "sogou", ".md": "digest", ".markdown": "digest", ".txt": "text", ".text": "text"}


def detect_format(name: str, head: bytes) -> str:
    """The format of an input from its name and first bytes.

    Example:
        >>> detect_format("a.txt", "天天速读:标题".encode())
        'text'
        >>> detect_format("<stdin>", b'{"title": "x", "content": "y"}')
        'jsonl'
    """
    base = PurePosixPath(name.replace("!", "/")).name.lower()
    ext = os.path.splitext(base)[1]
    sniff = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:4096]
    low = sniff[:512].lower()
    fmt = _BY_EXT.get(ext)
    if fmt == "json" and sniff[:1] == b"{":
        # a .json file with one object per line
        first_line = sniff.split(b"\n", 1)[0].strip()
        if first_line.endswith(b"}") and b"\n{" in sniff:
            return "jsonl"
    if fmt == "digest":
        return "digest" if b"### " in head or "详细新闻".encode() in head else "text"
    if fmt == "sogou" and b"<doc>" not in head and b"<contenttitle>" not in head:
        return "html" if b"<html" in low else "text"
    if fmt:
        return fmt
    if sniff[:1] == b"{":
        return "jsonl"
    if sniff[:1] == b"[":
        return "json"
    if low.startswith((b"<doclist", b"<doc>")) or b"<contenttitle>" in sniff:
        return "sogou"
    if low.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<!--")) or b"<html" in low:
        return "html"
    if sniff.startswith(b"# ") and "详细新闻".encode() in head:
        return "digest"
    if not ext or ext not in _BY_EXT:
        tabular = sniff_csv(sniff)
        if tabular:
            return tabular
    return "text"


_KNOWN_COLUMNS = {c.lower() for cols in DEFAULT_COLUMNS.values() for c in cols}
_HEADER_CELL = re.compile(r"^[\w\- .]{1,40}$")


def sniff_csv(head: bytes) -> str | None:
    """``csv`` or ``tsv`` when ``head`` starts with a header row, else None.

    A header row has two or more cells split by tabs or commas and either
    names a known column (``title``, ``content``, ``date``, ``标题``... see
    :data:`~analysis.ingest.tabular.DEFAULT_COLUMNS`) or consists of short
    identifier-like cells with the same number of cells on the next line.

    Example:
        >>> sniff_csv("headline,date,url\n标题,2022-01-04,http://x\n".encode())
        'csv'
        >>> sniff_csv("3月,春潮涌动,草木萌新。\n在广西崇左江州区".encode()) is None
        True
    """
    text = head[:8192].decode("utf-8", errors="ignore")
    if not text.strip():
        try:
            text = head[:8192].decode("gb18030", errors="ignore")
        except LookupError:  # pragma: no cover
            return None
    lines = text.lstrip("\ufeff").split("\n")
    first = lines[0].rstrip("\r")
    for delim, fmt in (("\t", "tsv"), (",", "csv")):
        if delim not in first:
            continue
        try:
            cells = next(csv.reader([first], delimiter=delim))
        except csv.Error:
            continue
        cells = [c.strip() for c in cells]
        if len(cells) < 2 or not all(cells):
            continue
        if any(c.lower() in _KNOWN_COLUMNS for c in cells) and all(len(c) <= 40 for c in cells):
            return fmt
        if all(_HEADER_CELL.match(c) for c in cells) and len(lines) > 2:
            try:
                second = next(csv.reader([lines[1].rstrip("\r")], delimiter=delim))
            except csv.Error:
                continue
            if len(second) == len(cells) and len(cells) >= 3:
                return fmt
    return None


def read_source(src: Source, fmt: str = "auto", mapping: Mapping[str, str] | None = None,
                tz: str = "Asia/Shanghai") -> Iterator[Document | InputError | Skipped]:
    """Documents, errors and skipped records (:class:`Skipped`) of one source.

    File-level failures are yielded as one :class:`InputError` (never raised).
    """
    try:
        yield from _read_source(src, fmt, mapping, tz)
    except InputError as exc:
        yield exc
    except (OSError, EOFError) as exc:
        yield InputError(src.name, f"cannot read ({exc})")


def finish(doc: Document | Skipped | None, origin: str, bad_bytes: int = 0) -> Document | Skipped:
    """The last ingestion step of every reader: skip records without text,
    move a leading dateline to ``meta["dateline"]`` (a byline in it fills
    ``authors`` when the document has none), count undecodable bytes in
    ``meta["bad_bytes"]``, set ``lang`` and the ``doc_id`` of the final body.
    """
    if doc is None:
        return Skipped(origin, "no text")
    if isinstance(doc, Skipped):
        return doc
    if not doc.body:
        return Skipped(doc.origin or origin, "title only, no text" if doc.title else "no text")
    body, dateline = split_dateline(doc.body)
    if dateline:
        doc.body = body
        doc.meta["dateline"] = dateline
        doc.doc_id = content_id(body, doc.title)
        paren = _PAREN.search(dateline)
        if not doc.authors and paren and _ROLE_RE.search(paren.group(1)):
            doc.authors = parse_byline(paren.group(1))
            doc.byline = doc.byline or paren.group(1).strip()
    if bad_bytes:
        doc.meta["bad_bytes"] = doc.meta.get("bad_bytes", 0) + bad_bytes
    doc.lang = detect_lang(doc.body)
    return doc


_PAREN = re.compile(r"[（(]([^（()）]+)[)）]")


def _finish_all(items, origin: str, file_bad: int = 0):
    """``finish`` each record; ``file_bad`` (bytes replaced when the whole
    file was decoded) is attributed to the documents by their U+FFFD."""
    for doc in items:
        if isinstance(doc, InputError):
            yield doc
            continue
        bad = 0
        if file_bad and isinstance(doc, Document):
            bad = doc.title.count("\ufffd") + doc.body.count("\ufffd")
        yield finish(doc, origin, bad)


def _read_source(src, fmt, mapping, tz):
    head = src.head()
    if not head:
        raise InputError(src.name, "empty file")
    if fmt == "auto":
        fmt = detect_format(src.name, head)
    if fmt not in FORMATS:
        raise ConfigError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    complete = src.size is not None and len(head) >= src.size
    encoding = detect_encoding(head, src.name, complete=complete)
    enc_name = "utf-8" if encoding == "utf-8-sig" else encoding
    if fmt in ("jsonl", "csv", "tsv"):
        mapper = RecordMapper(mapping, tz)
        with src.open() as fh:
            if fmt == "jsonl":
                it = read_jsonl(fh, src.name, enc_name, mapper)
            else:
                it = read_csv(fh, src.name, encoding, mapper, delimiter="\t" if fmt == "tsv" else None)
            yield from _finish_all(it, src.name)
        return
    if fmt == "sogou":
        with src.open() as fh:
            yield from _finish_all(read_sogou(fh, src.name, tz, encoding=enc_name), src.name)
        return
    text, enc_name, bad = decode(src.read(), src.name)
    if not text.strip():
        raise InputError(src.name, "empty file (whitespace only)")
    if fmt == "json":
        yield from _finish_all(read_json_array(text, src.name, enc_name, RecordMapper(mapping, tz)), src.name, bad)
    elif fmt == "digest":
        if not is_digest(text):
            raise InputError(src.name, "not a digest (no '## 详细新闻' / '### title' sections)")
        yield from _finish_all(read_digest(text, src.name, enc_name, tz), src.name, bad)
    elif fmt == "html":
        yield finish(parse_html(text, src.name, enc_name, tz), src.name, bad)
    else:
        yield finish(parse_text(text, src.name, enc_name, tz), src.name, bad)


def read_path(path, format: str = "auto", mapping: Mapping[str, str] | None = None,
              config: Mapping | None = None) -> Iterator[Document | InputError]:
    """Documents of one file (or folder, archive, ``-``) with all the ingestion
    rules (encoding, clutter removal, bylines), without a store.

    Yields :class:`~analysis.document.Document` objects and, for what could
    not be read, :class:`~analysis.errors.InputError` objects (not raised).

    Example:
        >>> docs = [d for d in read_path("corpus/seed") if isinstance(d, Document)]  # doctest: +SKIP
        >>> docs[0].source                                                            # doctest: +SKIP
        '光明日报客户端'
    """
    opts = dict((config or {}).get("ingest", {})) if config else {}
    limits = Limits(opts.get("max_archive_bytes", Limits.max_archive_bytes),
                    opts.get("max_member_bytes", Limits.max_member_bytes))
    tz = opts.get("timezone", "Asia/Shanghai")
    for item in expand_paths([path]):
        if isinstance(item, InputError):
            yield item
            continue
        for src in iter_members(source_for(item, limits), limits):
            if isinstance(src, InputError):
                yield src
                continue
            for doc in read_source(src, format, mapping, tz):
                if not isinstance(doc, Skipped):
                    yield doc
