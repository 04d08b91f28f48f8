"""Collect a report's content from the stored results of each stage.

:func:`build_report_data` asks each stage for its (cached) corpus results —
``corpus_figures``, ``corpus_entities``, ``keywords``, ``kwic``, topics — and
turns them into report sections. It does no analysis of its own: a stage
computes what is missing and caches it in the store, as it would for the CLI
or a notebook. A stage module that is not installed, or that fails, leaves
its section out with a note saying why (and the failure is listed in
``ReportData.problems`` so the CLI can exit 1).
"""
from __future__ import annotations

import gzip
import hashlib
import importlib
import io
import logging
import platform
import re
import sys
import time
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Sequence

import pandas as pd

from ..config import data_path
from ..errors import AnalysisError, ReportError
from .model import Highlight, Image, Pairs, ReportData, ReportOptions, Section, Table

log = logging.getLogger(__name__)

DEFAULT_TITLE = "语料分析报告"

SECTION_TITLES = {
    "documents": "文档信息",
    "figures": "关键数字",
    "entities": "人物、地点、机构与项目",
    "keywords": "关键词",
    "wordcloud": "词云",
    "topics": "主题",
    "kwic": "关键词语境（KWIC）",
    "methods": "方法附录",
}

KEYWORD_METHODS = {"freq": "词频", "tfidf": "TF-IDF", "textrank": "TextRank", "keyness": "关键性（keyness）"}
KEYNESS_COLUMNS = {"n_reference": "参照语料频次", "g2": "G²", "p": "p 值", "log_ratio": "对数比"}
PACKAGES = ["analysis", "jieba", "rjieba", "pandas", "numpy", "scikit-learn", "scipy", "matplotlib",
            "wordcloud", "cn2an", "python-crfsuite", "jinja2", "weasyprint", "nbconvert"]


class _Missing(Exception):
    """A stage module is not installed (section omitted with a note)."""


def _stage(name: str):
    """Import ``analysis.<name>``; raise :class:`_Missing` when it is absent."""
    try:
        return importlib.import_module(f"analysis.{name}")
    except ModuleNotFoundError as exc:
        if exc.name and (exc.name == f"analysis.{name}" or exc.name.startswith(f"analysis.{name}.")):
            raise _Missing(f"analysis.{name}") from exc
        raise


def build_report_data(corpus, doc_ids: Sequence[str] | None = None, query: str | None = None,
                      options: ReportOptions | None = None, doc: str | Sequence[str] | None = None,
                      sections: Sequence[str] | None = None, topic_model: Any = None) -> ReportData:
    """Collect everything a report shows for a selection of the corpus.

    Args:
        corpus: an open :class:`~analysis.corpus.Corpus`.
        doc_ids: the documents to report on (default: all, or those matching
            ``doc``/``query``).
        query: full-text query selecting documents (``Corpus.select(query=)``).
        options: :class:`ReportOptions` (default: the ``[report]`` config).
        doc: one document id (or unique prefix) or a list of them.
        sections: only these section keys (default: all of
            :data:`SECTION_TITLES`).
        topic_model: a :class:`~analysis.topics.TopicModel` already fitted on
            exactly these documents (a notebook's), shown instead of fitting
            one; a model fitted on other documents is ignored (and refitted).

    Returns:
        A :class:`ReportData`; its ``sections`` hold the tables and plots and
        the DataFrames they came from (``data.frame("figures", "figures")``).

    Raises:
        ReportError: the selection is empty.
    """
    t0 = time.perf_counter()
    opts = options or ReportOptions.from_config(corpus.config)
    if doc_ids is None:
        doc_ids = corpus.select(doc=doc, query=query) if (doc or query) else corpus.store.doc_ids()
    ids = list(doc_ids)
    if not ids:
        raise ReportError("no documents selected" + (f" (query {query!r})" if query else ""))
    docs = corpus.to_frame(["doc_id", "title", "source", "published_at", "authors", "byline", "url", "length"],
                           doc_ids=ids)
    summary = _describe(docs, str(corpus.path))
    title = opts.title or (docs["title"].iloc[0] if len(ids) == 1 and docs["title"].iloc[0] else DEFAULT_TITLE)
    selection: dict[str, Any] = {}
    if doc:
        selection["选定文档"] = doc if isinstance(doc, str) else "、".join(doc)
    if query:
        selection["检索词"] = query
    subtitle = (f"{len(ids)} 篇文档" + (f"，检索“{query}”" if query else "")
                + (f"（{summary['first_date']} 至 {summary['last_date']}）" if summary["first_date"] else ""))

    ctx = _Context(corpus, ids, docs, opts)
    if topic_model is not None:
        if list(getattr(topic_model, "doc_ids_", [])) == ids:
            ctx.models["topics"] = topic_model
        else:
            log.warning("the topic model given was fitted on other documents; fitting one for the report")
    builders: dict[str, Callable[[_Context], Section]] = {
        "documents": _documents, "figures": _figures, "entities": _entities, "keywords": _keywords,
        "wordcloud": _wordcloud, "topics": _topics, "kwic": _kwic, "methods": _methods,
    }
    wanted = list(sections) if sections else list(builders)
    unknown = [k for k in wanted if k not in builders]
    if unknown:
        raise ReportError(f"unknown report section(s): {', '.join(unknown)}")
    out = []
    for key in wanted:
        t1 = time.perf_counter()
        out.append(_guarded(key, builders[key], ctx))
        log.info("report section %s: %.1fs", key, time.perf_counter() - t1)
    data = ReportData(title=str(title), subtitle=subtitle, generated_at=datetime.now().astimezone().isoformat(
        timespec="seconds"), corpus=summary, selection=selection, doc_ids=ids, sections=out, options=opts,
        problems=ctx.problems, models=ctx.models)
    log.info("report data collected in %.1fs", time.perf_counter() - t0)
    return data


class _Context:
    """What the section builders share: corpus, selection, options, results."""

    def __init__(self, corpus, ids: list[str], docs: pd.DataFrame, opts: ReportOptions):
        self.corpus = corpus
        self.ids = ids
        self.docs = docs
        self.opts = opts
        self.titles = dict(zip(docs["doc_id"], docs["title"].fillna("")))
        self.order = {d: i for i, d in enumerate(ids)}
        self.keyword_tables: dict[str, pd.DataFrame] = {}
        self.problems: list[str] = []
        self.models: dict[str, Any] = {}

    def topic_model(self):
        """The report's topic model, fitted once per report run (or the one passed in)."""
        if "topics" not in self.models:
            mod = _stage("topics")
            overrides = {"k": self.opts.topics_k} if self.opts.topics_k else {}
            self.models["topics"] = mod.TopicModel.from_config(
                self.corpus.config, top_n=self.opts.topics_top_terms, **overrides).fit(self.corpus, doc_ids=self.ids)
        return self.models["topics"]

    def short_title(self, doc_id: str, width: int = 18) -> str:
        t = self.titles.get(doc_id) or doc_id[:8]
        return t if len(t) <= width else t[: width - 1] + "…"


def _guarded(key: str, fn: Callable[[_Context], Section], ctx: _Context) -> Section:
    title = SECTION_TITLES[key]
    try:
        return fn(ctx)
    except _Missing as exc:
        log.info("report section %s omitted: %s is not installed", key, exc)
        return Section(key, title, note=f"本节从略：所需模块 {exc} 尚未安装。", omitted=True)
    except (AnalysisError, Exception) as exc:  # a failing stage must not sink the whole report
        log.error("report section %s failed: %s", key, exc, exc_info=not isinstance(exc, AnalysisError))
        ctx.problems.append(f"{key}: {exc}")
        return Section(key, title, note=f"本节从略：生成时出错（{type(exc).__name__}: {exc}）。", omitted=True)


def _describe(docs: pd.DataFrame, path: str) -> dict[str, Any]:
    dates = docs["published_at"].dropna().astype(str).str.slice(0, 10)
    return {
        "path": path,
        "documents": int(len(docs)),
        "characters": int(docs["length"].sum()) if len(docs) else 0,
        "sources": docs["source"].fillna("（未知）").value_counts().head(8).to_dict(),
        "first_date": dates.min() if len(dates) else None,
        "last_date": dates.max() if len(dates) else None,
    }


# -- plotting helpers ---------------------------------------------------------------
def _figure(width: float = 6.5, height: float = 2.6):
    """A matplotlib Figure (no pyplot state) with the packaged Chinese font set up."""
    from matplotlib.figure import Figure
    _stage("plots").setup_chinese()
    return Figure(figsize=(width, height), layout="constrained")


def _png(fig, dpi: int) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


# -- sections ------------------------------------------------------------------------
def _documents(ctx: _Context) -> Section:
    docs = ctx.docs.copy()
    docs["date"] = docs["published_at"].fillna("").astype(str).str.slice(0, 10)
    docs["who"] = [
        "、".join(a.get("name", "") + (f"（{a['role']}）" if a.get("role") else "") for a in (auth or []))
        or (byline or "") for auth, byline in zip(docs["authors"], docs["byline"])]
    docs["id"] = docs["doc_id"].str.slice(0, 8)
    blocks: list[Any] = [Table.from_frame(
        docs, {"title": "标题", "source": "来源", "date": "时间", "who": "作者", "length": "字数", "id": "文档号"},
        limit=ctx.opts.max_documents)]
    dates = pd.to_datetime(docs["published_at"].astype(str).str.slice(0, 10), errors="coerce").dropna()
    if len(dates) > 1 and dates.dt.to_period("M").nunique() > 1:
        per = dates.dt.to_period("M" if dates.dt.year.nunique() <= 3 else "Q").value_counts().sort_index()
        fig = _figure()
        ax = fig.add_subplot()
        ax.bar([str(p) for p in per.index], per.values, color="#b22222")
        ax.set_ylabel("文档数")
        ax.set_title("文档时间分布")
        step = max(1, len(per) // 16)
        ax.set_xticks(range(0, len(per), step), [str(p) for p in per.index][::step], rotation=45, fontsize=7)
        blocks.append(Image(_png(fig, ctx.opts.dpi), caption="各时段文档数"))
    return Section("documents", SECTION_TITLES["documents"], blocks, frames={"documents": ctx.docs})


def _evidence(row: pd.Series) -> Any:
    """The figure's sentence with the figure itself marked."""
    sentence = row.get("sentence") or ""
    text = row.get("text") or ""
    pos = sentence.find(text) if text else -1
    return Highlight(sentence, pos, pos + len(text)) if pos >= 0 else sentence


def category_labels(config=None) -> dict[str, str]:
    """Display names of the figure categories: the ``label`` of each
    ``[categories.NAME]`` of the category lexicon (the name when it has none).

    Example:
        >>> category_labels()["volunteers"]
        '志愿者'
    """
    mod = _stage("figures")
    _, lex = mod.load_lexicon(mod.FigureOptions.from_config(config).lexicon)
    return {name: str(table.get("label") or name) for name, table in (lex.get("categories") or {}).items()
            if isinstance(table, dict)}


#: Display names of the place levels of :func:`analysis.entities.entities_summary`.
PLACE_LEVELS = {"province": "省级", "city": "地级", "district": "县级", "street": "乡镇/街道",
                "community": "村/社区", "compound": "小区", "venue": "场所"}


def _figures(ctx: _Context) -> Section:
    mod = _stage("figures")
    allfig = mod.corpus_figures(ctx.corpus, doc_ids=ctx.ids)
    df = mod.figures_summary(allfig, corpus=ctx.corpus)
    title = SECTION_TITLES["figures"]
    if df.empty:
        return Section("figures", title, note="所选文档中没有找到可归类的数字。", omitted=True,
                       frames={"figures": allfig, "summary": df})
    labels = category_labels(ctx.corpus.config)
    # the selection's order (ingestion order: the seed article first in the shipped corpus)
    df = df.assign(_order=df["doc_id"].map(ctx.order)).sort_values("_order", kind="stable")
    counts = (df.groupby("category", sort=False)
                .agg(n=("text", "size"), docs=("doc_id", "nunique"),
                     examples=("text", lambda s: "、".join(list(dict.fromkeys(s))[:5])))
                .reset_index())
    rank = {c: i for i, c in enumerate(labels)}  # ties in lexicon order (teams, volunteers, ...)
    counts = (counts.assign(_rank=counts["category"].map(lambda c: rank.get(c, len(rank))))
                    .sort_values(["n", "_rank"], ascending=[False, True], kind="stable")
                    .drop(columns="_rank").reset_index(drop=True))
    counts.insert(1, "label", counts["category"].map(lambda c: labels.get(c, c)))
    unclassified = int(allfig["category"].isna().sum())
    summary_cols = {"label": "类别", "n": "数字个数", "docs": "文档数", "examples": "示例"}
    if len(ctx.ids) == 1:
        del summary_cols["docs"]
    blocks: list[Any] = [Table.from_frame(
        counts, summary_cols, caption="按类别汇总",
        note=f"另有 {unclassified} 个数字未归入任何类别（年份、金额、百分比等），不在表和图中。" if unclassified else "",
        widths=["22%", "12%", "10%", "56%"] if len(ctx.ids) > 1 else ["25%", "15%", "60%"])]
    if len(counts) > 1 and counts["n"].max() > 1:
        # only categorised figures, by their Chinese labels: unclassified ones are counted in the note above
        fig = _stage("plots").category_summary(df.assign(category=df["category"].map(lambda c: labels.get(c, c))),
                                               title="各类别的数字个数")
        blocks.append(Image(_image_png(fig, ctx.opts.dpi), caption="各类别的数字个数（括号内为文档数）", width="75%"))
    multi = len(ctx.ids) > 1
    for cat in counts["category"]:
        part = df[df["category"] == cat].copy()
        part["evidence"] = [_evidence(r) for _, r in part.iterrows()]
        part["doc"] = part["doc_id"].map(lambda d: ctx.short_title(d, 12))
        part["shown_value"] = part["value"].map(_cn_number)
        cols = {"text": "数字", "shown_value": "数值", "counted": "计数对象", "place": "地点", "evidence": "证据句"}
        widths = None  # one document: the automatic layout fits
        if multi:
            cols.update({"date": "日期", "doc": "文档"})
            widths = ["12%", "9%", "12%", "9%", "33%", "11%", "14%"]
        blocks.append(Table.from_frame(part, cols, caption=f"类别：{labels.get(cat, cat)}",
                                       limit=ctx.opts.figures_per_category, widths=widths))
    return Section("figures", title, blocks,
                   note=f"共 {len(allfig)} 个数字，其中 {len(df)} 个归入 {len(counts)} 个类别，{unclassified} 个未归类。",
                   frames={"figures": allfig, "summary": df.drop(columns="_order"), "counts": counts})


def _cn_number(value: Any) -> Any:
    """A figure's value for display: 9600万, 1.35亿 above ten thousand (short
    enough for a narrow column), the number itself below."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return value
    if v != v:  # NaN: a range
        return ""
    for unit, size in (("亿", 1e8), ("万", 1e4)):
        if abs(v) >= size:
            return f"{v / size:.4g}{unit}"
    return int(v) if v.is_integer() else v


def _entities(ctx: _Context) -> Section:
    mod = _stage("entities")
    df = mod.corpus_entities(ctx.corpus, doc_ids=ctx.ids)
    title = SECTION_TITLES["entities"]
    if df.empty:
        return Section("entities", title, note="所选文档中没有识别出实体。", omitted=True, frames={"entities": df})
    summary = mod.entities_summary(df)
    multi = len(ctx.ids) > 1
    blocks: list[Any] = []
    layouts = {
        "people": ("人物", {"name": "姓名", "role": "职务/身份", "affiliation": "所属单位", "mentions": "提及次数"}),
        "places": ("地点（按行政层级排列）", {"tree": "地名", "level": "层级", "parent": "上级", "mentions": "提及次数"}),
        "organizations": ("机构", {"name": "名称", "mentions": "提及次数"}),
        "programmes": ("项目与品牌", {"name": "名称", "mentions": "提及次数"}),
    }
    for key, (caption, cols) in layouts.items():
        part = summary.get(key)
        if part is None or part.empty:
            continue
        part = part.copy()
        if key == "places":
            part["tree"] = ["　" * int(d) + ("└ " if d else "") + n for n, d in zip(part["name"], part["depth"])]
            part["level"] = part["level"].map(lambda v: PLACE_LEVELS.get(v, v) if isinstance(v, str) else v)
        if multi:
            cols = {**cols, "documents": "文档数"}
        blocks.append(Table.from_frame(part, cols, caption=caption, limit=ctx.opts.entities_top,
                                       css="narrow" if key in ("organizations", "programmes") else ""))
    return Section("entities", title, blocks, frames={"entities": df, **summary})


def _keywords(ctx: _Context) -> Section:
    mod = _stage("keywords")
    notes = []
    for method in ctx.opts.keyword_methods:
        try:
            ctx.keyword_tables[method] = mod.keywords(ctx.corpus, method=method, doc_ids=ctx.ids,
                                                      top=ctx.opts.keywords_top)
        except AnalysisError as exc:
            notes.append(f"{KEYWORD_METHODS.get(method, method)}：{exc}")
    if not ctx.keyword_tables:
        raise ReportError("no keyword method gave a result: " + "；".join(notes))
    blocks: list[Any] = []
    ranked = [m for m in ctx.keyword_tables if m != "keyness"]
    if ranked:
        # the ranking methods side by side: one row per rank
        side = pd.DataFrame({"rank": range(1, max(len(ctx.keyword_tables[m]) for m in ranked) + 1)})
        cols, widths = {"rank": "序号"}, ["6%"]
        for m in ranked:
            t = ctx.keyword_tables[m].reset_index(drop=True)
            value = "freq" if m == "freq" else "score"
            side[f"{m}_term"], side[f"{m}_value"] = t["term"], t[value]
            cols[f"{m}_term"] = KEYWORD_METHODS.get(m, m)
            cols[f"{m}_value"] = "频次" if m == "freq" else "得分"
        widths += [f"{94 / len(ranked) * 0.68:.1f}%", f"{94 / len(ranked) * 0.32:.1f}%"] * len(ranked)
        blocks.append(Table.from_frame(side, cols, widths=widths,
                                       caption="、".join(KEYWORD_METHODS.get(m, m) for m in ranked) + "（按方法排列）"))
    if "keyness" in ctx.keyword_tables:
        cols = {"term": "词", "freq": "频次", "doc_freq": "文档数", **KEYNESS_COLUMNS}
        if len(ctx.ids) == 1:
            del cols["doc_freq"]
        blocks.append(Table.from_frame(ctx.keyword_tables["keyness"], cols, caption=KEYWORD_METHODS["keyness"],
                                       note="与参照语料相比显著多用的词（G² 为对数似然比，见方法附录的参照语料）。"))
    return Section("keywords", SECTION_TITLES["keywords"], blocks, note="；".join(notes),
                   frames=dict(ctx.keyword_tables))


def _top_terms(ctx: _Context, n: int) -> tuple[pd.DataFrame, str]:
    """The top terms of the first keyword table available (keyness first: the
    terms that set the selection apart from general news) and its method."""
    for method in ("keyness", "tfidf", "freq", "textrank"):
        if method in ctx.keyword_tables and not ctx.keyword_tables[method].empty:
            return ctx.keyword_tables[method].head(n), method
    mod = _stage("keywords")
    return mod.keywords(ctx.corpus, method="freq", doc_ids=ctx.ids, top=n), "freq"


def _wordcloud(ctx: _Context) -> Section:
    plots = _stage("plots")
    title = SECTION_TITLES["wordcloud"]
    if not ctx.opts.wordcloud:
        return Section("wordcloud", title, note="本节按设置从略。", omitted=True)
    terms, method = _top_terms(ctx, 120)
    freqs = dict(zip(terms["term"], terms["score"].astype(float).clip(lower=1e-9)))
    img = plots.wordcloud(freqs)
    png = _image_png(img, ctx.opts.dpi)
    caption = f"词云（{len(terms)} 个词，字号按{KEYWORD_METHODS.get(method, method)}得分）"
    return Section("wordcloud", title, [Image(png, caption=caption, width="72%")],
                   frames={"terms": terms})


def _image_png(img: Any, dpi: int) -> bytes:
    """PNG bytes of a PIL image, a WordCloud, or a matplotlib Figure."""
    if hasattr(img, "to_image"):
        img = img.to_image()
    if hasattr(img, "savefig"):
        return _png(img, dpi)
    if isinstance(img, bytes):
        return img
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _topics(ctx: _Context) -> Section:
    mod = _stage("topics")
    plots = _stage("plots")
    title = SECTION_TITLES["topics"]
    if len(ctx.ids) < ctx.opts.min_documents_for_topics:
        return Section("topics", title, omitted=True,
                       note=f"本节从略：主题模型需要至少 {ctx.opts.min_documents_for_topics} 篇文档，"
                            f"所选只有 {len(ctx.ids)} 篇。")
    model = ctx.topic_model()
    stability = None
    if ctx.opts.topics_stability_seeds:
        try:
            stability = model.stability(seeds=tuple(ctx.opts.topics_stability_seeds))
        except AnalysisError as exc:
            log.warning("topic stability skipped: %s", exc)
    topics = model.topics()
    topics["terms"] = topics["terms"].map(" ".join)
    reps = model.representative_docs(2)
    reps["doc"] = reps["doc_id"].map(lambda d: ctx.short_title(d, 30))
    topics["documents"] = topics["topic"].map(reps.groupby("topic")["doc"].apply("；".join))
    settings = [("方法", model.method.upper()), ("主题数 k", model.k_), ("随机种子", model.random_state),
                ("迭代次数", model.max_iter), ("词表", f"{len(model.vocabulary_)} 个词（min_df={model.min_df}，"
                                                  f"max_df={model.max_df}）"),
                ("平均 NPMI", round(float(model.coherence_npmi_), 3)),
                ("平均 UMass", round(float(model.coherence_umass_), 3))]
    if stability is not None:
        runs = model.stability_runs_
        seeds = "、".join(str(x) for x in runs["seed"])
        settings.append(("稳定性", f"{stability:.3f}：以种子 {seeds} 重新拟合，与本模型的主题一一匹配后的平均余弦相似度"
                                  f"（最低的一对 {runs['min_similarity'].min():.3f}；1 = 完全相同）"))
    blocks: list[Any] = [
        Pairs(settings, caption="模型设置与一致性"),
        Table.from_frame(topics, {"topic": "主题", "terms": "主题词", "prevalence": "占比", "npmi": "NPMI",
                                  "documents": "代表文档"}, caption="主题及其主题词"),
        Image(_image_png(_heatmap(plots, model), ctx.opts.dpi), caption="主题-词语权重（每个主题的前 3 个词）"),
    ]
    frames = {"topics": topics, "top_terms": model.top_terms(), "representative": reps}
    if stability is not None:
        frames["stability"] = model.stability_runs_
    try:
        prev = model.prevalence_over_time("Q")
    except AnalysisError as exc:
        log.info("topic prevalence over time skipped: %s", exc)
    else:
        if prev["period"].nunique() > 1:
            labels = {t: f"{t} {' '.join(terms.split()[:3])}" for t, terms in zip(topics["topic"], topics["terms"])}
            fig = plots.prevalence_plot(prev, labels=labels)
            fig.set_size_inches(6.7, 3.8)
            ax = fig.axes[0]
            ax.legend(fontsize=6.5, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
            ax.tick_params(labelsize=7)
            blocks.append(Image(_image_png(fig, ctx.opts.dpi), caption="主题随时间的变化（季度平均占比）"))
            frames["prevalence"] = prev
    return Section("topics", title, blocks, frames=frames)


def _heatmap(plots, model, per_topic: int = 3):
    """The topic × term heat map sized for an A4 page: at most ``per_topic``
    terms per topic and a figure no wider than the text, so labels print at
    about 7 pt instead of shrinking with a wide figure."""
    fig = plots.topic_heatmap(model, n=per_topic)
    n_terms = len(fig.axes[0].get_xticks())
    fig.set_size_inches(6.7, min(5.5, 0.25 * model.k_ + 1.9))
    ax = fig.axes[0]
    ax.tick_params(axis="x", labelsize=7 if n_terms <= 40 else 5.5)
    ax.tick_params(axis="y", labelsize=7.5)
    ax.title.set_fontsize(9)
    return fig


def _kwic(ctx: _Context) -> Section:
    seg = _stage("segment")
    top, method = _top_terms(ctx, ctx.opts.kwic_terms)
    terms = list(top["term"])
    blocks: list[Any] = []
    frames = {}
    for term in terms:
        df = seg.kwic(ctx.corpus, term, window=ctx.opts.kwic_window, doc_ids=ctx.ids)
        frames[term] = df
        if df.empty:
            continue
        cols = {"left": "左语境", "keyword": "关键词", "right": "右语境"}
        blocks.append(Table.from_frame(df, cols, caption=f"“{term}”", css="kwic", limit=ctx.opts.kwic_lines,
                                       widths=["43%", "14%", "43%"]))
    if not blocks:
        return Section("kwic", SECTION_TITLES["kwic"], note="没有可显示的语境。", omitted=True, frames=frames)
    return Section("kwic", SECTION_TITLES["kwic"], blocks, frames=frames,
                   note=f"{KEYWORD_METHODS.get(method, method)}排名前 {len(terms)} 的词在文中的上下文。")


def _methods(ctx: _Context) -> Section:
    cfg = ctx.corpus.config
    versions = [("Python", platform.python_version())]
    for pkg in PACKAGES:
        try:
            versions.append((pkg, metadata.version(pkg)))
        except metadata.PackageNotFoundError:
            continue
    blocks: list[Any] = [Pairs(versions, caption="软件版本")]
    for caption, items in (("分词器与词典", _segmenter_info(cfg)), ("停用词表", _stopword_info(cfg)),
                           ("关键性的参照语料", _reference_info(cfg))):
        if items:
            blocks.append(Pairs(items, caption=caption))
    configs = []
    current = _current_configs(ctx)
    stale = 0
    for (kind, chash), n in sorted(ctx.corpus.store.annotation_counts().items()):
        if current is not None and chash not in current:
            stale += 1  # results of an earlier configuration, not used by this report
            continue
        desc = ctx.corpus.store.config_description(chash) or {}
        configs.append({"kind": kind, "config": chash[:12], "documents": n,
                        "description": "；".join(f"{k}={v}" for k, v in sorted(desc.items()))})
    if configs:
        blocks.append(Table.from_frame(pd.DataFrame(configs), {"kind": "结果类型", "config": "配置哈希",
                                                               "documents": "文档数", "description": "配置"},
                                       caption="本报告所用结果的配置（分词词典、停用词、模型参数）",
                                       widths=["11%", "15%", "9%", "65%"],
                                       note=(f"语料库中另有 {stale} 组旧配置的缓存结果，本报告未使用。" if stale else "")))
    for table in ("segment", "figures", "entities", "keywords", "topics", "plots", "report"):
        items = sorted(cfg.section(table).items())
        if items:
            blocks.append(Pairs(items, caption=f"设置 [{table}]"))
    terms = ctx.corpus.store.terms()
    blocks.append(Pairs([("语料库用户词典", f"{len(terms)} 个词"),
                         ("配置文件", "；".join(getattr(cfg, "sources", []) or ["（默认）"])),
                         ("平台", f"{platform.system()} {platform.machine()}, {sys.implementation.name}")],
                        caption="其他"))
    return Section("methods", SECTION_TITLES["methods"], blocks,
                   note="以下信息用于复现本报告：软件与词典版本、停用词表、参照语料、主题模型参数与随机种子。")


def _current_configs(ctx: _Context) -> set[str] | None:
    """Config hashes of the stage results this report reads (None: unknown)."""
    try:
        seg, fig, ent = _stage("segment"), _stage("figures"), _stage("entities")
        cfg = ctx.corpus.config
        return {seg.corpus_segmenter(ctx.corpus).tokens_hash,
                fig.corpus_extractor(ctx.corpus).config_hash,
                ent.entities_config_hash(ent.EntityOptions.from_config(cfg))}
    except (_Missing, AnalysisError, AttributeError) as exc:
        log.info("current stage configurations unknown (%s): listing every stored result", exc)
        return None


def _comment_header(path, prefix: str = "#") -> list[str]:
    """The leading comment lines of a data file (without the comment mark)."""
    lines = []
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig") as fh:
        for line in fh:
            if not line.startswith(prefix):
                break
            lines.append(line[len(prefix):].strip())
    return lines


def _file_id(path) -> str:
    p = Path(path)
    return f"{p.name}，sha1 {hashlib.sha1(p.read_bytes()).hexdigest()[:12]}"


def _segmenter_info(cfg) -> list[tuple[str, Any]]:
    """Segmenter backend and dictionaries (files, entries, digests)."""
    seg = _stage("segment")
    opts = seg.SegmentOptions.from_config(cfg)
    items: list[tuple[str, Any]] = [("分词后端", opts.backend), ("HMM 新词识别", opts.hmm),
                                    ("繁转简", opts.to_simplified)]
    for name in ([opts.dictionary] if opts.dictionary else []) + list(opts.user_dicts):
        path = _data_file("dict", name, seg.DOMAIN_DICT)
        try:
            n = len(seg.read_dictionary(path))
            items.append((f"词典 {name}", f"{n} 个词条（{_file_id(path)}）"))
        except (OSError, AnalysisError) as exc:
            items.append((f"词典 {name}", f"无法读取（{exc}）"))
    return items


def _data_file(folder: str, name: str, packaged: str):
    return data_path(folder, f"{name}.txt") if name == packaged else Path(name)


def _stopword_info(cfg) -> list[tuple[str, Any]]:
    """Each stop-word list: file, entries and the source lists it was built from."""
    seg = _stage("segment")
    opts = seg.SegmentOptions.from_config(cfg)
    items: list[tuple[str, Any]] = []
    for name in opts.stopwords:
        path = _data_file("stopwords", name, seg.DEFAULT_STOPWORDS)
        try:
            n = len(seg.read_stopwords(path))
            header = " ".join(_comment_header(path, "# "))
        except OSError as exc:
            items.append((f"停用词表 {name}", f"无法读取（{exc.strerror or exc}）"))
            continue
        m = re.search(r"Origin:\s*(.+?)(?:;\s*built by|\.\s+\d+ entries|$)", header)
        items.append((f"停用词表 {name}", f"{n} 个词（{_file_id(path)}）"))
        if m:
            items.append(("　来源词表", m.group(1).strip()))
    if opts.extra_stopwords:
        items.append(("追加停用词", "、".join(opts.extra_stopwords)))
    return items


def _reference_info(cfg) -> list[tuple[str, Any]]:
    """The keyness reference corpus: source, size, segmenter, filter, min_count."""
    kw = _stage("keywords")
    opts = kw.KeywordOptions.from_config(cfg)
    items: list[tuple[str, Any]] = [("校正", opts.correction)]
    if str(opts.reference) == "rest":
        return [("参照语料", "语料库中所选文档以外的文档（reference = rest）")] + items
    path = None if str(opts.reference) == "default" else str(opts.reference)
    ref = kw.load_reference(path)
    meta = ref.meta
    where = kw.DEFAULT_REFERENCE if path is None else path
    items = [("参照语料", f"{'默认（新闻联播）' if path is None else '用户文件'}：{where}"),
             ("来源", meta.get("source", "—")),
             ("文档数", ref.n_docs),
             ("总词数（词次）", ref.total),
             ("词型数", meta.get("terms", len(ref.counts))),
             ("分词", meta.get("segmenter", "—")),
             ("过滤", meta.get("filter", "—")),
             ("最低频次 min_count", meta.get("min_count", "—")),
             ("生成脚本", meta.get("built_by", "—"))] + items
    m = re.search(r"tokens_hash=(\w+)", meta.get("segmenter", ""))
    if m:
        seg = _stage("segment")
        current = seg.get_segmenter(seg.SegmentOptions.from_config(cfg)).tokens_hash
        items.append(("与本报告的分词", "一致" if current.startswith(m.group(1)) or m.group(1).startswith(current)
                      else f"不同（参照语料 {m.group(1)}，本报告 {current}：词典或分词设置已改变，"
                           f"参照语料可用 scripts/build_reference.py 重建）"))
    return items
