"""The digest corpus the benchmarks read (``../shared/data/xwlb/xwlb_articles.jsonl.gz``)."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIGEST = ROOT.parent / "shared" / "data" / "xwlb" / "xwlb_articles.jsonl.gz"


def digest_texts(n: int, path: Path = DIGEST) -> list[str]:
    """Bodies of the first ``n`` reports (all of them when ``n`` is 0); [] when the file is absent."""
    return [r["content"] for r in digest_records(n, path)]


def digest_records(n: int, path: Path = DIGEST) -> list[dict]:
    """The first ``n`` report records (all of them when ``n`` is 0); [] when the file is absent."""
    records: list[dict] = []
    if not path.exists():
        return records
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            records.append(json.loads(line))
            if n and len(records) >= n:
                break
    return records


def extract_package(commit: str, dest: Path | str) -> Path:
    """Write the ``analysis`` package of a git commit under ``dest`` (``dest/analysis``),
    for a reference run with ``PYTHONPATH=dest``; returns ``dest``."""
    import subprocess
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.check_output(["git", "archive", commit, "analysis"], cwd=ROOT)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest
