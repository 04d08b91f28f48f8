"""Render a :class:`~analysis.report.model.ReportData` as HTML and PDF.

HTML comes from Jinja2 templates in ``analysis/report/templates`` with
autoescaping on: every string from the corpus is escaped, so a title such as
``<script>alert(1)</script>`` or ``{{ 7*7 }}`` shows literally and never runs.
The HTML file is self-contained: the packaged Noto Sans SC font is embedded
as a base64 ``@font-face`` (subset to the characters the page uses), images
are PNG data URIs, and a Content-Security-Policy forbids scripts and remote
loads.

PDF is the same HTML typeset by WeasyPrint (pango). The embedded subset font
also makes WeasyPrint about twice as fast as giving it the 10 MB font file
(``fonts="file"``), which it would subset again for every PDF. The CSS asks for
``line-break: strict`` so no line starts with ，。、；：？！ or a closing quote,
repeats table headers on every page, and numbers the pages.

WeasyPrint only loads ``data:`` URLs and files of the packaged font folder
(:func:`safe_url_fetcher`); nothing is fetched from the network.
"""
from __future__ import annotations

import base64
import io
import logging
import os
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..config import data_path
from ..errors import ReportError
from .model import ReportData

log = logging.getLogger(__name__)

FONT_FAMILY = "Noto Sans SC"
FONT_FILES = {400: "NotoSansSC-Regular.ttf", 700: "NotoSansSC-Bold.ttf"}

#: Characters a line must not start with (checked by the tests on the PDF).
NO_LINE_START = "，。、；：？！）》」』】〉”’…,.;:?!)"


def font_path(weight: int = 400) -> Path:
    """Path of the packaged Noto Sans SC face for a weight (400 or 700)."""
    return data_path("fonts", FONT_FILES[700 if weight >= 600 else 400])


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The Jinja2 environment of the report templates (autoescape on, strict)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("analysis.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["data_uri"] = lambda png: "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return env


# -- fonts -------------------------------------------------------------------------
def font_face_css(mode: str = "file", text: str = "") -> Markup:
    """``@font-face`` rules for the packaged font.

    Args:
        mode: ``"file"`` (``file://`` URLs, for WeasyPrint) or ``"embed"``
            (base64 data URIs subset to ``text``, for a self-contained HTML file).
        text: the characters the page uses (``"embed"`` only).
    """
    rules = []
    for weight in FONT_FILES:
        path = font_path(weight)
        if mode == "embed":
            src = "data:font/ttf;base64," + base64.b64encode(_subset_font(str(path), _charset(text))).decode("ascii")
        else:
            src = path.resolve().as_uri()
        rules.append(f'@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: {weight}; '
                     f'font-style: normal; src: url("{src}") format("truetype"); }}')
    return Markup("\n".join(rules))


def _charset(text: str) -> str:
    base = "".join(chr(c) for c in range(0x20, 0x7F)) + "…—–·“”‘’（），。、；：？！《》【】「」『』％"
    return "".join(sorted(set(base) | set(text)))


@lru_cache(maxsize=8)
def _subset_font(path: str, chars: str) -> bytes:
    """A TrueType subset of the font with only ``chars`` (a few hundred kB)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    t0 = time.perf_counter()
    font = TTFont(path, lazy=True)
    opts = subset.Options()
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    sub = subset.Subsetter(opts)
    sub.populate(text=chars)
    sub.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    log.debug("font subset of %d chars in %.2fs (%d bytes)", len(chars), time.perf_counter() - t0, buf.tell())
    return buf.getvalue()


# -- HTML ------------------------------------------------------------------------------
def render_html(data: ReportData, fonts: str = "embed") -> str:
    """The report as one HTML page.

    Args:
        data: what to show (see :func:`analysis.report.build_report_data`).
        fonts: ``"embed"`` for a self-contained file (base64 font subset),
            ``"file"`` for WeasyPrint (``file://`` font URLs).

    Returns:
        The HTML text (UTF-8 when written).
    """
    page = _render_template("report.html.j2", data=data, font_css=Markup(""))
    return _with_fonts(page, fonts)


def _render_template(name: str, **context: Any) -> str:
    try:
        return environment().get_template(name).render(**context)
    except jinja2.TemplateError as exc:
        raise ReportError(f"template {name}: {exc}") from exc


_FONT_SLOT = "/*@font-face*/"


def _with_fonts(page: str, fonts: str) -> str:
    """Put the ``@font-face`` rules in the page's font slot."""
    if fonts not in ("embed", "file"):
        raise ReportError(f"fonts must be 'embed' or 'file', not {fonts!r}")
    css = font_face_css(fonts, text=page if fonts == "embed" else "")
    return page.replace(_FONT_SLOT, str(css), 1)


# -- PDF -------------------------------------------------------------------------------
def _allowed(url: str) -> bool:
    """Only ``data:`` URLs and files of the packaged font folder."""
    if url.startswith("data:"):
        return True
    if url.startswith("file:"):
        from urllib.parse import unquote, urlparse
        path = Path(unquote(urlparse(url).path)).resolve()
        return path.parent == data_path("fonts").resolve()
    return False


def safe_url_fetcher():
    """A WeasyPrint URL fetcher that only loads ``data:`` URLs and packaged fonts.

    Anything else (``http:``, other local files) is refused, so a report or
    notebook cannot make the renderer read the network or the disk.
    """
    from weasyprint import urls

    def refuse(url: str):
        raise ValueError(f"refusing to load {url[:80]!r} (only data: URLs and packaged fonts)")

    if hasattr(urls, "URLFetcher"):  # WeasyPrint >= 68: a fetcher class
        class SafeURLFetcher(urls.URLFetcher):
            def fetch(self, url, headers=None):
                return super().fetch(url, headers) if _allowed(url) else refuse(url)
        return SafeURLFetcher(allowed_protocols=("data", "file"))

    def fetcher(url: str, *args: Any, **kwargs: Any):  # older WeasyPrint: a function
        return urls.default_url_fetcher(url, *args, **kwargs) if _allowed(url) else refuse(url)
    return fetcher


def html_to_pdf(html: str, path: str | os.PathLike | None = None) -> bytes:
    """Typeset an HTML page with WeasyPrint; write it to ``path`` when given.

    Returns:
        The PDF bytes.

    Raises:
        ReportError: WeasyPrint (or its pango libraries) is not available,
            or the file cannot be written.
    """
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: pango missing
        raise ReportError(f"WeasyPrint is not usable ({exc}); on Debian: apt-get install "
                          "libpango-1.0-0 libpangoft2-1.0-0") from exc
    t0 = time.perf_counter()
    pdf = HTML(string=html, url_fetcher=safe_url_fetcher(), base_url=str(data_path("fonts"))).write_pdf()
    log.info("typeset PDF in %.1fs (%d bytes)", time.perf_counter() - t0, len(pdf))
    if path is not None:
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_bytes(pdf)
        except OSError as exc:
            raise ReportError(f"{path}: cannot write PDF ({exc.strerror or exc})") from exc
    return pdf


def render_pdf(data: ReportData, path: str | os.PathLike | None = None) -> bytes:
    """The report as PDF (WeasyPrint), written to ``path`` when given."""
    return html_to_pdf(render_html(data), path)


def write_report(data: ReportData, pdf_path: str | os.PathLike, html: bool = True) -> list[Path]:
    """Write ``NAME.pdf`` and (``html=True``) the self-contained ``NAME.html``.

    Returns:
        The paths written.
    """
    pdf_path = Path(pdf_path)
    page = render_html(data)  # one page for both: the font subset is embedded
    html_to_pdf(page, pdf_path)
    written = [pdf_path]
    if html:
        html_path = pdf_path.with_suffix(".html")
        try:
            html_path.write_text(page, encoding="utf-8")
        except OSError as exc:
            raise ReportError(f"{html_path}: cannot write HTML ({exc.strerror or exc})") from exc
        written.append(html_path)
    return written
