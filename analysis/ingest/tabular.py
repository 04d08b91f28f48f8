"""JSON Lines, JSON arrays and CSV/TSV exports, with a column mapping.

Fields and their default columns (the first present wins; ``--map
FIELD=COLUMN`` overrides):

======== ==========================================================
title    title, headline, 标题
body     content, body, text, article, 正文, 内容
date     date, published_at, pubdate, publish_time, time, 日期, 时间
source   source, publisher, media, 来源, 媒体
url      url, link, href, 链接
byline   byline, author, authors, 作者
id       id, doc_id, docno → ``meta["source_id"]``
category category, column, 栏目 → ``meta["category"]``
tags     tags, keywords → ``meta["tags"]``
======== ==========================================================

Every other column goes to ``meta`` unchanged (``topic_hits``,
``has_count_pattern``…). Files are streamed record by record.
"""
from __future__ import annotations

import csv
import io
import json
import re
from typing import Any, Iterable, Iterator, Mapping

from ..document import Document
from ..errors import ConfigError, InputError
from .byline import find_byline, parse_byline
from .encoding import COUNTING, bad_bytes_so_far, decode_counting
from .normalize import normalize_line, normalize_text, parse_datetime
from .skipped import Skipped
from .text import clean_body

DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "标题"),
    "body": ("content", "body", "text", "article", "正文", "内容"),
    "date": ("date", "published_at", "pubdate", "publish_time", "time", "日期", "时间"),
    "source": ("source", "publisher", "media", "来源", "媒体"),
    "url": ("url", "link", "href", "链接"),
    "byline": ("byline", "author", "authors", "作者"),
    "id": ("id", "doc_id", "docno"),
    "category": ("category", "column", "栏目"),
    "tags": ("tags", "keywords"),
}
_FIELD_ALIASES = {"content": "body", "text": "body", "published_at": "date", "time": "date",
                  "author": "byline", "authors": "byline", "headline": "title", "link": "url",
                  "publisher": "source", "source_id": "id"}
_CATEGORY_TAG = re.compile(r"^[【\[]([^】\]]{1,20})[】\]]\s*(?=\S)")


def parse_mapping(specs: Iterable[str] | str | None) -> dict[str, str]:
    """Parse ``--map`` options: ``("title=headline,body=content",)`` →
    ``{"title": "headline", "body": "content"}``.

    Raises:
        ConfigError: an item is not ``FIELD=COLUMN`` or names an unknown field.

    Example:
        >>> parse_mapping(("title=headline,body=content", "date=pub"))
        {'title': 'headline', 'body': 'content', 'date': 'pub'}
    """
    if not specs:
        return {}
    if isinstance(specs, str):
        specs = [specs]
    out: dict[str, str] = {}
    for spec in specs:
        for item in str(spec).split(","):
            item = item.strip()
            if not item:
                continue
            if "=" not in item:
                raise ConfigError(f"--map {item!r}: expected FIELD=COLUMN (e.g. body=content)")
            field, column = (s.strip() for s in item.split("=", 1))
            field = _FIELD_ALIASES.get(field, field)
            if field not in DEFAULT_COLUMNS or not column:
                raise ConfigError(f"--map {item!r}: unknown field {field!r} "
                                  f"(fields: {', '.join(DEFAULT_COLUMNS)})")
            out[field] = column
    return out


def split_category(title: str) -> tuple[str, str | None]:
    """``【冬奥之约】冬奥筹办…`` → ``('冬奥筹办…', '冬奥之约')``."""
    m = _CATEGORY_TAG.match(title)
    if not m:
        return title, None
    return title[m.end():].strip(), m.group(1).strip()


class RecordMapper:
    """Turns one record (a dict) into a :class:`Document` with the mapping."""

    def __init__(self, mapping: Mapping[str, str] | None = None, tz: str = "Asia/Shanghai"):
        self.mapping = dict(mapping or {})
        self.tz = tz

    def column(self, field: str, keys: Iterable[str]) -> str | None:
        if field in self.mapping:
            return self.mapping[field] if self.mapping[field] in keys else None
        for cand in DEFAULT_COLUMNS[field]:
            if cand in keys:
                return cand
        return None

    def has_body(self, keys: Iterable[str]) -> bool:
        return self.column("body", list(keys)) is not None

    def body_error(self) -> str:
        if "body" in self.mapping:
            return f"no text column {self.mapping['body']!r} (from --map body=...)"
        return ("no text column (expected one of " + ", ".join(DEFAULT_COLUMNS["body"][:4])
                + "; use --map body=COLUMN)")

    def to_document(self, rec: Mapping[str, Any], origin: str, encoding: str | None) -> Document | Skipped:
        """The document of a record; :class:`Skipped` when the record has no text at all.

        Raises:
            InputError: the record has no text column (``path`` is ``origin``;
                the readers re-raise it with the file and line).
        """
        keys = list(rec.keys())
        cols = {f: self.column(f, keys) for f in DEFAULT_COLUMNS}
        if cols["body"] is None:
            raise InputError(origin, self.body_error())
        raw = rec.get(cols["body"])
        if isinstance(raw, list):
            raw = "\n".join(str(x) for x in raw if x is not None)
        body_lines, info = clean_body(normalize_text("" if raw is None else str(raw)).split("\n"))
        body = "\n".join(ln for ln in body_lines if ln)
        title = normalize_line(_text(rec.get(cols["title"]))) if cols["title"] else ""
        if not body and not title:
            return Skipped(origin, "empty record (no title, no text)")
        meta: dict[str, Any] = {}
        used = {c for c in cols.values() if c}
        for k in keys:
            if k not in used:
                meta[k] = rec[k]
        meta.update(info)
        if cols["id"]:
            meta["source_id"] = rec.get(cols["id"])
        if cols["category"] and rec.get(cols["category"]) not in (None, ""):
            meta["category"] = rec.get(cols["category"])
        else:
            title, cat = split_category(title)
            if cat:
                meta["category"] = cat
        if cols["tags"] and rec.get(cols["tags"]) not in (None, ""):
            tags = rec.get(cols["tags"])
            meta["tags"] = tags if isinstance(tags, list) else [t for t in re.split(r"[,，;；、\s]+", str(tags)) if t]
        byline = normalize_line(_text(rec.get(cols["byline"]))) if cols["byline"] else ""
        byline = byline or find_byline(body) or ""
        when = rec.get(cols["date"]) if cols["date"] else None
        return Document(
            title=title, body=body,
            source=normalize_line(_text(rec.get(cols["source"]))) or None if cols["source"] else None,
            published_at=parse_datetime(when, self.tz) if when not in (None, "") else None,
            authors=parse_byline(byline) if byline else [], byline=byline or None,
            url=_text(rec.get(cols["url"])).strip() or None if cols["url"] else None,
            origin=origin, encoding=encoding, meta=meta)


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return "、".join(str(x) for x in v if x is not None)
    return str(v)


def read_jsonl(stream, name: str, encoding: str, mapper: RecordMapper) -> Iterator[Document | InputError | None]:
    """Stream a JSON Lines file (binary stream): one document (or error) per line."""
    for lineno, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        line, bad = decode_counting(raw, "utf-8" if encoding == "utf-8-sig" else encoding)
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(name, f"malformed JSON ({exc.msg} at column {exc.colno})", lineno)
            continue
        yield from _record(rec, name, lineno, encoding, mapper, bad)


def read_json_array(data: str, name: str, encoding: str, mapper: RecordMapper) -> Iterator[Document | InputError | None]:
    """A JSON file holding a list of records (or one record)."""
    try:
        obj = json.loads(data)
    except json.JSONDecodeError as exc:
        raise InputError(name, f"malformed JSON ({exc.msg})", exc.lineno) from exc
    records = obj if isinstance(obj, list) else [obj]
    for i, rec in enumerate(records, 1):
        yield from _record(rec, name, i, encoding, mapper)


def _record(rec, name, lineno, encoding, mapper, bad: int = 0):
    if not isinstance(rec, dict):
        yield InputError(name, f"not a JSON object ({type(rec).__name__})", lineno)
        return
    try:
        doc = mapper.to_document(rec, f"{name}:{lineno}", encoding)
    except InputError as exc:
        yield InputError(name, exc.reason, lineno)
        return
    if bad and isinstance(doc, Document):
        doc.meta["bad_bytes"] = bad
    yield doc


def read_csv(stream, name: str, encoding: str, mapper: RecordMapper,
             delimiter: str | None = None) -> Iterator[Document | InputError | None]:
    """Stream a CSV (or TSV) file with a header row."""
    csv.field_size_limit(1 << 30)
    text = io.TextIOWrapper(stream, encoding=encoding, errors=COUNTING, newline="")
    if delimiter is None:
        first = text.readline()
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
        rest = text
        text = _Chain(first, rest)
    reader = csv.DictReader(text, delimiter=delimiter)
    try:
        header = reader.fieldnames
    except csv.Error as exc:
        raise InputError(name, f"malformed CSV ({exc})", 1) from exc
    if not header:
        raise InputError(name, "empty CSV (no header row)")
    header = [h.strip().lstrip("\ufeff") for h in header]
    reader.fieldnames = header
    if not mapper.has_body(header):
        raise InputError(name, "CSV without a text column: " + mapper.body_error()
                         + f"; columns are {', '.join(header[:12])}")
    while True:
        start = reader.line_num + 1
        before = bad_bytes_so_far()
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield InputError(name, f"malformed CSV ({exc})", start)
            continue
        row.pop(None, None)  # extra cells beyond the header
        # bytes replaced while decoding this row (the decoder reads ahead in blocks: approximate)
        yield from _record(row, name, start, encoding, mapper, bad_bytes_so_far() - before)


class _Chain(io.TextIOBase):
    """A text stream that replays one already-read line, then the rest."""

    def __init__(self, first: str, rest):
        self._first, self._rest = first, rest

    def readline(self, size: int = -1) -> str:
        if self._first is not None:
            line, self._first = self._first, None
            return line
        return self._rest.readline()

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.readline()
        if not line:
            raise StopIteration
        return line
