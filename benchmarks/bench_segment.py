"""Segmentation speed on the 新闻联播 digest corpus, against bare jieba in the same run.

Prints MB/s (UTF-8 bytes of the document bodies) for:

- bare ``jieba.lcut`` (the baseline) and ``Segmenter.tokenize`` plain with
  offsets (jieba backend), ratio to the baseline (aim ≥ 0.9×);
- bare ``jieba.posseg.lcut`` and ``Segmenter`` with POS on a sample (aim ≥ 1.0×);
- the rjieba backend, words + offsets and words only (aim ≥ 15× bare
  ``jieba.lcut``), next to bare ``rjieba`` cut (its floor), and how far it
  agrees with the jieba backend (identical documents, identical token spans);
  words + offsets also through the batch API ``Segmenter.spans_many`` (what
  the store uses), one call per block of 100 reports;
- the Segmenter over a pool of all cores vs a pool of one process, on the
  same ``--par-mb`` MB, timed back to back in turn ``--par-reps`` times: the
  median ratio (aim ≥ 1.7× on 2 cores), with the load average beside it and
  the same ratio for pure-Python CPU work (what the machine gave); each worker
  runs in a session of its own (``--same-session`` to keep them in ours);
- ``segment_corpus`` into a corpus store, then a second, fully cached run
  (aim: under 5% of the first);
- ``profile``: where the rjieba words + offsets path spends its time, step by
  step (:func:`rjieba_profile`), each step's CPU time per report next to bare
  ``jieba.lcut`` in the same run, the ways of getting offsets the issue
  suggested, and how often merging numbers on rjieba's whole-text output would
  give the stored segmentation (:func:`merge_after_cut_agreement`);
- ``sequential``: bare ``jieba.lcut``, bare rjieba and the rjieba Segmenter
  each over the whole corpus in one go, twice in ABBA order (:func:`sequential`):
  throughput as a user gets it, without the cache cost of switching
  dictionaries every block (needs a quiet machine);
- ``identical``: ``Segmenter.spans_many`` against ``_spans`` on every report,
  rjieba with HMM on and off (exits 1 when a report differs).

Usage::

    .venv/bin/python benchmarks/bench_segment.py [--limit-mb 0] [--pos-mb 1.5] [--store-mb 6] \
        [--par-mb 3] [--par-reps 5]

``--parts pool`` (or any comma-separated subset of speed, pos, agree, pool,
store, profile, sequential, identical) runs only those parts. ``--limit-mb 0`` uses the whole corpus (35.7 MB
of bodies); the POS and store parts use the first ``--pos-mb`` /
``--store-mb`` MB (POS tagging in jieba runs at about 0.15 MB/s).
``--ref COMMIT`` adds that commit's ``Segmenter(backend="rjieba")._spans``
(its ``analysis/segment.py`` loaded beside this one) to the speed and
sequential parts: an A/B of a change in the same process.
"""
from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import random
import statistics
import tempfile
import time
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "xwlb" / "xwlb_articles.jsonl.gz"

_SEG = None
PARTS = ("speed", "pos", "agree", "pool", "store", "profile", "sequential", "identical")


def _init(backend: str, own_session: bool = False) -> None:
    """Pool worker set-up: the shared segmenter; with ``own_session`` a session of its own.

    Linux with ``sched_autogroup_enabled`` shares the CPU between sessions,
    not processes: on a busy shared machine a pool inside the benchmark's
    session gets one session's share however many workers it has. A worker
    in its own session competes like any other job.
    """
    global _SEG
    if own_session:
        try:
            os.setsid()
        except OSError:
            pass
    from analysis.segment import get_segmenter
    _SEG = get_segmenter(backend=backend)


def _work(texts: list[str]) -> list[tuple[list[str], list[int]]]:
    return [_SEG._spans(t) for t in texts]


def _burn(n: int) -> int:
    """Pure-Python CPU work: what the machine gives a pool when no data moves."""
    total = 0
    for i in range(n):
        total += i * i
    return total


def mb(texts) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


def take_mb(texts, limit):
    out, size = [], 0
    for t in texts:
        if limit and size >= limit * 1e6:
            break
        out.append(t)
        size += len(t.encode("utf-8"))
    return out


def interleaved(texts, fns, block=100, cpu=None):
    """Total seconds of each function, timed block by block in turn (fair under changing load).

    Args:
        cpu: a dict that receives the CPU seconds of this process per function
            (``time.process_time``): on a busy machine a short block's
            wall-clock time includes waiting for a core, its CPU time does not.
    """
    totals = dict.fromkeys(fns, 0.0)
    cpu_totals = dict.fromkeys(fns, 0.0)
    order = list(fns.items())
    rng = random.Random(0)
    for i in range(0, len(texts), block):
        b = texts[i:i + block]
        rng.shuffle(order)  # whoever runs right after jieba (74 MB of dict) finds cold caches: share that
        for name, fn in order:
            c0 = time.process_time()
            t0 = time.perf_counter()
            fn(b)
            totals[name] += time.perf_counter() - t0
            cpu_totals[name] += time.process_time() - c0
    if cpu is not None:
        cpu.update(cpu_totals)
    return totals


def load() -> str:
    """The load averages (1, 5, 15 min) of the machine, as text."""
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def pool_speedup(texts, workers: int, reps: int, backend: str = "jieba",
                 own_sessions: bool = True) -> dict[str, list[float]]:
    """Times of a pool of one process and a pool of ``workers`` on the same texts.

    Both pools are started (and warmed up) first; then each repetition times
    one pass with one process and one with ``workers``, back to back, the
    order alternating, so a change of machine load hits both alike. Each
    repetition also times the same pure-Python CPU work (:func:`_burn`) on
    both pools: its ratio is the parallelism the machine actually gives
    (on a shared machine whose CPU share is fixed per user it stays near 1
    however many processes run).

    With ``own_sessions`` each worker runs in a session of its own (see :func:`_init`).

    Returns:
        ``{"seg1": [...], "segN": [...], "burn1": [...], "burnN": [...]}`` seconds per repetition.
    """
    chunks = [texts[i:i + 100] for i in range(0, len(texts), 100)]
    burns = [2_000_000] * (2 * workers)
    ctx = get_context("fork")
    times: dict[str, list[float]] = {"seg1": [], "segN": [], "burn1": [], "burnN": []}
    init = (backend, own_sessions)
    with ctx.Pool(1, initializer=_init, initargs=init) as one, \
            ctx.Pool(workers, initializer=_init, initargs=init) as many:
        for pool, n in ((one, 1), (many, workers)):
            pool.map(_work, [["预热：服务群众3万多人次"]] * n, chunksize=1)
        for rep in range(reps):
            order = ((one, "1"), (many, "N")) if rep % 2 == 0 else ((many, "N"), (one, "1"))
            for pool, suffix in order:
                times["seg" + suffix].append(timed(lambda: pool.map(_work, chunks, chunksize=1))[1])
            for pool, suffix in order:
                times["burn" + suffix].append(timed(lambda: pool.map(_burn, burns, chunksize=1))[1])
    return times


def rjieba_profile(texts, seg) -> list[tuple[str, str, float]]:
    """Where ``Segmenter(backend="rjieba")._spans`` spends its time, step by step.

    Each row up to ``_spans`` is a prefix of what ``_spans`` does (as
    ``Segmenter._cut``), so the difference to the row before is that step's
    cost; the next rows are other ways of getting the same words or offsets;
    the ``batch:`` rows are prefixes of ``Segmenter.spans_many`` (one call
    per block of 100 reports).
    The rows run in turn on the same blocks (:func:`interleaved`). No
    ``jieba.lcut`` among them: timed between rjieba rows only, its dictionary
    is evicted from the cache every block and it runs about 8% slower than
    in the speed part, which would flatter every ratio; the caller converts
    fractions of bare rjieba into ratios with the speed part's figure.

    Returns:
        ``(label, note, CPU seconds)`` per row, bare ``rjieba.Jieba.cut`` first.
    """
    from itertools import accumulate
    from operator import itemgetter

    import numpy as np

    from analysis.segment import _BOUNDARY as B
    from analysis.segment import _PLACEHOLDER as P
    be = seg.backend
    split, cut, hmm, tokenize = be.split_numbers, be.cut, seg.options.hmm, be.tok.tokenize

    def joined_cut(t):
        parts = split(t)
        return parts, cut(P.join(parts[::2]), hmm)

    def put_back(t):
        parts, words = joined_cut(t)
        index, i = words.index, -1
        for sep in parts[1::2]:
            i = index(P, i + 1)
            words[i] = sep
        return words

    def piecewise(t):  # no placeholder: one cut per stretch, the numbers in between
        out = []
        for k, part in enumerate(split(t)):
            if not k & 1:
                if part:
                    out += cut(part, hmm)
            elif not part.isspace():
                out.append(part)
        return out

    def offsets(words):
        starts = list(accumulate(map(len, words), initial=0))
        starts.pop()
        return starts

    def rust_offsets(t):
        toks = tokenize(t, "default", hmm)
        return list(map(itemgetter(0), toks)), list(map(itemgetter(1), toks))

    def numpy_offsets(t):
        words = cut(t, hmm)
        lens = np.fromiter(map(len, words), np.intp, len(words))
        return words, (np.cumsum(lens) - lens).tolist()

    rows = [
        ("bare", "rjieba.Jieba.cut (bare)", "the floor", lambda t: cut(t, hmm)),
        ("split", "number split alone (one re.split)", "", split),
        ("joined", "split + placeholder join + one cut", "words with placeholders", joined_cut),
        ("putback", "+ numbers/whitespace put back", "as Segmenter._cut", put_back),
        ("cut", "Segmenter.cut", "+ whitespace dropped: words only", seg.cut),
        ("spans", "Segmenter._spans", "+ offsets: words + offsets (stored)", seg._spans),
        ("piecewise", "cut stretch by stretch, no placeholder", "words only, as Segmenter.cut", piecewise),
        ("bare_acc", "bare cut + offsets (accumulate)", "no numbers merged", lambda t: offsets(cut(t, hmm))),
        ("bare_np", "bare cut + offsets (numpy cumsum)", "no numbers merged", numpy_offsets),
        ("rust", "rjieba tokenize -> words, starts", "offsets from Rust", rust_offsets),
    ]

    def batch_cut(b):  # the first steps of Segmenter._spans_batch
        parts = split(B.join(b))
        return cut(P.join(parts[::2]), hmm)

    def batch_lens(b):
        words = batch_cut(b)
        return np.frombuffer(bytearray(map(len, words)), np.uint8)

    # the batch API: each function takes the whole block of 100 reports
    block_rows = [
        ("b_split", "batch: one re.split of the block", "spans_many's first step", lambda b: split(B.join(b))),
        ("b_cut", "batch: + placeholder join + one cut", "words with placeholders", batch_cut),
        ("b_lens", "batch: + token lengths (bytearray)", "", batch_lens),
        ("many", "Segmenter.spans_many", "words + offsets (stored), batch API", seg.spans_many),
    ]
    fns = {k: (lambda b, f=f: [f(x) for x in b]) for k, _, _, f in rows}
    fns.update({k: f for k, _, _, f in block_rows})
    cpu: dict[str, float] = {}
    interleaved(texts, cpu=cpu, fns=fns)
    return [(label, note, cpu[k]) for k, label, note, _ in rows + block_rows]


def sequential(texts, fns: dict, rounds: int = 2) -> dict[str, float]:
    """CPU seconds of each function over ALL the texts in one go, in turn, the
    order reversed every round (ABBA), summed over the rounds.

    Throughput as a user gets it (one segmenter over a whole corpus, its
    dictionary warm in the cache), where :func:`interleaved` switches between
    jieba's and rjieba's dictionaries every block of 100 reports, which costs
    the short rjieba blocks most. Needs a quiet machine (a whole pass has no
    defence against a change of load).
    """
    totals = dict.fromkeys(fns, 0.0)
    order = list(fns)
    for r in range(rounds):
        for name in (order if r % 2 == 0 else order[::-1]):
            fn = fns[name]
            c0 = time.process_time()
            for i in range(0, len(texts), 100):
                fn(texts[i:i + 100])
            totals[name] += time.process_time() - c0
    return totals


def merge_after_cut_agreement(texts, seg) -> tuple[int, int, int]:
    """How often cutting the whole text with rjieba and merging the number spans
    afterwards would give the stored segmentation (``Segmenter._spans``).

    A number joins the neighbouring characters into one of jieba's blocks, so
    the words beside it can come out differently from the words of the stretch
    cut alone (the definition), and a number's edges need not fall on token
    boundaries.

    Returns:
        ``(reports, reports whose number/whitespace edges are all token
        boundaries of the whole-text cut, reports identical after merging)``.
    """
    from itertools import accumulate
    be = seg.backend
    split, cut, hmm = be.split_numbers, be.cut, seg.options.hmm
    aligned = same = 0
    for t in texts:
        words = cut(t, hmm)
        starts = list(accumulate(map(len, words), initial=0))
        at = {s: i for i, s in enumerate(starts)}
        pos, spans = 0, {}
        for k, part in enumerate(split(t)):
            if k & 1:
                spans[pos] = pos + len(part)
            pos += len(part)
        if not all(s in at and e in at for s, e in spans.items()):
            continue
        aligned += 1
        out_w, out_s, i = [], [], 0
        while i < len(words):
            s = starts[i]
            e = spans.get(s)
            w = t[s:e] if e is not None else words[i]
            i = at[e] if e is not None else i + 1
            if not w.isspace():
                out_w.append(w)
                out_s.append(s)
        same += (out_w, out_s) == seg._spans(t)
    return len(texts), aligned, same


def ref_module(commit: str):
    """``analysis/segment.py`` as it was at ``commit`` (``git show``), loaded as a
    module of the package beside the current one, for an A/B in one process."""
    import importlib.util
    import subprocess
    import sys
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:analysis/segment.py"],
                            check=True, capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "segment_ref.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("analysis._segment_ref", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def timed(fn, *a):
    t0 = time.perf_counter()
    r = fn(*a)
    return r, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(DEFAULT))
    ap.add_argument("--limit-mb", type=float, default=0.0, help="0 = the whole corpus")
    ap.add_argument("--pos-mb", type=float, default=1.5)
    ap.add_argument("--store-mb", type=float, default=6.0)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--par-mb", type=float, default=3.0, help="text for the pool timing")
    ap.add_argument("--par-reps", type=int, default=5, help="alternating 1-process / pool repetitions")
    ap.add_argument("--same-session", action="store_true",
                    help="pool workers stay in the benchmark's session (one CPU share under autogroup)")
    ap.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated subset of {','.join(PARTS)}")
    ap.add_argument("--ref", metavar="COMMIT",
                    help="also time analysis/segment.py of this commit (rjieba _spans, speed and sequential parts)")
    args = ap.parse_args()
    parts = set(args.parts.split(","))
    if parts - set(PARTS):
        ap.error(f"--parts: unknown {', '.join(sorted(parts - set(PARTS)))}")

    import jieba
    import jieba.posseg
    jieba.setLogLevel(logging.WARNING)
    from analysis.segment import Segmenter, segment_corpus

    with gzip.open(args.data, "rt", encoding="utf-8") as fh:
        texts = [json.loads(line)["content"] for line in fh]
    texts = [t for t in texts if t]
    texts = take_mb(texts, args.limit_mb)
    size = mb(texts)
    print(f"corpus: {len(texts)} documents, {size:.1f} MB ({args.data}); load average {load()}")

    jieba.initialize()
    seg = Segmenter()
    rseg = Segmenter(backend="rjieba")
    rcut = rseg.backend.tok.cut  # bare rjieba.Jieba.cut (same dictionaries)
    warm = [seg, rseg]
    ref_seg = None
    if args.ref:
        ref_seg = ref_module(args.ref).Segmenter(backend="rjieba")
        warm.append(ref_seg)
        print(f"--ref {args.ref}: its rjieba _spans timed beside this checkout's")
    for s in warm:  # one-time loads: tokenizer, word frequencies/tags (number-unit check)
        s.cut("预热：服务群众3万多人次")
        s.backend.dict_table()
    bare_ratio: dict[str, float] = {}
    if "speed" in parts:
        # the machine is shared and noisy: time every contender on the same block in turn
        c: dict[str, float] = {}
        t = interleaved(texts, cpu=c, fns={
            "base": lambda b: [jieba.lcut(x) for x in b],
            "spans": lambda b: [seg._spans(x) for x in b],
            "tokenize": lambda b: [seg.tokenize(x) for x in b],
            "rjieba": lambda b: [rseg._spans(x) for x in b],
            "rjieba_many": rseg.spans_many,
            "rjieba_cut": lambda b: [rseg.cut(x) for x in b],
            "rjieba_bare": lambda b: [rcut(x, True) for x in b],
            **({"rjieba_ref": lambda b: [ref_seg._spans(x) for x in b]} if ref_seg else {}),
        })
        rows = [("jieba.lcut (bare)", "base", ""),
                ("Segmenter words+offsets", "spans", "aim >= 0.9x"),
                ("Segmenter.tokenize (Token obj)", "tokenize", ""),
                ("Segmenter(backend=rjieba)", "rjieba", "words + offsets (_spans); aim >= 15x"),
                ("rjieba spans_many (batch API)", "rjieba_many", "words + offsets, 100 reports a call; aim >= 15x"),
                ("Segmenter(backend=rjieba).cut", "rjieba_cut", "words only"),
                ("rjieba.Jieba.cut (bare)", "rjieba_bare", "the floor: no numbers merged, no offsets")]
        if ref_seg:
            rows.append((f"_spans at {args.ref[:10]}", "rjieba_ref", "words + offsets, the reference commit"))
        print("ratios to bare jieba.lcut, wall-clock / CPU time of this process:")
        for label, key, note in rows:
            print(f"{label:31s}{size / t[key]:7.2f} MB/s ({t[key]:.1f} s wall, {c[key]:.1f} s CPU)  "
                  f"ratio {t['base'] / t[key]:5.2f}x / {c['base'] / c[key]:5.2f}x  {note}")
        bare_ratio["interleaved"] = c["base"] / c["rjieba_bare"]
        print(f"load average after the speed runs: {load()}")

    if "pos" in parts:
        sample = take_mb(texts, args.pos_mb)
        smb = mb(sample)
        t = interleaved(sample, {
            "base": lambda b: [jieba.posseg.lcut(x) for x in b],
            "pos": lambda b: [seg.tokenize(x, pos=True) for x in b],
            "rpos": lambda b: [rseg.tokenize(x, pos=True) for x in b],
        })
        print(f"POS sample {smb:.1f} MB: jieba.posseg.lcut {smb / t['base']:5.2f} MB/s; Segmenter pos=True "
              f"{smb / t['pos']:5.2f} MB/s  ratio {t['base'] / t['pos']:.2f}x bare posseg; rjieba backend "
              f"{smb / t['rpos']:5.2f} MB/s")
    for hmm in (True, False) if "agree" in parts else ():
        a = Segmenter(hmm=hmm)
        b = Segmenter(backend="rjieba", hmm=hmm)
        same_docs = same_tok = n_tok = 0
        for t in texts:
            wa, sa = a._spans(t)
            wb, sb = b._spans(t)
            same_docs += wa == wb
            spa = set(zip(sa, map(len, wa)))
            same_tok += len(spa & set(zip(sb, map(len, wb))))
            n_tok += len(spa)
        print(f"rjieba vs jieba agreement (hmm={hmm}): identical documents {same_docs / len(texts):.1%}, "
              f"identical tokens {same_tok / n_tok:.2%}")

    if args.workers > 1 and "pool" in parts:
        part = take_mb(texts, args.par_mb)
        pmb = mb(part)
        before = load()
        tm = pool_speedup(part, args.workers, args.par_reps, own_sessions=not args.same_session)
        t1s, tns = tm["seg1"], tm["segN"]
        seg_r = [a / b for a, b in zip(t1s, tns)]
        burn_r = [a / b for a, b in zip(tm["burn1"], tm["burnN"])]
        print(f"Segmenter pool, {pmb:.1f} MB, {args.par_reps} alternating repetitions: 1 process "
              f"{pmb / statistics.median(t1s):.2f} MB/s (median {statistics.median(t1s):.1f} s), "
              f"{args.workers} processes {pmb / statistics.median(tns):.2f} MB/s "
              f"(median {statistics.median(tns):.1f} s); speed-up median {statistics.median(seg_r):.2f}x "
              f"(each: {', '.join(f'{r:.2f}' for r in seg_r)}); load average before {before}, after {load()}")
        print(f"  same pools, pure-Python CPU work: speed-up median {statistics.median(burn_r):.2f}x "
              f"(each: {', '.join(f'{r:.2f}' for r in burn_r)}) = the parallelism the machine gave; "
              f"segmenter / that: {statistics.median(a / b for a, b in zip(seg_r, burn_r)):.2f}")

    if "identical" in parts:  # the batch API against the reference path, every report
        for hmm in (True, False):
            s = Segmenter(backend="rjieba", hmm=hmm)
            got = s.spans_many(texts)
            differ = sum(g != s._spans(t) for g, t in zip(got, texts))
            print(f"spans_many vs _spans (rjieba, hmm={hmm}): {len(texts) - differ} of {len(texts)} reports "
                  f"identical (words and starts), {sum(len(w) for w, _ in got)} tokens")
            if differ:
                raise SystemExit(f"spans_many differs from _spans on {differ} reports")

    if "profile" in parts:
        rows = rjieba_profile(texts, rseg)
        bare_cpu = rows[0][2]
        n = len(texts)
        scale = bare_ratio.get("interleaved")
        print(f"rjieba words + offsets, step by step ({n} reports; CPU time of this process, each row timed "
              f"in turn on the same blocks" + (f"; x lcut = the speed part's bare rjieba ratio {scale:.2f}x / "
                                                "fraction of bare rjieba" if scale else "") + "):")
        for label, note, c_s in rows:
            implied = f"  {scale * bare_cpu / c_s:6.2f}x lcut" if scale else ""
            print(f"  {label:37s}{c_s / n * 1e6:7.1f} us/report  {c_s / bare_cpu:5.2f} of bare rjieba{implied}  {note}")
        no_sep = sum(len(rseg.backend.split_numbers(t)) == 1 for t in texts)
        print(f"  reports without any number or whitespace run (a pre-check could skip the split): "
              f"{no_sep} of {n} ({no_sep / n:.1%})")
        total, aligned, same = merge_after_cut_agreement(texts, rseg)
        print(f"  merging numbers on rjieba's whole-text cut instead: number/whitespace edges all on token "
              f"boundaries in {aligned / total:.1%} of reports, identical to the stored segmentation in "
              f"{same / total:.1%}; load average {load()}")

    if "sequential" in parts:
        before = load()
        c = sequential(texts, {
            "base": lambda b: [jieba.lcut(x) for x in b],
            "rjieba_bare": lambda b: [rcut(x, True) for x in b],
            "rjieba": lambda b: [rseg._spans(x) for x in b],
            "rjieba_many": rseg.spans_many,
            "rjieba_cut": lambda b: [rseg.cut(x) for x in b],
            **({"rjieba_ref": lambda b: [ref_seg._spans(x) for x in b]} if ref_seg else {}),
        })
        print(f"whole corpus in one go per contender, twice (ABBA), CPU time; load average before {before}, "
              f"after {load()}:")
        for label, key in (("jieba.lcut (bare)", "base"), ("rjieba.Jieba.cut (bare)", "rjieba_bare"),
                           ("Segmenter(backend=rjieba)", "rjieba"), ("rjieba spans_many (batch API)", "rjieba_many"),
                           ("Segmenter(backend=rjieba).cut", "rjieba_cut"),
                           *([(f"_spans at {args.ref[:10]}", "rjieba_ref")] if ref_seg else [])):
            print(f"  {label:31s}{2 * size / c[key]:7.2f} MB/s  ratio {c['base'] / c[key]:5.2f}x")

    if "store" not in parts:
        return
    from analysis import Corpus
    from analysis.document import Document
    part = take_mb(texts, args.store_mb)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Corpus.open(Path(tmp) / "bench.sqlite")
        corpus.store.add_documents([Document(title="", body=t) for t in part])
        n1, t1 = timed(segment_corpus, corpus)
        n2, t2 = timed(segment_corpus, corpus)
        _, t3 = timed(lambda: corpus.tokens())
        corpus.close()
    print(f"segment_corpus {mb(part):.1f} MB: first run {t1:.1f} s ({n1} docs), cached run {t2:.2f} s "
          f"({n2} docs) = {t2 / t1:.1%} of the first; reading all stored tokens {t3:.1f} s")


if __name__ == "__main__":
    main()
