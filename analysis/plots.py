"""Pictures with correct Chinese: font set-up, word clouds and charts.

The package ships a Simplified Chinese font (Noto Sans SC, SIL Open Font
License, single-face TrueType files in ``analysis/data/fonts/``), so a fresh
machine with no system fonts draws Chinese with Simplified glyph shapes and
no empty boxes. :func:`setup_chinese` registers it with matplotlib
(``fontManager.addfont`` + explicit ``rcParams``; the cached system font list
is not relied on) and every plotting function here calls it. Word clouds get
the same file through :func:`font_path` (never a ``.ttc`` collection, whose
face 0 is Japanese in Noto CJK).

Plots are built on :class:`matplotlib.figure.Figure` directly (no pyplot
state, no backend switch), returned to the caller and saved with :func:`save`.

Example:
    >>> from analysis import plots
    >>> from analysis.keywords import keywords
    >>> table = keywords(corpus, method="keyness")             # doctest: +SKIP
    >>> plots.save(plots.bar_keyness(table), "keyness.png")     # doctest: +SKIP
    >>> plots.wordcloud(table).save("cloud.png")                # doctest: +SKIP
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .config import data_path, load_config, options_from
from .errors import ConfigError

log = logging.getLogger(__name__)

FONT_FAMILY = "Noto Sans SC"
_FONTS = {False: "NotoSansSC-Regular.ttf", True: "NotoSansSC-Bold.ttf"}


@dataclass
class PlotOptions:
    """Options of the plots (``[plots]`` in the config).

    Attributes:
        dpi: resolution of saved images.
        width, height: word cloud size in pixels.
        max_words: word cloud terms.
        background: word cloud background colour.
        colormap: matplotlib colormap of word clouds and heat maps.
        top: bars in bar charts.
    """

    dpi: int = 150
    width: int = 1000
    height: int = 600
    max_words: int = 150
    background: str = "white"
    colormap: str = "viridis"
    top: int = 20

    @classmethod
    def from_config(cls, cfg: dict | None = None) -> "PlotOptions":
        cfg = cfg if cfg is not None else load_config()
        return options_from(cls, dict(cfg.get("plots", {})), "plots")


def font_path(bold: bool = False) -> Path:
    """Path of the packaged Simplified Chinese font (for wordcloud, WeasyPrint...)."""
    p = data_path("fonts", _FONTS[bool(bold)])
    if not p.exists():
        raise ConfigError(f"{p}: packaged font missing (reinstall analysis)")
    return p


_READY = False


def setup_chinese() -> str:
    """Register the packaged font with matplotlib and make it the default.

    Idempotent. Sets ``font.family`` to sans-serif with Noto Sans SC first
    (DejaVu Sans after it for Latin symbols it lacks) and
    ``axes.unicode_minus = False`` (the font has no U+2212 minus).

    Returns:
        The font family name (``"Noto Sans SC"``).
    """
    global _READY
    import matplotlib
    from matplotlib import font_manager
    if not _READY:
        for bold in (False, True):
            font_manager.fontManager.addfont(str(font_path(bold)))
        _READY = True
    sans = [FONT_FAMILY] + [f for f in matplotlib.rcParams["font.sans-serif"] if f != FONT_FAMILY]
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = sans
    matplotlib.rcParams["axes.unicode_minus"] = False
    return FONT_FAMILY


def _options(options: PlotOptions | None) -> PlotOptions:
    """The given options, else ``[plots]`` of the configuration (packaged
    defaults + ``$ANALYSIS_CONFIG``)."""
    return options if options is not None else PlotOptions.from_config()


def _figure(width: float = 8, height: float = 5, options: PlotOptions | None = None):
    """A matplotlib Figure with the Chinese font set up and ``options.dpi``
    (the resolution :func:`save` and ``savefig`` use by default)."""
    from matplotlib.figure import Figure
    setup_chinese()
    return Figure(figsize=(width, height), layout="constrained", dpi=_options(options).dpi)


def save(fig, path: str | Path, dpi: int | None = None) -> Path:
    """Save a figure (PNG, SVG, PDF by the extension); returns the path.

    The resolution is ``dpi``, else the figure's own (``[plots] dpi`` for
    the figures of this module)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi or fig.dpi)
    return path


# -- word clouds ---------------------------------------------------------------
def _frequencies(table: pd.DataFrame | Mapping[str, float], column: str | None) -> dict[str, float]:
    if isinstance(table, Mapping):
        freqs = {str(k): float(v) for k, v in table.items()}
    else:
        col = column or ("score" if "score" in table.columns else "freq")
        freqs = {str(t): float(v) for t, v in zip(table["term"], table[col])}
    freqs = {t: v for t, v in freqs.items() if v > 0 and np.isfinite(v)}
    if not freqs:
        raise ConfigError("word cloud: no term with a positive weight")
    return freqs


def wordcloud(table: pd.DataFrame | Mapping[str, float], column: str | None = None, out: str | Path | None = None,
              options: PlotOptions | None = None, random_state: int = 0):
    """A word cloud from a keyword table (``term`` + ``score``/``freq``) or a mapping.

    The weights come from the table (terms of the stored segmentation), so
    ``WordCloud.generate()`` never splits raw Chinese on spaces. Terms with
    a weight ≤ 0 (under-used keyness terms) are left out.

    Args:
        column: the weight column (default ``score``, else ``freq``).
        out: save the PNG there too.

    Returns:
        The ``wordcloud.WordCloud`` object (``.to_image()`` gives a PIL image).
    """
    from wordcloud import WordCloud
    o = _options(options)
    wc = WordCloud(font_path=str(font_path()), width=o.width, height=o.height, max_words=o.max_words,
                   background_color=o.background, colormap=o.colormap, random_state=random_state,
                   prefer_horizontal=1.0, collocations=False)
    wc.generate_from_frequencies(_frequencies(table, column))
    if out is not None:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        wc.to_file(str(out))
    return wc


# -- charts --------------------------------------------------------------------
def bar_keywords(table: pd.DataFrame, column: str = "score", top: int | None = None, title: str | None = None,
                 options: PlotOptions | None = None):
    """Horizontal bar chart of a keyword table (best at the top).

    Args:
        table: a keyword DataFrame (``term`` and ``column``).
        top: bars (default ``options.top``).
        options: plot options (default ``[plots]`` of the configuration).
    """
    o = _options(options)
    top = top or o.top
    df = table.sort_values(column, ascending=False).head(top).iloc[::-1]
    fig = _figure(7, max(2.5, 0.32 * len(df) + 1), o)
    ax = fig.add_subplot()
    ax.barh(df["term"], df[column], color="#3b6ea8")
    ax.set_xlabel(column)
    method = table["method"].iloc[0] if "method" in table.columns and len(table) else "keywords"
    ax.set_title(title or f"关键词（{method}）")
    return fig


def bar_keyness(table: pd.DataFrame, top: int | None = None, title: str | None = None,
                options: PlotOptions | None = None):
    """Diverging bar chart of keyness: the most over-used terms (positive G²)
    and, when present, the most under-used (negative), as quanteda's
    ``textplot_keyness``. ``top`` defaults to ``options.top`` bars per side."""
    o = _options(options)
    top = top or o.top
    pos = table[table["score"] > 0].nlargest(top, "score")
    neg = table[table["score"] < 0].nsmallest(top, "score")
    df = pd.concat([pos, neg.iloc[::-1]]).iloc[::-1]
    fig = _figure(7, max(2.5, 0.32 * len(df) + 1), o)
    ax = fig.add_subplot()
    ax.barh(df["term"], df["score"], color=np.where(df["score"] > 0, "#3b6ea8", "#b0b0b0"))
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("G²（带符号）" if (table["method"] == "keyness").all() else "score")
    ax.set_title(title or "关键性（目标 vs 参照语料）")
    return fig


def topic_heatmap(model, n: int = 8, title: str | None = None, options: PlotOptions | None = None):
    """Heat map of topics × their top terms (weights from ``model.components_``),
    in ``options.colormap``."""
    o = _options(options)
    tt = model.top_terms(n)
    terms = list(dict.fromkeys(tt["term"]))
    names = list(model.get_feature_names_out())
    cols = [names.index(t) for t in terms]
    data = model.components_[:, cols]
    fig = _figure(max(6, 0.35 * len(terms) + 2), max(3, 0.4 * model.k_ + 1.5), o)
    ax = fig.add_subplot()
    im = ax.imshow(data, aspect="auto", cmap=o.colormap)
    ax.set_yticks(range(model.k_), [f"主题 {t}" for t in range(model.k_)])
    ax.set_xticks(range(len(terms)), terms, rotation=90)
    fig.colorbar(im, ax=ax, label="权重")
    ax.set_title(title or f"主题-词语权重（{model.method.upper()}，k={model.k_}）")
    return fig


def prevalence_plot(prevalence: pd.DataFrame, labels: Mapping[int, str] | None = None, title: str | None = None,
                    options: PlotOptions | None = None):
    """Topic prevalence over time (the DataFrame of
    :meth:`TopicModel.prevalence_over_time`: ``period, topic, prevalence``)."""
    fig = _figure(9, 5, options)
    ax = fig.add_subplot()
    wide = prevalence.pivot(index="period", columns="topic", values="prevalence").sort_index()
    for t in wide.columns:
        ax.plot(range(len(wide)), wide[t], marker="o", markersize=3,
                label=(labels or {}).get(t, f"主题 {t}"))
    step = max(1, len(wide) // 12)
    ax.set_xticks(range(0, len(wide), step), wide.index[::step], rotation=45)
    ax.set_ylabel("平均占比")
    ax.set_title(title or "主题随时间的变化")
    ax.legend(fontsize="small", ncols=2)
    return fig


def category_summary(figures: pd.DataFrame, by: str = "category", title: str | None = None,
                     options: PlotOptions | None = None):
    """Bar chart of extracted figures per category (the figures table:
    ``category`` column; documents with figures per category beside counts)."""
    if by not in figures.columns:
        raise ConfigError(f"category_summary: the table has no {by!r} column")
    g = figures.fillna({by: "（未分类）"}).groupby(by)
    counts = g.size().sort_values()
    fig = _figure(7, max(2.5, 0.32 * len(counts) + 1), options)
    ax = fig.add_subplot()
    ax.barh(counts.index.astype(str), counts.to_numpy(), color="#3b6ea8")
    if "doc_id" in figures.columns:
        docs = g["doc_id"].nunique().reindex(counts.index)
        for y, (n, d) in enumerate(zip(counts, docs)):
            ax.text(n, y, f" {n}（{d} 篇）", va="center", fontsize="small")
    ax.set_xlabel("数字个数")
    ax.set_title(title or "按类别统计的数字")
    return fig


def text_image(text: str, family: str | None = None, size: int = 40, fname: str | Path | None = None) -> np.ndarray:
    """Render ``text`` alone to a grayscale array (for checking glyphs).

    Args:
        family: a font family (default: the packaged font after setup).
        fname: a font file instead of a family.

    Returns:
        2-D uint8 array, 255 = white.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.font_manager import FontProperties
    setup_chinese()
    fig = _figure(len(text) * size / 72 * 1.3 + 0.5, size / 72 * 2)
    fig.set_layout_engine(None)
    prop = FontProperties(fname=str(fname)) if fname else FontProperties(family=family or FONT_FAMILY)
    fig.text(0.02, 0.3, text, fontproperties=prop, fontsize=size)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    return rgba[..., :3].mean(axis=2).astype(np.uint8)
