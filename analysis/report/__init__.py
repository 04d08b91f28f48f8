"""Reports and notebook export: HTML and PDF with Chinese typeset properly.

::

    from analysis import Corpus
    from analysis.report import build_report_data, write_report

    corpus = Corpus.open("corpus/corpus.sqlite")
    data = build_report_data(corpus, query="志愿服务")
    write_report(data, "reports/volunteers.pdf")      # and reports/volunteers.html

    from analysis.report import notebook_to_pdf
    notebook_to_pdf("notebooks/02_keywords.ipynb", "reports/02_keywords.pdf")

The report collects stored stage results (:mod:`.build`), renders them with
autoescaped Jinja2 templates (:mod:`.render`) and typesets the HTML with
WeasyPrint and the packaged Noto Sans SC font. Notebooks go notebook → HTML
(nbconvert) → PDF (WeasyPrint) (:mod:`.notebook`), which keeps Chinese intact
where nbconvert's LaTeX route drops it.
"""
from __future__ import annotations

from .build import build_report_data, category_labels
from .model import Highlight, Image, Pairs, ReportData, ReportOptions, Section, Table, Text
from .notebook import (execute_notebook, notebook_to_html, notebook_to_pdf, open_corpus, output_path,
                       project_root)
from .render import html_to_pdf, render_html, render_pdf, write_report

__all__ = [
    "build_report_data", "category_labels", "ReportData", "ReportOptions", "Section", "Table", "Image", "Text", "Pairs", "Highlight",
    "render_html", "render_pdf", "html_to_pdf", "write_report",
    "notebook_to_html", "notebook_to_pdf", "execute_notebook", "open_corpus", "output_path", "project_root",
]
