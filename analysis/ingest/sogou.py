"""Sogou news XML (SogouCA/SogouCS): ``<doc><url><docno><contenttitle><content>``.

The files are GBK (read as GB18030) with Sogou's known corruption: single
bytes replaced by ``?`` inside Chinese text, which shifts the byte pairs
after them. :func:`decode_gbk_repair` turns each corrupted character into
U+FFFD and re-aligns the rest (choosing, where the position is ambiguous,
the alignment that yields common characters), and counts the replacements
(``meta["bad_bytes"]``). Documents are streamed one ``<doc>`` at a time.
"""
from __future__ import annotations

import codecs
import re
from typing import BinaryIO, Iterator
from urllib.parse import urlparse

from ..document import Document
from ..errors import InputError
from .normalize import normalize_line, normalize_text, parse_datetime
from .skipped import Skipped

_FIELD = re.compile(rb"<(url|docno|contenttitle|content)>(.*?)</\1>", re.S)
_URL_DATE = re.compile(r"/((?:19|20)\d{6})/")


def _score(data: bytes, i: int, n: int = 24) -> int:
    """How many common (GB2312 level-1) characters a parse from ``i`` gives."""
    score, end = 0, min(len(data), i + n)
    while i < end:
        b = data[i]
        if b < 0x80:
            if b == 0x3F:
                return score
            i += 1
            continue
        if i + 1 >= len(data):
            break
        t = data[i + 1]
        if 0xB0 <= b <= 0xD7 and 0xA1 <= t <= 0xFE:
            # a trail byte that is usually a lead byte (A1 punctuation, A3 full-width
            # digits) hints at a shifted parse
            score += 0 if t in (0xA1, 0xA3) else 2
        elif b in (0xA1, 0xA3) and 0xA1 <= t <= 0xFE:
            score += 1
        elif t < 0x40 or t == 0x7F:
            score -= 2
        i += 2
    return score


def decode_gbk_repair(data: bytes) -> tuple[str, int]:
    """Decode GBK with Sogou's ``?`` corruption: ``(text, replacements)``.

    Example:
        >>> good = "现在我宣布".encode("gbk")
        >>> decode_gbk_repair(good[:7] + b"?" + good[8:])
        ('现在我\\ufffd布', 1)
    """
    out: list[str] = []
    bad = 0
    pos = 0
    n = len(data)
    k = data.find(b"?")
    while k != -1:
        high_ctx = (k > 0 and data[k - 1] >= 0x80) or (k + 1 < n and data[k + 1] >= 0x80)
        if not high_ctx:
            k = data.find(b"?", k + 1)
            continue
        dec = codecs.getincrementaldecoder("gb18030")(errors="replace")
        text = dec.decode(data[pos:k], final=False)
        pending = dec.getstate()[0]
        out.append(text)
        if pending:  # '?' replaced the second byte of a character
            out.append("\ufffd")
            bad += 1
            pos = k + 1
        elif k + 1 < n and data[k + 1] >= 0x80 and _score(data, k + 2) >= _score(data, k + 1):
            out.append("\ufffd")  # '?' replaced a first byte: its partner is orphaned
            bad += 1
            pos = k + 2
        else:  # a real question mark
            out.append("?")
            pos = k + 1
        k = data.find(b"?", pos)
    tail = data[pos:].decode("gb18030", errors="replace")
    bad += tail.count("\ufffd")
    out.append(tail)
    return "".join(out), bad


def iter_doc_chunks(stream: BinaryIO, chunk_size: int = 1 << 20) -> Iterator[tuple[int, bytes]]:
    """``(line, bytes of one <doc>…</doc>)`` from a binary stream, in bounded memory.

    A last ``<doc>`` without ``</doc>`` (a truncated file) comes with a
    negative line number.
    """
    buf = b""
    line = 1  # line number of buf[0]
    while True:
        chunk = stream.read(chunk_size)
        buf += chunk
        start = 0
        while True:
            i = buf.find(b"<doc>", start)
            j = buf.find(b"</doc>", i) if i != -1 else -1
            if j == -1:
                break
            yield line + buf.count(b"\n", 0, i), buf[i:j + 6]
            start = j + 6
        if not chunk:
            i = buf.find(b"<doc>", start)
            if i != -1:
                yield -(line + buf.count(b"\n", 0, i)), buf[i:]
            return
        keep = max(start, buf.rfind(b"<doc>", start) if b"<doc>" in buf[start:] else len(buf) - 5)
        line += buf.count(b"\n", 0, keep)
        buf = buf[keep:]


def read_sogou(stream: BinaryIO, name: str, tz: str = "Asia/Shanghai",
               encoding: str = "gb18030") -> Iterator[Document | InputError | Skipped]:
    """Documents of a Sogou XML file; ``meta["bad_bytes"]`` counts U+FFFD.

    ``encoding`` other than GB18030 (a UTF-8 re-export) is decoded plainly.
    """
    if encoding in ("gb18030", "gbk", "gb2312"):
        dec = decode_gbk_repair
    else:
        def dec(b: bytes) -> tuple[str, int]:
            s = b.decode(encoding, errors="replace")
            return s, s.count("\ufffd")
    seen = False
    for line, chunk in iter_doc_chunks(stream):
        seen = True
        if line < 0:
            yield InputError(name, "truncated <doc> (no </doc>)", -line)
            continue
        fields = {k.decode(): v for k, v in _FIELD.findall(chunk)}
        if "content" not in fields and "contenttitle" not in fields:
            yield InputError(name, "<doc> without <content>", line)
            continue
        title, bad_t = dec(fields.get("contenttitle", b""))
        body, bad_b = dec(fields.get("content", b""))
        url = fields.get("url", b"").decode("ascii", errors="replace").strip() or None
        body = normalize_text(body.replace("\ue40c", "\n"))
        title = normalize_line(title)
        if not body and not title:
            yield Skipped(f"{name}:{line}", "empty <doc> (no title, no text)")
            continue
        meta = {"bad_bytes": bad_t + bad_b}
        if fields.get("docno"):
            meta["docno"] = fields["docno"].decode("ascii", errors="replace").strip()
        published = None
        host = None
        if url:
            m = _URL_DATE.search(url)
            published = parse_datetime(m.group(1), tz) if m else None
            host = urlparse(url).hostname
        yield Document(title=title, body=body, source=host, published_at=published, url=url,
                       origin=f"{name}:{line}", encoding=encoding, meta=meta)
    if not seen:
        raise InputError(name, "no <doc> element found (not Sogou XML?)")
