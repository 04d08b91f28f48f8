"""The local engine: annotate_document, the spec, the pool, resume after SIGKILL,
and counts/keywords from a Parquet dataset."""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis import Corpus, Document
from analysis.config import load_config
from analysis.errors import EngineError
from analysis.parallel import (AnnotateSpec, annotate, annotate_document, dataset_keywords,
                               dataset_term_counts)

ROOT = Path(__file__).resolve().parents[1]


def _docs(records):
    return [Document(title=r["title"], body=r["content"], source=r["source"], published_at=r["date"],
                     url=r["url"], origin=f"subset:{r['id']}") for r in records]


def _corpus(path, records, seed_text=None):
    c = Corpus.open(path)
    if seed_text is not None:
        c.store.add_documents([Document(title="江小爱", body=seed_text, source="光明日报客户端")])
    c.store.add_documents(_docs(records))
    return c


def _stored(corpus, spec):
    return {k: corpus.store.get_annotations(k, spec.hashes[k]) for k in spec.stages}


def _serial_reference(tmp_path, records, seed_text):
    """The stage modules' own corpus functions, one document after another."""
    from analysis.entities import corpus_entities
    from analysis.figures import corpus_figures
    from analysis.segment import corpus_tokens
    ref = _corpus(tmp_path / "serial.sqlite", records, seed_text)
    corpus_tokens(ref)
    corpus_figures(ref)
    corpus_entities(ref)
    return ref


@pytest.fixture(scope="module")
def sample(related_records):
    return related_records[:40]


def test_annotate_document_is_what_the_stages_store(tmp_path, seed_text, sample):
    ref = _serial_reference(tmp_path, sample[:3], seed_text)
    spec = AnnotateSpec.from_corpus(ref)
    assert spec.stages == ("tokens", "figures", "entities")
    stored = _stored(ref, spec)
    seed_id = ref.store.doc_ids()[0]
    out = annotate_document(seed_id, seed_text, spec)
    for kind in spec.stages:
        assert out[kind] == stored[kind][seed_id], kind
    # the payloads carry what the researcher reads: 江小爱 is a token, 158支 a figure, 何成 a person
    assert "江小爱" in out["tokens"]["w"]
    assert any(f["value"] == 158 and f["unit"] == "支" for f in out["figures"])
    assert any(e["label"] == "person" and e["name"] == "何成" for e in out["entities"])


def test_two_workers_identical_to_serial_and_stages_find_everything(tmp_path, seed_text, sample, monkeypatch):
    ref = _serial_reference(tmp_path, sample, seed_text)
    corpus = _corpus(tmp_path / "pool.sqlite", sample, seed_text)
    rep = annotate(corpus, workers=2, batch_size=7, chunk_size=3)
    n = len(sample) + 1
    assert rep.workers == 2 and rep.documents == n and not rep.failed
    assert rep.computed == {"tokens": n, "figures": n, "entities": n}
    spec = AnnotateSpec.from_corpus(corpus)
    assert _stored(corpus, spec) == _stored(ref, spec)  # document by document, every stage
    # the stage functions now compute nothing: make computing impossible and ask them
    from analysis import entities, figures, segment

    def boom(*a, **k):
        raise AssertionError("recomputed although annotate stored it")

    monkeypatch.setattr(segment, "_payload", boom)
    monkeypatch.setattr(figures.FigureExtractor, "extract", boom)
    monkeypatch.setattr(entities, "extract_entities", boom)
    assert len(segment.corpus_tokens(corpus)) == n
    assert len(figures.corpus_figures(corpus)) > 0
    assert len(entities.corpus_entities(corpus)) > 0
    # a second run has nothing to do
    assert annotate(corpus, workers=2).documents == 0


def test_accepted_terms_change_the_key_and_reach_workers(tmp_path, sample):
    corpus = _corpus(tmp_path / "c.sqlite", sample[:5])
    before = AnnotateSpec.from_corpus(corpus, ["tokens"])
    corpus.store.add_terms([("暖民心", None, "nz", "user")])
    after = AnnotateSpec.from_corpus(corpus, ["tokens"])
    assert before.hashes["tokens"] != after.hashes["tokens"]
    assert after.extra_words == (("暖民心", None, "nz"),)
    assert "暖民心" in annotate_document("x", "服务暖民心", after)["tokens"]["w"]
    assert "暖民心" not in annotate_document("x", "服务暖民心", before)["tokens"]["w"]


def _spawned_tokens(spec, text, queue, hide_package_data=None):
    if hide_package_data:  # this worker's packaged dictionary and stop words are gone
        import analysis.config
        import analysis.segment

        def empty(*parts):
            return Path(hide_package_data).joinpath(*parts)
        analysis.config.data_path = analysis.segment.data_path = empty
        try:  # the hiding is real: the packaged dictionary cannot be found by name here
            analysis.segment._resolve_dict(analysis.segment.DOMAIN_DICT)
            queue.put("the packaged dictionary is still visible")
            return
        except Exception:
            pass
    try:
        queue.put(annotate_document("x", text, spec)["tokens"])
    except Exception as exc:  # reported to the test, not lost in the child
        queue.put(f"{type(exc).__name__}: {exc}")


def test_workers_get_dictionaries_from_the_task_not_their_files(tmp_path):
    user_dict = tmp_path / "mine.txt"
    user_dict.write_text("联动服务模式 20 nz\n", encoding="utf-8")
    cfg = load_config(overrides={"segment": {"user_dicts": [str(user_dict)]}})
    spec = AnnotateSpec.from_config(cfg, ["tokens"])
    user_dict.unlink()  # a worker that read its own files would fail now
    ctx = mp.get_context("spawn")  # a fresh interpreter: nothing inherited
    queue = ctx.Queue()
    p = ctx.Process(target=_spawned_tokens, args=(spec, "江州区探索“三码合一”联动服务模式", queue))
    p.start()
    words = queue.get(timeout=60)["w"]
    p.join(30)
    assert "联动服务模式" in words and "三码合一" in words


def test_workers_need_no_packaged_dictionary_or_stop_words(tmp_path, seed_text):
    """The packaged domain dictionary and stop-word list travel in the spec too: a spawned
    worker whose package data folder is empty segments the seed exactly as the client."""
    from analysis.config import data_path
    assert data_path("dict").is_dir()  # what the worker will not see
    spec = AnnotateSpec.from_config(stages=["tokens"])
    assert spec.dicts and spec.stoplists  # the domain dictionary and stop words are in it
    empty = tmp_path / "no-package-data"
    empty.mkdir()
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    p = ctx.Process(target=_spawned_tokens, args=(spec, seed_text, queue, str(empty)))
    p.start()
    got = queue.get(timeout=120)
    p.join(30)
    assert got == annotate_document("x", seed_text, spec)["tokens"], got


def test_a_worker_with_another_configuration_refuses(tmp_path):
    spec = AnnotateSpec.from_config(stages=["tokens"])
    bad = AnnotateSpec(**{**spec.__dict__, "hashes": {"tokens": "0123456789abcdef"}})
    with pytest.raises(EngineError, match="differs"):
        annotate_document("x", "志愿者", bad)
    with pytest.raises(EngineError, match="unknown stage"):
        AnnotateSpec.from_config(stages=["tokens", "sentiment"])


def _count(path, kind):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("SELECT count(*) FROM annotations WHERE kind=?", (kind,)).fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        con.close()


STAGES3 = "tokens,figures,entities"


def _interrupt(path, records, sig, batch=20, at=40):
    """Run `annotate --workers 2` on all three stages in a real subprocess (its own process
    group, as a terminal's foreground job) and send ``sig`` to the group once ``at``
    documents are stored; returns (returncode, stderr)."""
    _corpus(path, records).close()
    cmd = [sys.executable, "-m", "analysis", "--corpus", str(path), "annotate", "--workers", "2",
           "--stages", STAGES3, "--batch-size", str(batch), "--no-progress"]
    proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 180
        while _count(path, "entities") < at and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the run finished before it could be interrupted"
        os.killpg(proc.pid, sig)  # the CLI and its pool workers, as Ctrl-C or kill -9 would
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(30)
    return proc.returncode, err


def _resume_equals_serial(tmp_path, path, records, runner, cli, done):
    r = runner.invoke(cli, ["--corpus", str(path), "annotate", "--workers", "2", "--stages", STAGES3,
                            "--no-progress"])
    assert r.exit_code == 0, r.output
    assert f"annotated {len(records) - done} documents" in r.output
    # the resumed store equals a serial run, document by document, every stage
    resumed = Corpus.open(path)
    serial = _corpus(tmp_path / "serial.sqlite", records)
    spec = AnnotateSpec.from_corpus(serial, STAGES3.split(","))
    annotate(serial, workers=1, spec=spec)
    assert _stored(resumed, spec) == _stored(serial, spec)


@pytest.mark.slow
def test_resume_after_sigkill(tmp_path, related_records, runner, cli):
    records = related_records[:200]
    path = tmp_path / "kill.sqlite"
    _interrupt(path, records, signal.SIGKILL)
    done = _count(path, "tokens")
    assert 40 <= done < len(records)
    assert done == _count(path, "figures") == _count(path, "entities")  # one transaction per batch
    assert done % 20 == 0  # whole batches only (200 is a multiple of 20 too)
    _resume_equals_serial(tmp_path, path, records, runner, cli, done)


@pytest.mark.slow
def test_ctrl_c_stores_what_is_done_and_exits_130(tmp_path, related_records, runner, cli):
    """SIGINT to the process group (what Ctrl-C sends): the finished documents are stored,
    no traceback or SQLite thread error, a one-line message with the count, exit 130."""
    records = related_records[:200]
    path = tmp_path / "int.sqlite"
    code, err = _interrupt(path, records, signal.SIGINT)
    done = _count(path, "tokens")
    assert code == 130, err
    assert 40 <= done < len(records)
    assert done == _count(path, "figures") == _count(path, "entities")
    assert f"interrupted: {done} documents annotated, run again to continue" in err
    for noise in ("Exception ignored", "ProgrammingError", "Traceback", "Aborted"):
        assert noise not in err, err
    _resume_equals_serial(tmp_path, path, records, runner, cli, done)


def test_cli_annotate_reports_and_caches(tmp_path, runner, cli, sample):
    path = tmp_path / "c.sqlite"
    _corpus(path, sample[:6]).close()
    args = ["--corpus", str(path), "annotate", "--workers", "1", "--stages", "tokens,figures", "--no-progress"]
    r = runner.invoke(cli, args)
    assert r.exit_code == 0, r.output
    assert "annotated 6 documents (tokens 6, figures 6)" in r.output
    r = runner.invoke(cli, args)
    assert "annotated 0 documents" in r.output
    r = runner.invoke(cli, ["--corpus", str(path), "annotate", "--stages", "tokens,vibes"])
    assert r.exit_code == 2 and "unknown stage" in r.output


def test_dataset_counts_and_keywords_equal_the_store(tmp_path, runner, cli, sample):
    """Counting per partition and adding up gives the store's own keyword tables."""
    from analysis.dataset import export_parquet
    from analysis.keywords import keywords
    corpus = _corpus(tmp_path / "c.sqlite", sample)
    url = str(tmp_path / "ds")
    export_parquet(corpus, url, rows_per_partition=7)  # 6 partitions, no tokens stored: they segment
    counts = dataset_term_counts(url)
    freq = keywords(corpus, method="freq", top=None)
    assert counts.attrs["documents"] == len(sample)
    assert dict(zip(counts.term, counts.freq)) == dict(zip(freq.term, freq.freq))
    assert dict(zip(counts.term, counts.doc_freq)) == dict(zip(freq.term, freq.doc_freq))
    # with stored tokens in the dataset (export after annotate) the counts are the same, and 2 processes too
    annotate(corpus, workers=1, stages=["tokens"])
    url2 = str(tmp_path / "ds2")
    export_parquet(corpus, url2, rows_per_partition=7)
    counts2 = dataset_term_counts(url2, workers=2)
    assert counts2.equals(counts) and counts2.attrs == counts.attrs
    key_ds = dataset_keywords(url2, method="keyness", top=15)
    key_store = keywords(corpus, method="keyness", top=15)
    assert list(key_ds.term) == list(key_store.term)
    assert key_ds.g2.round(6).tolist() == key_store.g2.round(6).tolist()
    assert "志愿者" in set(counts.term[:10])  # the subset is about volunteers
    r = runner.invoke(cli, ["--corpus", str(tmp_path / "none.sqlite"), "keywords", "--input", url2,
                            "--method", "freq", "--top", "5", "--format", "csv"])
    assert r.exit_code == 0, r.output
    lines = r.output.strip().splitlines()
    assert lines[0].startswith("term,score,freq") and lines[1].split(",")[0] == counts.term[0]


def test_topics_from_a_dataset_match_the_store(tmp_path, runner, cli, related_records):
    """`analysis topics --input DATASET` on the shipped related reports exported in 8 partitions:
    the same counts and vocabulary as TopicModel on the store, topics with sane coherence,
    and the same topics whether 1 or 2 processes build the partition matrices."""
    import json as _json
    from analysis.dataset import export_parquet
    from analysis.keywords import keywords
    from analysis.parallel import dataset_topics, dataset_vocabulary
    from analysis.topics import TopicModel
    corpus = _corpus(tmp_path / "c.sqlite", related_records)
    annotate(corpus, workers=1, stages=["tokens"])
    url = str(tmp_path / "ds")
    export_parquet(corpus, url, rows_per_partition=55)
    counts = dataset_term_counts(url)
    freq = keywords(corpus, method="freq", top=None)
    assert dict(zip(counts.term, counts.freq)) == dict(zip(freq.term, freq.freq))
    assert dict(zip(counts.term, counts.doc_freq)) == dict(zip(freq.term, freq.doc_freq))
    tm = TopicModel.from_config(corpus.config).fit(corpus)
    vocab = dataset_vocabulary(counts, tm.min_df, tm.max_df, tm.max_features)
    assert vocab == sorted(tm.vocabulary_) and len(vocab) > 5000

    r = runner.invoke(cli, ["--corpus", str(tmp_path / "none.sqlite"), "topics", "--input", url,
                            "--k", "8", "--format", "jsonl"])
    assert r.exit_code == 0, r.output
    rows = [_json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    assert [row["topic"] for row in rows] == list(range(8))
    assert abs(sum(row["prevalence"] for row in rows) - 1) < 1e-3
    words = set(vocab)
    assert all(len(row["terms"].split()) == tm.top_n and set(row["terms"].split()) <= words for row in rows)
    m = __import__("re").search(r"over 421 documents: NPMI (-?[\d.]+)", r.stderr)
    assert m, r.stderr
    npmi = float(m.group(1))
    assert npmi > 0.05 and npmi > tm.coherence_npmi_ - 0.1  # as coherent as the store's batch LDA, near enough
    top = {w for row in rows for w in row["terms"].split()}
    assert {"志愿者", "社区"} & top  # the subset is about volunteers and communities

    one = dataset_topics(url, k=8, passes=2)
    two = dataset_topics(url, k=8, passes=2, workers=2)
    assert one["terms"].tolist() == two["terms"].tolist()
    assert one["prevalence"].round(9).tolist() == two["prevalence"].round(9).tolist()
    r = runner.invoke(cli, ["--corpus", str(tmp_path / "none.sqlite"), "topics", "--input", url, "--query", "x"])
    assert r.exit_code == 2 and "need a store" in r.output


def test_chunks_run_stage_by_stage_with_the_same_results_and_per_document_errors(related_records):
    """annotate_many (what the pool and the Dask tasks run) gives each document exactly what
    annotate_document gives it, and a bad document is reported without stopping the chunk."""
    from analysis.parallel import _worker
    spec = AnnotateSpec.from_config(stages=["tokens", "figures"])
    texts = [r["content"] for r in related_records[:12]]
    jobs = [(f"d{i}", t, None) for i, t in enumerate(texts)]
    jobs.insert(5, ("bad", 12345, None))
    jobs.append(("only-figures", texts[0], ("figures",)))
    res = _worker(spec).annotate_many(jobs)
    assert [r[0] for r in res] == [j[0] for j in jobs]
    bad = res.pop(5)
    assert bad[1] is None and "TypeError" in bad[2]
    for (did, out, err), t in zip(res, texts):
        assert err is None and out == annotate_document(did, t, spec)
        assert out["figures"] and out["tokens"]["w"]
    assert set(res[-1][1]) == {"figures"}  # figures without tokens: windows cut, same records
    assert [dict(r, doc_id="d0") for r in res[-1][1]["figures"]] == res[0][1]["figures"] != []


def test_warm_loads_what_the_entity_stage_loads_on_first_use():
    """warm() (run by the parent before a fork pool starts, so workers share it) takes the
    entity stage through the paths that load tables lazily: no worker loads them again."""
    from analysis import entities
    from analysis.parallel import _worker
    spec = AnnotateSpec.from_config()
    assert "entities" in spec.stages
    w = _worker(spec)
    w.warm()
    res = entities._resources(w.ent_opts)
    # jieba's dictionary words (programmes) and the rare surnames (names after an office)
    assert getattr(res, "_common", None) is not None, "warm() no longer loads the dictionary words"
    assert getattr(res, "_rare_starts", None) is not None, "warm() no longer loads the rare surnames"


def test_writes_in_key_order_store_the_same_rows(tmp_path, related_records):
    """_write_packed sorts a batch by the primary key: every row lands once, unchanged."""
    from analysis.parallel import _annotate_packed, _write_packed
    from analysis.store import unpack
    c = _corpus(tmp_path / "w.sqlite", related_records[:9])
    spec = AnnotateSpec.from_corpus(c, stages=["tokens", "figures"])
    jobs = [(d["doc_id"], d["body"], None) for d in c.store.iter_documents(["doc_id", "body"])][::-1]
    rows = [(did, packed) for did, packed, err in _annotate_packed(jobs, spec)]
    _write_packed(c.store, spec, rows)
    got = c.store.conn.execute("SELECT kind, config, doc_id, data FROM annotations").fetchall()
    assert len(got) == 2 * len(jobs)
    want = {(k, spec.hashes[k], did): blob for did, packed in rows for k, blob in packed.items()}
    assert {(k, cfg, did): blob for k, cfg, did, blob in got} == want
    assert unpack(want["tokens", spec.hashes["tokens"], jobs[0][0]])["w"][:1] != []


def _spy_chunks(monkeypatch, probe) -> list:
    """``probe()`` recorded as each chunk of an in-process annotate starts (the list returned)."""
    from analysis import parallel
    seen: list = []
    packed = parallel._annotate_packed

    def spy(chunk, spec):
        seen.append(probe())
        return packed(chunk, spec)

    monkeypatch.setattr(parallel, "_annotate_packed", spy)
    return seen


def test_annotate_freezes_the_loaded_heap_while_it_runs_and_gives_it_back(tmp_path, seed_text, sample,
                                                                           monkeypatch):
    """The tokenizer and tables loaded by warm() are out of the collector's reach while
    annotate runs (gc.freeze), back in it afterwards; a caller's own frozen heap is left alone."""
    import gc

    seen = _spy_chunks(monkeypatch, gc.get_freeze_count)
    assert gc.get_freeze_count() == 0
    corpus = _corpus(tmp_path / "gc.sqlite", sample[:6], seed_text)
    rep = annotate(corpus, workers=1, stages=["tokens", "figures"], chunk_size=2)
    assert rep.computed == {"tokens": 7, "figures": 7} and not rep.failed
    assert len(seen) == 4 and min(seen) > 10_000  # the segmenter's and the extractor's objects
    assert gc.get_freeze_count() == 0
    seed_id = corpus.store.doc_ids()[0]
    figs = corpus.store.get_annotations("figures", rep.hashes["figures"], [seed_id])[seed_id]
    assert {f["value"] for f in figs if f["category"]} == {158, 2500, 46, 110, 30000}
    # a caller that froze its own heap keeps exactly that
    other = _corpus(tmp_path / "gc2.sqlite", sample[6:9], None)
    gc.freeze()
    try:
        mine = gc.get_freeze_count()
        seen.clear()
        annotate(other, workers=1, stages=["tokens"])
        assert seen and gc.get_freeze_count() == mine
    finally:
        gc.unfreeze()


def test_annotate_collects_less_often_while_it_runs_and_restores_the_thresholds(tmp_path, sample, monkeypatch):
    """Young collections every 10,000 allocations instead of 700 while annotating (a chunk's
    payloads survive its stages and used to trigger full collections); the caller's
    thresholds come back afterwards, and higher ones are never lowered."""
    import gc

    seen = _spy_chunks(monkeypatch, gc.get_threshold)
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        rep = annotate(_corpus(tmp_path / "t.sqlite", sample[:4]), workers=1, stages=["tokens"], chunk_size=2)
        assert rep.computed == {"tokens": 4} and seen == [(10_000, 50, 50)] * 2
        assert gc.get_threshold() == (700, 10, 10)
        seen.clear()
        gc.set_threshold(20_000, 5, 80)
        annotate(_corpus(tmp_path / "u.sqlite", sample[4:6]), workers=1, stages=["tokens"])
        assert seen and set(seen) == {(20_000, 50, 80)} and gc.get_threshold() == (20_000, 5, 80)
    finally:
        gc.set_threshold(*before)
