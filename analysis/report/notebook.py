"""Notebooks → HTML (nbconvert) → PDF (WeasyPrint), with Chinese intact.

nbconvert's LaTeX route (``--to pdf``) drops every Chinese character while
reporting success, and ``--to webpdf`` needs a browser download. Here the
notebook is exported with nbconvert's ``basic`` HTML template (cells only),
wrapped in a page that embeds the packaged Noto Sans SC font and the report's
typesetting rules (``line-break: strict``, page numbers, table headers
repeated), and typeset by WeasyPrint, which never runs the notebook's
scripts or fetches remote resources (:func:`~analysis.report.render.safe_url_fetcher`).

The notebooks open their corpus with :func:`open_corpus`, which resolves the
shipped ``corpus/seed`` and ``corpus/related`` against the source checkout
(not the working folder), so ``papermill notebooks/X.ipynb out.ipynb -p
corpus_path my.sqlite`` works from the repository root as well as from
``notebooks/`` in JupyterLab.

Example:
    >>> notebook_to_pdf("notebooks/01_corpus.ipynb", "reports/01_corpus.pdf")  # doctest: +SKIP
"""
from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any, Mapping, Sequence

from markupsafe import Markup

from ..config import default_corpus_path, load_config
from ..errors import InputError, ReportError
from .render import _render_template, _with_fonts, html_to_pdf

log = logging.getLogger(__name__)

#: The Jupyter kernel that ``./dev setup`` installs for this project.
KERNEL = "analysis"

#: What a notebook ingests into an empty store by default: the shipped corpus
#: (the seed article and its related reports), relative to the project root.
SHIPPED_CORPUS = ("corpus/seed", "corpus/related")


def project_root() -> Path | None:
    """The source checkout the package runs from (the folder holding
    ``pyproject.toml`` and ``corpus/``), or None for a plain installation."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").is_file() and (root / "corpus").is_dir() else None


def resolve_input(path: str | os.PathLike) -> Path:
    """An input path as given (absolute, or relative to the working folder when
    it exists there), else relative to the project root.

    Raises:
        InputError: found in neither place.
    """
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        if not p.exists():
            raise InputError(str(path), "no such file or folder")
        return p
    root = project_root()
    if root is not None and (root / p).exists():
        return (root / p).resolve()
    where = f"{Path.cwd()}" + (f" or the project root {root}" if root else "")
    raise InputError(str(path), f"no such file or folder (looked in {where})")


def output_path(path: str | os.PathLike | None, default: str = "reports/report.pdf") -> Path:
    """Where a notebook writes a file: ``path`` as given (relative to the
    working folder), or ``default`` inside the project root (the working folder
    for a plain installation)."""
    if path is not None:
        return Path(path)
    root = project_root()
    return (root / default) if root is not None else Path(default)


def open_corpus(corpus_path: str | os.PathLike | None = None,
                ingest_paths: Sequence[str | os.PathLike] | None = None, config: str | None = None):
    """Open a notebook's corpus store, ingesting ``ingest_paths`` when it is empty.

    Args:
        corpus_path: the store; relative paths are relative to the working
            folder (papermill's: where it is started; JupyterLab's: the
            notebook's folder). None: ``$ANALYSIS_CORPUS``, else the configured
            ``[store] path`` inside the project root (``corpus/corpus.sqlite``).
        ingest_paths: files or folders ingested into an empty store (default:
            :data:`SHIPPED_CORPUS`); relative ones are looked up in the working
            folder, then in the project root (:func:`resolve_input`).
        config: a user TOML file (default: ``$ANALYSIS_CONFIG`` or the packaged defaults).

    Returns:
        The open :class:`~analysis.corpus.Corpus`.

    Raises:
        InputError: an ingest path does not exist, or ingestion left the
            store empty (the message lists the ingestion errors).
    """
    from ..corpus import Corpus

    cfg = load_config(config)
    if corpus_path is None and not os.environ.get("ANALYSIS_CORPUS"):
        path = default_corpus_path(None, cfg)
        root = project_root()
        if not path.is_absolute() and root is not None:
            path = root / path
        corpus_path = path
    corpus = Corpus.open(corpus_path, config=cfg)
    if len(corpus) == 0:
        paths = [resolve_input(p) for p in (ingest_paths if ingest_paths is not None else SHIPPED_CORPUS)]
        report = corpus.ingest([str(p) for p in paths], progress=False)
        log.info("%s: %s", corpus.path, report.summary_line())
        if len(corpus) == 0:
            errors = "; ".join(report.errors[:3])
            raise InputError(", ".join(map(str, paths)),
                             f"ingestion added no documents to the empty store {corpus.path}"
                             + (f" ({errors})" if errors else ""))
    return corpus


def kernel_name(preferred: str = KERNEL) -> str:
    """``preferred`` when that kernel is installed, else ``python3`` (this environment)."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager
        if preferred in KernelSpecManager().find_kernel_specs():
            return preferred
    except Exception as exc:  # noqa: BLE001 - a broken Jupyter config must not stop exports
        log.debug("kernelspec lookup failed: %s", exc)
    return "python3"


def _read(path: str | os.PathLike):
    import nbformat
    try:
        return nbformat.read(str(path), as_version=4)
    except FileNotFoundError as exc:
        raise ReportError(f"{path}: no such notebook") from exc
    except Exception as exc:  # nbformat raises several kinds on bad JSON
        raise ReportError(f"{path}: not a readable notebook ({exc})") from exc


def execute_notebook(path: str | os.PathLike, out: str | os.PathLike | None = None,
                     parameters: Mapping[str, Any] | None = None, kernel: str | None = None,
                     cwd: str | os.PathLike | None = None, timeout: int = 600) -> Path:
    """Run a notebook headless with papermill (parameters injected after the
    ``parameters`` cell) and save the executed copy.

    Args:
        path: the notebook.
        out: where to save the executed notebook (default: overwrite ``path``).
        parameters: values for the ``parameters`` cell.
        kernel: kernel name (default: ``analysis`` when installed, else ``python3``).
        cwd: working folder of the kernel (default: the notebook's folder).
        timeout: seconds per cell.

    Returns:
        The executed notebook's path.

    Raises:
        ReportError: a cell failed (the message names it) or the notebook is unreadable.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    path = Path(path)
    out = Path(out) if out else path
    t0 = time.perf_counter()
    try:
        papermill.execute_notebook(str(path), str(out), parameters=dict(parameters or {}),
                                   kernel_name=kernel or kernel_name(), cwd=str(cwd or path.parent),
                                   progress_bar=False, log_output=False, execution_timeout=timeout)
    except PapermillExecutionError as exc:
        raise ReportError(f"{path}: cell {exc.exec_count} failed: {exc.ename}: {exc.evalue}") from exc
    except FileNotFoundError as exc:
        raise ReportError(f"{path}: no such notebook") from exc
    log.info("executed %s in %.1fs", path, time.perf_counter() - t0)
    return out


def notebook_to_html(path: str | os.PathLike, fonts: str = "embed", title: str | None = None) -> str:
    """A notebook (with its stored outputs) as one HTML page.

    Args:
        path: the ``.ipynb`` file.
        fonts: ``"embed"`` (self-contained, base64 font subset) or ``"file"``
            (``file://`` URLs, for WeasyPrint).
        title: page title (default: the notebook's file name).
    """
    from nbconvert import HTMLExporter
    from pygments.formatters import HtmlFormatter

    nb = _read(path)
    exporter = HTMLExporter(template_name="basic")
    try:
        body, _ = exporter.from_notebook_node(nb)
    except Exception as exc:
        raise ReportError(f"{path}: nbconvert failed ({exc})") from exc
    pygments_css = HtmlFormatter(style="default").get_style_defs(".highlight")
    executed = any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
    page = _render_template("notebook.html.j2", title=title or Path(path).name, body=Markup(body),
                            pygments_css=Markup(pygments_css), executed=executed)
    return _with_fonts(page, fonts)


def notebook_to_pdf(path: str | os.PathLike, out: str | os.PathLike | None = None,
                    execute: bool = False, parameters: Mapping[str, Any] | None = None,
                    html: bool = False) -> Path:
    """Turn a notebook into a PDF (``path`` with ``.pdf``, or ``out``).

    Args:
        path: the notebook; it should have been run (its stored outputs are
            printed); ``execute=True`` runs it first into a temporary copy.
        out: the PDF path (default: beside the notebook).
        execute: run the notebook with papermill before exporting.
        parameters: values for the ``parameters`` cell (with ``execute``).
        html: also write the self-contained HTML beside the PDF.

    Returns:
        The PDF path.
    """
    import tempfile

    path = Path(path)
    out = Path(out) if out else path.with_suffix(".pdf")
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        source = path
        if execute:
            source = execute_notebook(path, Path(tmp) / path.name, parameters=parameters, cwd=path.parent)
        page = notebook_to_html(source, title=path.name)  # font subset embedded: faster PDF too
        html_to_pdf(page, out)
        if html:
            out.with_suffix(".html").write_text(page, encoding="utf-8")
    log.info("notebook %s → %s in %.1fs", path, out, time.perf_counter() - t0)
    return out
