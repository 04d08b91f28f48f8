"""Input sources: files, folders, ``-`` (stdin), ``.gz``, ``.zip``, ``.tar(.gz)``.

:func:`expand_paths` turns the command-line paths into top-level inputs
(folders walked recursively); :func:`iter_members` yields the readable
:class:`Source` objects inside one input (the file itself, or the members of
an archive, streamed). Unsafe members (``..``, absolute paths) and archives
that expand past the size limits are refused with an
:class:`~analysis.errors.UnsafeArchiveError`; the other members are read.
"""
from __future__ import annotations

import gzip
import io
import logging
import os
import sys
import tarfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Callable, Iterator

from ..errors import InputError, UnsafeArchiveError

log = logging.getLogger(__name__)

#: extensions read when walking a folder (files given explicitly are always read)
INPUT_EXTENSIONS = {".txt", ".text", ".html", ".htm", ".xhtml", ".shtml", ".jsonl", ".ndjson", ".json",
                    ".csv", ".tsv", ".md", ".markdown", ".dat", ".xml", ".gz", ".tgz", ".zip", ".tar", ""}
_SKIP_NAMES = ("readme", "license", "licence", "copying", "notice")


@dataclass
class Limits:
    max_archive_bytes: int = 2_000_000_000
    max_member_bytes: int = 500_000_000


class Source:
    """One readable input: a file on disk, stdin, or an archive member.

    Attributes:
        name: what documents' ``origin`` starts with (``path`` or ``archive!member``).
        path: the file on disk when it is one (fingerprinted), else None.
    """

    def __init__(self, name: str, opener: Callable[[], BinaryIO], path: Path | None = None,
                 size: int | None = None, limit: int | None = None):
        self.name = name
        self.path = path
        self.size = size
        self._opener = opener
        self._head: bytes | None = None
        self._stream: BinaryIO | None = None
        self.limit = limit

    @classmethod
    def from_bytes(cls, name: str, data: bytes) -> "Source":
        return cls(name, lambda: io.BytesIO(data), size=len(data))

    def head(self, n: int = 1 << 16) -> bytes:
        """The first ``n`` bytes (kept, so :meth:`open` still starts at 0).

        Data that ends early (a cut archive) gives the bytes before the cut;
        reading on past them raises the error.
        """
        if self._head is None:
            self._stream = self._opener()
            self._head, self._error = _read_upto(self._stream, n)
        return self._head

    def open(self) -> BinaryIO:
        """A binary stream from the start (reads are limited to ``limit`` bytes)."""
        self.head()
        stream = _Replay(self._head or b"", self._stream, getattr(self, "_error", None))
        self._head, self._stream = None, None
        if self.limit:
            stream = _Limited(stream, self.limit, self.name)
        return io.BufferedReader(stream, 1 << 16)

    def read(self) -> bytes:
        with self.open() as fh:
            data = fh.read()
            fh.read(1)  # a cut stream raises here, after its end
            return data


def _read_upto(stream: BinaryIO, n: int) -> tuple[bytes, Exception | None]:
    chunks, got = [], 0
    while got < n:
        try:
            b = stream.read(n - got)
        except (EOFError, zlib.error) as exc:
            if not chunks:
                raise
            return b"".join(chunks), exc
        if not b:
            break
        chunks.append(b)
        got += len(b)
    return b"".join(chunks), None


class _Gunzip(io.RawIOBase):
    """A gzip stream decompressed in bounded steps. Data cut short gives every
    byte before the cut, then one end-of-file (so a buffered reader hands
    them over), then :class:`EOFError` on the next read (``gzip.GzipFile``
    raises at once and a buffered reader drops what it held). Concatenated
    gzip members are read one after another."""

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._pending = b""
        self._buf = b""
        self._in_member = False
        self._cut = False

    def readable(self) -> bool:
        return True

    def _fill(self) -> None:
        while not self._buf:
            data = self._pending or self._raw.read(1 << 16)
            if not data:
                if self._in_member:
                    if self._cut:
                        raise EOFError("compressed data ended before the end-of-stream marker")
                    self._cut = True
                return
            if self._d.eof:  # the next gzip member (or padding after the last one)
                if not data.strip(b"\x00"):
                    self._pending = b""
                    continue
                self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            self._in_member = True
            self._buf = self._d.decompress(data, 1 << 20)
            self._pending = self._d.unconsumed_tail
            if self._d.eof:
                self._in_member = False
                self._pending = self._d.unused_data

    def readinto(self, b) -> int:
        self._fill()
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


class _Replay(io.RawIOBase):
    def __init__(self, head: bytes, rest: BinaryIO | None, error: Exception | None = None):
        self._head = memoryview(head)
        self._rest = rest
        self._error = error

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        if len(self._head):
            n = min(len(b), len(self._head))
            b[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        if self._error is not None:
            raise self._error
        if self._rest is None:
            return 0
        data = self._rest.read(len(b))
        b[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if self._rest is not None and self._rest is not sys.stdin.buffer:
            self._rest.close()
        super().close()


class _Limited(io.RawIOBase):
    """Fails with UnsafeArchiveError once more than ``limit`` bytes were read."""

    def __init__(self, raw, limit: int, name: str):
        self._raw, self._limit, self._name, self._got = raw, limit, name, 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = self._raw.readinto(b)
        self._got += n or 0
        if self._got > self._limit:
            raise UnsafeArchiveError(self._name, f"expands past the size limit ({self._limit:,} bytes)")
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


# -- paths -------------------------------------------------------------------
def expand_paths(paths, ignored: list[Path] | None = None) -> Iterator[Path | str | InputError]:
    """Files of the given paths: folders walked recursively (sorted), ``-`` kept.

    Files of a folder that are not inputs (unknown extensions, hidden files,
    README/LICENSE/NOTICE/COPYING) are left out and appended to ``ignored``
    when a list is given. Files named explicitly are always read.
    """
    for p in paths:
        if str(p) == "-":
            yield "-"
            continue
        path = Path(p)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__")))
                for f in sorted(files):
                    fp = Path(root) / f
                    if _walk_skips(fp):
                        log.debug("ignoring %s (not an input file)", fp)
                        if ignored is not None:
                            ignored.append(fp)
                        continue
                    yield fp
        elif path.is_file():
            yield path
        elif path.exists():
            yield InputError(str(p), "not a regular file")
        else:
            yield InputError(str(p), "no such file or folder")


def ignored_kinds(paths: list[Path], most: int = 6) -> str:
    """``.bin, .py, README.md``: the extensions (or names) of ignored files.

    Example:
        >>> ignored_kinds([Path("a.bin"), Path("b/c.py"), Path("d.bin"), Path("README.md")])
        '.bin, .py, README.md'
    """
    kinds: list[str] = []
    for p in paths:
        name = p.name
        low = name.lower()
        if low.startswith(".") or low.startswith(_SKIP_NAMES) or not p.suffix:
            kind = name
        else:
            kind = p.suffix.lower()
        if kind not in kinds:
            kinds.append(kind)
    shown = sorted(k for k in kinds if k.startswith(".") and k.lower() == k and "." not in k[1:])
    shown += sorted(k for k in kinds if k not in shown)
    return ", ".join(shown[:most]) + (", …" if len(shown) > most else "")


def _walk_skips(fp: Path) -> bool:
    name = fp.name.lower()
    if name.startswith(".") or name.startswith(_SKIP_NAMES):
        return True
    suffix = fp.suffix.lower()
    return suffix not in INPUT_EXTENSIONS and not name.endswith((".tar.gz", ".tar.bz2", ".tar.xz"))


# -- archives ----------------------------------------------------------------
def archive_kind(name: str, head: bytes) -> str | None:
    """``tar``, ``zip``, ``gz`` or None for a plain file."""
    low = name.lower()
    if head.startswith(b"\x1f\x8b"):
        return "gz"  # .tar.gz too: decompressed by _Gunzip, then read as a tar
    if low.endswith((".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tar.xz", ".tbz2")):
        return "tar"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06") or low.endswith(".zip"):
        return "zip"
    if head.startswith(b"\x1f\x8b") or low.endswith(".gz"):
        return "gz"
    if len(head) > 262 and head[257:262] == b"ustar":
        return "tar"
    return None


def _unsafe(member: str) -> bool:
    p = PurePosixPath(member.replace("\\", "/"))
    return p.is_absolute() or ".." in p.parts or (len(member) > 1 and member[1] == ":")


def source_for(path: Path | str, limits: Limits) -> Source:
    if path == "-":
        return Source("<stdin>", lambda: sys.stdin.buffer, limit=limits.max_member_bytes)
    path = Path(path)
    return Source(str(path), lambda: open(path, "rb"), path=path, size=path.stat().st_size)


def iter_members(src: Source, limits: Limits, depth: int = 0) -> Iterator[Source | InputError]:
    """The readable sources inside ``src`` (itself when it is not an archive)."""
    try:
        head = src.head()
    except OSError as exc:
        yield InputError(src.name, f"cannot read ({exc.strerror or exc})")
        return
    kind = archive_kind(src.name, head) if depth < 3 else None
    if kind is None:
        yield src
        return
    try:
        if kind == "gz":
            low = src.name.lower()
            inner = (src.name[:-3] if low.endswith(".gz") else src.name[:-4] + ".tar" if low.endswith(".tgz")
                     else src.name + ".out")
            gz = io.BufferedReader(_Gunzip(src.open()), 1 << 16)
            member = Source(inner, lambda: gz, limit=limits.max_member_bytes)
            member.name = inner
            if inner.lower().endswith(".tar"):
                yield from _tar(member, limits, depth)
            else:
                yield from iter_members(member, limits, depth + 1)
        elif kind == "zip":
            yield from _zip(src, limits, depth)
        else:
            yield from _tar(src, limits, depth)
    except UnsafeArchiveError as exc:
        yield exc
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, zlib.error, gzip.BadGzipFile, OSError) as exc:
        yield InputError(src.name, f"truncated or corrupt archive ({exc})")


def _walk(src: Source, entries, limits: Limits, depth: int) -> Iterator[Source | InputError]:
    """Check and read archive members given as ``(name, is_file, size, read)``."""
    total = 0
    for name, is_file, size, read in entries:
        where = f"{src.name}!{name}"
        if _unsafe(name):
            yield UnsafeArchiveError(where, "unsafe member path (absolute or with ..), not extracted")
            continue
        base = PurePosixPath(name).name
        if not is_file or base.startswith(".") or base.lower().startswith(_SKIP_NAMES):
            continue
        if size > limits.max_member_bytes:
            yield UnsafeArchiveError(where, f"member larger than the limit ({limits.max_member_bytes:,} bytes)")
            continue
        total += size
        if total > limits.max_archive_bytes:
            yield UnsafeArchiveError(src.name, f"archive expands past the size limit "
                                               f"({limits.max_archive_bytes:,} bytes); rest not read")
            return
        try:
            data = read()
        except UnsafeArchiveError as exc:
            exc.path = where
            yield exc
            continue
        yield from iter_members(Source.from_bytes(where, data), limits, depth + 1)


def _tar(src: Source, limits: Limits, depth: int) -> Iterator[Source | InputError]:
    def read(tar, info) -> bytes:
        fh = tar.extractfile(info)
        data = fh.read() if fh else b""
        if len(data) < info.size:
            raise EOFError(f"member {info.name} is cut short")
        return data

    with tarfile.open(fileobj=src.open(), mode="r|*") as tar:
        yield from _walk(src, ((i.name, i.isfile(), i.size, lambda i=i: read(tar, i)) for i in tar),
                         limits, depth)


def _zip(src: Source, limits: Limits, depth: int) -> Iterator[Source | InputError]:
    def read(zf, info) -> bytes:
        # the declared size may lie (zip bombs): read at most the limit
        with zf.open(info) as fh:
            data = fh.read(limits.max_member_bytes + 1)
        if len(data) > limits.max_member_bytes:
            raise UnsafeArchiveError(info.filename, "member expands past the size limit")
        return data

    zf = zipfile.ZipFile(src.path if src.path is not None else io.BytesIO(src.read()))
    with zf:
        yield from _walk(src, ((i.filename, not i.is_dir(), i.file_size, lambda i=i: read(zf, i))
                               for i in zf.infolist()), limits, depth)
