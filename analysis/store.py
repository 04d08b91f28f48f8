"""The corpus store: one SQLite file (WAL), versioned schema, FTS, result caches.

Tables (schema version in ``meta``):

- ``documents``: one row per document, keyed by the content id ``doc_id``.
- ``documents_fts``: FTS5 index over title and body with the ``trigram``
  tokenizer (any substring of 3+ characters); 1–2 character queries fall back
  to a ``LIKE`` scan so they are answered correctly too.
- ``sightings``: every (doc_id, origin) pair seen, so a document ingested from
  two files keeps both origins.
- ``files``: fingerprints (size, mtime, sha256) of input files that were read
  completely, so a second ingest of the same input is skipped cheaply.
- ``annotations``: cached per-document results of a stage (``tokens``,
  ``figures``, ``entities``, ``dates``) keyed by ``(kind, config, doc_id)``,
  where ``config`` is a hash of everything that affects the result (segmenter
  dictionaries included). The payload is msgpack + LZ4 (``pack``), or
  zlib-compressed JSON (what earlier versions wrote and ``unpack`` still reads).
- ``configs``: what each config hash means (JSON), for reports and audits.
- ``terms``: the corpus user dictionary (terms a researcher accepted with
  ``analysis terms add``), used by every later segmentation of this corpus.

Writes go through short ``BEGIN IMMEDIATE`` transactions with a busy timeout,
so two processes can ingest into the same store at once, and a process killed
at any moment leaves whole documents only.
"""
from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
import zlib
from contextlib import contextmanager
from itertools import chain
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from .document import COLUMNS, Document
from .errors import DocumentNotFound, StoreError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
_SQLITE_HEADER = b"SQLite format 3\x00"

_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE IF NOT EXISTS documents (
        rowid INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL,
        source TEXT,
        published_at TEXT,
        authors TEXT NOT NULL DEFAULT '[]',
        byline TEXT,
        url TEXT,
        origin TEXT,
        lang TEXT,
        encoding TEXT,
        ingested_at TEXT NOT NULL,
        meta TEXT NOT NULL DEFAULT '{}',
        length INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS documents_published ON documents(published_at);
    CREATE INDEX IF NOT EXISTS documents_source ON documents(source);
    CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5(
        title, body, content='documents', content_rowid='rowid', tokenize='trigram'
    );
    CREATE TRIGGER IF NOT EXISTS documents_ai AFTER INSERT ON documents BEGIN
        INSERT INTO documents_fts(rowid, title, body) VALUES (new.rowid, new.title, new.body);
    END;
    CREATE TRIGGER IF NOT EXISTS documents_ad AFTER DELETE ON documents BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, title, body)
        VALUES ('delete', old.rowid, old.title, old.body);
    END;
    CREATE TRIGGER IF NOT EXISTS documents_au AFTER UPDATE ON documents BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, title, body)
        VALUES ('delete', old.rowid, old.title, old.body);
        INSERT INTO documents_fts(rowid, title, body) VALUES (new.rowid, new.title, new.body);
    END;
    CREATE TABLE IF NOT EXISTS sightings (
        doc_id TEXT NOT NULL,
        origin TEXT NOT NULL,
        PRIMARY KEY (doc_id, origin)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS files (
        path TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        format TEXT,
        n_docs INTEGER NOT NULL,
        finished_at TEXT NOT NULL,
        PRIMARY KEY (sha256, format)
    );
    CREATE TABLE IF NOT EXISTS annotations (
        kind TEXT NOT NULL,
        config TEXT NOT NULL,
        doc_id TEXT NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (kind, config, doc_id)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS configs (
        config TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        description TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS terms (
        term TEXT PRIMARY KEY,
        freq INTEGER,
        tag TEXT,
        origin TEXT NOT NULL DEFAULT 'user',
        added_at TEXT NOT NULL
    );
    """,
}


def now_iso() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


#: first bytes of a payload blob in the msgpack + LZ4 format (a zlib stream starts with 0x78)
_MP_LZ4 = b"m4"
_PLAIN = frozenset([str, int, float, bool, type(None), dict, list, tuple])
_NESTED = frozenset([dict, list, tuple])
_STR = frozenset([str])
_CODEC: list = []


def _lz4():
    """pyarrow's LZ4 frame codec, or None when this pyarrow build has none (loaded on first use)."""
    if not _CODEC:
        try:
            import pyarrow as pa
            _CODEC.append(pa.Codec("lz4") if pa.Codec.is_available("lz4") else None)
        except ImportError:  # pragma: no cover - a dependency
            _CODEC.append(None)
    return _CODEC[0]


def _plain(obj: Any) -> bool:
    """Whether ``obj`` holds only JSON's types with string dict keys (dicts,
    lists, tuples, str, int, float, bool, None, exact types): then msgpack
    gives back exactly what a JSON round trip gives (tuples become lists in
    both). Anything else goes the JSON way, which keeps its conversions and
    its errors. Checked a depth at a time, each container's types in one C
    pass (a list of records costs two passes over all their keys and values)."""
    t = type(obj)
    if t not in _NESTED:
        return t in _PLAIN
    todo: list = [obj]
    while todo:
        dicts = [o for o in todo if type(o) is dict]
        if dicts:
            if not set(map(type, chain.from_iterable(dicts))) <= _STR:  # JSON turns 1, True, None keys into strings
                return False
            todo = [o for o in todo if type(o) is not dict]
            todo.append(list(chain.from_iterable(map(dict.values, dicts))))
        nested: list = []
        for seq in todo:
            types = set(map(type, seq))
            if not types <= _PLAIN:
                return False
            if types & _NESTED:
                nested.extend(v for v in seq if type(v) in _NESTED)
        todo = nested
    return True


def pack(obj: Any, plain: bool = False) -> bytes:
    """Encode a JSON-able payload for the annotations table.

    Payloads of JSON's plain types (see :func:`_plain`) are stored as msgpack
    compressed with LZ4 (``b"m4"``, the msgpack length as 4 bytes
    little-endian, an LZ4 frame): about 3x cheaper to write and 1.4x faster
    to read than JSON + zlib, about 20 % larger. Anything else (a non-string
    key, an integer beyond 64 bits) is stored as before, zlib-compressed
    JSON. :func:`unpack` reads both and gives back what
    ``json.loads(json.dumps(obj))`` gives.

    Args:
        obj: the payload.
        plain: the caller guarantees that ``obj`` passes :func:`_plain` (the
            stage payloads of ``annotate``: token payloads and flat records
            with fixed string keys); skips the check, which costs about half
            of the encoding.
    """
    codec = _lz4()
    if codec is not None and (plain or _plain(obj)):
        import msgpack
        try:
            raw = msgpack.packb(obj)
        except (OverflowError, ValueError, TypeError):  # e.g. an int beyond 64 bits: JSON decides
            pass
        else:
            if len(raw) < 1 << 32:  # the length field has 4 bytes
                return _MP_LZ4 + len(raw).to_bytes(4, "little") + codec.compress(raw, asbytes=True)
    return zlib.compress(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode(), 3)


def unpack(blob: bytes) -> Any:
    """Decode a payload written by :func:`pack` (either format)."""
    if blob[:2] == _MP_LZ4:
        import msgpack
        codec = _lz4()
        if codec is None:  # pragma: no cover - a pyarrow build without LZ4
            raise StoreError("this payload is LZ4-compressed and this pyarrow build has no LZ4 codec")
        view = memoryview(blob)
        return msgpack.unpackb(codec.decompress(view[6:], int.from_bytes(view[2:6], "little"), asbytes=True))
    return json.loads(zlib.decompress(blob))


class Store:
    """A corpus store in one SQLite file.

    Args:
        path: the SQLite file; created (with its folder) if missing.
        busy_timeout_ms: how long to wait for another writer.
        readonly: open without creating or migrating.

    Example:
        >>> import tempfile, os
        >>> st = Store(os.path.join(tempfile.mkdtemp(), "c.sqlite"))
        >>> st.add_documents([Document(title="标题", body="江州区志愿者2500多人")])
        (1, 0)
        >>> st.count()
        1
    """

    def __init__(self, path: str | Path, busy_timeout_ms: int = 60000, readonly: bool = False):
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self.readonly = readonly
        self._local = threading.local()
        if not readonly:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif not self.path.exists():
            raise StoreError(f"{self.path}: no corpus store here (run `analysis ingest` first)")
        self._check_file()
        self._migrate()

    def _check_file(self) -> None:
        """Refuse a file that is not an SQLite database (a text file given as ``--corpus``)."""
        try:
            with open(self.path, "rb") as fh:
                header = fh.read(16)
        except FileNotFoundError:
            return
        except IsADirectoryError:
            raise StoreError(f"{self.path}: not a corpus store (a folder)") from None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot open corpus store ({exc.strerror or exc})") from exc
        if header and header != _SQLITE_HEADER:
            raise StoreError(f"{self.path}: not a corpus store (file is not a database)")

    # -- connection -------------------------------------------------------
    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                if self.readonly:
                    conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                           isolation_level=None, check_same_thread=False)
                else:
                    conn = sqlite3.connect(self.path, isolation_level=None,
                                           check_same_thread=False)
                conn.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_ms)}")
                if not self.readonly:
                    conn.execute("PRAGMA journal_mode=WAL")
                    conn.execute("PRAGMA synchronous=NORMAL")
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: cannot open corpus store ({exc})") from exc
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __getstate__(self):  # picklable: reopen in the other process
        return {"path": self.path, "busy_timeout_ms": self.busy_timeout_ms, "readonly": self.readonly}

    def __setstate__(self, state):
        self.__init__(**state)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``; rolled back on any exception."""
        conn = self.conn
        for attempt in range(50):
            try:
                conn.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:  # busy beyond the timeout
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise StoreError(f"{self.path}: {exc}") from exc
                time.sleep(0.05 * (attempt + 1))
        else:
            raise StoreError(f"{self.path}: database stayed locked by another writer")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def _tables(self) -> set[str]:
        try:
            return {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as exc:  # a damaged file or not a database
            raise StoreError(f"{self.path}: not a corpus store ({exc})") from exc

    def _migrate(self) -> None:
        """Bring the schema to :data:`SCHEMA_VERSION` (read-only opens check it,
        and migrate an older store once through a writable connection)."""
        tables = self._tables()
        if self.readonly:
            if "documents" not in tables:
                raise StoreError(f"{self.path}: not a corpus store (no documents table; "
                                 f"`analysis ingest` creates one)")
            current = self.schema_version if "meta" in tables else 0
            if current > SCHEMA_VERSION:
                raise StoreError(f"{self.path}: schema version {current} is newer than this "
                                 f"analysis ({SCHEMA_VERSION}); upgrade the package")
            if current < SCHEMA_VERSION:
                Store(self.path, busy_timeout_ms=self.busy_timeout_ms).close()
            return
        if tables and not tables & {"documents", "meta"}:
            raise StoreError(f"{self.path}: not a corpus store (a database with other tables: "
                             f"{', '.join(sorted(tables)[:5])})")
        conn = self.conn
        with self.transaction():
            conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            current = int(row[0]) if row else 0
            if current > SCHEMA_VERSION:
                raise StoreError(f"{self.path}: schema version {current} is newer than this "
                                 f"analysis ({SCHEMA_VERSION}); upgrade the package")
            for version in range(current + 1, SCHEMA_VERSION + 1):
                log.info("migrating %s to schema version %d", self.path, version)
                for statement in _split_sql(_MIGRATIONS[version]):
                    conn.execute(statement)
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(version),))
            if current < SCHEMA_VERSION and "documents" in tables and "documents_fts" not in tables:
                # documents written before the index existed: index them now
                conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')")

    @property
    def schema_version(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0]) if row else 0

    # -- documents --------------------------------------------------------
    def add_documents(self, docs: Sequence[Document]) -> tuple[int, int]:
        """Insert documents in one transaction; existing ids only gain a sighting.

        Returns:
            (added, duplicates)
        """
        added = dup = 0
        stamp = now_iso()
        with self.transaction() as conn:
            for doc in docs:
                cur = conn.execute(
                    "INSERT OR IGNORE INTO documents (doc_id, title, body, source, published_at, "
                    "authors, byline, url, origin, lang, encoding, ingested_at, meta, length) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (doc.doc_id, doc.title or "", doc.body, doc.source, doc.published_at,
                     json.dumps(doc.authors, ensure_ascii=False), doc.byline, doc.url, doc.origin,
                     doc.lang, doc.encoding, doc.ingested_at or stamp,
                     json.dumps(doc.meta, ensure_ascii=False), len(doc.body)))
                if cur.rowcount:
                    added += 1
                else:
                    dup += 1
                if doc.origin:
                    conn.execute("INSERT OR IGNORE INTO sightings VALUES (?, ?)", (doc.doc_id, doc.origin))
        return added, dup

    def has_document(self, doc_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM documents WHERE doc_id=?", (doc_id,)).fetchone() is not None

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM documents").fetchone()[0]

    def doc_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT doc_id FROM documents ORDER BY rowid")]

    def _row_to_dict(self, row: sqlite3.Row | tuple, names: Sequence[str]) -> dict[str, Any]:
        d = dict(zip(names, row))
        if "authors" in d:
            d["authors"] = json.loads(d["authors"] or "[]")
        if "meta" in d:
            d["meta"] = json.loads(d["meta"] or "{}")
        return d

    def get(self, doc_id: str) -> dict[str, Any]:
        """One document as a dict (columns of :data:`analysis.document.COLUMNS`).

        A unique prefix of the id (at least 4 characters) is accepted.
        """
        cols = ", ".join(COLUMNS)
        rows = self.conn.execute(f"SELECT {cols} FROM documents WHERE doc_id=?", (doc_id,)).fetchall()
        if not rows and len(doc_id) >= 4:
            rows = self.conn.execute(f"SELECT {cols} FROM documents WHERE doc_id LIKE ? LIMIT 2",
                                     (doc_id.replace("%", "") + "%",)).fetchall()
        if len(rows) != 1:
            raise DocumentNotFound(f"{doc_id}: no such document" if not rows
                                   else f"{doc_id}: ambiguous id prefix")
        return self._row_to_dict(rows[0], COLUMNS)

    def iter_documents(self, columns: Sequence[str] = COLUMNS, doc_ids: Iterable[str] | None = None,
                       where: str = "", params: Sequence[Any] = (),
                       order: str = "rowid") -> Iterator[dict[str, Any]]:
        """Stream documents without loading them all: in insertion order
        (``order="rowid"``) or by ``doc_id`` (``order="doc_id"``: results written
        in that order append to the annotations table instead of landing at
        random places in it, ≈ 3x less SQLite work on a large store)."""
        if order not in ("rowid", "doc_id"):
            raise ValueError(f"order must be 'rowid' or 'doc_id', not {order!r}")
        cols = ", ".join(columns)
        if doc_ids is not None:
            for did in doc_ids:
                row = self.conn.execute(f"SELECT {cols} FROM documents WHERE doc_id=?", (did,)).fetchone()
                if row is None:
                    raise DocumentNotFound(f"{did}: no such document")
                yield self._row_to_dict(row, columns)
            return
        sql = f"SELECT {cols} FROM documents {('WHERE ' + where) if where else ''} ORDER BY {order}"
        # a separate connection so callers may write while iterating
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            for row in conn.execute(sql, params):
                yield self._row_to_dict(row, columns)
        finally:
            conn.close()

    def search(self, query: str, limit: int | None = None) -> list[str]:
        """Doc ids whose title or body contains ``query`` (every space-separated part).

        Parts of 3+ characters use the FTS5 trigram index; shorter parts are
        checked with ``instr`` on the candidates (or on all documents).
        """
        parts = [p for p in query.split() if p]
        if not parts:
            return []
        long_parts = [p for p in parts if len(p) >= 3]
        short_parts = [p for p in parts if len(p) < 3]
        params: list[Any] = []
        if long_parts:
            match = " AND ".join('"' + p.replace('"', '""') + '"' for p in long_parts)
            sql = ("SELECT d.doc_id FROM documents_fts f JOIN documents d ON d.rowid=f.rowid "
                   "WHERE documents_fts MATCH ?")
            params.append(match)
        else:
            sql = "SELECT d.doc_id FROM documents d WHERE 1"
        for p in short_parts:
            sql += " AND (instr(d.title, ?) > 0 OR instr(d.body, ?) > 0)"
            params += [p, p]
        sql += " ORDER BY d.rowid"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [r[0] for r in self.conn.execute(sql, params)]

    # -- input files ------------------------------------------------------
    def file_done(self, sha256: str, fmt: str) -> int | None:
        """Number of documents of an input file read completely before, or None."""
        row = self.conn.execute("SELECT n_docs FROM files WHERE sha256=? AND format=?", (sha256, fmt)).fetchone()
        return None if row is None else row[0]

    def mark_file_done(self, path: str, size: int, mtime_ns: int, sha256: str, fmt: str, n_docs: int) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?)",
                         (path, size, mtime_ns, sha256, fmt, n_docs, now_iso()))

    # -- annotations (cached stage results) -------------------------------
    def register_config(self, config: str, kind: str, description: dict[str, Any]) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO configs VALUES (?,?,?,?)",
                         (config, kind, json.dumps(description, ensure_ascii=False, sort_keys=True), now_iso()))

    def config_description(self, config: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT description FROM configs WHERE config=?", (config,)).fetchone()
        return None if row is None else json.loads(row[0])

    def put_annotations(self, kind: str, config: str, items: Iterable[tuple[str, Any]]) -> int:
        """Store results (doc_id, JSON-able payload) in one transaction."""
        rows = [(kind, config, did, pack(obj)) for did, obj in items]
        with self.transaction() as conn:
            conn.executemany("INSERT OR REPLACE INTO annotations VALUES (?,?,?,?)", rows)
        return len(rows)

    def get_annotations(self, kind: str, config: str, doc_ids: Iterable[str] | None = None) -> dict[str, Any]:
        """Cached results for a stage and config: ``{doc_id: payload}``."""
        if doc_ids is None:
            cur = self.conn.execute("SELECT doc_id, data FROM annotations WHERE kind=? AND config=?", (kind, config))
            return {did: unpack(data) for did, data in cur}
        out = {}
        for did in doc_ids:
            row = self.conn.execute("SELECT data FROM annotations WHERE kind=? AND config=? AND doc_id=?",
                                    (kind, config, did)).fetchone()
            if row is not None:
                out[did] = unpack(row[0])
        return out

    def missing_annotations(self, kind: str, config: str) -> list[str]:
        """Doc ids (insertion order) that have no cached result for this stage/config."""
        cur = self.conn.execute(
            "SELECT d.doc_id FROM documents d WHERE NOT EXISTS (SELECT 1 FROM annotations a "
            "WHERE a.kind=? AND a.config=? AND a.doc_id=d.doc_id) ORDER BY d.rowid", (kind, config))
        return [r[0] for r in cur]

    def annotation_counts(self) -> dict[tuple[str, str], int]:
        cur = self.conn.execute("SELECT kind, config, count(*) FROM annotations GROUP BY kind, config")
        return {(k, c): n for k, c, n in cur}

    # -- corpus user dictionary -------------------------------------------
    def add_terms(self, terms: Iterable[tuple[str, int | None, str | None, str]]) -> int:
        """Record accepted terms (term, freq, tag, origin) in the corpus dictionary."""
        stamp = now_iso()
        rows = [(t, f, tag, origin, stamp) for t, f, tag, origin in terms]
        with self.transaction() as conn:
            before = conn.total_changes
            conn.executemany("INSERT OR IGNORE INTO terms VALUES (?,?,?,?,?)", rows)
            return conn.total_changes - before

    def remove_terms(self, terms: Iterable[str]) -> int:
        with self.transaction() as conn:
            before = conn.total_changes
            conn.executemany("DELETE FROM terms WHERE term=?", [(t,) for t in terms])
            return conn.total_changes - before

    def terms(self) -> list[dict[str, Any]]:
        cur = self.conn.execute("SELECT term, freq, tag, origin, added_at FROM terms ORDER BY term")
        return [dict(zip(("term", "freq", "tag", "origin", "added_at"), r)) for r in cur]

    # -- meta -------------------------------------------------------------
    def set_meta(self, key: str, value: Any) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value, ensure_ascii=False)))

    def get_meta(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        if row is None:
            return default
        try:
            return json.loads(row[0])
        except json.JSONDecodeError:
            return row[0]


def _split_sql(script: str) -> list[str]:
    """Split a migration script into statements (triggers contain ';')."""
    statements, buf = [], []
    depth = 0
    for line in script.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        buf.append(line)
        upper = stripped.upper()
        if upper.startswith("CREATE TRIGGER"):
            depth = 1
        if depth and upper.startswith("END;"):
            depth = 0
            statements.append("\n".join(buf))
            buf = []
            continue
        if not depth and stripped.endswith(";"):
            statements.append("\n".join(buf))
            buf = []
    if buf:
        statements.append("\n".join(buf))
    return statements
