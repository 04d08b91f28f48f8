"""Benchmark: the PDF report of the shipped corpus and notebook → PDF.

Prints wall-clock seconds for
- ``report cold``: ``build_report_data`` + PDF + HTML on a fresh store (every
  stage computes and caches its results: segmentation, figures, entities,
  keywords, topics) — the first ``analysis report`` after ingestion;
- ``report warm``: the same again (stage results cached in the store);
- ``report CLI``: ``analysis report --html`` as a subprocess (imports included);
- ``notebook-pdf``: ``analysis notebook-pdf`` on an executed notebook
  (04_figures_entities, executed once beforehand with papermill), as a
  subprocess, and ``notebook_to_pdf`` in-process;
and, as a baseline from the same process, bare ``jieba.lcut`` over the same
documents (the machine is noisy: compare ratios). Targets: report < 60 s,
notebook-pdf < 20 s.

Usage: .venv/bin/python benchmarks/bench_report.py
"""
from __future__ import annotations

import logging
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis import Corpus  # noqa: E402
from analysis.report import build_report_data, execute_notebook, notebook_to_pdf, write_report  # noqa: E402

CLI = [str(Path(sys.executable).with_name("analysis"))]


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t0, out


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tmp = Path(tempfile.mkdtemp(prefix="bench_report_"))
    store = tmp / "corpus.sqlite"
    corpus = Corpus.open(store)
    t_ingest, _ = timed(corpus.ingest, [str(ROOT / "corpus" / "seed"), str(ROOT / "corpus" / "related")],
                        progress=False)
    bodies = [d["body"] for d in corpus.store.iter_documents(["body"])]
    chars = sum(map(len, bodies))

    import jieba  # baseline only (the library never uses jieba's global tokenizer)
    jieba.setLogLevel(logging.WARNING)
    jieba.lcut("预热")
    t_jieba, _ = timed(lambda: [jieba.lcut(b) for b in bodies])

    def report(name: str):
        data = build_report_data(corpus)
        write_report(data, tmp / f"{name}.pdf", html=True)
        return data

    t_cold, data = timed(report, "cold")
    t_warm, _ = timed(report, "warm")
    pages = len(__import__("pypdf").PdfReader(tmp / "warm.pdf").pages)
    env = {**os.environ, "ANALYSIS_CORPUS": str(store)}
    t_cli, res = timed(subprocess.run, CLI + ["report", "--out", str(tmp / "cli.pdf"), "--html"],
                       env=env, capture_output=True, text=True)
    if res.returncode:
        print(res.stderr, file=sys.stderr)

    nb = execute_notebook(ROOT / "notebooks" / "04_figures_entities.ipynb", tmp / "04.ipynb",
                          parameters={"corpus_path": str(store)}, cwd=ROOT / "notebooks")
    t_nb_cli, res = timed(subprocess.run, CLI + ["notebook-pdf", str(nb), "--out", str(tmp / "04.pdf")],
                          capture_output=True, text=True)
    if res.returncode:
        print(res.stderr, file=sys.stderr)
    t_nb_lib, _ = timed(notebook_to_pdf, nb, tmp / "04b.pdf")
    nb_pages = len(__import__("pypdf").PdfReader(tmp / "04.pdf").pages)

    print(f"# bench_report {date.today()} — {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    print(f"corpus: {len(bodies)} documents, {chars:,} characters (ingest {t_ingest:.1f} s)")
    print(f"baseline jieba.lcut over the corpus: {t_jieba:.2f} s")
    print(f"report cold (all stages computed + PDF + HTML): {t_cold:.1f} s  "
          f"({t_cold / t_jieba:.1f}x jieba.lcut)  {pages} pages  target < 60 s")
    print(f"report warm (stage results cached):             {t_warm:.1f} s  ({t_warm / t_jieba:.1f}x jieba.lcut)")
    print(f"analysis report --html (subprocess, warm):      {t_cli:.1f} s")
    print(f"analysis notebook-pdf (subprocess, {nb_pages} pages):  {t_nb_cli:.1f} s  target < 20 s")
    print(f"notebook_to_pdf (in process):                   {t_nb_lib:.1f} s")
    print(f"sections with problems: {data.problems or 'none'}")
    print(f"outputs in {tmp}")


if __name__ == "__main__":
    main()
