"""Plots: the packaged Simplified Chinese font is used and its glyphs are drawn."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from matplotlib import font_manager
from PIL import Image

from analysis import plots
from analysis.topics import TopicModel

CHARS = "直骨递令江小爱志愿服务"


def _dejavu() -> str:
    return font_manager.findfont(font_manager.FontProperties(family=["DejaVu Sans"]), fallback_to_default=False)


def _render_quiet(text, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        img = plots.text_image(text, **kw)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    return img, missing


def test_setup_registers_the_packaged_font():
    assert plots.setup_chinese() == "Noto Sans SC"
    found = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
    assert found == str(plots.font_path())
    import matplotlib
    assert matplotlib.rcParams["font.sans-serif"][0] == "Noto Sans SC"


def test_font_is_simplified_chinese_single_face():
    from fontTools.ttLib import TTFont
    for bold in (False, True):
        path = plots.font_path(bold)
        assert path.suffix == ".ttf"                       # one face, not a .ttc collection
        font = TTFont(str(path))
        names = {r.toUnicode() for r in font["name"].names if r.nameID in (1, 4)}
        assert any("Noto Sans SC" in n for n in names)
        # OS/2 code page bit 18 = Chinese Simplified (PRC, GB 2312); bit 17 = Japanese (JIS)
        cp = font["OS/2"].ulCodePageRange1
        assert cp >> 18 & 1
        cmap = font.getBestCmap()
        assert all(ord(c) in cmap for c in CHARS)


def test_chinese_glyphs_are_drawn_not_boxes():
    dv = _dejavu()
    for ch in CHARS:
        ours, missing = _render_quiet(ch)
        assert not missing, missing                         # matplotlib found the glyph in our font
        assert (ours < 128).sum() > 100                     # ink was drawn
        theirs, missing_dv = _render_quiet(ch, fname=dv)
        assert missing_dv                                   # DejaVu lacks CJK: the check has power
        assert not np.array_equal(ours, theirs)
    # a code point the font lacks gives the missing-glyph picture; real glyphs differ from it
    box, missing = _render_quiet("\U000F0000")
    assert missing
    for ch in CHARS:
        assert not np.array_equal(plots.text_image(ch), box)


def test_simplified_shapes_come_from_the_sc_file():
    # the same character rendered through the family name and through the SC file are identical
    for ch in "直骨递令":
        by_family, _ = _render_quiet(ch)
        by_file, _ = _render_quiet(ch, fname=plots.font_path())
        assert np.array_equal(by_family, by_file)


def _assert_png_with_our_font(fig, path):
    plots.save(fig, path)
    img = np.asarray(Image.open(path).convert("L"))
    assert img.shape[0] > 100 and (img < 128).sum() > 500
    texts = [t for t in fig.findobj(lambda a: hasattr(a, "get_fontname") and hasattr(a, "get_text"))
             if any("\u4e00" <= c <= "\u9fff" for c in a_text(t))]
    assert texts, "no Chinese label in the figure"
    for t in texts:
        assert font_manager.findfont(t.get_fontproperties()) == str(plots.font_path())


def a_text(t):
    try:
        return t.get_text()
    except Exception:
        return ""


@pytest.fixture(scope="module")
def table():
    return pd.DataFrame({"term": ["江小爱", "江州区", "志愿服务", "服务", "群众", "开展"],
                         "score": [340.0, 273.0, 108.0, 80.0, 43.0, -12.0],
                         "freq": [21, 17, 12, 24, 14, 2], "doc_freq": [1] * 6, "method": "keyness"})


def test_bar_charts(table, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")                      # any missing glyph fails the test
        _assert_png_with_our_font(plots.bar_keywords(table), tmp_path / "bar.png")
        _assert_png_with_our_font(plots.bar_keyness(table), tmp_path / "keyness.png")
        figs = pd.DataFrame({"doc_id": ["a", "a", "b"], "category": ["志愿服务", "人口", None]})
        _assert_png_with_our_font(plots.category_summary(figs), tmp_path / "cat.png")


def test_topic_plots(related_records, tmp_path):
    import datetime as dt
    texts = [r["title"] + "。" + r["content"] for r in related_records[:80]]
    tm = TopicModel(method="nmf", k=3).fit(texts)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _assert_png_with_our_font(plots.topic_heatmap(tm), tmp_path / "heat.png")
        prev = tm.prevalence_over_time("Q", dates=[r["date"] for r in related_records[:80]])
        _assert_png_with_our_font(plots.prevalence_plot(prev), tmp_path / "prev.png")


def test_wordcloud_uses_the_font_and_the_table(table, tmp_path):
    out = tmp_path / "cloud.png"
    wc = plots.wordcloud(table, out=out)
    assert wc.font_path == str(plots.font_path())
    placed = {w for (w, _), *_ in wc.layout_}
    assert placed == {"江小爱", "江州区", "志愿服务", "服务", "群众"}   # negative keyness left out
    img = np.asarray(Image.open(out).convert("L"))
    assert (img < 200).sum() > 2000
    # PIL (which wordcloud draws with) finds real glyphs in the font, not its missing-glyph box
    from PIL import ImageFont
    font = ImageFont.truetype(str(plots.font_path()), 40)
    box = np.asarray(font.getmask("\U000F0000"))
    for ch in "江小爱直骨":
        glyph = np.asarray(font.getmask(ch))
        assert glyph.sum() > 0 and (glyph.shape != box.shape or not np.array_equal(glyph, box))


# -- review of issue 6: [plots] options reach every plot --------------------------
def test_plot_options_are_threaded_through(table, tmp_path, related_records):
    from PIL import Image
    o = plots.PlotOptions(dpi=40, top=3, colormap="Reds")
    fig = plots.bar_keywords(table, options=o)
    assert len(fig.axes[0].patches) == 3 and fig.dpi == 40
    path = plots.save(fig, tmp_path / "bar.png")
    w, h = Image.open(path).size
    assert (w, h) == (round(fig.get_figwidth() * 40), round(fig.get_figheight() * 40))
    assert len(plots.bar_keyness(table, options=o).axes[0].patches) == 3 + 1   # 3 over-used, 1 under-used
    tm = TopicModel(method="nmf", k=2).fit([r["title"] + "。" + r["content"] for r in related_records[:40]])
    heat = plots.topic_heatmap(tm, options=o)
    assert heat.axes[0].images[0].get_cmap().name == "Reds"


def test_user_toml_plots_section_is_used(table, tmp_path, monkeypatch):
    cfg = tmp_path / "user.toml"
    cfg.write_text("[plots]\ndpi = 30\ntop = 2\ncolormap = \"Blues\"\n", encoding="utf-8")
    monkeypatch.setenv("ANALYSIS_CONFIG", str(cfg))
    fig = plots.bar_keywords(table)
    assert len(fig.axes[0].patches) == 2 and fig.dpi == 30
    assert len(plots.bar_keyness(table).axes[0].patches) == 2 + 1
    wc = plots.wordcloud(table)
    assert wc.colormap == "Blues"
