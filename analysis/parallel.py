"""Scale: the per-document stages over all cores, or over a Dask cluster.

The per-document work (segmentation, figures, entities) is embarrassingly
parallel and jieba is pure Python, so the answer is processes, not threads:

- :func:`annotate_document` is the one per-document function. It returns,
  for each requested stage, EXACTLY the payload that the stage's own corpus
  function stores (``segment.corpus_tokens``, ``figures.corpus_figures``,
  ``entities.corpus_entities``), under the same ``(kind, config hash)``, so
  after :func:`annotate` those functions find everything cached.
- :class:`AnnotateSpec` is what a worker needs, and all it gets: the
  segmenter options WITH the contents of the dictionaries and stop-word
  lists and the corpus's accepted terms, the figure and entity options, and
  the config hashes the client expects. A worker rebuilds its segmenter from
  the spec (never from its own dictionary files) and refuses to work
  (:class:`~analysis.errors.EngineError`) when its hashes differ from the
  client's (another jieba version, another lexicon), so every worker
  segments identically.
- :func:`annotate` (engine ``local``) runs the function over the documents of
  a store that lack results, in a process pool fed with chunks small enough
  to keep every core busy to the end; results come back compressed and are
  written to the store in batches (one transaction per batch, all stages).
  Ctrl-C or SIGKILL loses at most the batch in flight; the next run
  continues with what is missing.
- :func:`annotate_dataset` (engine ``dask``) runs the same function on a
  ``dask.distributed`` cluster, one task per Parquet document partition
  (see :mod:`analysis.dataset`), each writing its annotation partitions
  atomically. A task whose worker dies is re-run by the scheduler elsewhere;
  partitions already written are skipped by the next run.
- :func:`dataset_term_counts` counts terms per partition (stored tokens when
  the dataset has them, else segmenting) and adds the counts up, so a
  document-term matrix is never built in one process;
  :func:`dataset_keywords` ranks them (``freq``, ``keyness``) and
  :func:`dataset_topics` fits online LDA one partition at a time.

Example:
    >>> from analysis import Corpus
    >>> from analysis.parallel import annotate
    >>> report = annotate(Corpus.open("corpus/corpus.sqlite"), workers=2)   # doctest: +SKIP
    >>> report.computed                                                        # doctest: +SKIP
    {'tokens': 422, 'figures': 422, 'entities': 422}
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import operator
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import pandas as pd

from .config import cache_dir, load_config
from .errors import AnalysisError, AnnotateInterrupted, EngineError, ExtractionError

log = logging.getLogger(__name__)

STAGES = ("tokens", "figures", "entities")


# -- the spec ---------------------------------------------------------------------
@dataclass(frozen=True)
class AnnotateSpec:
    """Everything a worker needs to annotate documents, picklable and self-contained.

    Build it with :meth:`from_corpus` or :meth:`from_config`; do not fill the
    fields by hand.

    Attributes:
        stages: the stages to compute, a subset of ``tokens, figures, entities``.
        segment: the :class:`~analysis.segment.SegmentOptions` fields (dict).
        dicts: ``(name, contents)`` of the dictionary and user dictionaries, in order.
        stoplists: contents of the stop-word lists, in order.
        extra_words: the corpus's accepted terms ``(word, freq, tag)``.
        figures: the :class:`~analysis.figures.FigureOptions` fields (dict).
        entities: the :class:`~analysis.entities.EntityOptions` fields (dict).
        hashes: ``{kind: config hash}`` the client expects (the store keys).
        descriptions: ``{kind: description}`` registered with each hash.
    """

    stages: tuple[str, ...]
    segment: dict
    dicts: tuple[tuple[str, bytes], ...]
    stoplists: tuple[bytes, ...]
    extra_words: tuple[tuple[str, int | None, str | None], ...]
    figures: dict
    entities: dict
    hashes: dict
    descriptions: dict = field(default_factory=dict, compare=False)

    @property
    def key(self) -> str:
        """A short id of the spec (the per-process cache key)."""
        return hashlib.sha1(json.dumps([self.stages, self.hashes], sort_keys=True).encode()).hexdigest()[:16]

    @classmethod
    def from_corpus(cls, corpus, stages: Sequence[str] | None = None, **segment_overrides: Any) -> "AnnotateSpec":
        """The spec of a corpus: its config and its accepted terms (``store.terms()``)."""
        extra = [(t["term"], t["freq"], t["tag"]) for t in corpus.store.terms()]
        return cls.from_config(corpus.config, stages, extra_words=extra, **segment_overrides)

    @classmethod
    def from_config(cls, config=None, stages: Sequence[str] | None = None, extra_words: Iterable = (),
                    **segment_overrides: Any) -> "AnnotateSpec":
        """The spec of a configuration (packaged defaults when None) and extra words.

        Args:
            config: a :class:`~analysis.config.Config`.
            stages: stages to compute; None = all three, leaving out
                ``entities`` (with a warning) when its model is not installed.
            extra_words: accepted terms ``(word, freq, tag)``.
            **segment_overrides: fields of ``SegmentOptions`` (``backend="rjieba"``).

        Raises:
            EngineError: an unknown stage, or a requested stage cannot load.
        """
        from .segment import (SegmentOptions, Segmenter, _norm_extra, _resolve_dict,
                              _resolve_stoplist)
        cfg = config if config is not None else load_config()
        explicit = stages is not None
        stages = tuple(dict.fromkeys(stages or STAGES))
        bad = [s for s in stages if s not in STAGES]
        if bad:
            raise EngineError(f"unknown stage(s) {', '.join(bad)} (use {', '.join(STAGES)})")
        opts = SegmentOptions.from_config(cfg)
        if segment_overrides:
            opts = dataclasses.replace(opts, **segment_overrides)
        seg = Segmenter(opts, extra_words)
        names = ([opts.dictionary] if opts.dictionary else []) + list(opts.user_dicts)
        dicts = tuple((n, _resolve_dict(n).read_bytes()) for n in names)
        stoplists = tuple(_resolve_stoplist(n).read_bytes() for n in opts.stopwords)
        hashes = {"tokens": seg.tokens_hash}
        descriptions = {"tokens": seg.description}
        fig_opts: dict = {}
        ent_opts: dict = {}
        if "figures" in stages:
            from .figures import FigureOptions, get_extractor
            fo = FigureOptions.from_config(cfg)
            ext = get_extractor(fo, seg)  # the counted nouns depend on this spec's segmenter
            fig_opts = dataclasses.asdict(fo)
            hashes["figures"] = ext.config_hash
            descriptions["figures"] = ext.description
        if "entities" in stages:
            try:
                h, desc, eo = _entity_config(cfg)
            except AnalysisError as exc:
                if explicit:
                    raise EngineError(f"entities stage unavailable: {exc}") from exc
                log.warning("entities left out: %s", exc)
                stages = tuple(s for s in stages if s != "entities")
            else:
                ent_opts = dataclasses.asdict(eo)
                hashes["entities"] = h
                descriptions["entities"] = desc
        if "tokens" not in stages:
            hashes.pop("tokens")
        return cls(stages=stages, segment=dataclasses.asdict(opts), dicts=dicts, stoplists=stoplists,
                   extra_words=_norm_extra(extra_words), figures=fig_opts, entities=ent_opts,
                   hashes=hashes, descriptions=descriptions)


def _entity_config(cfg):
    """(config hash, description, options) of the entity stage, as corpus_entities registers them."""
    from .entities import ENTITIES_VERSION, EntityOptions, _resources
    opts = EntityOptions.from_config(cfg)
    res = _resources(opts)
    desc = {"version": ENTITIES_VERSION, "model": res.tagger.model_hash, "gazetteer": res.gaz.data_hash,
            "options": dataclasses.asdict(opts)}
    return res.config_hash, desc, opts


# -- the worker side ------------------------------------------------------------------
#: a text that takes the entity stage through its people, place, organisation and
#: programme paths, so that what they load on first use is loaded by warm()
_WARM_TEXT = ("新华社北京3月5日电 国家主席习近平在人民大会堂会见美国总统拜登。广西壮族自治区崇左市江州区太平街道丽金社区"
              "党委书记何成说，“江小爱”志愿服务队共建有158支，服务群众3万多人次。中共中央办公厅、国务院办公厅印发"
              "《关于加强新时代志愿服务工作的意见》，外交部发言人华春莹表示，联合国秘书长古特雷斯和俄罗斯总统普京通电话。")


class _Worker:
    """The stage objects of one spec in one process (built once, reused)."""

    def __init__(self, spec: AnnotateSpec):
        from .segment import SegmentOptions, Segmenter
        self.spec = spec
        seg_fields = dict(spec.segment)
        paths = [_materialise(content, ".txt") for _, content in spec.dicts]
        had_main = bool(seg_fields.get("dictionary"))
        seg_fields["dictionary"] = paths[0] if had_main else ""
        seg_fields["user_dicts"] = paths[1:] if had_main else paths
        seg_fields["stopwords"] = [_materialise(c, ".stop") for c in spec.stoplists]
        self.seg = Segmenter(SegmentOptions(**seg_fields), spec.extra_words)
        if "tokens" in spec.hashes and self.seg.tokens_hash != spec.hashes["tokens"]:
            raise EngineError(f"worker {_host()}: segmenter config {self.seg.tokens_hash} differs from the "
                              f"client's {spec.hashes['tokens']} (same jieba/analysis versions needed)")
        self.ext = None
        if "figures" in spec.stages:
            from .figures import FigureOptions, get_extractor
            fo = FigureOptions(**spec.figures)
            self.ext = get_extractor(fo, self.seg)  # the spec's segmenter, not this process's files
            if self.ext.config_hash != spec.hashes["figures"]:  # files changed since loaded? reload once
                from . import figures
                figures._EXTRACTORS.pop(figures._extractor_key(fo, self.seg), None)
                self.ext = get_extractor(fo, self.seg)
            if self.ext.config_hash != spec.hashes["figures"]:
                raise EngineError(f"worker {_host()}: figures config {self.ext.config_hash} differs from the "
                                  f"client's {spec.hashes['figures']} (same analysis version and lexicon needed)")
        # figures reuse the document's tokens when both come from the same segmentation
        self.fig_tokens = self.ext is not None and self.ext.tokens_hash == self.seg.tokens_hash
        self.ent_opts = None
        if "entities" in spec.stages:
            from .entities import EntityOptions, entities_config_hash
            self.ent_opts = EntityOptions(**spec.entities)
            h = entities_config_hash(self.ent_opts)
            if h != spec.hashes["entities"]:  # model or lexicons changed since loaded? reload once
                from . import entities
                entities._RESOURCES.pop(json.dumps(dataclasses.asdict(self.ent_opts), sort_keys=True), None)
                h = entities_config_hash(self.ent_opts)
            if h != spec.hashes["entities"]:
                raise EngineError(f"worker {_host()}: entities config {h} differs from the client's "
                                  f"{spec.hashes['entities']} (same analysis version and NER model needed)")

    def warm(self) -> None:
        """Load the tokenizer, models and tables now, not inside the first tasks.

        With the ``fork`` start method the parent warms before the pool
        starts, so the workers share what was loaded instead of each loading
        it again. The entity stage loads some tables on first use (jieba's
        dictionary words for programmes, rare surnames for names after an
        office: ~0.8 s); :data:`_WARM_TEXT` reaches those paths."""
        if "tokens" in self.spec.stages:
            self.seg.cut("预热")
        if self.ext is not None:  # the dictionary tag table, cn2an's patterns
            self.ext.extract("志愿服务队共建有一百五十八支，服务群众3万多人次。")
        if self.ent_opts is not None:
            from .entities import extract_entities
            extract_entities(_WARM_TEXT, None, self.ent_opts)

    def stage(self, kind: str, doc_id: str, body: str, tokens: dict | None = None) -> Any:
        """The payload of one stage for one document (``tokens``: its token payload, if computed)."""
        if kind == "tokens":
            from .segment import _payload
            return _payload(self.seg, body, False)
        if kind == "figures":  # the document's tokens spare cutting clause windows again
            return self.ext.extract(body, doc_id, tokens if self.fig_tokens else None)
        from .entities import extract_entities
        return extract_entities(body, doc_id, self.ent_opts)

    def annotate(self, doc_id: str, body: str, kinds: Iterable[str] | None = None) -> dict[str, Any]:
        kinds = self.spec.stages if kinds is None else kinds
        out: dict[str, Any] = {}
        for kind in kinds:  # in STAGES order: tokens before figures
            out[kind] = self.stage(kind, doc_id, body, out.get("tokens"))
        return out

    def annotate_many(self, jobs: Sequence[tuple[str, str, Iterable[str] | None]], encode=None
                      ) -> list[tuple[str, dict[str, Any] | None, str | None]]:
        """``(doc_id, {kind: payload}, None)`` or ``(doc_id, None, error)`` per ``(doc_id, body, kinds)``.

        Stage by stage over the whole chunk, not document by document: each
        stage's tables (jieba's dictionary, the CRF model) stay in the CPU
        caches for the whole chunk, which saves 10-20% of the CPU time on
        digest reports. A document that fails is reported and the chunk goes on.

        Args:
            jobs: ``(doc_id, body, kinds)``; ``kinds`` None means all of the spec's stages.
            encode: applied to each payload as soon as no later stage needs it
                (the local engine passes ``store.pack``): between its stages the
                chunk then holds bytes instead of every payload's objects, which
                the collector would otherwise walk, and each payload is encoded
                while it is still in the CPU caches. A token payload the figures
                stage reads is encoded after it.
        """
        outs: list[dict[str, Any]] = [{} for _ in jobs]
        errs: list[str | None] = [None] * len(jobs)
        stages = self.spec.stages
        # the figures stage reads the document's token payload: encode that one after it
        hold = encode is not None and self.fig_tokens and "tokens" in stages and "figures" in stages
        for kind in stages:
            if kind == "entities":  # the CRF over the whole chunk first, with its tables in the caches
                self._prefetch_crf([body or "" for i, (_, body, kinds) in enumerate(jobs)
                                    if errs[i] is None and (kinds is None or "entities" in kinds)])
            cut = self._tokens_many(jobs, errs) if kind == "tokens" else {}
            for i, (did, body, kinds) in enumerate(jobs):
                if errs[i] is not None or (kinds is not None and kind not in kinds):
                    continue
                out = outs[i]
                try:
                    out[kind] = cut.pop(i) if i in cut else self.stage(kind, did, body or "", out.get("tokens"))
                except _DOC_ERRORS as exc:
                    errs[i] = f"{type(exc).__name__}: {exc}"
                    continue
                if encode is None:
                    continue
                if kind == "tokens" and hold and (kinds is None or "figures" in kinds):
                    continue  # encoded once figures have read it
                out[kind] = encode(out[kind])
                if kind == "figures" and hold and "tokens" in out:
                    out["tokens"] = encode(out["tokens"])
        return [(job[0], None, e) if e is not None else (job[0], o, None) for job, o, e in zip(jobs, outs, errs)]


    def _tokens_many(self, jobs: Sequence[tuple[str, str, Iterable[str] | None]],
                     errs: list[str | None]) -> dict[int, dict[str, Any]]:
        """The token payloads of the chunk's documents that want them, cut many
        documents per tokenizer call (:meth:`~analysis.segment.Segmenter.spans_many`,
        equal to :func:`~analysis.segment._payload` document by document); empty
        when that fails, so the per-document path names the document at fault."""
        from .segment import _payloads
        todo = [i for i, (_, _, kinds) in enumerate(jobs) if errs[i] is None and (kinds is None or "tokens" in kinds)]
        try:
            return dict(zip(todo, _payloads(self.seg, [jobs[i][1] or "" for i in todo], False)))
        except _DOC_ERRORS as exc:
            log.debug("batch segmentation failed (%s): document by document", exc)
            return {}

    def _prefetch_crf(self, bodies: list[str]) -> None:
        """Run the entity stage's compiled CRF over ``bodies`` now, back to back
        (:meth:`~analysis.ner.fastcrf.CompiledCRF.prefetch`); extraction then
        finds each result instead of running the CRF between two documents'
        rules, which evict its tables from the CPU caches. Nothing is done when
        the tagger would not use the compiled spans (crfsuite engine, a patched
        ``tag``); a failure leaves each document to compute its own."""
        try:
            from .entities import _resources
            from .ner import crf
            tagger = _resources(self.ent_opts).tagger
            fast = getattr(tagger, "_fast", None)
            if fast is None or not hasattr(fast, "prefetch") or type(tagger).tag is not crf._CRF_TAG[0]:
                return
            fast.prefetch(bodies, tagger.max_chunk)
        except Exception as exc:  # noqa: BLE001 - the per-document path reports real errors
            log.debug("CRF prefetch skipped: %s", exc)


#: what a bad document can raise: reported for that document, the run goes on
_DOC_ERRORS = (AnalysisError, ValueError, KeyError, IndexError, TypeError, RecursionError)


def _host() -> str:
    import socket
    return f"{socket.gethostname()}:{os.getpid()}"


def _materialise(content: bytes, suffix: str) -> str:
    """Write task-supplied contents to this machine's cache (by hash) and return the path."""
    digest = hashlib.sha1(content).hexdigest()
    folder = cache_dir() / "spec"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}{suffix}"
    if not path.exists() or hashlib.sha1(path.read_bytes()).hexdigest() != digest:
        tmp = folder / f".{digest}.{os.getpid()}.tmp"
        tmp.write_bytes(content)
        os.replace(tmp, path)
    return str(path)


_WORKERS: dict[str, _Worker] = {}


def _worker(spec: AnnotateSpec) -> _Worker:
    w = _WORKERS.get(spec.key)
    if w is None:
        w = _WORKERS[spec.key] = _Worker(spec)
    return w


def annotate_document(doc_id: str, body: str, spec: AnnotateSpec,
                      kinds: Iterable[str] | None = None) -> dict[str, Any]:
    """Annotate one document: ``{kind: payload}`` for the spec's stages.

    Payloads are exactly what the stage modules store: ``tokens`` →
    ``{"w", "s", "p": None, "sent"}``; ``figures`` → the records of
    :func:`~analysis.figures.extract_figures`; ``entities`` → those of
    :func:`~analysis.entities.extract_entities`.

    Args:
        doc_id: the document id (copied into figure and entity records).
        body: the document body.
        spec: an :class:`AnnotateSpec`.
        kinds: only these stages (default: all of the spec's).

    Example:
        >>> spec = AnnotateSpec.from_config(stages=["tokens", "figures"])
        >>> out = annotate_document("d1", "江州区志愿者2500多人", spec)
        >>> out["tokens"]["w"], [f["value"] for f in out["figures"]]
        (['江州区', '志愿者', '2500多人'], [2500])
    """
    return _worker(spec).annotate(doc_id, body, kinds)


def _annotate_packed(chunk: Sequence[tuple[str, str, tuple[str, ...]]],
                     spec: AnnotateSpec) -> list[tuple[str, dict[str, bytes] | None, str | None]]:
    """(doc_id, {kind: the payload encoded as the store keeps it}, error) per document of a chunk.

    Packing happens here, in the worker: what travels back is the bytes the
    store writes, a few KB per document. The stage payloads are plain JSON
    types with fixed string keys (``store.pack(plain=True)`` skips the check)."""
    from .store import pack

    def encode(payload: Any) -> bytes:
        return pack(payload, True)
    return _worker(spec).annotate_many(chunk, encode)


# -- local engine ---------------------------------------------------------------------
def _freeze_heap() -> bool:
    """Put every object alive now out of reach of Python's cyclic garbage collector.

    After :meth:`_Worker.warm` those are the tokenizer, the models and the
    tables of the stages (about 200,000 container objects), which no
    collection can free; annotating allocates records and token lists fast
    enough to trigger a full collection every few thousand documents, and
    each one walks all of them. ``gc.freeze()`` moves them to the permanent
    generation: 0.11 s of collector time per 2,500 digest reports becomes
    0.04 s (rjieba backend, all stages), the results are the same.
    :func:`annotate` gives them back (``gc.unfreeze()``) when it returns.

    Returns:
        Whether it froze: not when the collector is off or the process has
        frozen objects already (its owner manages that).
    """
    import gc
    if not gc.isenabled() or gc.get_freeze_count():
        return False
    gc.freeze()
    return True


#: the collector's thresholds while annotating (see :func:`_calm_collector`)
_GC_THRESHOLDS = (10_000, 50, 50)


def _calm_collector() -> tuple[int, ...] | None:
    """Collect less often while annotating; returns the thresholds to restore (None: unchanged).

    A chunk of documents stays alive through all its stages (tokens, then
    figures, then entities), so its payloads and records survive the young
    collections, get promoted, and trigger full collections that walk every
    object the stages' caches have gathered since the heap was frozen: with
    Python's default thresholds (700, 10, 10) the collector took 4-10 % of
    annotate's CPU time on 6,000-12,000 digest reports (rjieba backend), with
    these 1-1.5 % (documents die young and are freed by reference counting;
    the young collections still run every 10,000 allocations, and the same
    peak memory was measured). Only raised, never lowered.
    """
    import gc
    old = gc.get_threshold()
    new = tuple(max(a, b) for a, b in zip(old, _GC_THRESHOLDS))
    if new == old:
        return None
    gc.set_threshold(*new)
    return old


_POOL_SPEC: AnnotateSpec | None = None


def _pool_init(spec: AnnotateSpec) -> None:
    global _POOL_SPEC
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    _POOL_SPEC = spec
    _worker(spec).warm()
    _freeze_heap()  # a pool process lives for this run only: never unfrozen
    _calm_collector()  # nor are its thresholds restored


def _pool_chunk(chunk: list[tuple[str, str, tuple[str, ...]]]) -> list[tuple[str, dict | None, str | None]]:
    return _annotate_packed(chunk, _POOL_SPEC)


@dataclass
class AnnotateReport:
    """What :func:`annotate` did.

    Attributes:
        documents: documents that needed at least one stage.
        computed: ``{kind: documents newly annotated}``.
        failed: ``{doc_id: error}`` of documents that could not be annotated.
        seconds: wall time.
        workers: processes used.
        hashes: ``{kind: config hash}`` the results are stored under.
        stored: documents whose results were written to the store by this
            run (what an interruption keeps).
    """

    documents: int = 0
    computed: dict = field(default_factory=dict)
    failed: dict = field(default_factory=dict)
    seconds: float = 0.0
    workers: int = 1
    hashes: dict = field(default_factory=dict)
    stored: int = 0


def default_workers(config=None) -> int:
    """``[parallel] workers`` when set (> 0), else every core of this machine."""
    cfg = config if config is not None else load_config()
    n = int((cfg.get("parallel") or {}).get("workers", 0) or 0)
    if n > 0:
        return n
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _todo(store, spec: AnnotateSpec, doc_ids: Iterable[str] | None) -> dict[str, tuple[str, ...]]:
    """``{doc_id: kinds missing}`` in store order."""
    missing: dict[str, list[str]] = {}
    for kind in spec.stages:
        for did in store.missing_annotations(kind, spec.hashes[kind]):
            missing.setdefault(did, []).append(kind)
    if doc_ids is not None:
        wanted = set(doc_ids)
        missing = {d: k for d, k in missing.items() if d in wanted}
    order = {k: i for i, k in enumerate(spec.stages)}
    return {d: tuple(sorted(k, key=order.__getitem__)) for d, k in missing.items()}


def _iter_jobs(store, todo: dict[str, tuple[str, ...]]) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    if len(todo) * 5 < store.count():  # a few: look them up; many: one scan
        for d in store.iter_documents(["doc_id", "body"], doc_ids=sorted(todo)):
            yield d["doc_id"], d["body"], todo[d["doc_id"]]
        return
    for d in store.iter_documents(["doc_id", "body"], order="doc_id"):  # results append in key order
        kinds = todo.get(d["doc_id"])
        if kinds:
            yield d["doc_id"], d["body"], kinds


def _chunks(jobs: Iterator, size: int) -> Iterator[list]:
    chunk: list = []
    for job in jobs:
        chunk.append(job)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_KEY = operator.itemgetter(0, 1, 2)


def _write_packed(store, spec: AnnotateSpec, rows: list[tuple[str, dict[str, bytes]]]) -> None:
    """One transaction for a batch of documents (every stage), as ``put_annotations`` stores them.

    The rows go in in key order (kind, config, doc_id: the table's primary
    key), which saves a quarter of SQLite's CPU time over insertion order."""
    values = [(kind, spec.hashes[kind], did, blob) for did, packed in rows for kind, blob in packed.items()]
    values.sort(key=_KEY)  # stable: a repeated key keeps its last value, as before
    with store.transaction() as conn:
        conn.executemany("INSERT OR REPLACE INTO annotations VALUES (?,?,?,?)", values)


def annotate(corpus, workers: int | None = None, stages: Sequence[str] | None = None,
             engine: str = "local", scheduler: str | None = None, progress: bool = False,
             batch_size: int = 500, chunk_size: int | None = None, doc_ids: Iterable[str] | None = None,
             spec: AnnotateSpec | None = None, staging: str | None = None,
             **segment_overrides: Any) -> AnnotateReport:
    """Compute every missing stage result of a corpus under its current configuration.

    Args:
        corpus: a :class:`~analysis.corpus.Corpus`.
        workers: processes (default: ``[parallel] workers`` or all cores);
            1 runs in this process.
        stages: subset of ``tokens, figures, entities`` (default: all available).
        engine: ``local`` (process pool) or ``dask`` (exports the corpus to a
            temporary Parquet dataset, runs :func:`annotate_dataset` on the
            ``scheduler`` — a local cluster of ``workers`` when None — and
            imports the annotations back).
        progress: show a progress bar (tqdm, on stderr).
        batch_size: documents per store transaction (what an interruption can lose).
        chunk_size: documents per pool task (default: small enough for ≥ 8
            tasks per worker, at most 128: a stage runs over the whole chunk, so
            its tables stay in the CPU caches; 128 documents take 3 % less CPU
            than 64 on digest reports, 192 no less than 128).
        doc_ids: only these documents.
        spec: a prepared :class:`AnnotateSpec` (default: :meth:`AnnotateSpec.from_corpus`).
        staging: engine ``dask``: where the temporary dataset goes, a URL the
            workers can read (default ``[parallel] staging``, else a local
            temporary folder, which only a cluster on this machine can read).
            Partitions are sized for 4 tasks per worker (20 to 2000 documents).
        **segment_overrides: ``SegmentOptions`` fields (``backend="rjieba"``).

    Returns:
        An :class:`AnnotateReport`.

    Raises:
        EngineError: an unknown engine or stage, an unreachable scheduler, or
            a scheduler on another machine with a local ``staging``.
        AnnotateInterrupted: Ctrl-C (a ``KeyboardInterrupt``); the finished
            documents are stored, ``exc.report.stored`` says how many.
    """
    t0 = time.perf_counter()
    # from the start: loading the stages' tables allocates hundreds of thousands of
    # containers, which trigger full collections at the default thresholds too
    thresholds = _calm_collector()
    try:
        return _annotate(corpus, workers, stages, engine, scheduler, progress, batch_size, chunk_size, doc_ids,
                         spec, staging, t0, segment_overrides)
    finally:
        if thresholds is not None:
            import gc
            gc.set_threshold(*thresholds)


def _annotate(corpus, workers, stages, engine, scheduler, progress, batch_size, chunk_size, doc_ids, spec,
              staging, t0, segment_overrides) -> AnnotateReport:
    spec = spec or AnnotateSpec.from_corpus(corpus, stages, **segment_overrides)
    if engine == "dask":
        return _annotate_corpus_dask(corpus, spec, workers, scheduler, progress, t0, staging)
    if engine != "local":
        raise EngineError(f"unknown engine {engine!r} (use local or dask)")
    store = corpus.store
    for kind in spec.stages:
        store.register_config(spec.hashes[kind], kind, spec.descriptions.get(kind) or {})
    todo = _todo(store, spec, doc_ids)
    n_workers = max(1, int(workers or default_workers(corpus.config)))
    report = AnnotateReport(documents=len(todo), computed={k: 0 for k in spec.stages},
                            workers=n_workers, hashes={k: spec.hashes[k] for k in spec.stages})
    if not todo:
        report.seconds = time.perf_counter() - t0
        return report
    n_workers = min(n_workers, len(todo))
    report.workers = n_workers
    size = chunk_size or max(1, min(128, len(todo) // (n_workers * 8) or 1))
    pool = None
    if n_workers > 1:
        import multiprocessing as mp
        ctx = mp.get_context()
        if ctx.get_start_method() == "fork":
            _worker(spec).warm()  # load once here; forked workers share the loaded tokenizer and models
        pool = ctx.Pool(n_workers, initializer=_pool_init, initargs=(spec,))
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=len(todo), unit="doc", desc="annotate")
    buf: list[tuple[str, dict[str, bytes]]] = []

    def take(results) -> None:
        for did, packed, err in results:
            if err is not None:
                report.failed[did] = err
                log.warning("%s: %s", did, err)
            else:
                buf.append((did, packed))
                for kind in packed:
                    report.computed[kind] += 1
        if bar is not None:
            bar.update(len(results))
        while len(buf) >= batch_size:  # whole batches: what SIGKILL can lose is the one in flight
            _write_packed(store, spec, buf[:batch_size])
            report.stored += batch_size
            del buf[:batch_size]

    def flush() -> None:
        if buf:
            _write_packed(store, spec, buf)
            report.stored += len(buf)
            buf.clear()

    jobs = _chunks(_iter_jobs(store, todo), size)
    frozen = False
    try:
        if pool is None:
            _worker(spec).warm()
            frozen = _freeze_heap()
            for chunk in jobs:
                take(_annotate_packed(chunk, spec))
        else:
            frozen = _freeze_heap()  # this process writes: its collections skip what it loaded
            # The store is read HERE, in this thread (a pool's feeder thread must not hold a
            # SQLite cursor of this connection), with a few chunks per worker in flight.
            from collections import deque
            pending: deque = deque()
            try:
                for chunk in jobs:
                    pending.append(pool.apply_async(_pool_chunk, (chunk,)))
                    while len(pending) >= 2 * n_workers or (pending and pending[0].ready()):
                        take(pending.popleft().get())
                while pending:
                    take(pending.popleft().get())
                pool.close()
            except BaseException:
                pool.terminate()  # the chunks in flight are dropped
                raise
            finally:
                pool.join()
    except KeyboardInterrupt as exc:
        jobs.close()  # the store's cursor, closed in the thread that opened it
        flush()  # keep what is done; the next run continues from here
        report.seconds = time.perf_counter() - t0
        log.info("interrupted: %d documents stored, run again to continue", report.stored)
        raise AnnotateInterrupted(report) from exc
    finally:
        jobs.close()
        if frozen:
            import gc
            gc.unfreeze()
        if bar is not None:
            bar.close()
    flush()
    report.seconds = time.perf_counter() - t0
    log.info("annotated %d documents with %d workers in %.1f s (%s)", len(todo) - len(report.failed),
             n_workers, report.seconds, ", ".join(f"{k} {v}" for k, v in report.computed.items()))
    return report


# -- dask engine ----------------------------------------------------------------------
def _ann_part(root: str, kind: str, config: str, index: int) -> str:
    from .dataset import part_name
    return f"{root}/annotations/{kind}/{config}/{part_name(index)}"


def annotate_partition(part_url: str, index: int, out_url: str, spec: AnnotateSpec,
                       copy_documents: bool = False) -> dict[str, Any]:
    """Annotate one document partition and write its annotation partitions.

    Each output file is written atomically (temporary name, then moved), so a
    task killed half way leaves nothing that a later run would trust.

    Returns:
        ``{"part": index, "documents": n, "failed": {doc_id: error}}``.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq
    from .dataset import ANN_SCHEMA, _fs, part_name, read_documents, write_table
    worker = _worker(spec)
    rows = read_documents(part_url)
    fs, root = _fs(out_url)
    if copy_documents:
        src_fs, src = _fs(part_url)
        with src_fs.open(src, "rb") as fh:
            table = pq.read_table(fh)
        write_table(fs, f"{root}/documents/{part_name(index)}", table)
    out: dict[str, list[dict[str, str]]] = {k: [] for k in spec.stages}
    failed = {}
    thresholds = _calm_collector()
    try:
        results = worker.annotate_many([(r["doc_id"], r["body"] or "", None) for r in rows])
    finally:
        if thresholds is not None:
            import gc
            gc.set_threshold(*thresholds)
    for did, res, err in results:
        if err is not None:
            failed[did] = err
            continue
        for kind, payload in res.items():
            out[kind].append({"doc_id": did,
                              "data": json.dumps(payload, ensure_ascii=False, separators=(",", ":"))})
    for kind, items in out.items():
        write_table(fs, _ann_part(root, kind, spec.hashes[kind], index),
                    pa.Table.from_pylist(items, schema=ANN_SCHEMA))
    return {"part": index, "documents": len(rows), "failed": failed}


def _connect(scheduler: str | None, workers: int | None):
    """A dask.distributed Client for a scheduler address, a scheduler file, or a new local cluster."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - a dependency
        raise EngineError("the dask engine needs dask[distributed] (pip install 'dask[distributed]')") from exc
    try:
        if scheduler is None:
            cluster = LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1,
                                   processes=True, dashboard_address=None)
            return Client(cluster), cluster
        if scheduler.endswith(".json") and Path(scheduler).exists():
            return Client(scheduler_file=scheduler, timeout="30s"), None
        return Client(scheduler, timeout="30s"), None
    except (OSError, TimeoutError) as exc:
        raise EngineError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc


def annotate_dataset(input_url: str, output_url: str | None = None, spec: AnnotateSpec | None = None,
                     scheduler: Any = None, workers: int | None = None, progress: bool = False,
                     retries: int = 2) -> AnnotateReport:
    """Annotate a Parquet corpus dataset on a Dask cluster, one task per partition.

    Args:
        input_url: the dataset (local folder or fsspec URL) with ``documents/``.
        output_url: where the annotation partitions go (default: the input).
            A different output also receives a copy of the document
            partitions and a manifest, so it is a complete dataset
            (``analysis import`` reads it).
        spec: the :class:`AnnotateSpec` (default: packaged config, all stages).
        scheduler: ``tcp://HOST:PORT``, a scheduler JSON file, a
            ``distributed.Client``, or None for a local cluster of ``workers``.
        progress: show a progress bar.
        retries: extra attempts of a task that failed (a killed worker's
            tasks are re-run by the scheduler anyway).

    Returns:
        An :class:`AnnotateReport` (``documents`` = documents of the partitions run).

    Raises:
        EngineError: the scheduler is unreachable or a task kept failing.
    """
    from .dataset import DATASET_VERSION, _fs, document_parts, read_manifest
    t0 = time.perf_counter()
    spec = spec or AnnotateSpec.from_config()
    output_url = output_url or input_url
    parts = document_parts(input_url)
    fs_out, root_out = _fs(output_url)
    _, root_in = _fs(input_url)
    copy_docs = (fs_out.protocol, root_out) != (_fs(input_url)[0].protocol, root_in)
    todo = []
    for i, part in enumerate(parts):
        done = all(fs_out.exists(_ann_part(root_out, k, spec.hashes[k], i)) for k in spec.stages)
        if copy_docs:
            from .dataset import part_name
            done = done and fs_out.exists(f"{root_out}/documents/{part_name(i)}")
        if not done:
            todo.append((i, part))
    report = AnnotateReport(computed={k: 0 for k in spec.stages}, hashes=dict(spec.hashes))
    if todo:
        client, cluster = (scheduler, None) if hasattr(scheduler, "submit") else _connect(scheduler, workers)
        try:
            report.workers = len(client.scheduler_info().get("workers", {})) or 1
            from distributed import as_completed
            spec_f = client.scatter(spec, broadcast=True, hash=False)
            futures = [client.submit(annotate_partition, part, i, output_url, spec_f, copy_docs,
                                     key=f"annotate-{spec.key}-{i:05d}-{os.getpid()}-{int(t0)}",
                                     retries=retries, pure=False)
                       for i, part in todo]
            bar = None
            if progress:
                from tqdm import tqdm
                bar = tqdm(total=len(futures), unit="part", desc="annotate (dask)")
            try:
                for fut in as_completed(futures):
                    try:
                        res = fut.result()
                    except AnalysisError:
                        raise
                    except Exception as exc:  # a task that failed on every attempt
                        raise EngineError(f"dask task {fut.key} failed: {type(exc).__name__}: {exc}") from exc
                    report.documents += res["documents"]
                    report.failed.update(res["failed"])
                    for k in spec.stages:
                        report.computed[k] += res["documents"] - len(res["failed"])
                    if bar is not None:
                        bar.update(1)
            finally:
                if bar is not None:
                    bar.close()
        finally:
            if not hasattr(scheduler, "submit"):
                client.close()
                if cluster is not None:
                    cluster.close()
    if copy_docs:  # the corpus dictionary goes with the documents
        fs_in, _ = _fs(input_url)
        if fs_in.exists(f"{root_in}/terms.parquet"):
            from .dataset import write_table
            import pyarrow.parquet as pq
            with fs_in.open(f"{root_in}/terms.parquet", "rb") as fh:
                write_table(fs_out, f"{root_out}/terms.parquet", pq.read_table(fh))
    manifest = read_manifest(output_url) or {}
    if copy_docs or not manifest:
        src = read_manifest(input_url)
        manifest = dict(src, annotations=dict(manifest.get("annotations") or {}, **(src.get("annotations") or {})))
        manifest.setdefault("version", DATASET_VERSION)
    anns = dict(manifest.get("annotations") or {})
    for k in spec.stages:
        anns[f"{k}/{spec.hashes[k]}"] = spec.descriptions.get(k)
    manifest["annotations"] = anns
    with fs_out.open(f"{root_out}/_manifest.json", "w") as fh:
        json.dump(manifest, fh, ensure_ascii=False, indent=1)
    report.seconds = time.perf_counter() - t0
    return report


def _scheduler_host(scheduler: Any) -> str | None:
    """The host of a scheduler address, scheduler JSON file or Client (None: a new local cluster)."""
    from urllib.parse import urlparse
    if scheduler is None:
        return None
    if hasattr(scheduler, "scheduler"):  # a distributed.Client
        address = getattr(scheduler.scheduler, "address", "") or ""
    elif str(scheduler).endswith(".json") and Path(scheduler).exists():
        address = json.loads(Path(scheduler).read_text()).get("address", "")
    else:
        address = str(scheduler)
    if "://" not in address:
        address = "tcp://" + address
    return urlparse(address).hostname or ""


def _is_local_path(url: str) -> bool:
    return "://" not in str(url) or str(url).startswith("file://")


def check_staging(scheduler: Any, staging: str | None) -> None:
    """Refuse a local staging folder for a scheduler on another machine.

    Raises:
        EngineError: the scheduler is not on 127.0.0.1/localhost and
            ``staging`` (None = a local temporary folder) is a local path,
            which remote workers cannot read.
    """
    host = _scheduler_host(scheduler)
    if host is None or host in ("127.0.0.1", "localhost", "::1"):
        return
    if staging is None or _is_local_path(staging):
        raise EngineError(
            f"the Dask scheduler {host} is on another machine but the staging location "
            f"{staging or '(a local temporary folder)'} is local, so its workers cannot read the documents: "
            "pass --staging s3://BUCKET/PREFIX (or [parallel] staging), a URL the workers and this "
            "client can both reach, or export the corpus and use --input/--output")


def partition_rows(documents: int, workers: int, tasks_per_worker: int = 4,
                   lo: int = 20, hi: int = 2000) -> int:
    """Documents per partition that give every worker ``tasks_per_worker`` tasks
    (so a slow or lost worker's share is re-balanced), within ``[lo, hi]``."""
    return max(lo, min(hi, -(-documents // max(1, workers * tasks_per_worker))))


def _annotate_corpus_dask(corpus, spec: AnnotateSpec, workers, scheduler, progress, t0,
                          staging: str | None = None) -> AnnotateReport:
    """The dask engine on a store: export what is missing to ``staging``, annotate, import the results."""
    import tempfile
    import uuid
    from .dataset import _fs, export_parquet, import_parquet
    from .store import Store
    staging = staging or (corpus.config.get("parallel") or {}).get("staging") or None
    check_staging(scheduler, staging)
    todo = _todo(corpus.store, spec, None)
    if not todo:
        return AnnotateReport(computed={k: 0 for k in spec.stages}, hashes=dict(spec.hashes))
    with tempfile.TemporaryDirectory(prefix="analysis-dask-") as tmp:
        sub = Store(Path(tmp) / "todo.sqlite")
        from .document import Document, COLUMNS
        docs = [Document(**{k: d[k] for k in COLUMNS if k != "length"})
                for d in corpus.store.iter_documents(COLUMNS, doc_ids=list(todo))]
        for i in range(0, len(docs), 1000):
            sub.add_documents(docs[i:i + 1000])
        ds = (staging.rstrip("/") + f"/analysis-dask-{uuid.uuid4().hex[:12]}") if staging else str(Path(tmp) / "ds")
        n_workers = workers or default_workers(corpus.config)  # a remote cluster's size is not known yet
        try:
            export_parquet(sub, ds, rows_per_partition=partition_rows(len(docs), n_workers), annotations=False)
            sub.close()
            rep = annotate_dataset(ds, ds, spec, scheduler=scheduler, workers=workers, progress=progress)
            for kind in spec.stages:
                corpus.store.register_config(spec.hashes[kind], kind, spec.descriptions.get(kind) or {})
            import_parquet(corpus.store, ds)
        finally:
            if staging:
                fs, root = _fs(ds)
                try:
                    fs.rm(root, recursive=True)
                except (OSError, FileNotFoundError):  # pragma: no cover - best effort
                    log.warning("could not remove the staging dataset %s", ds)
    rep.seconds = time.perf_counter() - t0
    return rep


# -- counts, keywords and topics from a dataset -----------------------------------------
@dataclass
class _Counts:
    freq: Counter = field(default_factory=Counter)
    doc_freq: Counter = field(default_factory=Counter)
    documents: int = 0
    words: int = 0
    #: the counts of the documents found in a keyness reference (by doc_id), to subtract from it
    inside_freq: Counter = field(default_factory=Counter)
    inside_doc_freq: Counter = field(default_factory=Counter)
    inside: int = 0

    def __iadd__(self, other: "_Counts") -> "_Counts":
        self.freq.update(other.freq)
        self.doc_freq.update(other.doc_freq)
        self.documents += other.documents
        self.words += other.words
        self.inside_freq.update(other.inside_freq)
        self.inside_doc_freq.update(other.inside_doc_freq)
        self.inside += other.inside
        return self


def _partition_tokens(part_url: str, index: int, root_url: str, spec: AnnotateSpec
                      ) -> Iterator[tuple[str, list[str]]]:
    """(doc_id, token list) of one partition: stored tokens of the dataset when present, else segmented."""
    import pyarrow.parquet as pq
    from .dataset import _fs, read_documents
    fs, root = _fs(root_url)
    h = spec.hashes.get("tokens")
    stored = _ann_part(root, "tokens", h, index) if h else None
    if stored and fs.exists(stored):
        with fs.open(stored, "rb") as fh:
            table = pq.read_table(fh, columns=["doc_id", "data"])
        for did, data in zip(table.column("doc_id").to_pylist(), table.column("data").to_pylist()):
            yield did, json.loads(data)["w"]
        return
    seg = _worker(spec).seg
    for r in read_documents(part_url):
        yield r["doc_id"], seg.cut(r["body"] or "")


def partition_counts(part_url: str, index: int, root_url: str, spec: AnnotateSpec,
                     min_len: int = 2, drop_numbers: bool = True,
                     inside_ids: frozenset = frozenset()) -> _Counts:
    """Term counts of one partition (the keyword term filter applied); the
    documents whose id is in ``inside_ids`` (a keyness reference's) are also
    counted apart, in ``inside_freq``/``inside_doc_freq``/``inside``."""
    from .keywords import _PUNCT, term_filter
    seg = _worker(spec).seg
    keep = term_filter(seg, min_len, drop_numbers)
    c = _Counts()
    for did, words in _partition_tokens(part_url, index, root_url, spec):
        terms = [w for w in words if keep(w)]
        c.freq.update(terms)
        c.doc_freq.update(set(terms))
        c.documents += 1
        if did in inside_ids:
            c.inside_freq.update(terms)
            c.inside_doc_freq.update(set(terms))
            c.inside += 1
        c.words += sum(1 for w in words if w.strip() and not _PUNCT.match(w))
    return c


def _map_parts(func, url: str, args: tuple, scheduler: Any = None, workers: int | None = None) -> Iterator:
    """``func(part, index, url, *args)`` over the partitions: on Dask when a scheduler/client is
    given, else in a local process pool (workers > 1) or in this process."""
    from .dataset import document_parts
    parts = document_parts(url)
    if scheduler is not None:
        client, cluster = (scheduler, None) if hasattr(scheduler, "submit") else _connect(scheduler, workers)
        try:
            from distributed import as_completed
            futures = [client.submit(func, p, i, url, *args, pure=False, retries=2) for i, p in enumerate(parts)]
            for fut in as_completed(futures):
                yield fut.result()
        finally:
            if not hasattr(scheduler, "submit"):
                client.close()
                if cluster is not None:
                    cluster.close()
        return
    n = min(workers or 1, len(parts))
    if n <= 1:
        for i, p in enumerate(parts):
            yield func(p, i, url, *args)
        return
    import multiprocessing as mp
    from functools import partial
    with mp.get_context().Pool(n) as pool:  # imap: results stream in, in partition order
        yield from pool.imap(partial(_call, func), [(p, i, url, args) for i, p in enumerate(parts)])


def _call(func, job):
    part, index, url, args = job
    return func(part, index, url, *args)


def dataset_term_counts(url: str, spec: AnnotateSpec | None = None, min_len: int = 2, drop_numbers: bool = True,
                        scheduler: Any = None, workers: int | None = None,
                        inside_ids: Iterable[str] = ()) -> pd.DataFrame:
    """Term counts of a Parquet corpus dataset, counted per partition and then added up.

    The stored tokens of the dataset (``annotations/tokens/<hash>``, written
    by ``annotate --engine dask`` or ``export``) are used when their config
    matches ``spec``; partitions without them are segmented with the spec's
    segmenter. Only per-partition counters travel; no document-term matrix
    is built.

    Args:
        url: the dataset.
        spec: the segmenter configuration (default: packaged config).
        min_len, drop_numbers: the keyword term filter (``[keywords]``).
        scheduler: a Dask scheduler address / client to count on the cluster.
        workers: local processes when no scheduler is given.
        inside_ids: document ids (a keyness reference's ``doc_ids``) whose
            documents are also counted apart (``df.attrs["inside"]``).

    Returns:
        DataFrame with columns ``term`` (str), ``freq`` (int, occurrences),
        ``doc_freq`` (int, documents containing it), sorted by ``freq``
        descending then term; ``df.attrs`` holds ``documents`` (int),
        ``words`` (int, all non-punctuation tokens, the keyness total basis)
        and ``inside`` (int, how many of its documents are in ``inside_ids``).

    Example:
        On the 40 first shipped related reports, exported in partitions of 7
        (see ``tests/test_parallel.py``)::

            >>> counts = dataset_term_counts("/tmp/related.parquet")          # doctest: +SKIP
            >>> counts.attrs["documents"], "志愿者" in set(counts.term[:10])    # doctest: +SKIP
            (40, True)
    """
    return _dataset_counts(url, spec, min_len, drop_numbers, scheduler, workers, inside_ids)[0]


def _dataset_counts(url, spec, min_len, drop_numbers, scheduler, workers, inside_ids=()) -> tuple[pd.DataFrame, _Counts]:
    spec = spec or AnnotateSpec.from_config(stages=["tokens"])
    total = _Counts()
    inside = frozenset(inside_ids)
    for c in _map_parts(partition_counts, url, (spec, min_len, drop_numbers, inside), scheduler, workers):
        total += c
    df = pd.DataFrame({"term": list(total.freq), "freq": list(total.freq.values())}, columns=["term", "freq"])
    df["doc_freq"] = df["term"].map(total.doc_freq).fillna(0).astype(int)
    df = df.sort_values(["freq", "term"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    df.attrs["documents"] = total.documents
    df.attrs["words"] = total.words
    df.attrs["inside"] = total.inside
    return df, total


def dataset_keywords(url: str, method: str = "freq", top: int | None = 20, reference: Any = None,
                     measure: str = "g2", options=None, spec: AnnotateSpec | None = None,
                     scheduler: Any = None, workers: int | None = None) -> pd.DataFrame:
    """Keywords of a whole Parquet dataset from per-partition counts.

    Args:
        method: ``freq`` or ``keyness`` (methods that need every document's
            vector or token order — tfidf, textrank — need a store).
        reference: keyness reference: ``default`` (packaged news counts) or a
            term-count TSV path.
        options: :class:`~analysis.keywords.KeywordOptions` (``[keywords]``).

    Returns:
        The columns of :func:`analysis.keywords.frequency` (``term, score,
        freq, doc_freq, rel_freq, method``) or of
        :func:`analysis.keywords.keyness` (``term, score, freq, doc_freq,
        n_reference, g2, g2_uncorrected, p, chi2, p_chi2, log_ratio, method``).
        For keyness, as :func:`analysis.keywords.keyness` does, dataset
        documents found in the reference (by content id, ``Reference.doc_ids``)
        have their own counts subtracted from it: ``df.attrs["subtracted"]``,
        ``df.attrs["reference_docs"]``, ``df.attrs["reference_total"]``.

    Example:
        Keyness of the 40 first shipped related reports (a dataset written by
        ``export_parquet``) against the packaged news reference; the same
        table as ``keywords(corpus, method="keyness")`` on the store::

            >>> df = dataset_keywords("/tmp/related.parquet", method="keyness", top=15)  # doctest: +SKIP
            >>> df.columns[:5].tolist()                                                  # doctest: +SKIP
            ['term', 'score', 'freq', 'doc_freq', 'n_reference']
    """
    from .errors import ConfigError, ModelError
    from .keywords import KeywordOptions, _finish, keyness_table, load_reference
    if method not in ("freq", "keyness"):
        raise ConfigError(f"keywords from a dataset: method must be freq or keyness, not {method!r}")
    opts = options or KeywordOptions.from_config()
    ref = None
    if method == "keyness":
        ref_arg = reference if reference is not None else opts.reference
        if str(ref_arg) == "rest":
            raise ConfigError('keywords from a dataset: reference "rest" needs a store')
        ref = load_reference() if str(ref_arg) == "default" else load_reference(str(ref_arg))
    counts, total = _dataset_counts(url, spec, opts.min_len, opts.drop_numbers, scheduler, workers,
                                    ref.doc_ids if ref is not None else ())
    if counts.empty:
        raise ModelError(f"{url}: no terms in the dataset")
    if method == "freq":
        df = counts.assign(score=counts["freq"].astype(float),
                           rel_freq=counts["freq"] * opts.per / max(counts.attrs["words"], 1), method="freq")
        return _finish(df[["term", "score", "freq", "doc_freq", "rel_freq", "method"]], top)
    subtracted = total.inside
    if subtracted:  # the target's own documents in the reference: subtract their counts
        ref = ref.minus(total.inside_freq, total.inside_doc_freq, subtracted)
        log.info("keyness: %d target documents are in the reference and were subtracted from it", subtracted)
    return keyness_table(counts, ref, measure, top, opts.correction, subtracted)


def _partition_matrix(part_url: str, index: int, root_url: str, spec: AnnotateSpec, vocabulary: dict,
                      min_len: int = 2, drop_numbers: bool = True):
    """(index, the document-term counts of ONE partition over a fixed vocabulary as sparse CSR).

    Only terms that pass the keyword term filter are counted, as in
    :func:`partition_counts` (a vocabulary built from those counts holds no
    other term anyway)."""
    from scipy import sparse
    rows, cols, vals = [], [], []
    n = 0
    for _did, words in _partition_tokens(part_url, index, root_url, spec):
        c = Counter(vocabulary[w] for w in words if w in vocabulary)
        rows += [n] * len(c)
        cols += list(c)
        vals += list(c.values())
        n += 1
    return index, sparse.csr_matrix((vals, (rows, cols)), shape=(n, len(vocabulary)), dtype="float64")


def dataset_vocabulary(counts: pd.DataFrame, min_df: float = 2, max_df: float = 0.5,
                       max_features: int | None = 20000) -> list[str]:
    """The topic-model vocabulary of dataset term counts, by scikit-learn's ``CountVectorizer`` rules.

    A term is kept when it is in at least ``min_df`` documents (an int is a
    number of documents, more than there are documents means 1, as in
    :class:`~analysis.topics.TopicModel`; a float a share) and in at most
    ``max_df`` of them; then the ``max_features`` most frequent terms (ties
    by term, where ``CountVectorizer`` leaves them to ``argsort``).

    Args:
        counts: :func:`dataset_term_counts` (``attrs["documents"]`` needed).

    Returns:
        The terms, sorted (the column order of ``CountVectorizer``).
    """
    import numbers
    n = counts.attrs["documents"]
    if isinstance(min_df, numbers.Integral):
        lo = min_df if min_df <= n else 1
    else:
        lo = min_df * n
    hi = max_df if isinstance(max_df, numbers.Integral) else max_df * n
    keep = counts[(counts["doc_freq"] >= lo) & (counts["doc_freq"] <= hi)]
    if max_features:
        keep = keep.head(max_features)  # counts are sorted by freq, then term
    return sorted(keep["term"])


def dataset_topics(url: str, k: int = 10, top_n: int = 10, min_df: float = 2, max_df: float = 0.5,
                   max_features: int | None = 20000, passes: int = 2, random_state: int = 0,
                   spec: AnnotateSpec | None = None, options=None, workers: int | None = None,
                   scheduler: Any = None, batch_size: int = 4096) -> pd.DataFrame:
    """Online LDA over a Parquet dataset, one partition's matrix at a time.

    The vocabulary is :func:`dataset_vocabulary` of :func:`dataset_term_counts`
    (the same terms as :class:`~analysis.topics.TopicModel` on a store
    holding the same documents). Each partition's document-term matrix is
    built once (in ``workers`` local processes or on the Dask ``scheduler``)
    and kept in a temporary folder of this machine as a compressed sparse
    file; scikit-learn's ``LatentDirichletAllocation.partial_fit`` then sees
    one partition at a time, in partition order, for ``passes`` passes, so
    memory is bounded by the largest partition and the result does not
    depend on the number of workers. A last pass computes each topic's share
    of the corpus's term mass and its coherence over documents (as
    :func:`analysis.topics.topic_coherence`).

    Args:
        url: the dataset.
        k: topics.
        top_n: top terms per topic (and for coherence).
        min_df, max_df, max_features: vocabulary limits (see :func:`dataset_vocabulary`).
        passes: passes of online LDA over the partitions.
        random_state: LDA's seed.
        spec: the segmenter configuration (default: packaged config).
        options: :class:`~analysis.keywords.KeywordOptions` (term filter).
        workers: local processes counting and building matrices.
        scheduler: a Dask scheduler address / client to count and build on.
        batch_size: documents per online LDA mini-batch within a partition.

    Returns:
        DataFrame with one row per topic: ``topic`` (int), ``terms`` (list of
        the ``top_n`` top terms), ``weights`` (their shares of the topic's
        term distribution), ``prevalence`` (share of the corpus's term mass),
        ``npmi`` and ``umass`` (document co-occurrence coherence of the top
        terms). ``df.attrs``: ``documents``, ``vocabulary`` (its size),
        ``coherence_npmi`` and ``coherence_umass`` (means over topics).

    Raises:
        ModelError: fewer terms pass the limits than ``k``.

    Example:
        >>> df = dataset_topics("news.parquet", k=8)            # doctest: +SKIP
        >>> df.loc[0, "terms"][:3], round(df.attrs["coherence_npmi"], 2)  # doctest: +SKIP
        (['志愿者', '志愿服务', '社区'], 0.12)
    """
    import tempfile
    import numpy as np
    from scipy import sparse
    from sklearn.decomposition import LatentDirichletAllocation
    from .errors import ModelError
    from .keywords import KeywordOptions
    from .topics import topic_coherence
    spec = spec or AnnotateSpec.from_config(stages=["tokens"])
    opts = options or KeywordOptions.from_config()
    counts = dataset_term_counts(url, spec, opts.min_len, opts.drop_numbers, scheduler, workers)
    n_docs = counts.attrs["documents"]
    terms = np.array(dataset_vocabulary(counts, min_df, max_df, max_features), dtype=object)
    if len(terms) < k:
        raise ModelError(f"{url}: only {len(terms)} terms pass min_df/max_df; fewer than k={k}")
    vocab = {t: i for i, t in enumerate(terms)}
    lda = LatentDirichletAllocation(n_components=k, learning_method="online", total_samples=n_docs,
                                    batch_size=batch_size, random_state=random_state, learning_offset=10.0)
    with tempfile.TemporaryDirectory(prefix="analysis-topics-") as tmp:
        files: dict[int, str] = {}
        for index, X in _map_parts(_partition_matrix, url, (spec, vocab, opts.min_len, opts.drop_numbers),
                                   scheduler, workers):
            files[index] = f"{tmp}/{index:05d}.npz"
            sparse.save_npz(files[index], X)
        order = [files[i] for i in sorted(files)]

        def matrices():
            for f in order:
                X = sparse.load_npz(f)
                if X.shape[0]:
                    yield X

        for _ in range(max(1, passes)):
            for X in matrices():
                lda.partial_fit(X)
        comp = lda.components_ / lda.components_.sum(axis=1, keepdims=True)
        n = min(top_n, len(terms))
        top = [list(np.argsort(-row, kind="stable")[:n]) for row in comp]
        cols = sorted({c for t in top for c in t})
        pos = {c: i for i, c in enumerate(cols)}
        mass = np.zeros(k)
        units = []
        for X in matrices():
            mass += (lda.transform(X) * np.asarray(X.sum(axis=1))).sum(axis=0)
            units.append((X[:, cols] > 0).astype(np.float64))
    coh = topic_coherence([[pos[c] for c in t] for t in top], sparse.vstack(units).tocsc())
    rows = []
    for t in range(k):
        idx = top[t]
        rows.append({"topic": t, "terms": terms[idx].tolist(), "weights": comp[t, idx].round(5).tolist(),
                     "prevalence": float(mass[t] / mass.sum()) if mass.sum() else 0.0,
                     "npmi": float(coh.loc[t, "npmi"]), "umass": float(coh.loc[t, "umass"])})
    df = pd.DataFrame(rows, columns=["topic", "terms", "weights", "prevalence", "npmi", "umass"])
    df.attrs.update(documents=n_docs, vocabulary=len(terms), coherence_npmi=float(coh["npmi"].mean()),
                    coherence_umass=float(coh["umass"].mean()))
    return df
