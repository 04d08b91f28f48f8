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


def test_cli_rows_per_partition(tmp_path, runner, cli, related_records):
    st = Store(tmp_path / "a.sqlite")
    st.add_documents(_docs(related_records[:12]))
    st.close()
    ds = tmp_path / "ds"
    r = runner.invoke(cli, ["--corpus", str(tmp_path / "a.sqlite"), "export", "--format", "parquet",
                            "--out", str(ds), "--rows-per-partition", "5"])
    assert r.exit_code == 0, r.output
    parts = document_parts(str(ds))
    assert [pq.read_table(p).num_rows for p in parts] == [5, 5, 2]
    assert read_manifest(str(ds))["partitions"] == 3
    r = runner.invoke(cli, ["--corpus", str(tmp_path / "a.sqlite"), "export", "--format", "parquet",
                            "--out", str(tmp_path / "x"), "--rows-per-partition", "0"])
    assert r.exit_code == 2


TERM_TEXT = "江州区探索“三码合一”联动服务模式，联动服务模式覆盖全区。"


def test_accepted_terms_travel_with_the_dataset(tmp_path, runner, cli):
    """The corpus dictionary is exported (terms.parquet), imported, and `keywords --input`
    segments with the DATASET's terms, whatever store is (or is not) at --corpus."""
    from analysis.dataset import read_terms
    st = Store(tmp_path / "a.sqlite")
    st.add_documents([Document(title="联动", body=TERM_TEXT, source="hand")])
    plain = tmp_path / "plain"
    export_parquet(st, str(plain))  # before the term is accepted
    st.add_terms([("联动服务模式", 20, "nz", "test")])
    ds = tmp_path / "ds"
    export_parquet(st, str(ds))
    assert read_terms(str(ds)) == [("联动服务模式", 20, "nz")]
    assert read_manifest(str(ds))["terms"] == 1 and read_terms(str(plain)) == []
    b = Store(tmp_path / "b.sqlite")
    import_parquet(b, str(ds))
    assert [(t["term"], t["freq"], t["tag"], t["origin"]) for t in b.terms()] == [("联动服务模式", 20, "nz", "test")]
    b.close()

    def top_terms(url, corpus):
        r = runner.invoke(cli, ["--corpus", str(corpus), "keywords", "--input", str(url), "--method", "freq",
                                "--top", "20", "--format", "csv"])
        assert r.exit_code == 0, r.output
        return {line.split(",")[0] for line in r.stdout.strip().splitlines()[1:]}

    assert "联动服务模式" in top_terms(ds, tmp_path / "none.sqlite")
    # without the term in the dataset it is cut (联动 / 服务 / 模式), even when the local store has it
    assert "联动服务模式" not in top_terms(plain, tmp_path / "b.sqlite")


def test_dataset_keyness_subtracts_target_documents_in_the_reference(tmp_path, seed_path, related_records):
    """The related reports come from the digest dump the packaged reference counts: as
    keywords.keyness does on a store, dataset_keywords subtracts their own counts."""
    from analysis import Corpus
    from analysis.keywords import keyness, load_reference
    from analysis.parallel import dataset_keywords
    from tests.conftest import RELATED
    c = Corpus.open(tmp_path / "c.sqlite")
    c.ingest([str(seed_path), str(RELATED)], progress=False)
    url = str(tmp_path / "ds")
    export_parquet(c, url, rows_per_partition=100)
    ds = dataset_keywords(url, method="keyness", top=None)
    store = keyness(c, top=None)
    ref = load_reference()
    assert ds.attrs["subtracted"] == store.attrs["subtracted"] == len(related_records) > 400
    assert ds.attrs["reference_docs"] == ref.n_docs - len(related_records)
    assert ds.attrs["reference_total"] == store.attrs["reference_total"] < ref.total
    row = ds.set_index("term").loc["志愿服务"]
    assert row["n_reference"] < ref.counts["志愿服务"]
    assert ds.term.tolist() == store.term.tolist()
    assert ds.g2.round(6).tolist() == store.g2.round(6).tolist()
    assert ds.n_reference.tolist() == store.n_reference.tolist()
    c.close()
