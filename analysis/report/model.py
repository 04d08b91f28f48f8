"""What a report is made of: options, sections and their blocks.

A report is a :class:`ReportData`: a title page (corpus description, date,
selection) followed by :class:`Section` objects, each a list of blocks
(:class:`Table`, :class:`Image`, :class:`Text`, :class:`Pairs`). The blocks
hold plain data only; all markup is made by the Jinja2 templates with
autoescaping on, so text from the corpus can never become markup.

Example:
    >>> t = Table.from_frame(pd.DataFrame({"term": ["志愿者"], "score": [3.5]}),
    ...                      {"term": "词", "score": "得分"})
    >>> t.columns, t.rows
    (['词', '得分'], [['志愿者', '3.5']])
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Mapping

import pandas as pd
from markupsafe import Markup

from ..config import options_from


@dataclass
class ReportOptions:
    """Options of a report (the ``[report]`` table of the configuration).

    Attributes:
        title: report title; default: the title of the single selected
            document, else "语料分析报告".
        max_documents: rows of the document metadata table.
        figures_per_category: figure rows shown per category (most
            documents' figures come first in corpus order).
        entities_top: rows per entity label (people, places, ...).
        keyword_methods: keyword tables to show (``keywords(method=...)``).
        keywords_top: rows per keyword table.
        wordcloud: draw a word cloud of the first keyword table.
        topics_k: number of topics (None: the ``[topics]`` default).
        topics_top_terms: top terms listed per topic.
        topics_stability_seeds: the topic model is refitted with each of these
            seeds and its stability (mean cosine similarity of matched topics)
            shown beside coherence; ``[]`` skips it.
        kwic_terms: how many top keywords get a KWIC table.
        kwic_lines: KWIC lines per term.
        kwic_window: tokens of context on each side.
        dpi: resolution of the plots.
        min_documents_for_topics: topics are skipped for smaller selections.
    """

    title: str | None = None
    max_documents: int = 60
    figures_per_category: int = 12
    entities_top: int = 25
    keyword_methods: list[str] = field(default_factory=lambda: ["freq", "tfidf", "textrank", "keyness"])
    keywords_top: int = 20
    wordcloud: bool = True
    topics_k: int | None = None
    topics_top_terms: int = 10
    topics_stability_seeds: list[int] = field(default_factory=lambda: [1, 2])
    kwic_terms: int = 5
    kwic_lines: int = 8
    kwic_window: int = 8
    dpi: int = 150
    min_documents_for_topics: int = 20

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any] | None, **overrides: Any) -> "ReportOptions":
        """Options from the ``[report]`` table of a config, then keyword overrides."""
        table = dict((cfg or {}).get("report", {}))
        table.update({k: v for k, v in overrides.items() if v is not None})
        return options_from(cls, table, "report")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class Highlight:
    """A corpus string with one span marked (``<mark>``); everything escaped.

    Not a ``str`` subclass, so pandas keeps it as an object in a column.
    ``str()`` gives the plain text.

    Example:
        >>> Highlight("志愿者<b>2500</b>多人", 9, 13).__html__()
        '志愿者&lt;b&gt;<mark>2500</mark>&lt;/b&gt;多人'
    """

    def __init__(self, text: str, start: int, end: int):
        self.text = text or ""
        self.start, self.end = max(0, start), min(len(self.text), end)

    def __html__(self) -> str:
        t, s, e = self.text, self.start, self.end
        if s >= e:
            return str(Markup.escape(t))
        return str(Markup("{}<mark>{}</mark>{}").format(t[:s], t[s:e], t[e:]))

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Highlight({self.text!r}, {self.start}, {self.end})"


def _fmt(value: Any) -> Any:
    """A table cell as display text (markup-safe objects pass through)."""
    if hasattr(value, "__html__"):
        return value
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.4g}" if abs(value) < 1e-3 or abs(value) >= 1e5 else f"{value:.3f}".rstrip("0").rstrip(".")
    if isinstance(value, (list, tuple)):
        return "、".join(str(_fmt(v)) for v in value)
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


@dataclass
class Table:
    """A table block: header labels and rows of display values.

    Cells are plain strings (escaped by the template) or
    :class:`markupsafe.Markup` built by this package from escaped pieces.
    ``widths`` (CSS widths, one per column, e.g. ``"12%"``) fix the column
    layout, so a narrow column keeps its width instead of wrapping one
    character per line beside a long one.
    """

    columns: list[str]
    rows: list[list[Any]]
    caption: str = ""
    note: str = ""
    css: str = ""
    nowrap: list[bool] = field(default_factory=list)
    widths: list[str] = field(default_factory=list)
    kind: str = "table"

    def __post_init__(self) -> None:
        if not self.nowrap:  # short columns (numbers, dates, ids) never wrap
            self.nowrap = [bool(self.rows) and all(len(str(r[i])) <= 12 for r in self.rows)
                           for i in range(len(self.columns))]

    @classmethod
    def from_frame(cls, df: pd.DataFrame, columns: Mapping[str, str] | None = None,
                   caption: str = "", note: str = "", css: str = "", limit: int | None = None,
                   widths: list[str] | None = None) -> "Table":
        """Build a table from a DataFrame; ``columns`` maps column → header label
        (and selects and orders them)."""
        columns = dict(columns) if columns else {c: c for c in df.columns}
        present = [c for c in columns if c in df.columns]
        shown = df if limit is None else df.head(limit)
        rows = [[_fmt(v) for v in rec] for rec in shown[present].itertuples(index=False, name=None)]
        if limit is not None and len(df) > limit and not note:
            note = f"显示前 {limit} 行，共 {len(df)} 行。"
        widths = [w for c, w in zip(columns, widths or []) if c in df.columns] if widths else []
        return cls([columns[c] for c in present], rows, caption, note, css, widths=widths)


@dataclass
class Image:
    """A PNG image block (embedded as a data URI)."""

    png: bytes
    caption: str = ""
    width: str = "100%"
    kind: str = "image"


@dataclass
class Text:
    """A paragraph of plain text (escaped like every corpus string)."""

    text: str
    css: str = ""
    kind: str = "text"


@dataclass
class Pairs:
    """A definition list of (label, value) pairs, e.g. the methods appendix."""

    items: list[tuple[str, Any]]
    caption: str = ""
    kind: str = "pairs"

    def __post_init__(self) -> None:
        self.items = [(str(k), _fmt(v) if _fmt(v) != "" else "—") for k, v in self.items]


@dataclass
class Section:
    """One section of the report.

    Attributes:
        key: stable identifier (``documents``, ``figures``, ``entities``,
            ``keywords``, ``wordcloud``, ``topics``, ``kwic``, ``methods``).
        title: heading shown in the report.
        blocks: the content, in order.
        note: shown in place of the content when the section is omitted
            (stage not installed, nothing found) or beside it.
        omitted: True when the section has no content, only the note.
        frames: the DataFrames the section was built from (for notebooks).
    """

    key: str
    title: str
    blocks: list[Any] = field(default_factory=list)
    note: str = ""
    omitted: bool = False
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)


@dataclass
class ReportData:
    """Everything a report shows, collected from the stored stage results.

    Attributes:
        title: report title.
        subtitle: one line under the title (selection description).
        generated_at: ISO date-time of collection.
        corpus: corpus description (``path``, ``documents``, ``characters``,
            ``sources``, ``first_date``, ``last_date``) of the selection.
        selection: how documents were chosen (``doc``, ``query``) and how many.
        doc_ids: the selected document ids, in corpus order.
        sections: the report sections, in order.
        options: the :class:`ReportOptions` used.
        problems: sections that failed (``"key: reason"``); empty when all went well.
        models: fitted models the report used, by stage (``"topics"``: the
            :class:`~analysis.topics.TopicModel`), fitted once per report run.
    """

    title: str
    subtitle: str
    generated_at: str
    corpus: dict[str, Any]
    selection: dict[str, Any]
    doc_ids: list[str]
    sections: list[Section]
    options: ReportOptions
    problems: list[str] = field(default_factory=list)
    models: dict[str, Any] = field(default_factory=dict)

    def section(self, key: str) -> Section:
        """The section with this key (KeyError when absent)."""
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)

    def frame(self, section: str, name: str) -> pd.DataFrame:
        """A DataFrame a section was built from (for notebooks)."""
        return self.section(section).frames[name]
