"""`analysis ingest` on the command line: summary, exit status, stdin, --map,
kill-and-rerun, two writers at once, a 200 MB file in bounded memory."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.store import Store

from conftest import RELATED, ROOT, SEED, TESTDATA

DATA = TESTDATA / "ingest"


def run_cli(*args, input: bytes | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", *map(str, args)], input=input,
                          capture_output=True, timeout=timeout, cwd=ROOT)


def make_jsonl(path: Path, n: int, tag: str = "") -> Path:
    """n distinct real reports: the related reports, each copy marked with its number."""
    recs = [json.loads(x) for x in RELATED.read_text(encoding="utf-8").splitlines()]
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            r = dict(recs[i % len(recs)])
            r["content"] = f"{r['content']}\n（副本{tag}{i}）"
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


def consistent(store_path: Path) -> int:
    """Check the store after a crash: FTS agrees with documents, no half documents."""
    conn = sqlite3.connect(store_path)
    try:
        conn.execute("INSERT INTO documents_fts(documents_fts) VALUES('integrity-check')")
        n = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        fts = conn.execute("SELECT count(*) FROM documents_fts").fetchone()[0]
        assert n == fts
        bad = conn.execute("SELECT count(*) FROM documents WHERE body='' OR length != length(body) "
                           "OR title IS NULL").fetchone()[0]
        assert bad == 0
        return n
    finally:
        conn.close()


def test_ingest_command_summary_and_rerun(runner, cli, store_path):
    res = runner.invoke(cli, ["--corpus", str(store_path), "ingest", str(SEED), str(RELATED), "--no-progress"])
    assert res.exit_code == 0, res.output
    assert "422 added, 0 duplicates, 0 skipped, 0 failed" in res.output
    res = runner.invoke(cli, ["--corpus", str(store_path), "ingest", str(SEED), str(RELATED), "--no-progress"])
    assert res.exit_code == 0
    assert "0 added, 422 duplicates" in res.output and "nothing new" in res.output
    res = runner.invoke(cli, ["--corpus", str(store_path), "summary"])
    assert "documents: 422" in res.output and "光明日报客户端" in res.output


def test_ingest_bad_input_exit_status(runner, cli, store_path, tmp_path):
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    res = runner.invoke(cli, ["--corpus", str(store_path), "ingest", str(binary), str(DATA / "bad_line.jsonl"),
                              str(DATA / "no_text.csv"), str(SEED), "--no-progress"])
    assert res.exit_code == 1
    err = res.stderr if hasattr(res, "stderr") else res.output
    assert f"error: {binary}: binary file" in err
    assert f"error: {DATA / 'bad_line.jsonl'}:2: malformed JSON" in err
    assert f"error: {DATA / 'no_text.csv'}: CSV without a text column" in err
    assert "3 added, 0 duplicates, 0 skipped, 3 failed" in res.output
    assert Store(store_path).count() == 3


def test_ingest_stdin_and_map(runner, cli, store_path):
    lines = "".join(json.dumps({"headline": f"标题{i}", "text_body": f"江州区志愿者第{i}批2500多人。",
                                "when": "2023-03-28 16:45:44"}, ensure_ascii=False) + "\n" for i in range(3))
    res = runner.invoke(cli, ["--corpus", str(store_path), "ingest", "-", "--no-progress",
                              "--map", "title=headline,body=text_body", "--map", "date=when"],
                        input=lines.encode("utf-8"))
    assert res.exit_code == 0, res.output
    assert "3 added" in res.output
    rows = list(Store(store_path).iter_documents(["title", "published_at", "origin"]))
    assert rows[0] == {"title": "标题0", "published_at": "2023-03-28T16:45:44+08:00", "origin": "<stdin>:1"}


def test_ingest_bad_map_is_usage_error(runner, cli, store_path):
    res = runner.invoke(cli, ["--corpus", str(store_path), "ingest", str(RELATED), "--map", "nonsense"])
    assert res.exit_code == 2
    assert "FIELD=COLUMN" in res.output


def test_ingest_help_and_progress(runner, cli, store_path):
    res = runner.invoke(cli, ["ingest", "--help"])
    assert res.exit_code == 0 and "--map" in res.output and "--format" in res.output
    proc = run_cli("--corpus", store_path, "ingest", SEED)
    assert proc.returncode == 0
    assert b"docs" in proc.stderr  # the tqdm bar on stderr


@pytest.mark.slow
def test_kill_and_rerun(tmp_path, store_path):
    src = make_jsonl(tmp_path / "many.jsonl", 6000)
    proc = subprocess.Popen([sys.executable, "-m", "analysis", "--corpus", str(store_path), "ingest", str(src),
                             "--no-progress"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    n = 0
    while time.monotonic() < deadline:
        time.sleep(0.05)
        if store_path.exists():
            try:
                with sqlite3.connect(f"file:{store_path}?mode=ro", uri=True, timeout=1) as c:
                    n = c.execute("SELECT count(*) FROM documents").fetchone()[0]
            except sqlite3.OperationalError:
                continue
            if n >= 200:
                break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    partial = consistent(store_path)
    assert 200 <= partial < 6000, "killed before the end"
    res = run_cli("--corpus", store_path, "ingest", src, "--no-progress")
    assert res.returncode == 0, res.stderr
    assert consistent(store_path) == 6000
    assert f"{6000 - partial} added, {partial} duplicates".encode() in res.stdout


@pytest.mark.slow
def test_two_writers(tmp_path, store_path):
    a = make_jsonl(tmp_path / "a.jsonl", 2500, tag="甲")
    b = make_jsonl(tmp_path / "b.jsonl", 2500, tag="乙")
    Store(store_path).close()  # created before, so both writers migrate nothing
    procs = [subprocess.Popen([sys.executable, "-m", "analysis", "--corpus", str(store_path), "ingest", str(p),
                               "--no-progress"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for p in (a, b)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert all(b"2500 added" in out for out, _ in outs)
    assert consistent(store_path) == 5000


@pytest.mark.slow
def test_huge_file_bounded_memory(tmp_path, store_path):
    """A 200 MB JSON Lines file is streamed: peak memory stays far below its size."""
    rec = json.loads(RELATED.read_text(encoding="utf-8").splitlines()[1])  # a 3,500-character report
    line = (json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8")
    big = tmp_path / "big.jsonl"
    with open(big, "wb") as fh:
        n = 0
        while fh.tell() < 200_000_000:
            fh.write(line * 1000)
            n += 1000
    assert big.stat().st_size >= 200_000_000
    code = ("import resource, subprocess, sys; "
            "p = subprocess.run([sys.executable, '-m', 'analysis', '--corpus', sys.argv[1], 'ingest', sys.argv[2], "
            "'--no-progress'], capture_output=True, text=True); "
            "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.stdout.strip())")
    out = subprocess.run([sys.executable, "-c", code, str(store_path), str(big)], capture_output=True, text=True,
                         timeout=600, cwd=ROOT).stdout.split(" ", 2)
    rc, peak_kib, summary = int(out[0]), int(out[1]), out[2]
    assert rc == 0
    assert f"1 added, {n - 1} duplicates" in summary  # every line was read
    assert peak_kib < 200_000, f"peak RSS {peak_kib / 1024:.0f} MiB for a 200 MB file"


# -- review fixes (issue 2) ------------------------------------------------------------
def test_each_failure_on_exactly_one_stderr_line(store_path, tmp_path):
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    bad = [binary, DATA / "bad_line.jsonl", DATA / "no_text.csv", tmp_path / "missing.txt"]
    for progress in ([], ["--no-progress"]):
        proc = run_cli("--corpus", store_path, "ingest", *bad, SEED, *progress)
        assert proc.returncode == 1
        lines = proc.stderr.decode().replace("\r", "\n").splitlines()
        for path in bad:
            hits = [ln for ln in lines if str(path) in ln and "ingest" not in ln[:7]]
            assert len(hits) == 1, (path, hits)
            assert hits[0].startswith(f"error: {path}")
        assert not any(ln.startswith("WARNING") for ln in lines)


def test_not_a_store_is_a_clear_error(runner, cli, tmp_path):
    fake = tmp_path / "notes.txt"
    fake.write_text("这不是数据库。\n", encoding="utf-8")
    for args in (["docs"], ["search", "江小爱"], ["show", "abcd"], ["export"], ["summary"], ["ingest", str(SEED)]):
        res = runner.invoke(cli, ["--corpus", str(fake), *args])
        assert res.exit_code == 2, (args, res.output)
        assert f"{fake}: not a corpus store (file is not a database)" in res.output
        assert "Traceback" not in res.output
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE x (a)")
    res = runner.invoke(cli, ["--corpus", str(other), "docs"])
    assert res.exit_code == 2 and "not a corpus store" in res.output


def test_csv_on_stdin(runner, cli, store_path):
    res = runner.invoke(cli, ["--corpus", str(store_path), "ingest", "-", "--no-progress",
                              "--map", "title=headline,date=pub_date,source=media,url=link,id=report_id"],
                        input=(DATA / "reports.csv").read_bytes())
    assert res.exit_code == 0, res.output
    assert "3 added" in res.output
    res = runner.invoke(cli, ["--corpus", str(store_path), "ingest", "-", "--no-progress"],
                        input=(DATA / "no_text.csv").read_bytes())
    assert res.exit_code == 1 and "error: <stdin>: CSV without a text column" in res.output


def test_ingest_format_choices_and_verbose_lists(runner, cli, store_path, tmp_path):
    from analysis.ingest import FORMATS
    res = runner.invoke(cli, ["ingest", "--help"])
    for fmt in FORMATS:
        assert fmt in res.output
    res = runner.invoke(cli, ["--corpus", str(store_path), "ingest", str(SEED), "--format", "pdf"])
    assert res.exit_code == 2 and "pdf" in res.output
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "seed.txt").write_bytes(SEED.read_bytes())
    (folder / "data.bin").write_bytes(b"\x00")
    (folder / "empty.jsonl").write_text('{"title": "只有标题", "content": ""}\n', encoding="utf-8")
    res = runner.invoke(cli, ["--corpus", str(store_path), "ingest", str(folder), "--no-progress"])
    assert "1 added, 0 duplicates, 1 skipped, 0 failed" in res.output
    assert "; 1 file ignored (.bin)" in res.output and f"ignored: {folder / 'data.bin'}" not in res.output
    res = runner.invoke(cli, ["--corpus", str(tmp_path / "v.sqlite"), "-v", "ingest", str(folder), "--no-progress"])
    assert f"ignored: {folder / 'data.bin'}" in res.output
    assert f"skipped: {folder / 'empty.jsonl'}:1: title only, no text" in res.output


@pytest.fixture
def small_store(store_path):
    from analysis import Corpus
    with Corpus.open(store_path) as c:
        c.ingest([SEED, DATA / "reports.csv"], mapping={"title": "headline", "date": "pub_date",
                                                          "source": "media"})
    return store_path


@pytest.mark.parametrize("command", [["docs"], ["search", "志愿"], ["summary"]])
def test_list_commands_formats(runner, cli, small_store, command):
    base = ["--corpus", str(small_store), *command]
    table = runner.invoke(cli, base + ["--format", "table"])
    assert table.exit_code == 0, table.output
    csv_out = runner.invoke(cli, base + ["--format", "csv"])
    jsonl = runner.invoke(cli, base + ["--format", "jsonl"])
    assert csv_out.exit_code == 0 and jsonl.exit_code == 0
    recs = [json.loads(line) for line in jsonl.output.splitlines()]
    import csv as csvmod
    import io
    rows = list(csvmod.DictReader(io.StringIO(csv_out.output)))
    assert len(rows) == len(recs) > 0
    assert list(rows[0]) == list(recs[0])  # the same columns in both
    if command[0] == "summary":
        assert recs[0]["source"] == "(all)" and recs[0]["documents"] == 4
        assert {r["source"]: r["documents"] for r in recs[1:]} == {"央视网《新闻联播》": 3, "光明日报客户端": 1}
        assert "documents: 4" in table.output and "光明日报客户端" in table.output
    else:
        assert set(recs[0]) == {"doc_id", "date", "source", "title", "length"}
        titles = {r["title"] for r in recs}
        assert "广西崇左江州区:党建引领 “江小爱”服务暖民心" in titles
        assert all(r["doc_id"][:8] in table.output for r in recs)


def test_show_formats(runner, cli, small_store):
    st = Store(small_store)
    did = next(d["doc_id"] for d in st.iter_documents(["doc_id", "source"]) if d["source"] == "光明日报客户端")
    base = ["--corpus", str(small_store), "show", did[:8]]
    text = runner.invoke(cli, base)
    assert text.exit_code == 0 and text.output.startswith("广西崇左江州区:党建引领")
    (rec,) = [json.loads(x) for x in runner.invoke(cli, base + ["--format", "jsonl"]).output.splitlines()]
    assert rec["doc_id"] == did and rec["authors"][1]["name"] == "周仕兴" and rec["body"].startswith("3月,春潮涌动")
    import csv as csvmod
    import io
    (row,) = list(csvmod.DictReader(io.StringIO(runner.invoke(cli, base + ["--format", "csv"]).output)))
    assert list(row) == list(rec) and row["doc_id"] == did and row["body"] == rec["body"]
    table = runner.invoke(cli, base + ["--format", "table"])
    assert table.exit_code == 0 and did in table.output and "光明日报客户端" in table.output


def test_kwic_window_must_be_positive(runner, cli, small_store):
    res = runner.invoke(cli, ["--corpus", str(small_store), "kwic", "志愿", "--window", "0"])
    assert res.exit_code == 2 and "--window" in res.output
