"""The Dask engine on a REAL cluster: a `dask scheduler` and two `dask worker`
processes on 127.0.0.1, started here and killed in teardown. Results must be
identical to the local engine, document by document, also when a worker is
killed in the middle of a run."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis import Corpus, Document
from analysis.dataset import export_parquet, import_parquet
from analysis.parallel import AnnotateSpec, annotate
from analysis.store import Store

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
DASK = str(Path(sys.executable).with_name("dask"))
N_DOCS = 240
PER_PART = 12


def _start(args, log_path):
    fh = open(log_path, "wb")
    return subprocess.Popen([DASK, *args], cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT,
                            start_new_session=True)  # own process group: the nanny and its worker


def _kill(proc) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait(30)


def _n_workers(client) -> int:
    return len(client.scheduler_info()["workers"])


@pytest.fixture
def cluster(tmp_path):
    """(scheduler address, [worker processes]); every process is killed afterwards."""
    from distributed import Client
    sched_file = tmp_path / "scheduler.json"
    procs = [_start(["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                     "--scheduler-file", str(sched_file)], tmp_path / "scheduler.log")]
    try:
        deadline = time.monotonic() + 60
        while not sched_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert sched_file.exists(), (tmp_path / "scheduler.log").read_text(errors="replace")
        workers = [_start(["worker", "--scheduler-file", str(sched_file), "--nworkers", "1", "--nthreads", "1",
                           "--no-dashboard", "--host", "127.0.0.1", "--name", f"w{i}",
                           "--local-directory", str(tmp_path / f"w{i}")], tmp_path / f"w{i}.log")
                   for i in range(2)]
        procs += workers
        address = json.loads(sched_file.read_text())["address"]
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address, workers
    finally:
        for p in reversed(procs):
            _kill(p)


def _stored(store, spec):
    return {k: store.get_annotations(k, spec.hashes[k]) for k in spec.stages}


def _imported(tmp_path, url, name):
    st = Store(tmp_path / f"{name}.sqlite")
    import_parquet(st, url)
    return st


def test_dask_engine_equals_local_and_survives_a_killed_worker(tmp_path, cluster, related_records, runner, cli):
    address, workers = cluster
    corpus = Corpus.open(tmp_path / "local.sqlite")
    corpus.store.add_documents([Document(title=r["title"], body=r["content"], source=r["source"],
                                         published_at=r["date"]) for r in related_records[:N_DOCS]])
    ds = str(tmp_path / "ds")
    export_parquet(corpus, ds, rows_per_partition=PER_PART, annotations=False)
    n_parts = N_DOCS // PER_PART

    # 1. the CLI on the real cluster
    r = runner.invoke(cli, ["--corpus", str(tmp_path / "local.sqlite"), "annotate", "--engine", "dask",
                            "--scheduler", address, "--input", ds, "--output", str(tmp_path / "out1"),
                            "--no-progress"])
    assert r.exit_code == 0, r.output
    assert f"annotated {N_DOCS} documents" in r.output and "with 2 worker(s)" in r.output

    # the local engine on the same corpus
    rep = annotate(corpus, workers=2)
    spec = AnnotateSpec.from_corpus(corpus)
    assert rep.documents == N_DOCS and spec.stages == ("tokens", "figures", "entities")
    local = _stored(corpus.store, spec)
    assert all(len(v) == N_DOCS for v in local.values())
    assert _stored(_imported(tmp_path, str(tmp_path / "out1"), "dask1"), spec) == local

    # 2. kill one worker (nanny and process) while tasks are running
    out2 = tmp_path / "out2"
    cmd = [sys.executable, "-m", "analysis", "--corpus", str(tmp_path / "local.sqlite"), "annotate",
           "--engine", "dask", "--scheduler", address, "--input", ds, "--output", str(out2), "--no-progress"]
    run = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           start_new_session=True)
    try:
        parts_dir = out2 / "annotations" / "tokens" / spec.hashes["tokens"]
        deadline = time.monotonic() + 90
        written = 0
        while time.monotonic() < deadline and run.poll() is None:
            written = len(list(parts_dir.glob("part-*.parquet"))) if parts_dir.exists() else 0
            if written >= 2:
                break
            time.sleep(0.02)
        if run.poll() is not None:
            pytest.fail(f"the run ended before the kill: {run.communicate()[0].decode(errors='replace')}")
        assert 2 <= written < n_parts, "could not kill in the middle of the run"
        _kill(workers[1])
        output, _ = run.communicate(timeout=120)
    finally:
        _kill(run)
    text = output.decode(errors="replace")
    assert run.returncode == 0, text
    assert f"annotated {N_DOCS} documents" in text
    assert _stored(_imported(tmp_path, str(out2), "dask2"), spec) == local
    # nothing half-written was left behind
    assert not list(out2.rglob("*.tmp"))

    # 3. the library's dask engine on a store (export, annotate on the cluster, import back)
    other = Corpus.open(tmp_path / "other.sqlite")
    other.store.add_documents([Document(title=r["title"], body=r["content"], source=r["source"],
                                        published_at=r["date"]) for r in related_records[:30]])
    rep = annotate(other, engine="dask", scheduler=address, stages=["tokens", "figures"])
    assert rep.documents == 30 and rep.computed == {"tokens": 30, "figures": 30}
    for kind in ("tokens", "figures"):
        got = other.store.get_annotations(kind, spec.hashes[kind])
        assert got == {d: local[kind][d] for d in got} and len(got) == 30
    assert annotate(other, engine="dask", scheduler=address, stages=["tokens", "figures"]).documents == 0


def test_remote_scheduler_with_a_local_staging_folder_is_refused(tmp_path, related_records, runner, cli):
    """A store run on a cluster elsewhere: the staged documents must be at a URL the workers
    can read; a local folder (the default temp folder) is refused before anything is sent."""
    from analysis.errors import EngineError
    from analysis.parallel import check_staging, partition_rows
    path = tmp_path / "c.sqlite"
    c = Corpus.open(path)
    c.store.add_documents([Document(title=r["title"], body=r["content"], source=r["source"])
                           for r in related_records[:3]])
    with pytest.raises(EngineError, match="staging"):
        annotate(c, engine="dask", scheduler="tcp://10.1.2.3:8786", stages=["tokens"])
    with pytest.raises(EngineError, match="staging"):
        annotate(c, engine="dask", scheduler="tcp://10.1.2.3:8786", stages=["tokens"], staging=str(tmp_path))
    c.close()
    r = runner.invoke(cli, ["--corpus", str(path), "annotate", "--engine", "dask", "--scheduler",
                            "tcp://cluster.example.org:8786", "--staging", "file:///tmp/x", "--stages", "tokens"])
    assert r.exit_code == 2 and "staging" in r.output and "cluster.example.org" in r.output
    for local in (None, "127.0.0.1:8786", "tcp://localhost:8786"):
        check_staging(local, None)  # same machine: a local folder is fine
    check_staging("tcp://10.1.2.3:8786", "s3://bucket/tmp")  # a URL the workers can reach
    assert partition_rows(421, 2) == 53 and partition_rows(24090, 2) == 2000 and partition_rows(30, 8) == 20
