"""Benchmark: ingest the whole digest tarball (1,691 days, 24,090 reports).

Prints documents per second, MB per second (uncompressed Markdown), peak
memory, and ratios against baselines measured in the same process (the
machine is noisy):

- ``read``: bare ``tarfile`` iteration + UTF-8 decoding of every member;
- ``parse``: ``read_path`` (all ingestion rules, no store);
- ``ingest 1``: into a fresh store (FTS5 trigram index included);
- ``ingest 2``: the same command again (the file is unchanged: fingerprint skip);
- ``ingest 3``: again with the fingerprints forgotten (every report parsed
  and found to be a duplicate).

Usage::

    .venv/bin/python benchmarks/bench_ingest.py [../shared/data/xwlb/xwlb_daily_markdown.tar.gz]
"""
from __future__ import annotations

import os
import platform
import resource
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.document import Document  # noqa: E402
from analysis.ingest import ingest, read_path  # noqa: E402
from analysis.store import Store  # noqa: E402


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared/data/xwlb/xwlb_daily_markdown.tar.gz")
    if not path.exists():
        sys.exit(f"no such file: {path}")
    print(f"# bench_ingest {time.strftime('%Y-%m-%d')} on {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; input {path.name} ({path.stat().st_size / 1e6:.1f} MB)")

    t = time.perf_counter()
    raw = members = 0
    with tarfile.open(path, "r|*") as tar:
        for info in tar:
            if info.isfile():
                raw += len(tar.extractfile(info).read().decode("utf-8"))
                members += 1
    t_read = time.perf_counter() - t
    mb = 0
    with tarfile.open(path) as tar:
        mb = sum(i.size for i in tar.getmembers() if i.isfile()) / 1e6
    print(f"read      {t_read:6.2f} s  {members} members, {mb:.1f} MB uncompressed")

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.sqlite")
        t = time.perf_counter()
        r1 = ingest(store, [path])
        t1 = time.perf_counter() - t
        peak_ingest = peak_mib()
        n = r1.added + r1.duplicates
        print(f"ingest 1  {t1:6.2f} s  {r1.summary_line()}")
        print(f"          {n / t1:8.0f} docs/s  {mb / t1:6.2f} MB/s  peak RSS {peak_ingest:.0f} MiB  "
              f"({t1 / t_read:.1f}x the bare read)")

        t = time.perf_counter()
        r2 = ingest(store, [path])
        t2 = time.perf_counter() - t
        print(f"ingest 2  {t2:6.2f} s  {r2.summary_line()}  -> {t1 / t2:.0f}x faster than the first run")

        store.conn.execute("DELETE FROM files")
        t = time.perf_counter()
        r3 = ingest(store, [path])
        t3 = time.perf_counter() - t
        print(f"ingest 3  {t3:6.2f} s  {r3.summary_line()}  -> {t1 / t3:.1f}x faster than the first run "
              f"(no fingerprint: every report parsed, all duplicates)")
        store.close()

    t = time.perf_counter()
    n_parsed = sum(isinstance(d, Document) for d in read_path(path))
    t_parse = time.perf_counter() - t
    print(f"parse     {t_parse:6.2f} s  {n_parsed} documents, {n_parsed / t_parse:.0f} docs/s "
          f"({t_parse / t_read:.1f}x the bare read; the store takes {max(0.0, t1 - t_parse):.1f} s of ingest 1)")
    ok = t1 < 60 and peak_ingest < 500 and t1 / t2 >= 3
    print(f"targets (under 60 s, under 500 MiB, re-run 3x faster): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
