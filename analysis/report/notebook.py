"""Notebooks → HTML (nbconvert) → PDF (WeasyPrint), with Chinese intact.

nbconvert's LaTeX route (``--to pdf``) drops every Chinese character while
reporting success, and ``--to webpdf`` needs a browser download. Here the
notebook is exported with nbconvert's ``basic`` HTML template (cells only),
wrapped in a page that embeds the packaged Noto Sans SC font and the report's
typesetting rules (``line-break: strict``, page numbers, table headers
repeated), and typeset by WeasyPrint, which never runs the notebook's
scripts or fetches remote resources (:func:`~analysis.report.render.safe_url_fetcher`).

Example:
    >>> notebook_to_pdf("notebooks/01_corpus.ipynb", "reports/01_corpus.pdf")  # doctest: +SKIP
"""
from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any, Mapping

from markupsafe import Markup

from ..errors import ReportError
from .render import _render_template, _with_fonts, html_to_pdf

log = logging.getLogger(__name__)

#: The Jupyter kernel that ``./dev setup`` installs for this project.
KERNEL = "analysis"


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
