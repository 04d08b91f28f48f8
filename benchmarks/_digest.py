"""The digest corpus the benchmarks read (``../shared/data/xwlb/xwlb_articles.jsonl.gz``)."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIGEST = ROOT.parent / "shared" / "data" / "xwlb" / "xwlb_articles.jsonl.gz"


def digest_texts(n: int, path: Path = DIGEST) -> list[str]:
    """Bodies of the first ``n`` reports (all of them when ``n`` is 0); [] when the file is absent."""
    texts: list[str] = []
    if not path.exists():
        return texts
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            texts.append(json.loads(line)["content"])
            if n and len(texts) >= n:
                break
    return texts
