"""Parquet dataset export/import: round trip of documents and annotations."""
from __future__ import annotations

import json

import pyarrow.parquet as pq

from analysis.dataset import document_parts, export_parquet, import_parquet, read_documents, read_manifest
from analysis.document import Document
from analysis.store import Store


def _docs(records):
    return [Document(title=r["title"], body=r["content"], source=r["source"],
                     published_at=r["date"], url=r["url"], origin=f"subset:{r['id']}",
                     meta={"source_id": r["id"]}) for r in records]


def test_roundtrip_documents_and_annotations(tmp_path, related_records):
    src = Store(tmp_path / "a.sqlite")
    docs = _docs(related_records[:25])
    src.add_documents(docs)
    ids = src.doc_ids()
    src.register_config("cfgA", "tokens", {"backend": "jieba"})
    src.put_annotations("tokens", "cfgA", [(ids[0], {"w": ["志愿者"], "s": [0]}), (ids[7], {"w": ["党建"], "s": [3]})])
    url = str(tmp_path / "ds")
    assert export_parquet(src, url, rows_per_partition=10) == 25
    parts = document_parts(url)
    assert [p.rsplit("/", 1)[-1] for p in parts] == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    assert sum(len(read_documents(p)) for p in parts) == 25
    first = read_documents(parts[0])[0]
    assert first["title"] == related_records[0]["title"] and first["year"] == int(related_records[0]["date"][:4])
    assert read_manifest(url)["documents"] == 25

    dst = Store(tmp_path / "b.sqlite")
    assert import_parquet(dst, url) == (25, 0)
    assert dst.doc_ids() == ids
    assert dst.get(ids[3])["body"] == src.get(ids[3])["body"]
    assert dst.get(ids[3])["meta"] == {"source_id": related_records[3]["id"]}
    assert dst.get_annotations("tokens", "cfgA") == {ids[0]: {"w": ["志愿者"], "s": [0]}, ids[7]: {"w": ["党建"], "s": [3]}}
    assert dst.config_description("cfgA") == {"backend": "jieba"}
    # importing again adds nothing
    assert import_parquet(dst, url) == (0, 25)


def test_export_via_fsspec_memory_url(tmp_path, related_records):
    st = Store(tmp_path / "a.sqlite")
    st.add_documents(_docs(related_records[:5]))
    assert export_parquet(st, "memory://corpus-test/ds", rows_per_partition=2) == 5
    parts = document_parts("memory://corpus-test/ds")
    assert len(parts) == 3 and all(p.startswith("memory://") for p in parts)
    dst = Store(tmp_path / "b.sqlite")
    assert import_parquet(dst, "memory://corpus-test/ds") == (5, 0)


def test_cli_export_import_parquet(tmp_path, runner, cli, related_records):
    st = Store(tmp_path / "a.sqlite")
    st.add_documents(_docs(related_records[:12]))
    ds = tmp_path / "ds"
    r = runner.invoke(cli, ["--corpus", str(tmp_path / "a.sqlite"), "export", "--format", "parquet", "--out", str(ds)])
    assert r.exit_code == 0, r.output
    t = pq.read_table(ds / "documents" / "part-00000.parquet")
    assert t.num_rows == 12 and "body" in t.column_names
    r = runner.invoke(cli, ["--corpus", str(tmp_path / "b.sqlite"), "import", str(ds)])
    assert r.exit_code == 0, r.output
    assert "added 12" in r.output
    r = runner.invoke(cli, ["--corpus", str(tmp_path / "b.sqlite"), "export", "--format", "jsonl"])
    rows = [json.loads(l) for l in r.output.splitlines()]
    assert {x["title"] for x in rows} == {x["title"] for x in related_records[:12]}
