"""The `analysis` command line: a thin layer over the library.

Each command parses its options, calls the library function of the same name,
prints records (``--format table|csv|jsonl``) and sets the exit status:
0 all went well, 1 some input or document failed (the rest was done),
2 usage or configuration error. Only this module configures logging.
"""
from __future__ import annotations

import contextlib
import json
import logging
import sys
from typing import Any, Iterable

import click
import pandas as pd

from .config import load_config
from .errors import AnalysisError
from .ingest.reader import FORMATS as INGEST_FORMATS

log = logging.getLogger("analysis")

FORMATS = click.Choice(["table", "csv", "jsonl"])


# -- shared plumbing ---------------------------------------------------------
class State:
    def __init__(self, corpus_path: str | None, config_path: str | None):
        self.corpus_path = corpus_path
        self.config_path = config_path
        self._config = None
        self.verbose = 0

    @property
    def config(self):
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config

    def corpus(self, readonly: bool = False):
        from .corpus import Corpus
        return Corpus.open(self.corpus_path, config=self.config, readonly=readonly)


pass_state = click.make_pass_decorator(State)


def _json_default(o: Any):
    if hasattr(o, "item"):
        return o.item()
    if hasattr(o, "isoformat"):
        return o.isoformat()
    return str(o)


def emit(records: pd.DataFrame | Iterable[dict], fmt: str = "table", columns: list[str] | None = None,
         max_width: int = 40) -> None:
    """Print records as an aligned table, CSV or JSON Lines (UTF-8, ensure_ascii=False)."""
    df = records if isinstance(records, pd.DataFrame) else pd.DataFrame(list(records))
    if columns is not None:
        df = df[[c for c in columns if c in df.columns]]
    out = sys.stdout
    if fmt == "jsonl":
        for rec in df.to_dict(orient="records"):
            rec = {k: (None if _isna(v) else v) for k, v in rec.items()}
            out.write(json.dumps(rec, ensure_ascii=False, default=_json_default) + "\n")
    elif fmt == "csv":
        df.to_csv(out, index=False)
    else:
        if df.empty:
            click.echo("(no records)")
            return
        shown = df.copy()
        for col in shown.columns:
            shown[col] = shown[col].map(lambda v: _cell(v, max_width))
        click.echo(_table(shown))


def _isna(v: Any) -> bool:
    try:
        return v is None or (not isinstance(v, (list, dict, str)) and pd.isna(v))
    except (TypeError, ValueError):
        return False


def _cell(v: Any, width: int) -> str:
    if _isna(v):
        return ""
    s = json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else str(v)
    s = s.replace("\n", " ")
    return s if _width(s) <= width else _clip(s, width)


def _width(s: str) -> int:
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _clip(s: str, width: int) -> str:
    out, w = [], 0
    for c in s:
        cw = _width(c)
        if w + cw > width - 1:
            break
        out.append(c)
        w += cw
    return "".join(out) + "…"


def _table(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    widths = [max([_width(str(c))] + [_width(v) for v in df[c]]) for c in cols]
    def line(vals):
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(vals, widths)).rstrip()
    rows = [line([str(c) for c in cols]), line(["-" * w for w in widths])]
    rows += [line(list(r)) for r in df.itertuples(index=False)]
    return "\n".join(rows)


def fail(message: str, code: int = 2) -> None:
    click.echo(f"analysis: error: {message}", err=True)
    sys.exit(code)


# -- the group ---------------------------------------------------------------
@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--corpus", "corpus_path", envvar="ANALYSIS_CORPUS", metavar="FILE",
              help="Corpus store (SQLite). Default: $ANALYSIS_CORPUS or corpus/corpus.sqlite.")
@click.option("--config", "config_path", envvar="ANALYSIS_CONFIG", metavar="FILE",
              help="A TOML file overriding the packaged defaults key by key.")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
@click.version_option(package_name="analysis")
@click.pass_context
def cli(ctx: click.Context, corpus_path, config_path, verbose, quiet):
    """Chinese news analysis: ingest, segment, extract figures and entities,
    keywords, topics and reports."""
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    ctx.obj = State(corpus_path, config_path)
    ctx.obj.verbose = 0 if quiet else verbose


def corpus_option(f):
    """``--corpus`` on a sub-command too (``analysis docs --corpus x.sqlite``)."""
    def callback(ctx, param, value):
        if value:
            ctx.find_object(State).corpus_path = value
        return value
    return click.option("--corpus", "sub_corpus", metavar="FILE", expose_value=False, callback=callback,
                        is_eager=True, help="Corpus store (SQLite).")(f)


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="analysis", standalone_mode=True)
    except AnalysisError as exc:  # pragma: no cover - commands catch their own
        fail(str(exc))


# -- corpus commands -----------------------------------------------------------
@cli.command()
@click.argument("paths", nargs=-1, required=True)
@corpus_option
@click.option("--format", "fmt", type=click.Choice(INGEST_FORMATS), default="auto", show_default=True,
              help="Input format (auto detects it per file).")
@click.option("--map", "mapping", multiple=True, metavar="FIELD=COLUMN",
              help="Column mapping for JSONL/CSV, e.g. --map title=headline,body=content.")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@pass_state
def ingest(state: State, paths, fmt, mapping, no_progress):
    """Read files, folders, archives (.gz .zip .tar.gz) or - (stdin) into the corpus."""
    from .ingest import parse_mapping
    try:
        corpus = state.corpus()
        report = corpus.ingest(list(paths), format=fmt, mapping=parse_mapping(mapping),
                               progress=not no_progress)
    except AnalysisError as exc:
        fail(str(exc))
    for err in report.errors:
        click.echo(f"error: {err}", err=True)
    if state.verbose:
        for path in report.ignored:
            click.echo(f"ignored: {path}", err=True)
        for skip in report.skips:
            click.echo(f"skipped: {skip}", err=True)
    click.echo(report.summary_line())
    if report.added == 0 and report.failed == 0:
        click.echo("nothing new: every document was already in the corpus")
    sys.exit(1 if report.failed else 0)


@cli.command()
@corpus_option
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--query", help="Only documents containing this text.")
@click.option("--since", metavar="DATE")
@click.option("--until", metavar="DATE")
@click.option("--source")
@pass_state
def docs(state: State, fmt, query, since, until, source):
    """List documents: id, date, source, title, length."""
    try:
        corpus = state.corpus(readonly=True)
        ids = corpus.select(query=query, since=since, until=until, source=source)
        df = corpus.to_frame(["doc_id", "published_at", "source", "title", "length"], doc_ids=ids)
    except AnalysisError as exc:
        fail(str(exc))
    df = df.rename(columns={"published_at": "date"})
    emit(df, fmt)


@cli.command()
@click.argument("doc_id")
@corpus_option
@click.option("--format", "fmt", type=click.Choice(["text", "table", "csv", "jsonl"]), default="text",
              show_default=True, help="text: for reading; table/csv/jsonl: the record (every column).")
@pass_state
def show(state: State, doc_id, fmt):
    """Show one document (a unique id prefix is enough)."""
    try:
        doc = state.corpus(readonly=True).get(doc_id)
    except AnalysisError as exc:
        fail(str(exc))
    if fmt != "text":
        from .document import COLUMNS
        emit([doc], fmt, columns=COLUMNS)
        return
    click.echo(doc["title"])
    click.echo("=" * min(60, _width(doc["title"] or "")))
    for key in ("doc_id", "source", "published_at", "byline", "url", "origin", "encoding"):
        if doc.get(key):
            click.echo(f"{key}: {doc[key]}")
    if doc.get("authors"):
        click.echo("authors: " + "；".join(
            f"{a.get('name')}（{a.get('role') or ''}）" for a in doc["authors"]))
    click.echo()
    click.echo(doc["body"])


@cli.command()
@click.argument("query")
@corpus_option
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_state
def search(state: State, query, fmt):
    """Full-text search (any substring, Chinese included)."""
    try:
        df = state.corpus(readonly=True).search(query, columns=["doc_id", "published_at", "source", "title", "length"])
    except AnalysisError as exc:
        fail(str(exc))
    emit(df.rename(columns={"published_at": "date"}), fmt)


@cli.command()
@corpus_option
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True,
              help="table: totals and sources; csv/jsonl: one record per source after an '(all)' record.")
@pass_state
def summary(state: State, fmt):
    """Corpus summary: documents, characters, sources, date range."""
    try:
        corpus = state.corpus(readonly=True)
        if fmt != "table":
            emit(corpus.summary_frame(), fmt)
            return
        s = corpus.summary()
    except AnalysisError as exc:
        fail(str(exc))
    click.echo(f"corpus: {s['path']}")
    click.echo(f"documents: {s['documents']}  characters: {s['characters']}")
    click.echo(f"dates: {s['first_date']} … {s['last_date']}")
    click.echo("sources:")
    for src, n in s["sources"].items():
        click.echo(f"  {n:6d}  {src}")


@cli.command()
@corpus_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]), default="jsonl", show_default=True)
@click.option("--out", metavar="PATH", help="Output file (jsonl/csv; default stdout) or dataset folder/URL (parquet).")
@click.option("--rows-per-partition", type=click.IntRange(1), default=2000, show_default=True,
              help="Parquet: documents per partition file (one Dask task each; aim for several per worker).")
@pass_state
def export(state: State, fmt, out, rows_per_partition):
    """Export the corpus as JSON Lines, CSV or a Parquet dataset."""
    try:
        corpus = state.corpus(readonly=True)
        if fmt == "parquet":
            from .dataset import export_parquet
            if not out:
                fail("--out is required for parquet")
            n = export_parquet(corpus, out, rows_per_partition=rows_per_partition)
            click.echo(f"wrote {n} documents to {out}", err=True)
            return
        df = corpus.to_frame()
    except AnalysisError as exc:
        fail(str(exc))
    if out:
        with open(out, "w", encoding="utf-8", newline="") as fh:
            if fmt == "csv":
                df.to_csv(fh, index=False)
            else:
                for rec in df.to_dict(orient="records"):
                    fh.write(json.dumps(rec, ensure_ascii=False, default=_json_default) + "\n")
        click.echo(f"wrote {len(df)} documents to {out}", err=True)
    else:
        emit(df, fmt)


@cli.command("import")
@click.argument("dataset")
@corpus_option
@pass_state
def import_(state: State, dataset):
    """Read a Parquet dataset (from `analysis export --format parquet`) into the corpus."""
    from .dataset import import_parquet
    try:
        added, dup = import_parquet(state.corpus(), dataset)
    except AnalysisError as exc:
        fail(str(exc))
    click.echo(f"added {added}, duplicates {dup}")


# -- scale (analysis.parallel) ---------------------------------------------------
def _dataset_spec(state: State, url, stages=None, **over):
    """The AnnotateSpec for work on a dataset: the config and the DATASET's accepted terms
    (``terms.parquet``, written by ``export``), never those of whatever local store exists."""
    from .dataset import read_terms
    from .parallel import AnnotateSpec
    terms = read_terms(url)
    if terms is None:
        log.warning("%s has no terms.parquet (exported by an older version?): no accepted terms used", url)
    return AnnotateSpec.from_config(state.config, stages, extra_words=terms or (), **over)


@cli.command()
@corpus_option
@click.option("--workers", type=int, default=None, help="Processes (default: [parallel] workers or all cores).")
@click.option("--stages", default=None, metavar="LIST",
              help="Comma-separated subset of tokens,figures,entities (default: all available).")
@click.option("--backend", type=click.Choice(["jieba", "rjieba"]), help="Override [segment] backend.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", metavar="tcp://HOST:PORT",
              help="Dask scheduler address or scheduler JSON file (default: a local cluster).")
@click.option("--input", "input_url", metavar="DATASET", help="Dask engine: Parquet dataset to annotate.")
@click.option("--output", "output_url", metavar="DATASET", help="Dask engine: where annotations go (default: --input).")
@click.option("--staging", metavar="URL", default=None,
              help="Dask engine on a store: where the documents are staged for the workers, a URL they can "
                   "read, e.g. s3://bucket/tmp (default: [parallel] staging, else a local temp folder).")
@click.option("--batch-size", type=int, default=500, show_default=True, help="Documents per store transaction.")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@pass_state
def annotate(state: State, workers, stages, backend, engine, scheduler, input_url, output_url, staging,
             batch_size, no_progress):
    """Segment and extract figures and entities for every document that lacks them."""
    from .parallel import annotate as run, annotate_dataset
    names = [s.strip() for s in stages.split(",") if s.strip()] if stages else None
    over = {"backend": backend} if backend else {}
    try:
        if input_url:
            if engine != "dask":
                fail("--input/--output need --engine dask")
            rep = annotate_dataset(input_url, output_url, _dataset_spec(state, input_url, names, **over),
                                   scheduler=scheduler, workers=workers, progress=not no_progress)
        else:
            rep = run(state.corpus(), workers=workers, stages=names, engine=engine, scheduler=scheduler,
                      progress=not no_progress, batch_size=batch_size, staging=staging, **over)
    except AnalysisError as exc:
        fail(str(exc))
    except KeyboardInterrupt as exc:  # Ctrl-C: what was finished is stored (AnnotateInterrupted)
        stored = getattr(getattr(exc, "report", None), "stored", 0)
        click.echo(f"interrupted: {stored} documents annotated, run again to continue", err=True)
        sys.exit(130)
    done = ", ".join(f"{k} {n}" for k, n in rep.computed.items())
    click.echo(f"annotated {rep.documents} documents ({done}) with {rep.workers} worker(s) "
               f"in {rep.seconds:.1f} s", err=True)
    for did, err in list(rep.failed.items())[:20]:
        click.echo(f"error: {did}: {err}", err=True)
    sys.exit(1 if rep.failed else 0)


# -- reports and notebooks (analysis.report) ------------------------------------
class _RendererChatter(logging.Filter):
    """Drops WeasyPrint's and fontTools' records below ``level`` (their INFO
    is one line per glyph table, their warnings are about CSS for browsers and
    the font subsetter) without changing those libraries' logger levels."""

    def __init__(self, level: int):
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= self.level or not record.name.startswith(("weasyprint", "fontTools"))


@contextlib.contextmanager
def _quiet_renderers():
    """While a report or notebook PDF is typeset: renderer logs only at -vv,
    errors always (a filter on the handlers, removed afterwards)."""
    debug = logging.getLogger().getEffectiveLevel() <= logging.DEBUG
    flt = _RendererChatter(logging.DEBUG if debug else logging.ERROR)
    handlers = list(logging.getLogger().handlers)
    for h in handlers:
        h.addFilter(flt)
    try:
        yield
    finally:
        for h in handlers:
            h.removeFilter(flt)


@cli.command()
@corpus_option
@click.option("--doc", "doc", multiple=True, metavar="ID", help="Report on this document (repeatable; id prefix ok).")
@click.option("--query", metavar="Q", help="Report on the documents containing Q.")
@click.option("--out", default="reports/report.pdf", show_default=True, metavar="FILE.pdf", help="PDF to write.")
@click.option("--html", is_flag=True, help="Also write the self-contained HTML report beside the PDF.")
@click.option("--title", help="Report title (default: the document's title or 语料分析报告).")
@click.option("--section", "sections", multiple=True, metavar="KEY",
              help="Only these sections (repeatable): documents, figures, entities, keywords, wordcloud, "
                   "topics, kwic, methods.")
@pass_state
def report(state: State, doc, query, out, html, title, sections):
    """Write a PDF report (and HTML with --html) of the corpus or a selection."""
    from .report import ReportOptions, build_report_data, write_report
    try:
        corpus = state.corpus()
        opts = ReportOptions.from_config(state.config, title=title)
        data = build_report_data(corpus, doc=list(doc) or None, query=query, options=opts,
                                 sections=list(sections) or None)
        with _quiet_renderers():
            paths = write_report(data, out, html=html)
    except AnalysisError as exc:
        fail(str(exc), 1)
    for problem in data.problems:
        click.echo(f"error: report section {problem}", err=True)
    for path in paths:
        click.echo(f"wrote {path}")
    sys.exit(1 if data.problems else 0)


@cli.command("notebook-pdf")
@click.argument("notebooks", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--out", metavar="FILE.pdf", help="PDF to write (one notebook only; default: beside the notebook).")
@click.option("--execute", is_flag=True, help="Run the notebook (papermill, kernel 'analysis') before exporting.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameters-cell value for --execute (VALUE as JSON, else a string).")
@click.option("--html", is_flag=True, help="Also write the self-contained HTML beside the PDF.")
def notebook_pdf(notebooks, out, execute, params, html):
    """Turn executed notebooks into PDFs with their Chinese text intact."""
    from .report import notebook_to_pdf
    if out and len(notebooks) > 1:
        fail("--out works with one notebook only")
    parameters = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep:
            fail(f"--param {item!r}: expected NAME=VALUE")
        try:
            parameters[name] = json.loads(value)
        except json.JSONDecodeError:
            parameters[name] = value
    rc = 0
    for nb in notebooks:
        try:
            with _quiet_renderers():
                pdf = notebook_to_pdf(nb, out, execute=execute, parameters=parameters, html=html)
            click.echo(f"wrote {pdf}")
        except AnalysisError as exc:
            click.echo(f"error: {exc}", err=True)
            rc = 1
    sys.exit(rc)


# -- segmentation (issue 3) ----------------------------------------------------------
@cli.command()
@corpus_option
@click.option("--doc", "doc_id", metavar="ID", help="Print the stored tokens of one document.")
@click.option("--text", metavar="TEXT", help="Segment this text (no corpus needed) and print its tokens.")
@click.option("--pos", is_flag=True, help="Part-of-speech tags too (several times slower; stored once).")
@click.option("--backend", type=click.Choice(["jieba", "rjieba"]), help="Override [segment] backend.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@pass_state
def segment(state: State, doc_id, text, pos, backend, fmt, no_progress):
    """Segment the corpus (stored; a second run segments nothing), or one text/document."""
    from .segment import SegmentOptions, corpus_tokens, get_segmenter, segment_corpus
    overrides = {"backend": backend} if backend else {}
    cols = ["token", "pos", "start", "end"]
    try:
        if text is not None:
            seg = get_segmenter(SegmentOptions.from_config(state.config), **overrides)
            emit(pd.DataFrame([t._asdict() for t in seg.tokenize(text, pos=pos)],
                              columns=["word", "start", "end", "pos"]).rename(columns={"word": "token"}),
                 fmt, columns=cols)
            return
        corpus = state.corpus()
        seg = corpus.segmenter(**overrides)
        if doc_id:
            full = corpus.get(doc_id)["doc_id"]
            df = corpus_tokens(corpus, doc_ids=[full], pos=pos, as_frame=True, segmenter=seg)
            emit(df, fmt, columns=["sentence", "position"] + cols)
            return
        total = len(corpus)
        n = segment_corpus(corpus, pos=pos, progress=not no_progress, segmenter=seg)
    except AnalysisError as exc:
        fail(str(exc))
    click.echo(f"segmented {n} of {total} documents ({total - n} already stored; "
               f"config {seg.tokens_hash})")


@cli.group()
def terms():
    """Corpus user dictionary: suggest quoted terms and new words, add accepted ones."""


@terms.command("suggest")
@corpus_option
@click.option("--kind", type=click.Choice(["all", "quoted", "new"]), default="all", show_default=True)
@click.option("--min-count", default=5, show_default=True, help="Minimum frequency of a new word.")
@click.option("--top", default=50, show_default=True, help="Rows to show of each kind (0 = all).")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@pass_state
def terms_suggest(state: State, kind, min_count, top, fmt, no_progress):
    """Show terms worth adding (the best quoted terms, then the best new words); nothing is changed."""
    from .terms import suggest_terms
    kinds = ("quoted", "new") if kind == "all" else (kind,)
    try:
        df = suggest_terms(state.corpus(readonly=True), min_count=min_count, top=top or None, kinds=kinds,
                           progress=not no_progress)
    except AnalysisError as exc:
        fail(str(exc))
    emit(df, fmt, columns=["term", "kind", "freq", "doc_freq", "score", "segmented_as"])


@terms.command("add")
@click.argument("words", nargs=-1)
@corpus_option
@click.option("--suggested", "n_suggested", type=int, default=0, metavar="N",
              help="Also add the top N suggestions of each kind of `terms suggest` (quoted, new).")
@click.option("--tag", help="POS tag for the added words (nz, ns, nr...).")
@pass_state
def terms_add(state: State, words, n_suggested, tag):
    """Add terms to the corpus dictionary; every later segmentation uses them."""
    from .terms import add_terms, suggest_terms
    try:
        corpus = state.corpus()
        items = [(w, None, tag) for w in words]
        n = add_terms(corpus, items, origin="user") if items else 0
        if n_suggested:
            df = suggest_terms(corpus, top=n_suggested, progress=True)
            n += add_terms(corpus, [(r.term, None, tag) for r in df.itertuples()], origin="suggested")
            words = tuple(words) + tuple(df.term)
    except AnalysisError as exc:
        fail(str(exc))
    click.echo(f"added {n} term(s): {' '.join(words)}" if words else "nothing to add")
    if n:
        click.echo("stored tokens will be recomputed once on the next `analysis segment`")


@cli.command()
@click.argument("term")
@corpus_option
@click.option("--window", type=click.IntRange(min=1), default=15, show_default=True,
              help="Context tokens on each side (at least 1).")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_state
def kwic(state: State, term, window, fmt):
    """Keyword in context: every occurrence of TERM with its left and right context."""
    try:
        df = state.corpus().kwic(term, window=window)
    except AnalysisError as exc:
        fail(str(exc))
    emit(df, fmt, max_width=60 if fmt == "table" else 40)


# -- keywords, collocations, topics, word clouds (keywords.py, topics.py, plots.py)
def selection_options(f):
    """``--doc/--query/--since/--until/--source/--category`` (see ``Corpus.select``)."""
    for opt in reversed([
            click.option("--doc", "doc", metavar="ID", help="One document (a unique id prefix)."),
            click.option("--query", help="Documents containing this text."),
            click.option("--since", metavar="DATE"), click.option("--until", metavar="DATE"),
            click.option("--source", help="Exact publisher name."),
            click.option("--category", help="meta.category equal to this.")]):
        f = opt(f)
    return f


#: p-value columns of keyword/collocation tables: printed exact, never rounded
P_VALUE_COLUMNS = frozenset({"p", "p_chi2"})


def _rounded(df: pd.DataFrame) -> pd.DataFrame:
    """Round statistics for display (4 decimals), keeping the p-value columns exact."""
    cols = [c for c in df.select_dtypes("float").columns if c not in P_VALUE_COLUMNS]
    return df.round({c: 4 for c in cols})


def _fail_stage(exc: AnalysisError) -> None:
    """Exit for a keyword/topic error: 1 for an empty selection (nothing to
    analyse), 2 for anything else."""
    from .errors import NoDocumentsError
    fail(str(exc), 1 if isinstance(exc, NoDocumentsError) else 2)


def _select(doc, query, since, until, source, category) -> dict:
    return {k: v for k, v in dict(doc=doc, query=query, since=since, until=until, source=source,
                                  category=category).items() if v}


@cli.command()
@corpus_option
@click.option("--method", type=click.Choice(["freq", "tfidf", "textrank", "keyness"]), default="keyness",
              show_default=True)
@selection_options
@click.option("--top", type=int, default=20, show_default=True)
@click.option("--reference", default=None, help="Keyness reference: default, rest or a term-count TSV.")
@click.option("--input", "input_url", metavar="DATASET",
              help="Count terms per partition of a Parquet dataset instead (freq, keyness).")
@click.option("--scheduler", metavar="tcp://HOST:PORT", help="With --input: count on this Dask cluster.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_state
def keywords(state: State, method, doc, query, since, until, source, category, top, reference, input_url,
             scheduler, fmt):
    """Keywords of the corpus or a selection (keyness against the packaged news reference by default)."""
    from .keywords import keywords as run
    extra = {"reference": reference} if reference and method in ("keyness", "tfidf") else {}
    if method == "tfidf" and reference:
        extra["idf"] = "reference"
    try:
        if input_url:
            from .keywords import KeywordOptions
            from .parallel import dataset_keywords
            df = dataset_keywords(input_url, method=method, top=top, reference=reference,
                                  options=KeywordOptions.from_config(state.config),
                                  spec=_dataset_spec(state, input_url, ["tokens"]), scheduler=scheduler)
        else:
            df = run(state.corpus(), method=method, top=top,
                     **_select(doc, query, since, until, source, category), **extra)
    except AnalysisError as exc:
        _fail_stage(exc)
    emit(_rounded(df), fmt)
    if df.attrs.get("subtracted"):
        click.echo(f"keyness: {df.attrs['subtracted']} target documents are in the reference and were "
                   f"subtracted from it ({df.attrs['reference_docs']} reference documents left)", err=True)


@cli.command()
@corpus_option
@selection_options
@click.option("--measure", type=click.Choice(["pmi", "npmi", "g2"]), default="g2", show_default=True)
@click.option("--min-count", type=int, default=None, help="Default: [keywords] min_count.")
@click.option("--with", "term", metavar="TERM", help="Terms co-occurring with TERM in sentences instead.")
@click.option("--top", type=int, default=20, show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_state
def collocations(state: State, doc, query, since, until, source, category, measure, min_count, term, top, fmt):
    """Two-word collocations (PMI, log-likelihood) or sentence co-occurrence (--with)."""
    from .keywords import collocations as run, cooccurrence
    sel = _select(doc, query, since, until, source, category)
    try:
        if term:
            df = cooccurrence(state.corpus(), term=term, min_count=min_count, top=top, **sel)
        else:
            df = run(state.corpus(), measure=measure, min_count=min_count, top=top, **sel)
    except AnalysisError as exc:
        _fail_stage(exc)
    emit(_rounded(df), fmt)


@cli.command()
@corpus_option
@selection_options
@click.option("--method", type=click.Choice(["lda", "nmf"]), default=None, help="Default: [topics] method.")
@click.option("--k", type=int, default=None, help="Number of topics. Default: [topics] k.")
@click.option("--k-range", metavar="LO:HI[:STEP]",
              help="Choose k in LO..HI (both included; every k up to 10 values, else an even step) "
                   "by NPMI coherence; the k table is printed.")
@click.option("--stability", "seeds", type=int, default=0, metavar="N",
              help="Also refit with N other seeds and report stability.")
@click.option("--docs", "show_docs", type=int, default=0, metavar="N", help="List N representative documents per topic.")
@click.option("--input", "input_url", metavar="DATASET",
              help="Online LDA over the partitions of a Parquet dataset instead (no selection, k-range, stability, docs).")
@click.option("--scheduler", metavar="tcp://HOST:PORT", help="With --input: count and build matrices on this Dask cluster.")
@click.option("--workers", type=int, default=None, help="With --input: local processes for counting.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_state
def topics(state: State, doc, query, since, until, source, category, method, k, k_range, seeds, show_docs,
           input_url, scheduler, workers, fmt):
    """Topic model (LDA or NMF): topics with top terms, prevalence and coherence."""
    from .topics import TopicModel
    over = {key: v for key, v in dict(method=method, k=k, k_range=k_range).items() if v}
    if input_url:
        _dataset_topics_cmd(state, input_url, method, k, scheduler, workers, fmt,
                            bool(_select(doc, query, since, until, source, category) or k_range or seeds
                                 or show_docs))
        return
    try:
        tm = TopicModel.from_config(state.config, **over)
        tm.fit(state.corpus(), **_select(doc, query, since, until, source, category))
        stab = tm.stability(seeds=range(1, seeds + 1)) if seeds else None
    except AnalysisError as exc:
        _fail_stage(exc)
    if k_range:
        click.echo(f"k chosen by mean NPMI over k = {k_range}:", err=True)
        table = _rounded(tm.k_scores_.assign(chosen=tm.k_scores_["k"] == tm.k_))
        if fmt == "table":
            emit(table, fmt)
        else:  # keep stdout one table of topics for csv/jsonl
            click.echo(_table(table.astype(str)), err=True)
    df = tm.topics()
    df["terms"] = df["terms"].map(" ".join)
    emit(_rounded(df.drop(columns=["label"])), fmt)
    if show_docs:
        emit(_rounded(tm.representative_docs(show_docs)), fmt)
    msg = f"{tm.method} k={tm.k_}: NPMI {tm.coherence_npmi_:.3f}, UMass {tm.coherence_umass_:.3f}"
    if stab is not None:
        msg += f", stability over {seeds} seeds {stab:.3f}"
    click.echo(msg, err=True)


def _dataset_topics_cmd(state: State, url, method, k, scheduler, workers, fmt, unsupported: bool) -> None:
    """``topics --input DATASET``: analysis.parallel.dataset_topics with the [topics] options."""
    from .keywords import KeywordOptions
    from .parallel import dataset_topics
    from .topics import TopicOptions
    if unsupported:
        fail("--input: selection options, --k-range, --stability and --docs need a store")
    o = TopicOptions.from_config(state.config)
    if (method or o.method) != "lda":
        fail("--input: only --method lda (online LDA, one partition at a time)")
    try:
        df = dataset_topics(url, k=k or o.k, top_n=o.top_n, min_df=o.min_df, max_df=o.max_df,
                            max_features=o.max_features, passes=o.max_iter, random_state=o.random_state,
                            spec=_dataset_spec(state, url, ["tokens"]), options=KeywordOptions.from_config(state.config),
                            workers=workers, scheduler=scheduler)
    except AnalysisError as exc:
        fail(str(exc))
    df["terms"] = df["terms"].map(" ".join)
    emit(_rounded(df.drop(columns=["weights"])), fmt)
    click.echo(f"lda (online) k={len(df)} over {df.attrs['documents']} documents: "
               f"NPMI {df.attrs['coherence_npmi']:.3f}, UMass {df.attrs['coherence_umass']:.3f}", err=True)


@cli.command()
@corpus_option
@selection_options
@click.option("--out", required=True, metavar="FILE.png")
@click.option("--method", type=click.Choice(["freq", "tfidf", "textrank", "keyness"]), default="keyness",
              show_default=True)
@click.option("--top", type=int, default=150, show_default=True)
@pass_state
def wordcloud(state: State, doc, query, since, until, source, category, out, method, top):
    """Word cloud of the keywords (packaged Chinese font) saved as PNG."""
    from .keywords import keywords as run
    from .plots import PlotOptions, wordcloud as draw
    try:
        df = run(state.corpus(), method=method, top=top, **_select(doc, query, since, until, source, category))
        draw(df, out=out, options=PlotOptions.from_config(state.config))
    except AnalysisError as exc:
        _fail_stage(exc)
    click.echo(f"wrote {out} ({len(df)} terms)", err=True)



# -- entities (issue 5) -------------------------------------------------------
def _read_plain_files(paths, config) -> tuple[list, int]:
    """The documents of plain files read with the ingestion rules (no store),
    and the number of inputs that failed; each failure is printed on one line."""
    from .errors import InputError
    from .ingest import read_path
    docs, failed = [], 0
    for p in paths:
        for item in read_path(p, config=config):
            if isinstance(item, InputError):
                click.echo(f"error: {item}", err=True)
                failed += 1
            else:
                docs.append(item)
    return docs, failed


@cli.command()
@click.argument("paths", nargs=-1)
@corpus_option
@click.option("--label", type=click.Choice(["person", "place", "organization", "programme"]),
              help="Only this kind of entity.")
@click.option("--summary", is_flag=True,
              help="People with roles and documents; places as a tree; programmes by documents.")
@click.option("--top", type=int, default=None, help="With --summary: at most N rows per table.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_state
def entities(state: State, paths, label, summary, top, fmt):
    """People (with roles), places (with parents), organisations and programmes.

    Reads FILEs (plain text, HTML, JSONL... with the ingestion rules) without a
    store, or every document of the corpus (--corpus) with cached results.
    """
    from .entities import EntityOptions, corpus_entities, entities as extract, entities_summary
    failed = 0
    try:
        opts = EntityOptions.from_config(state.config)
        if paths:
            docs, failed = _read_plain_files(paths, state.config)
            frames = [extract(item, label=label, options=opts) for item in docs]
            df = pd.concat(frames, ignore_index=True) if frames else extract([], options=opts)
        else:
            df = corpus_entities(state.corpus(), label=label, options=opts)
    except AnalysisError as exc:
        fail(str(exc))
    if summary:
        tables = entities_summary(df, top=top)
        for key, table in tables.items():
            if label and key.rstrip("s") not in (label, "organization" if label == "organization" else ""):
                if not (label == "person" and key == "people"):
                    continue
            if fmt == "table":
                click.echo(f"\n{key}:")
                if key == "places" and not table.empty:
                    table = table.assign(name=["  " * d + n for d, n in zip(table["depth"], table["name"])])
                    table = table.drop(columns=["depth"])
                emit(table, fmt)
            else:
                emit(table.assign(table=key), fmt)
    else:
        emit(df, fmt)
    sys.exit(1 if failed else 0)


# -- figures (issue 4) --------------------------------------------------------
_FIGURE_TABLE = ["doc_id", "text", "value", "low", "high", "unit", "approx", "counted", "kind", "category"]


@cli.command()
@click.argument("paths", nargs=-1)
@corpus_option
@click.option("--category", help="Only figures of this category (teams, volunteers, stations...).")
@click.option("--summary", is_flag=True, help="Per category: figures with documents, places, dates, sources.")
@click.option("--dates", "show_dates", is_flag=True, help="Date records instead of figures.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_state
def figures(state: State, paths, category, summary, show_dates, fmt):
    """Figures (value, unit, bound, counted noun, category) of FILEs or the corpus.

    Reads FILEs with the ingestion rules (encoding, page clutter) without a
    store, or every document of the corpus (--corpus) with cached results.
    JSON Lines has exactly the fields doc_id, start, end, text, sentence,
    number, value, low, high, unit, approx, counted, kind, category.
    """
    from .figures import (DATE_FIELDS, FIELDS, FigureOptions, corpus_figures, extract_dates,
                          extract_figures, figures_frame, figures_summary)
    failed = 0
    meta: dict = {}
    corpus = None
    try:
        opts = FigureOptions.from_config(state.config)
        if paths:
            recs = []
            docs, failed = _read_plain_files(paths, state.config)
            for item in docs:
                meta[item.doc_id] = {"published_at": item.published_at, "source": item.source,
                                     "title": item.title}
                if show_dates:
                    recs.extend(extract_dates(item.body, item.doc_id, reference=item.published_at,
                                              options=opts))
                else:
                    recs.extend(extract_figures(item.body, item.doc_id, options=opts))
            df = pd.DataFrame(recs, columns=DATE_FIELDS) if show_dates else figures_frame(recs)
        else:
            corpus = state.corpus()
            if show_dates:
                recs = []
                for d in corpus.store.iter_documents(["doc_id", "body", "published_at"]):
                    recs.extend(extract_dates(d["body"], d["doc_id"], reference=d["published_at"], options=opts))
                df = pd.DataFrame(recs, columns=DATE_FIELDS)
            else:
                df = corpus_figures(corpus, category=category, options=opts)
        if category and not show_dates:
            df = df[df["category"] == category].reset_index(drop=True)
        if summary and not show_dates:
            df = figures_summary(df, corpus=corpus, meta=meta)
    except AnalysisError as exc:
        fail(str(exc))
    if fmt == "table" and not summary:
        df = df[[c for c in (["doc_id", "text", "value", "relative"] if show_dates else _FIGURE_TABLE)
                 if c in df.columns]].assign(doc_id=lambda d: d["doc_id"].str.slice(0, 8))
    elif fmt == "table" and summary:
        df = df[["category", "label", "counted", "approx", "source", "doc_id"]].assign(
            doc_id=lambda d: d["doc_id"].str.slice(0, 8))
    emit(df, fmt)
    sys.exit(1 if failed else 0)

if __name__ == "__main__":  # pragma: no cover
    main()
