"""Format detection and :func:`read_path`: documents of one input, no store."""
from __future__ import annotations

import logging
import os
from pathlib import PurePosixPath
from typing import Iterator, Mapping

from ..document import Document
from ..errors import ConfigError, InputError
from .archives import Limits, Source, expand_paths, iter_members, source_for
from .digest import is_digest, read_digest
from .encoding import decode, detect_encoding
from .html import parse_html
from .normalize import detect_lang
from .sogou import read_sogou
from .tabular import RecordMapper, read_csv, read_json_array, read_jsonl
from .text import parse_text

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
    return "text"


def read_source(src: Source, fmt: str = "auto", mapping: Mapping[str, str] | None = None,
                tz: str = "Asia/Shanghai") -> Iterator[Document | InputError | None]:
    """Documents (or errors, or None for a skipped empty record) of one source.

    File-level failures are yielded as one :class:`InputError` (never raised).
    """
    try:
        yield from _read_source(src, fmt, mapping, tz)
    except InputError as exc:
        yield exc
    except (OSError, EOFError) as exc:
        yield InputError(src.name, f"cannot read ({exc})")


def _finish(doc: Document | None) -> Document | None:
    if doc is not None and doc.body:
        doc.lang = detect_lang(doc.body)
    return doc


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
            for doc in it:
                yield doc if isinstance(doc, InputError) else _finish(doc)
        return
    if fmt == "sogou":
        with src.open() as fh:
            for doc in read_sogou(fh, src.name, tz, encoding=enc_name):
                yield doc if isinstance(doc, InputError) else _finish(doc)
        return
    text, enc_name = decode(src.read(), src.name)
    if not text.strip():
        raise InputError(src.name, "empty file (whitespace only)")
    if fmt == "json":
        for doc in read_json_array(text, src.name, enc_name, RecordMapper(mapping, tz)):
            yield doc if isinstance(doc, InputError) else _finish(doc)
    elif fmt == "digest":
        if not is_digest(text):
            raise InputError(src.name, "not a digest (no '## 详细新闻' / '### title' sections)")
        for doc in read_digest(text, src.name, enc_name, tz):
            yield doc if isinstance(doc, InputError) else _finish(doc)
    elif fmt == "html":
        yield _finish(parse_html(text, src.name, enc_name, tz))
    else:
        yield _finish(parse_text(text, src.name, enc_name, tz))


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
                if doc is not None:
                    yield doc
