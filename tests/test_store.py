"""The SQLite store: schema, ids, dedup, search, annotations cache."""
from __future__ import annotations

import sqlite3

import pytest

from analysis.document import Document, content_id
from analysis.errors import DocumentNotFound, StoreError
from analysis.store import SCHEMA_VERSION, Store


def test_schema_version_and_wal(store_path):
    st = Store(store_path)
    assert st.schema_version == SCHEMA_VERSION
    mode = st.conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_newer_schema_is_refused(store_path):
    st = Store(store_path)
    st.set_meta("schema_version", SCHEMA_VERSION + 1)
    st.close()
    with pytest.raises(StoreError, match="newer"):
        Store(store_path)


def test_content_id_ignores_whitespace_only():
    assert content_id("江州区 志愿者\n2500多人") == content_id("江州区志愿者2500多人")
    assert content_id("江州区志愿者2500多人") != content_id("江州区志愿者2600多人")


def test_same_content_twice_is_one_document(store_path):
    st = Store(store_path)
    a = Document(title="甲", body="江小爱志愿服务队共建有158支", origin="a.txt")
    b = Document(title="甲（转载）", body="江小爱志愿服务队\n共建有158支", origin="b.jsonl:3")
    assert st.add_documents([a]) == (1, 0)
    assert st.add_documents([b]) == (0, 1)
    assert st.count() == 1
    origins = {r[0] for r in st.conn.execute("SELECT origin FROM sightings")}
    assert origins == {"a.txt", "b.jsonl:3"}


def test_search_long_and_short_queries(store_path):
    st = Store(store_path)
    st.add_documents([Document(title="广西崇左江州区", body="党建引领“江小爱”服务暖民心"),
                      Document(title="北京", body="社区治理与志愿服务"),
                      Document(title="其他", body="爱心")])
    ids = st.doc_ids()
    assert st.search("江小爱") == [ids[0]]
    assert st.search("崇左") == [ids[0]]          # 2 characters: not in the trigram index
    assert st.search("爱") == [ids[0], ids[2]]     # 1 character
    assert st.search("志愿服务") == [ids[1]]
    assert st.search("社区 服务") == [ids[1]]      # every part must match
    assert st.search("不存在的词") == []


def test_get_by_prefix_and_missing(store_path):
    st = Store(store_path)
    st.add_documents([Document(title="t", body="江州区")])
    did = st.doc_ids()[0]
    assert st.get(did[:6])["doc_id"] == did
    with pytest.raises(DocumentNotFound):
        st.get("ffffffffffffffff")


def test_annotations_roundtrip_and_missing(store_path):
    st = Store(store_path)
    st.add_documents([Document(title="1", body="甲"), Document(title="2", body="乙")])
    d1, d2 = st.doc_ids()
    assert st.missing_annotations("tokens", "cfg1") == [d1, d2]
    st.put_annotations("tokens", "cfg1", [(d1, {"w": ["甲"], "s": [0]})])
    assert st.missing_annotations("tokens", "cfg1") == [d2]
    assert st.missing_annotations("tokens", "cfg2") == [d1, d2]
    assert st.get_annotations("tokens", "cfg1") == {d1: {"w": ["甲"], "s": [0]}}


def test_rollback_leaves_no_partial_document(store_path):
    st = Store(store_path)
    with pytest.raises(RuntimeError):
        with st.transaction() as conn:
            conn.execute("INSERT INTO documents (doc_id, body, ingested_at, length) VALUES ('x', 'b', 'now', 1)")
            raise RuntimeError("killed")
    assert st.count() == 0
    # the FTS index agrees with the table
    n = st.conn.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH '\"江州区\"'").fetchone()[0]
    assert n == 0


def test_readonly_missing_store(tmp_path):
    with pytest.raises(StoreError, match="no corpus store"):
        Store(tmp_path / "nope.sqlite", readonly=True)


# -- review fixes (issue 2): validation on open, migrations ------------------------------
def test_not_a_database_is_refused(tmp_path):
    fake = tmp_path / "notes.sqlite"
    fake.write_text("这不是数据库，只是一段文字。\n" * 20, encoding="utf-8")
    for readonly in (True, False):
        with pytest.raises(StoreError, match="not a corpus store \\(file is not a database\\)"):
            Store(fake, readonly=readonly)
    assert fake.read_text(encoding="utf-8").startswith("这不是数据库")  # untouched


def test_other_sqlite_database_is_refused(tmp_path):
    other = tmp_path / "app.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE users (name TEXT)")
    with pytest.raises(StoreError, match="not a corpus store"):
        Store(other, readonly=True)
    with pytest.raises(StoreError, match="not a corpus store"):
        Store(other)
    with sqlite3.connect(other) as conn:  # nothing was added to it
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert names == {"users"}


def _legacy_store(path):
    """A version-0 store made by hand: the documents table only (no meta, no FTS index)."""
    import json
    from analysis.store import _MIGRATIONS, _split_sql
    create = next(st for st in _split_sql(_MIGRATIONS[1]) if st.strip().startswith("CREATE TABLE IF NOT EXISTS documents"))
    body = "党建引领“江小爱”服务暖民心，志愿服务队共建有158支"
    with sqlite3.connect(path) as conn:
        conn.execute(create)
        conn.execute("INSERT INTO documents (doc_id, title, body, ingested_at, meta, authors, length) "
                     "VALUES (?,?,?,?,?,?,?)", (content_id(body), "江州区", body, "2023-03-28T17:00:00+08:00",
                                                json.dumps({"category": "党建"}, ensure_ascii=False), "[]",
                                                len(body)))
    return content_id(body)


def test_migration_from_version_0(tmp_path):
    path = tmp_path / "old.sqlite"
    did = _legacy_store(path)
    st = Store(path)
    assert st.schema_version == SCHEMA_VERSION
    assert st.count() == 1 and st.get(did)["meta"] == {"category": "党建"}
    assert st.search("江小爱") == [did]  # the old document is in the new FTS index
    st.add_documents([Document(title="新", body="社区治理与志愿服务")])
    assert st.search("志愿服务") == [did, st.doc_ids()[1]]
    st.conn.execute("INSERT INTO documents_fts(documents_fts) VALUES('integrity-check')")


def test_readonly_open_migrates_an_older_store_once(tmp_path):
    path = tmp_path / "old.sqlite"
    did = _legacy_store(path)
    st = Store(path, readonly=True)
    assert st.schema_version == SCHEMA_VERSION and st.search("江小爱") == [did]


def test_reopen_current_version_keeps_everything(store_path):
    st = Store(store_path)
    st.add_documents([Document(title="t", body="江州区志愿者2500多人")])
    st.put_annotations("tokens", "cfg", [(st.doc_ids()[0], {"w": ["江州区"]})])
    st.close()
    again = Store(store_path)
    assert again.schema_version == SCHEMA_VERSION and again.count() == 1
    assert again.get_annotations("tokens", "cfg") == {again.doc_ids()[0]: {"w": ["江州区"]}}


def test_iter_documents_in_doc_id_order(store_path, related_records):
    """annotate reads documents by doc_id so its results append to the
    annotations table in key order; insertion order stays the default."""
    store = Store(store_path)
    docs = [Document(body=r["content"], title=r["title"]) for r in related_records[:40]]
    assert store.add_documents(docs) == (40, 0)
    inserted = [d["doc_id"] for d in store.iter_documents(["doc_id"])]
    by_id = [d["doc_id"] for d in store.iter_documents(["doc_id"], order="doc_id")]
    assert inserted == [content_id(d.body) for d in docs]  # the default: insertion order
    assert by_id == sorted(inserted) and by_id != inserted
    with pytest.raises(ValueError):
        list(store.iter_documents(["doc_id"], order="body; DROP TABLE documents"))
