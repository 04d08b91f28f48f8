"""The corpus at scale: a partitioned Parquet dataset, at any fsspec URL.

Layout (``DATASET`` is a local folder or any fsspec URL, e.g. ``s3://b/x``)::

    DATASET/_manifest.json                      schema version, counts, configs
    DATASET/terms.parquet                       the corpus dictionary (accepted terms)
    DATASET/documents/part-00000.parquet        one row per document
    DATASET/annotations/<kind>/<config>/part-00000.parquet   doc_id, data (JSON)

Document partitions hold at most ``rows_per_partition`` documents in store
order, so a Dask job gets evenly sized tasks. ``authors`` and ``meta`` are
JSON strings; ``year`` is added for filtering. Annotation partitions mirror
the document partitions (same part number) so an engine can write them one
input partition at a time.

Example:
    >>> from analysis.dataset import export_parquet, import_parquet  # doctest: +SKIP
    >>> export_parquet(corpus, "/data/news.parquet")                 # doctest: +SKIP
"""
from __future__ import annotations

import json
import logging
from typing import Any, Iterable, Iterator

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq

from .document import COLUMNS, Document
from .errors import InputError
from .store import Store, now_iso, pack

log = logging.getLogger(__name__)

DATASET_VERSION = 1

DOC_SCHEMA = pa.schema([
    ("doc_id", pa.string()), ("title", pa.string()), ("body", pa.string()),
    ("source", pa.string()), ("published_at", pa.string()), ("authors", pa.string()),
    ("byline", pa.string()), ("url", pa.string()), ("origin", pa.string()),
    ("lang", pa.string()), ("encoding", pa.string()), ("ingested_at", pa.string()),
    ("meta", pa.string()), ("length", pa.int64()), ("year", pa.int32()),
])
ANN_SCHEMA = pa.schema([("doc_id", pa.string()), ("data", pa.string())])
TERM_SCHEMA = pa.schema([("term", pa.string()), ("freq", pa.int64()), ("tag", pa.string()),
                         ("origin", pa.string())])


def _fs(url: str):
    fs, path = fsspec.core.url_to_fs(str(url))
    return fs, path.rstrip("/")


def part_name(i: int) -> str:
    """The file name of partition ``i`` (``part-00007.parquet``), the same for
    documents and for every annotation kind, so they pair up by name."""
    return f"part-{i:05d}.parquet"


def _doc_row(d: dict[str, Any]) -> dict[str, Any]:
    row = {c: d.get(c) for c in COLUMNS}
    row["authors"] = json.dumps(d.get("authors") or [], ensure_ascii=False)
    row["meta"] = json.dumps(d.get("meta") or {}, ensure_ascii=False)
    pub = d.get("published_at") or ""
    row["year"] = int(pub[:4]) if pub[:4].isdigit() else None
    return row


def write_table(fs, path: str, table: pa.Table) -> None:
    """Write a Parquet file atomically where the filesystem allows (tmp + move)."""
    fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
    tmp = path + ".tmp"
    with fs.open(tmp, "wb") as fh:
        pq.write_table(table, fh, compression="zstd")
    fs.mv(tmp, path)


def export_parquet(corpus_or_store, url: str, rows_per_partition: int = 2000,
                   annotations: bool = True) -> int:
    """Write the corpus (and its cached annotations) as a Parquet dataset.

    Args:
        corpus_or_store: a :class:`~analysis.corpus.Corpus` or a :class:`Store`.
        url: local folder or fsspec URL; existing parts are overwritten.
        rows_per_partition: documents per partition file.
        annotations: also write every cached annotation (tokens, figures...).

    Returns:
        the number of documents written.
    """
    store: Store = getattr(corpus_or_store, "store", corpus_or_store)
    fs, root = _fs(url)
    fs.makedirs(root, exist_ok=True)
    n = 0
    parts: list[list[str]] = []
    batch: list[dict[str, Any]] = []

    def flush():
        nonlocal batch
        if batch:
            write_table(fs, f"{root}/documents/{part_name(len(parts))}",
                        pa.Table.from_pylist(batch, schema=DOC_SCHEMA))
            parts.append([r["doc_id"] for r in batch])
            batch = []

    for d in store.iter_documents(COLUMNS):
        batch.append(_doc_row(d))
        n += 1
        if len(batch) >= rows_per_partition:
            flush()
    flush()
    configs = {}
    if annotations:
        for (kind, config), _count in store.annotation_counts().items():
            configs[f"{kind}/{config}"] = store.config_description(config)
            for i, ids in enumerate(parts):
                found = store.get_annotations(kind, config, ids)
                rows = [{"doc_id": did, "data": json.dumps(found[did], ensure_ascii=False)}
                        for did in ids if did in found]
                write_table(fs, f"{root}/annotations/{kind}/{config}/{part_name(i)}",
                            pa.Table.from_pylist(rows, schema=ANN_SCHEMA))
    terms = [{k: t.get(k) for k in ("term", "freq", "tag", "origin")} for t in store.terms()]
    write_table(fs, f"{root}/terms.parquet", pa.Table.from_pylist(terms, schema=TERM_SCHEMA))
    manifest = {"version": DATASET_VERSION, "documents": n, "partitions": len(parts),
                "rows_per_partition": rows_per_partition, "written_at": now_iso(),
                "annotations": configs, "terms": len(terms)}
    with fs.open(f"{root}/_manifest.json", "w") as fh:
        json.dump(manifest, fh, ensure_ascii=False, indent=1)
    log.info("exported %d documents in %d partitions to %s", n, len(parts), url)
    return n


def read_manifest(url: str) -> dict[str, Any]:
    """The dataset's ``_manifest.json``: ``version``, ``documents``,
    ``partitions``, ``rows_per_partition``, ``written_at``, ``annotations``
    (``{"kind/config": description}``) and ``terms`` (accepted terms
    exported); ``{}`` when the dataset has none (documents only)."""
    fs, root = _fs(url)
    try:
        with fs.open(f"{root}/_manifest.json", "r") as fh:
            return json.load(fh)
    except FileNotFoundError:
        return {}


def read_terms(url: str) -> list[tuple[str, int | None, str | None]] | None:
    """The corpus dictionary exported with the dataset: ``(term, freq, tag)``
    per accepted term, as :meth:`AnnotateSpec.from_config` takes
    ``extra_words``; None when the dataset was written without one (by an
    older export or by hand)."""
    rows = _read_terms(url)
    return None if rows is None else [(r["term"], r["freq"], r["tag"]) for r in rows]


def _read_terms(url: str) -> list[dict[str, Any]] | None:
    fs, root = _fs(url)
    try:
        with fs.open(f"{root}/terms.parquet", "rb") as fh:
            return pq.read_table(fh).to_pylist()
    except FileNotFoundError:
        return None


def document_parts(url: str) -> list[str]:
    """Paths of the document partitions of a dataset, in order."""
    fs, root = _fs(url)
    try:
        files = sorted(p for p in fs.ls(f"{root}/documents", detail=False) if p.endswith(".parquet"))
    except FileNotFoundError as exc:
        raise InputError(url, "not a Parquet corpus dataset (no documents/ folder)") from exc
    proto = url.split("://", 1)[0] + "://" if "://" in str(url) else ""
    return [proto + f if proto and not f.startswith(proto) else f for f in files]


def read_documents(part_url: str) -> list[dict[str, Any]]:
    """All documents of one partition file, as dicts (authors/meta decoded)."""
    fs, path = _fs(part_url)
    with fs.open(path, "rb") as fh:
        rows = pq.read_table(fh).to_pylist()
    for r in rows:
        r["authors"] = json.loads(r.get("authors") or "[]")
        r["meta"] = json.loads(r.get("meta") or "{}")
    return rows


def iter_annotation_parts(url: str) -> Iterator[tuple[str, str, str]]:
    """(kind, config, part path) of every annotation partition."""
    fs, root = _fs(url)
    base = f"{root}/annotations"
    if not fs.exists(base):
        return
    for kind_dir in sorted(fs.ls(base, detail=False)):
        kind = kind_dir.rstrip("/").rsplit("/", 1)[-1]
        for cfg_dir in sorted(fs.ls(kind_dir, detail=False)):
            config = cfg_dir.rstrip("/").rsplit("/", 1)[-1]
            for part in sorted(fs.ls(cfg_dir, detail=False)):
                if part.endswith(".parquet"):
                    yield kind, config, part


def import_parquet(corpus_or_store, url: str, batch_size: int = 500) -> tuple[int, int]:
    """Read a Parquet dataset (documents and annotations) into a store.

    Re-importing is harmless: documents are keyed by content id. The
    dataset's accepted terms (``terms.parquet``) are added to the store's
    corpus dictionary (terms already there are kept as they are).

    Returns:
        (added, duplicates)
    """
    store: Store = getattr(corpus_or_store, "store", corpus_or_store)
    added = dup = 0
    for part in document_parts(url):
        rows = read_documents(part)
        for i in range(0, len(rows), batch_size):
            docs = [Document(**{k: r.get(k) for k in COLUMNS if k not in ("length",)})
                    for r in rows[i:i + batch_size]]
            a, d = store.add_documents(docs)
            added += a
            dup += d
    terms = _read_terms(url)
    if terms:
        store.add_terms((t["term"], t["freq"], t["tag"], t.get("origin") or "import") for t in terms)
    manifest = read_manifest(url)
    fs, _ = _fs(url)
    for key, description in (manifest.get("annotations") or {}).items():
        kind, config = key.split("/", 1)
        if description is not None:
            store.register_config(config, kind, description)
    for kind, config, part in iter_annotation_parts(url):
        with fs.open(part, "rb") as fh:
            rows = pq.read_table(fh).to_pylist()
        _put_raw(store, kind, config, ((r["doc_id"], r["data"]) for r in rows))
    return added, dup


def _put_raw(store: Store, kind: str, config: str, items: Iterable[tuple[str, str]]) -> None:
    rows = [(kind, config, did, pack(json.loads(data))) for did, data in items]
    with store.transaction() as conn:
        conn.executemany("INSERT OR REPLACE INTO annotations VALUES (?,?,?,?)", rows)
