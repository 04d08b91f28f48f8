"""Reports: content from stored results, escaping, Chinese typesetting, PDF checks.

The PDFs are read back with real PDF libraries (pypdf, pdfplumber, pypdfium2)
rather than trusting our own HTML.
"""
from __future__ import annotations

import io
import json
import re

import pytest

from analysis import Corpus, Document
from analysis.errors import ConfigError, ReportError
from analysis.report import (Image, ReportData, ReportOptions, Section, Table, Text, build_report_data,
                             html_to_pdf, notebook_to_html, notebook_to_pdf, render_html, render_pdf,
                             write_report)
from analysis.report.render import NO_LINE_START

pypdf = pytest.importorskip("pypdf")
pdfplumber = pytest.importorskip("pdfplumber")

NASTY_TITLE = '<script>alert("x")</script><b>粗体</b> & {{ 7*7 }} 100% {% if x %}'
NASTY_BODY = ("江州区组建<b>志愿服务队</b>158支，志愿者<script>document.title='pwned'</script>2500多人。"
              "志愿服务 & 党建引领 {{ config }} 覆盖率100%，{% for x in y %}。"
              "志愿服务队开展活动，志愿者上门服务。")


# -- helpers -------------------------------------------------------------------------
def pdf_text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def pdf_lines(pdf: bytes) -> list[str]:
    """Visual lines of the PDF (pdfplumber character positions, grouped by baseline)."""
    lines = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            rows: dict[float, list] = {}
            for ch in page.chars:
                if ch["text"].strip():
                    rows.setdefault(round(ch["bottom"], 0), []).append(ch)
            for _, chars in sorted(rows.items()):
                lines.append("".join(c["text"] for c in sorted(chars, key=lambda c: c["x0"])))
    return lines


def not_blank(pdf: bytes, page: int = 0) -> float:
    """Share of non-white pixels of a page rendered with pypdfium2."""
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(pdf)
    import numpy as np
    img = np.asarray(doc[page].render(scale=0.6).to_pil().convert("L"))
    return float((img < 200).mean())


def embedded_fonts(pdf: bytes) -> set[str]:
    names = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            for desc_font in [font] + [d.get_object() for d in font.get("/DescendantFonts", [])]:
                desc = desc_font.get("/FontDescriptor")
                if desc is not None and any(k in desc.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(desc_font.get("/BaseFont")))
    return names


@pytest.fixture
def nasty_corpus(tmp_path):
    c = Corpus.open(tmp_path / "nasty.sqlite")
    c.store.add_documents([Document(title=NASTY_TITLE, body=NASTY_BODY, source="<i>来源</i>&测试",
                                    published_at="2023-03-28")])
    yield c
    c.close()


# -- escaping ------------------------------------------------------------------------
def test_corpus_text_is_data_not_markup(nasty_corpus, tmp_path):
    from lxml import html as lxml_html
    data = build_report_data(nasty_corpus, sections=["documents", "keywords", "kwic", "methods"])
    assert data.title == NASTY_TITLE  # one document: its title is the report title
    page = render_html(data)
    tree = lxml_html.fromstring(page)
    assert tree.xpath("//script") == []           # nothing from the corpus became a script
    assert tree.xpath("//b") == [] and tree.xpath("//i") == []
    assert tree.findtext(".//title") == NASTY_TITLE
    assert NASTY_TITLE in tree.findtext(".//h1")
    assert "&lt;script&gt;" in page and "{{ 7*7 }}" in page and "{% if x %}" in page
    # the KWIC context shows the body's markup as text
    kwic_text = " ".join(tree.xpath("//section[@id='kwic']//td//text()"))
    assert "<b>" in kwic_text or "<script>" in kwic_text
    # a CSP forbids scripts even if something slipped through
    csp = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    assert "script-src 'none'" in csp
    pdf = render_pdf(data)
    text = pdf_text(pdf)
    for literal in ('<script>alert("x")</script>', "<b>粗体</b>", "{{ 7*7 }}", "100%", "{% if x %}", "&"):
        assert literal in text.replace("\n", ""), literal
    assert "<i>来源</i>&测试" in text


# -- typesetting ---------------------------------------------------------------------
def _report(blocks, title="排版测试") -> ReportData:
    return ReportData(title=title, subtitle="", generated_at="2026-01-01T00:00:00+08:00",
                      corpus={"path": "-", "documents": 0, "characters": 0, "sources": {},
                              "first_date": None, "last_date": None},
                      selection={}, doc_ids=[], sections=[Section("x", "段落", blocks)], options=ReportOptions())


def test_no_line_starts_with_closing_punctuation():
    # k filler characters put the ，/。/” at every position around the line end
    paras = []
    for k in range(30, 75):
        paras.append(Text("江" * k + "，小爱" + "服务暖民心。" * 12))
        paras.append(Text("党" * k + "”服务“" + "志愿者上岗；" * 12))
    pdf = render_pdf(_report(paras))
    lines = pdf_lines(pdf)
    body = [ln for ln in lines if ln[0] in "江党服志心岗，”；。"]
    assert len(body) > 200  # the paragraphs did wrap onto many lines
    bad = [ln for ln in body if ln[0] in NO_LINE_START]
    assert bad == []
    # the test has teeth: some break fell right where the punctuation was,
    # so the punctuation was kept at the end of a line (or pulled a character down)
    assert any(ln.endswith(("，", "”")) for ln in body) or any(ln[1:2] in ("，", "”") for ln in body)


def test_long_table_repeats_header_and_pages_are_numbered():
    import pandas as pd
    df = pd.DataFrame({"term": [f"词{i}" for i in range(140)], "score": range(140)})
    pdf = render_pdf(_report([Table.from_frame(df, {"term": "表头词语", "score": "表头得分"})]))
    pages = [p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) >= 3
    table_pages = [t for t in pages if "词139" in t or "词1" in t]
    assert all("表头词语" in t for t in table_pages[1:]) and len(table_pages) >= 3
    for i, t in enumerate(pages, 1):
        assert f"{i} / {len(pages)}" in t


def test_html_is_self_contained(nasty_corpus):
    from lxml import html as lxml_html
    data = build_report_data(nasty_corpus, sections=["documents"])
    data.sections.append(Section("img", "图", [Image(_tiny_png(), caption="图")]))
    page = render_html(data)
    tree = lxml_html.fromstring(page)
    assert all(src.startswith("data:image/png;base64,") for src in tree.xpath("//img/@src"))
    assert tree.xpath("//link") == []
    assert page.count("data:font/ttf;base64,") == 2  # regular and bold, subset
    assert len(page) < 2_000_000  # the 10 MB font was subset


def _tiny_png() -> bytes:
    from PIL import Image as PILImage
    buf = io.BytesIO()
    PILImage.new("RGB", (20, 10), (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()


def test_renderer_fetches_nothing_from_outside(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(_tiny_png())
    page = ('<html><body><p>outside</p><img src="%s"><img src="http://127.0.0.1:9/x.png"></body></html>'
            % secret.as_uri())
    pdf = html_to_pdf(page)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].images) == 0
    assert "outside" in pdf_text(pdf)


# -- options, sections, errors ---------------------------------------------------------
def test_options_from_config_reject_unknown_keys():
    assert ReportOptions.from_config({"report": {"keywords_top": 5}}).keywords_top == 5
    assert ReportOptions.from_config({}, title="题").title == "题"
    with pytest.raises(ConfigError):
        ReportOptions.from_config({"report": {"no_such_option": 1}})


def test_missing_stage_is_omitted_with_a_note(nasty_corpus, monkeypatch):
    from analysis.report import build
    real = build._stage

    def fake(name):
        if name == "figures":
            raise build._Missing("analysis.figures")
        return real(name)
    monkeypatch.setattr(build, "_stage", fake)
    data = build_report_data(nasty_corpus, sections=["figures", "documents"])
    sec = data.section("figures")
    assert sec.omitted and "analysis.figures" in sec.note
    assert "analysis.figures" in render_html(data)
    assert data.problems == []


def test_failing_stage_is_reported_not_fatal(nasty_corpus, monkeypatch):
    from analysis.report import build

    def boom(ctx):
        raise ValueError("坏了")
    monkeypatch.setattr(build, "_methods", boom)
    data = build_report_data(nasty_corpus, sections=["documents", "methods"])
    assert data.section("methods").omitted and data.problems == ["methods: 坏了"]


def test_empty_selection_is_an_error(nasty_corpus):
    with pytest.raises(ReportError):
        build_report_data(nasty_corpus, query="不存在的词语")


# -- the shipped corpus ------------------------------------------------------------------
@pytest.fixture(scope="module")
def shipped(shipped_store, tmp_path_factory):
    c = Corpus.open(shipped_store)
    out = tmp_path_factory.mktemp("reports") / "shipped.pdf"
    data = build_report_data(c)
    paths = write_report(data, out, html=True)
    yield c, data, paths
    c.close()


@pytest.mark.slow
def test_shipped_corpus_report(shipped):
    corpus, data, (pdf_path, html_path) = shipped
    assert data.problems == []
    pdf = pdf_path.read_bytes()
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert 4 <= len(reader.pages) <= 80
    text = pdf_text(pdf).replace("\n", "")
    assert "广西崇左江州区" in text
    assert "江小爱" in text
    assert any("Noto-Sans-SC" in f for f in embedded_fonts(pdf))
    assert not_blank(pdf, 0) > 0.005
    # each page is numbered "n / N"
    assert f"1 / {len(reader.pages)}" in (reader.pages[0].extract_text() or "")
    html = html_path.read_text(encoding="utf-8")
    assert "广西崇左江州区" in html and "<script" not in html


@pytest.mark.slow
def test_shipped_corpus_report_has_the_seed_figures(shipped):
    pytest.importorskip("analysis.figures")
    corpus, data, (pdf_path, _) = shipped
    sec = data.section("figures")
    assert not sec.omitted
    text = pdf_text(pdf_path.read_bytes()).replace("\n", "")
    assert re.search(r"158\s*支", text)
    assert "2500" in text


@pytest.mark.slow
def test_report_for_one_document_by_query(shipped, tmp_path):
    corpus, _, _ = shipped
    data = build_report_data(corpus, query="江小爱", sections=["documents", "keywords", "kwic"])
    assert len(data.doc_ids) == 1 and "广西崇左江州区" in data.title
    kw = data.frame("keywords", "freq")
    assert "江小爱" in set(kw["term"])


# -- CLI -----------------------------------------------------------------------------------
def test_cli_report_writes_pdf_and_html(nasty_corpus, runner, cli, tmp_path):
    out = tmp_path / "out" / "r.pdf"
    res = runner.invoke(cli, ["--corpus", str(nasty_corpus.path), "report", "--out", str(out), "--html",
                              "--title", "标题&<测试>", "--section", "documents", "--section", "keywords"])
    assert res.exit_code == 0, res.output
    assert out.exists() and out.with_suffix(".html").exists()
    assert "标题&<测试>" in pdf_text(out.read_bytes())
    res = runner.invoke(cli, ["--corpus", str(nasty_corpus.path), "report", "--query", "不存在的词语",
                              "--out", str(out)])
    assert res.exit_code == 1 and "no documents selected" in res.output


# -- notebooks → PDF -----------------------------------------------------------------------
def _executed_notebook(path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
    nb = new_notebook(cells=[
        new_markdown_cell("# 江州区志愿服务\n\n“江小爱”志愿服务队共 **158** 支，志愿者 2500 多人。"),
        new_code_cell("print('党建引领，服务暖民心')", execution_count=1,
                      outputs=[new_output("stream", name="stdout", text="党建引领，服务暖民心\n")]),
        new_code_cell("df", execution_count=2, outputs=[new_output(
            "execute_result", execution_count=2,
            data={"text/html": "<table><thead><tr><th>类别</th></tr></thead><tbody><tr><td>队伍</td></tr></tbody></table>",
                  "text/plain": "类别 队伍"})]),
        new_code_cell("plot()", execution_count=3, outputs=[new_output(
            "display_data", data={"image/png": __import__("base64").b64encode(_tiny_png()).decode()})]),
    ])
    nb.metadata["kernelspec"] = {"name": "analysis", "display_name": "analysis (Python 3)", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def test_notebook_to_pdf_keeps_chinese(tmp_path, runner, cli):
    nb = _executed_notebook(tmp_path / "demo.ipynb")
    html = notebook_to_html(nb)
    assert "江州区志愿服务" in html and "data:font/ttf;base64," in html
    out = notebook_to_pdf(nb, tmp_path / "demo.pdf")
    pdf = out.read_bytes()
    text = pdf_text(pdf).replace("\n", "")
    for s in ("江州区志愿服务", "江小爱", "158", "党建引领，服务暖民心", "类别", "队伍"):
        assert s in text, s
    assert any("Noto-Sans-SC" in f for f in embedded_fonts(pdf))
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].images) == 1
    res = runner.invoke(cli, ["notebook-pdf", str(nb), "--out", str(tmp_path / "cli.pdf")])
    assert res.exit_code == 0, res.output
    assert "江州区志愿服务" in pdf_text((tmp_path / "cli.pdf").read_bytes())


def test_notebook_pdf_bad_input(tmp_path, runner, cli):
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ReportError):
        notebook_to_pdf(bad)
    res = runner.invoke(cli, ["notebook-pdf", str(bad)])
    assert res.exit_code == 1 and "bad.ipynb" in res.output


# -- issue 7 review: methods appendix, stability, readability, logging ----------------------
def _html_text(page: str) -> str:
    from lxml import html as lxml_html
    return " ".join(lxml_html.fromstring(page).itertext())


def test_methods_appendix_describes_the_reference_corpus_and_stop_word_sources(nasty_corpus):
    import gzip
    from analysis.config import data_path
    from analysis.keywords import load_reference
    load_reference.cache_clear()  # the file may have been rebuilt since this process first read it
    data = build_report_data(nasty_corpus, sections=["methods"])
    text = _html_text(render_html(data))
    # the reference's own header, read here independently of the keywords module
    with gzip.open(data_path("reference", "xwlb_terms.tsv.gz"), "rt", encoding="utf-8") as fh:
        header = dict(line[2:].strip().partition(": ")[::2] for line in fh if line.startswith("# "))
    assert 24_000 <= int(header["n_docs"]) <= 24_090  # the 新闻联播 reports of ../shared/data/xwlb (24,090)
    for value in (header["n_docs"], header["total"], header["segmenter"], header["min_count"], "新闻联播",
                  "yuekcc/cctv_news"):
        assert value in text, value
    assert "参照语料" in text and "min_count" in text
    # the stop-word list names the lists it merges, not only a hash
    for source in ("goto456/stopwords", "hit", "baidu", "scu", "snownlp"):
        assert source in text, source
    assert "2315 个词" in text  # entries of the packaged merged list (its header says 2315 entries)


def test_renderer_leaves_library_logger_levels_alone():
    import logging
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.NOTSET)
    render_pdf(_report([Text("江州区志愿服务")]))
    assert logging.getLogger("weasyprint").level == logging.NOTSET
    assert logging.getLogger("fontTools").level == logging.NOTSET


def test_cli_report_keeps_renderer_chatter_out_of_stderr(nasty_corpus, tmp_path):
    import subprocess
    import sys
    from pathlib import Path
    exe = str(Path(sys.executable).with_name("analysis"))
    out = tmp_path / "r.pdf"
    res = subprocess.run([exe, "--corpus", str(nasty_corpus.path), "report", "--section", "documents",
                          "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert out.exists()
    # WeasyPrint warns about browser-only CSS and the font subsetter; fontTools logs per table
    assert "weasyprint" not in res.stderr and "fontTools" not in res.stderr, res.stderr[-2000:]


def test_category_labels_come_from_the_lexicon(tmp_path):
    from analysis.report import category_labels
    labels = category_labels()
    assert labels["volunteers"] == "志愿者" and labels["people_served"].startswith("服务群众")
    assert all(not v.isascii() for v in labels.values())
    lex = tmp_path / "lex.toml"
    lex.write_text('[categories.lamps]\nnouns = ["路灯"]\nunits = ["盏"]\n', encoding="utf-8")
    assert category_labels({"figures": {"lexicon": str(lex)}}) == {"lamps": "lamps"}  # no label: the name


def _column_line_lengths(pdf: bytes, header: str, right_of: str) -> list[int]:
    """Characters per visual line inside the column headed ``header`` of the
    tables whose header row also has ``right_of`` (pdfplumber positions)."""
    lengths = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            words = page.extract_words()
            heads = [w for w in words if w["text"] == header]
            if not heads or not any(w["text"] == right_of for w in words):
                continue
            x0 = heads[0]["x0"] - 2
            rows: dict[float, int] = {}
            for ch in page.chars:
                if ch["x0"] >= x0 and ch["top"] > heads[0]["bottom"] and ch["text"].strip() and ch["size"] < 10:
                    rows[round(ch["bottom"])] = rows.get(round(ch["bottom"]), 0) + 1
            lengths.extend(rows.values())
    return lengths


@pytest.mark.slow
def test_shipped_report_is_readable(shipped, monkeypatch):
    import numpy as np
    from PIL import Image as PILImage
    corpus, data, (pdf_path, html_path) = shipped
    pdf = pdf_path.read_bytes()
    # the figures tables' 文档 column holds a shortened title on a few lines, not one character per line
    lengths = _column_line_lengths(pdf, "文档", "证据句")
    assert len(lengths) > 20 and float(np.median(lengths)) >= 5, lengths[:40]
    # categories by their Chinese labels; the unclassified figures are a count in a note, not a bar
    figs = data.section("figures")
    text = pdf_text(pdf).replace("\n", "")
    assert "类别：志愿者" in text and "people_served" not in text and "volunteers" not in text
    n_unclassified = int(figs.frames["figures"]["category"].isna().sum())
    assert n_unclassified > 0 and f"另有 {n_unclassified} 个数字未归入任何类别" in text
    # the topic heat map is drawn no wider than the page, so its labels print at their size
    topics = data.section("topics")
    heat = [b for b in topics.blocks if getattr(b, "kind", "") == "image" and "主题-词语" in b.caption][0]
    width_px = PILImage.open(io.BytesIO(heat.png)).size[0]
    assert width_px / data.options.dpi <= 6.8
    # place levels in Chinese
    assert "县级" in text and "district" not in text


@pytest.mark.slow
def test_category_chart_gets_only_categorised_figures_by_label(shipped, monkeypatch):
    from analysis import plots
    from analysis.report import category_labels
    corpus, _, _ = shipped
    seen = []
    real = plots.category_summary

    def spy(df, *args, **kwargs):
        seen.append(df.copy())
        return real(df, *args, **kwargs)
    monkeypatch.setattr(plots, "category_summary", spy)
    build_report_data(corpus, sections=["figures"])
    assert len(seen) == 1
    cats = set(seen[0]["category"])
    assert seen[0]["category"].notna().all() and cats <= set(category_labels().values())
    assert "志愿者" in cats


@pytest.mark.slow
def test_topics_show_stability_and_reuse_the_fitted_model(shipped, monkeypatch):
    from analysis.topics import TopicModel
    corpus, data, _ = shipped
    sec = data.section("topics")
    assert not sec.omitted
    settings = dict(next(b for b in sec.blocks if getattr(b, "kind", "") == "pairs").items)
    assert "稳定性" in settings and "平均 NPMI" in settings
    runs = sec.frames["stability"]
    assert list(runs["seed"]) == data.options.topics_stability_seeds == [1, 2]
    assert ((runs["similarity"] > 0) & (runs["similarity"] <= 1)).all()
    assert f"{runs['similarity'].mean():.3f}" in settings["稳定性"]
    assert "稳定性" in pdf_text(render_pdf(data)).replace("\n", "")
    model = data.models["topics"]
    assert model.random_state == 0 and "随机种子" in settings
    # one fit per report run; a model fitted on the same documents is reused as it is
    fits = []
    real_fit = TopicModel.fit

    def counting_fit(self, *args, **kwargs):
        fits.append(1)
        return real_fit(self, *args, **kwargs)
    monkeypatch.setattr(TopicModel, "fit", counting_fit)
    opts = ReportOptions.from_config(corpus.config, topics_stability_seeds=[])
    again = build_report_data(corpus, sections=["topics", "kwic"], options=opts, topic_model=model)
    assert fits == [] and again.models["topics"] is model
    fresh = build_report_data(corpus, sections=["topics"], options=opts)
    assert fits == [1] and "稳定性" not in dict(fresh.section("topics").blocks[0].items)
