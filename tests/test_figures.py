"""Figure and date extraction: the seed acceptance test, notations, bounds,
exclusions, counted nouns, categories, the store cache, the CLI, properties."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.document import Document
from analysis.figures import (DATE_FIELDS, FIELDS, FigureExtractor, FigureOptions, extract_dates,
                              extract_figures, figures, figures_summary, parse_number)


def one(text: str) -> dict:
    recs = extract_figures(text)
    assert len(recs) == 1, [r["text"] for r in recs]
    return recs[0]


def brief(text: str) -> list[tuple]:
    return [(r["text"], r["value"], r["unit"], r["approx"]) for r in extract_figures(text)]


# -- the seed (acceptance test of the issue) ----------------------------------------
@pytest.fixture(scope="module")
def seed_doc(seed_path) -> Document:
    from analysis.ingest import read_path
    docs = [d for d in read_path(str(seed_path)) if isinstance(d, Document)]
    assert len(docs) == 1
    return docs[0]


def test_seed_file_gives_exactly_the_five_figures(seed_doc):
    recs = extract_figures(seed_doc.body, seed_doc.doc_id)
    got = {(r["category"], r["value"], r["approx"]) for r in recs if r["category"]}
    assert got == {("teams", 158, "exact"), ("volunteers", 2500, "more_than"), ("stations", 46, "exact"),
                   ("events", 110, "more_than"), ("people_served", 30000, "more_than")}
    # nothing else is a figure in the article, and nothing from the teasers after it
    assert len(recs) == 5
    assert not any("2700" in r["text"] or "100题" in r["sentence"] for r in recs)
    by_cat = {r["category"]: r for r in recs}
    assert by_cat["volunteers"]["sentence"] == "目前,江州区“江小爱”志愿服务队共建有158支,志愿者2500多人。"
    assert by_cat["people_served"]["counted"] == "群众" and by_cat["people_served"]["text"] == "3万多人次"
    assert by_cat["teams"]["counted"] == "志愿服务队" and by_cat["stations"]["counted"] == "暖心站点"
    for r in recs:  # offsets index the body
        assert seed_doc.body[r["start"]:r["end"]] == r["text"]
        assert r["doc_id"] == seed_doc.doc_id and list(r) == FIELDS


def test_seed_teasers_would_be_figures_without_ingestion(seed_text):
    # the raw page carries 2700亿吨 in a teaser: ingestion must be what removes it
    assert any(r["value"] == 270_000_000_000 for r in extract_figures(seed_text))


# -- notations ----------------------------------------------------------------------
@pytest.mark.parametrize("text, value, low, high, approx, number", [
    ("志愿者2500多人", 2500, 2500, None, "more_than", "2500多"),
    ("服务群众3万多人次", 30000, 30000, None, "more_than", "3万多"),
    ("惠及1.3万余人", 13000, 13000, None, "more_than", "1.3万余"),
    ("投资2.5亿元", 250_000_000, 250_000_000, 250_000_000, "exact", "2.5亿"),
    ("补贴12,000元", 12000, 12000, 12000, "exact", "12,000"),
    ("捕获１０万余只", 100000, 100000, None, "more_than", "10万余"),
    ("招募两千五百名志愿者", 2500, 2500, 2500, "exact", "两千五百"),
    ("一百二十名党员", 120, 120, 120, "exact", "一百二十"),
    ("十万零一千人", 101000, 101000, 101000, "exact", "十万零一千"),
    ("惠及家庭和儿童1300多万人", 13_000_000, 13_000_000, None, "more_than", "1300多万"),
    ("十几个社区", 10, 10, 20, "more_than", "十几"),
])
def test_number_notations(text, value, low, high, approx, number):
    r = one(text)
    assert (r["value"], r["low"], r["high"], r["approx"], r["number"]) == (value, low, high, approx, number)


@pytest.mark.parametrize("text, low, high, unit", [
    ("100—300户", 100, 300, "户"), ("3至5年", 3, 5, "年"), ("三四个", 3, 4, "个"),
    ("两三个", 2, 3, "个"), ("五六十人", 50, 60, "人"), ("3—5万元", 30000, 50000, "元"),
])
def test_ranges(text, low, high, unit):
    r = one(text)
    assert (r["value"], r["low"], r["high"], r["unit"], r["approx"]) == (None, low, high, unit, "range")


def test_cn2an_errors_are_guarded():
    assert parse_number("两三").approx == "range"          # cn2an: 23
    assert parse_number("十万零一千").value == 101000
    assert parse_number("13万2").value == 132000
    assert extract_figures("下午两点半开会") == []          # cn2an: 2点0.5


@pytest.mark.parametrize("text, approx, low, high", [
    ("约300人", "about", 300, 300), ("300人左右", "about", 300, 300), ("不到24小时", "less_than", None, 24),
    ("近50万场", "less_than", None, 500000), ("将近6个小时", "less_than", None, 6),
    ("超过1万人", "more_than", 10000, None), ("逾千人", "more_than", 1000, None),
    ("至少3次", "at_least", 3, None), ("不少于5场", "at_least", 5, None),
    ("不超过5人", "at_most", None, 5), ("90分钟以内", "at_most", None, 90), ("70岁以上", None, None, None),
    ("100人以上", "more_than", 100, None), ("近百家企业", "less_than", None, 100),
    ("上万份问卷", "more_than", 10000, None),
])
def test_approximators(text, approx, low, high):
    recs = extract_figures(text)
    if approx is None:  # ages are no figures (gold convention)
        assert recs == []
        return
    assert len(recs) == 1
    r = recs[0]
    assert (r["approx"], r["low"], r["high"]) == (approx, low, high)
    assert r["text"] == text[:r["end"] - r["start"]] or text.startswith(r["text"])


@pytest.mark.parametrize("text, kind, unit", [
    ("占比达64.6%", "percent", "%"), ("百分之三十", "percent", "%"), ("提高0.3个百分点", "percent", "个百分点"),
    ("超九成", "percent", "成"), ("投资713亿元", "money", "元"), ("不到24小时", "duration", "小时"),
    ("全长68.6公里", "measure", "公里"), ("增长3倍", "multiple", "倍"), ("158支", "count", "支"),
    ("建设改造5万平方米", "measure", "平方米"),
])
def test_kinds(text, kind, unit):
    r = one(text)
    assert (r["kind"], r["unit"]) == (kind, unit)


# -- exclusions ---------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "2023年3月28日", "3月25日上午", "16:45:44", "今年9月", "1—8月", "8时30分", "两点半",   # dates, times
    "第十网格", "第八期培训班", "第31届大运会",                                              # ordinals
    "在社区开展“四点半课堂”", "探索“三码合一”联动服务模式", "落实“双报到”",                # names
    "推进“一年10件实事”", "“六个一”改革", "“1+8+N”模式", "“543”工作法", "“十四五”期间",
    "十四五规划", "一老一小", "两新组织", "党的二十大", "二十届三中全会", "《2023年政府工作报告》",
    "一大批", "一件件", "多名志愿者", "一键到家", "一进门", "一名志愿者",                    # vague, articles
    "拨打12345热线", "电话13812345678", "0771-1234567", "3号锅炉", "上世纪50年代", "80后",   # phones, IDs
    "国家一级文物", "胜利80周年", "千家万户", "五湖四海", "2021—2035年", "1年期贷款",
])
def test_exclusions(text):
    assert extract_figures(text) == [], brief(text)


def test_long_quotes_keep_their_figures():
    text = "“今年我们已经服务了300多名老人，很有意义。”她说。"
    assert [r["value"] for r in extract_figures(text)] == [300]


def test_extra_names_from_options():
    opts = FigureOptions(extra_names=["百人千场"])
    assert extract_figures("开展百人千场活动", options=opts) == []


# -- counted nouns and categories ------------------------------------------------------
@pytest.mark.parametrize("text, counted", [
    ("志愿者2500多人", "志愿者"),                              # noun before
    ("组建了444支志愿服务队", "志愿服务队"),                   # noun after
    ("江州区“江小爱”志愿服务队共建有158支", "志愿服务队"),      # noun earlier in the clause, verb between
    ("服务群众3万多人次", "群众"),                              # verb + noun before
    ("46个“江小爱”暖心站点为群众提供服务", "暖心站点"),         # quoted name skipped
    ("居住着2600多名村民", "村民"),
    ("社区25名网格员中", "网格员"),
    ("全长68.6公里", "全长"),
])
def test_counted(text, counted):
    assert one(text)["counted"] == counted


def test_counted_is_none_when_the_sentence_does_not_say():
    assert one("目前已连续9天实现清零")["counted"] is None


def _counted_of(text: str) -> list[tuple[str, str | None]]:
    return [(r["text"], r["counted"]) for r in extract_figures(text)]


@pytest.mark.parametrize("text, expected", [
    # coordination after the measure word, stopped at 的
    ("吸引了73个国家、地区和国际组织的2500多家企业参会。",
     [("73个", "国家、地区和国际组织"), ("2500多家", "企业")]),
    ("来自全球的200多家视听企业和研究机构参展。", [("200多家", "视听企业和研究机构")]),
    ("乳源已建成南岭蔬菜、瑶药、油茶3个省级农业产业园。", [("3个", "省级农业产业园")]),
    ("6500多名青年志愿者组建起236支青年突击队投入一线疫情防控",
     [("6500多名", "青年志愿者"), ("236支", "青年突击队")]),      # 青年: jieba tags it as time
    ("卡塔尔能源公司向中国石化转让北部气田扩能项目1.25%的股权。", [("1.25%", "股权")]),
    # a compound jieba cuts in two (老年人|口)
    ("我国老年人口已达2.67亿，", [("2.67亿", "老年人口")]),
    # clauses that only say how a figure changed take the previous figure's noun (same sentence only)
    ("播种面积达17.64亿亩，比上年增加1295万亩；产量13657亿斤，增加267亿斤。",
     [("17.64亿亩", "播种面积"), ("1295万亩", "播种面积"), ("13657亿斤", "产量"), ("267亿斤", "产量")]),
    # a verb right before money says what the money is for; before a count, the noun before it is the doer
    ("到现在，钱海军已经结对帮助了100多人，", [("100多人", None)]),
    # a rate (每小时) is not what is counted
    ("海关客车验放能力从每小时验放400辆次提高", [("400辆次", None)]),
    # a description after 的 is not what a measure measures
    ("在海拔5050米的西藏措美哲古风电场", [("5050米", "海拔")]),
    # ... but a count before 的 counts the noun after it
    ("中铁十四局组建了200人的青年突击队，", [("200人", "青年突击队")]),
    # a verb tagged vn after the noun is the predicate, not part of the phrase
    ("全国135万支志愿服务队活跃在城市乡村，", [("135万支", "志愿服务队")]),
    # people units: the phrase ends at its last noun for people; a place is where, not what
    ("还将有近7000名涉奥人员入境。", [("近7000名", "涉奥人员")]),
    ("来自全球60多个国家、地区和国际组织的2000余名参会代表将共同探讨",
     [("60多个", "国家、地区和国际组织"), ("2000余名", "参会代表")]),
    ("强降雨导致贵州遵义三合镇近4000人受灾。", [("近4000人", None)]),
    # figures in a list take the noun before the first one
    ("浙江台州、温州两地分别转移安置群众超1.7万人、6.2万人，", [("超1.7万人", "群众"), ("6.2万人", "群众")]),
    # 首次 (class m, no numeral) is an adverb, not an earlier number
    ("银行业金融机构用于小微企业的贷款余额首次突破50万亿元。", [("突破50万亿元", "贷款余额")]),
    # a nominal unit word after a classifier is the counted noun
    ("赛事共设46个大项、1876个小项，", [("46个", "大项"), ("1876个", "小项")]),
    # an activity verb alone after an event unit is what is counted
    ("截至目前，青海已开展11000多场次宣讲，", [("11000多场次", "宣讲")]),
])
def test_counted_phrases(text, expected):
    assert _counted_of(text) == expected


@pytest.mark.parametrize("text, head", [
    ("农民人均可支配收入达18931元，实际增长9.7%。", "收入"),             # long noun phrase before, 达
    ("第八届世界闽商大会签约845.3亿元", "签约"),                           # money: what it is for
    ("为企业减负超750亿元", "减负"),
    ("外资工业企业研发经费从2015.1亿元人民币增加到3757.6亿元人民币，增长了86.5%。", "研发经费"),
    ("跨国公司在华研发经费10年增长86.5%", "研发经费"),                    # a duration is an adverbial
])
def test_counted_ends_with_the_head(text, head):
    recs = extract_figures(text)
    assert recs and all(r["kind"] == "duration" or (r["counted"] or "").endswith(head) for r in recs), recs
    assert not any((r["counted"] or "").endswith(("人民币", "亿元")) for r in recs)


def test_categories_from_a_project_lexicon(tmp_path):
    lex = tmp_path / "cats.toml"
    lex.write_text('[categories.trees]\nnouns = ["树苗"]\nunits = ["株"]\n', encoding="utf-8")
    opts = FigureOptions(lexicon=str(lex))
    r = extract_figures("种下3000株树苗", options=opts)[0]
    assert r["category"] == "trees"
    assert extract_figures("种下3000株树苗")[0]["category"] is None
    assert FigureExtractor(opts).config_hash != FigureExtractor(FigureOptions()).config_hash


def test_config_hash_covers_lexicon_contents(tmp_path):
    lex = tmp_path / "cats.toml"
    lex.write_text('[categories.a]\nnouns = ["树"]\n', encoding="utf-8")
    h1 = FigureExtractor(FigureOptions(lexicon=str(lex))).config_hash
    lex.write_text('[categories.a]\nnouns = ["林"]\n', encoding="utf-8")
    import os
    os.utime(lex, (1, 1))
    assert FigureExtractor(FigureOptions(lexicon=str(lex))).config_hash != h1


def test_bad_lexicon_and_unknown_option(tmp_path):
    from analysis.errors import ConfigError
    bad = tmp_path / "bad.toml"
    bad.write_text("[categories\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        FigureExtractor(FigureOptions(lexicon=str(bad)))
    with pytest.raises(ConfigError):
        FigureOptions.from_config({"figures": {"no_such_option": 1}})


# -- dates ---------------------------------------------------------------------------
def test_dates():
    text = "2023年3月28日，3月25日上午，今年以来，去年底，2023-03-28 16:45:44，2022年初"
    recs = extract_dates(text, "d1", reference="2023-03-28")
    got = [(r["text"], r["value"], r["relative"]) for r in recs]
    assert got == [("2023年3月28日", "2023-03-28", False), ("3月25日", "2023-03-25", True),
                   ("今年以来", "2023", True), ("去年底", "2022-12", True), ("2023-03-28", "2023-03-28", False),
                   ("2022年初", "2022", False)]
    assert all(list(r) == DATE_FIELDS and r["doc_id"] == "d1" for r in recs)
    no_ref = extract_dates("3月25日，今年以来")
    assert [(r["value"], r["relative"]) for r in no_ref] == [("--03-25", True), (None, True)]


# -- frames, corpus cache, summary --------------------------------------------------------
def test_figures_frame_from_texts():
    df = figures(["志愿者2500多人", "建成46个站点"])
    assert list(df.columns) == FIELDS
    assert df["value"].tolist() == [2500, 46] and df["doc_id"].nunique() == 2
    assert figures("建成46个站点", category="stations")["value"].tolist() == [46]


def test_corpus_figures_are_cached(corpus, seed_path, monkeypatch):
    corpus.ingest([str(seed_path)], progress=False)
    df = corpus.figures()
    assert sorted(df["category"].dropna()) == ["events", "people_served", "stations", "teams", "volunteers"]
    from analysis import figures as mod
    ext = mod.corpus_extractor(corpus)
    stored = corpus.store.get_annotations("figures", ext.config_hash)
    assert len(stored) == 1 and len(next(iter(stored.values()))) == 5
    # a second call reads the store: extraction must not run again
    monkeypatch.setattr(mod.FigureExtractor, "extract", lambda *a, **k: pytest.fail("re-extracted"))
    again = mod.corpus_figures(corpus, category="teams")
    assert again["value"].tolist() == [158]
    summary = figures_summary(df, corpus=corpus)
    row = summary[summary["category"] == "stations"].iloc[0]
    assert row["label"] == "46个 (江州区, 2023-03-28)" and row["source"] == "光明日报客户端"


def test_a_plain_segmenter_leaves_an_unknown_name_uncounted():
    # jieba knows no 小爱之家: without the term it is tagged as no noun, so nothing is counted
    from analysis.segment import get_segmenter
    assert extract_figures("江州区建成46个小爱之家。")[0]["counted"] is None
    seg = get_segmenter(None, [("小爱之家", 100, "n")])
    assert extract_figures("江州区建成46个小爱之家。", segmenter=seg)[0]["counted"] == "小爱之家"
    assert FigureExtractor(segmenter=seg).config_hash != FigureExtractor().config_hash


def test_corpus_figures_use_the_corpus_segmenter(corpus, tmp_path):
    """An accepted term (``analysis terms add``) changes the counted noun, and
    the cache key: the stored figures are recomputed, not read back stale."""
    from analysis import figures as mod
    path = tmp_path / "report.txt"
    path.write_text("小爱之家遍地开花\n\n今年，江州区建成46个小爱之家，服务群众3万多人次。\n", encoding="utf-8")
    corpus.ingest([str(path)], progress=False)
    before = corpus.figures()
    h_before = mod.corpus_extractor(corpus).config_hash
    assert before.loc[before["value"] == 46, "counted"].isna().all() and (before["value"] == 46).sum() == 1
    corpus.store.add_terms([("小爱之家", 100, "n", "test")])
    h_after = mod.corpus_extractor(corpus).config_hash
    assert h_after != h_before
    after = corpus.figures()
    assert after.loc[after["value"] == 46, "counted"].tolist() == ["小爱之家"]
    assert after.loc[after["value"] == 30000, "counted"].tolist() == ["群众"]
    assert len(corpus.store.get_annotations("figures", h_after)) == 1
    # the parallel stage builds the same extractor from the corpus's spec (its own segmenter)
    from analysis.parallel import AnnotateSpec, annotate_document
    spec = AnnotateSpec.from_corpus(corpus, stages=["tokens", "figures"])
    assert spec.hashes["figures"] == h_after
    out = annotate_document("d1", "江州区建成46个小爱之家。", spec)
    assert [r["counted"] for r in out["figures"]] == ["小爱之家"]


@pytest.mark.parametrize("text, value, high, unit, approx", [
    ("共有13万2千人参加", 132000, 132000, "人", "exact"),
    ("志愿者3万5千人", 35000, 35000, "人", "exact"),
    ("共有1万2千多人参与", 12000, None, "人", "more_than"),
    ("筹集资金三十多万元", 300000, None, "元", "more_than"),
    ("投入一千多万元", 10000000, None, "元", "more_than"),
    ("参与群众12，000人", 12000, 12000, "人", "exact"),    # full-width comma kept by ingestion
])
def test_compound_and_separated_notations_are_one_figure(text, value, high, unit, approx):
    r = one(text)
    assert (r["value"], r["low"], r["high"], r["unit"], r["approx"]) == (value, value, high, unit, approx)


def test_full_width_comma_is_a_separator_only_before_three_digits():
    assert [r["value"] for r in extract_figures("分别为12，30人")] == [30]  # a list, not 1230
    assert 120000 not in [r["value"] for r in extract_figures("分别为12，0000人")]
    assert 12000 not in [r["value"] for r in extract_figures("分别为12，0000人")]


def test_small_slips_of_the_review():
    assert one("社区已有超过800名党员报到。")["counted"] == "党员"
    assert one("累计服务1.3万余人次")["counted"] is None       # a verb, no noun: nothing counted
    assert one("服务群众3万多人次")["counted"] == "群众"
    got = [(d["text"], d["value"], d["relative"]) for d in extract_dates("今年9月，上月底，", reference="2023-11-05")]
    assert got == [("今年9月", "2023-09", True), ("上月底", "2023-10", True)]
    assert [d["value"] for d in extract_dates("去年3月25日")] == ["--03-25"]


# -- CLI -------------------------------------------------------------------------------
def test_cli_jsonl_on_a_plain_file(runner, cli, seed_path):
    res = runner.invoke(cli, ["figures", str(seed_path), "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    recs = [json.loads(line) for line in res.output.splitlines()]
    assert len(recs) == 5 and all(list(r) == FIELDS for r in recs)
    assert recs[0]["value"] == 158 and recs[0]["high"] == 158


def test_cli_category_summary_and_errors(runner, cli, seed_path, tmp_path):
    res = runner.invoke(cli, ["figures", str(seed_path), "--category", "stations", "--format", "csv"])
    assert res.exit_code == 0 and res.output.count("\n") == 2 and "暖心站点" in res.output
    res = runner.invoke(cli, ["figures", str(seed_path), "--summary"])
    assert res.exit_code == 0 and "46个 (江州区, 2023-03-28)" in res.output
    res = runner.invoke(cli, ["figures", str(tmp_path / "missing.txt")])
    assert res.exit_code == 1


def test_cli_over_the_corpus(runner, cli, seed_path, store_path):
    assert runner.invoke(cli, ["--corpus", str(store_path), "ingest", str(seed_path), "--no-progress"]).exit_code == 0
    res = runner.invoke(cli, ["--corpus", str(store_path), "figures", "--category", "teams", "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    assert [json.loads(x)["value"] for x in res.output.splitlines()] == [158]


# -- properties ----------------------------------------------------------------------------
_FULL = str.maketrans("0123456789.", "０１２３４５６７８９．")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(min_value=2, max_value=10**12),
       style=st.sampled_from(["ar", "full", "cn", "wan", "wan_lower", "cn_more_mag", "fw_comma"]),
       suffix=st.sampled_from(["", "多", "余"]), prefix=st.sampled_from(["", "约"]))
def test_integers_parse_back(n, style, suffix, prefix):
    import cn2an
    if style == "ar":
        num, value = str(n), n
    elif style == "wan_lower":  # 13万2千, 3万2000, 2亿3000万: 万/亿 then a lower-order part
        hi, lo = n % 9999 + 1, n % 9 + 1
        num, value = [(f"{hi}万{lo}千", hi * 10000 + lo * 1000), (f"{hi}万{lo}{n % 1000:03d}",
                      hi * 10000 + lo * 1000 + n % 1000), (f"{hi % 999 + 1}亿{lo}{n % 1000:03d}万",
                      (hi % 999 + 1) * 10**8 + (lo * 1000 + n % 1000) * 10**4)][n % 3]
    elif style == "cn_more_mag":  # 三十多万, 一千多万: a Chinese mantissa with 多/余 before 万/亿
        mant, mag = (n % 999 + 1) * 10, ("万", "亿")[n % 2]  # 多 follows a round mantissa
        num, value = f"{cn2an.an2cn(mant)}{'多余'[n % 3 == 0]}{mag}", mant * (10**4 if mag == "万" else 10**8)
        suffix, prefix = "", ""
    elif style == "fw_comma":  # 12，000 (full-width thousands separators)
        num, value = f"{n:,}".replace(",", "，"), n
        if n < 1000:
            return
    elif style == "full":
        num, value = str(n).translate(_FULL), n
    elif style == "cn":
        num, value = cn2an.an2cn(n), n
    else:  # 万 / 亿 with an Arabic mantissa
        num, value = (f"{n % 10000}万", (n % 10000) * 10000) if n % 2 else (f"{n % 1000}亿", (n % 1000) * 10**8)
        if value == 0:
            return
    if suffix and prefix:
        prefix = ""
    r = extract_figures(f"共有{prefix}{num}{suffix}名志愿者参加")
    assert len(r) == 1, (num, r)
    assert r[0]["value"] == value
    more = suffix or style == "cn_more_mag"
    assert r[0]["approx"] == ("more_than" if more else "about" if prefix else "exact")


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2),
       st.sampled_from(["", "万", "亿"]), st.booleans())
def test_decimals_parse_back(d, mag, full):
    if d == d.to_integral_value() or d < 2:
        return
    s = format(d.normalize(), "f")
    text = s.translate(_FULL) if full else s
    r = extract_figures(f"总投资{text}{mag}元")
    assert len(r) == 1
    expect = d * {"": 1, "万": 10**4, "亿": 10**8}[mag]
    assert Decimal(str(r[0]["value"])) == expect


_ALPHABET = list("0123456789０１２３４５６７８９零一二两三四五六七八九十百千万亿几多余约近超个人名支次场年月日号%—-至到，。“”《》+第的志愿者队 \n点半时分")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(_ALPHABET)) | st.text())
def test_random_text_never_crashes(text):
    for r in extract_figures(text):
        assert 0 <= r["start"] < r["end"] <= len(text)
        assert text[r["start"]:r["end"]] == r["text"]
        assert r["approx"] in ("exact", "more_than", "about", "less_than", "at_least", "at_most", "range")
    extract_dates(text)


# -- reusing the document's tokens (annotate segments first, then extracts) ------------
def test_precomputed_tokens_give_identical_figures_on_the_shipped_corpus(seed_text, related_records):
    """With the document's own tokens the clause windows that are whole jieba blocks are not
    cut again; every record of the whole shipped corpus is the same as without them."""
    from analysis.segment import _payload, get_segmenter
    texts = [seed_text] + [r["content"] for r in related_records]
    seg = get_segmenter()
    plain_ext = FigureExtractor(FigureOptions.from_config())  # own instances: own clause caches
    plain = [plain_ext.extract(t, f"d{i}") for i, t in enumerate(texts)]
    ext = FigureExtractor(FigureOptions.from_config())
    assert ext.tokens_hash == seg.tokens_hash  # the packaged configuration can reuse them
    ext._tags  # noqa: B018 - loads the tag table and the cut function
    pieces = []
    cut = ext._cut
    ext._cut = lambda piece, hmm: pieces.append(piece) or cut(piece, hmm)
    reused = [ext.extract(t, f"d{i}", _payload(seg, t, False)) for i, t in enumerate(texts)]
    assert sum(map(len, plain)) > 2000
    assert reused == plain
    # and it did spare work: far fewer windows were cut than the extractor looked at
    assert 0 < len(pieces) < 0.75 * len(ext._words_cache)
    # a (words, starts) pair works too; tokens of another segmentation are not used
    t = texts[0]
    p = _payload(seg, t, False)
    ext._words_cache.clear()
    assert ext.extract(t, "d0", (p["w"], p["s"])) == plain[0]
    assert extract_figures(t, "d0", tokens=p) == plain[0]
    rj = FigureExtractor(FigureOptions.from_config())
    rj._segmenter = get_segmenter(backend="rjieba") if _has_rjieba() else get_segmenter(hmm=False)
    assert rj.tokens_hash is None


def _has_rjieba() -> bool:
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return False
    return True


# -- speed-ups that must not change anything ----------------------------------------
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("０１２３４５６７８９．％：－～＋0123.%:江州区，。 ")))
def test_full_width_normalisation_is_translate(text):
    from analysis.figures import _FW, _normalise
    assert _normalise(text) == text.translate(_FW)
    assert len(_normalise(text)) == len(text)


def test_normalised_full_width_figures():
    r = one("共有１２３名志愿者参加。")
    assert (r["value"], r["unit"], r["text"]) == (123, "名", "１２３名")  # text as written


def test_names_with_numerals_are_no_figures_longest_name_wins():
    # 十四五 and 十五分钟便民生活圈 are lexicon names; 十五分钟 alone would be a duration
    assert brief("“十四五”时期，建成十五分钟便民生活圈3个。") == [("3个", 3, "个", "exact")]
    assert brief("推进千万工程，新建10个站点") == [("10个", 10, "个", "exact")]


def test_approximators_and_longest_units_by_first_character():
    assert brief("不超过5个小时") == [("不超过5个小时", 5, "小时", "at_most")]
    assert brief("超过3000人次") == [("超过3000人次", 3000, "人次", "more_than")]
    assert brief("附近2家医院") == [("2家", 2, "家", "exact")]  # 附近 is no 近 (less than)
    assert brief("1个多月") == [("1个多月", 1, "个月", "more_than")]
    r = one("百分之三十以上")
    assert (r["value"], r["approx"]) == (30, "more_than")


# -- the counted-noun caches (clause windows recur across reports) ----------------------
def test_same_window_with_another_unit_is_not_answered_from_the_cache():
    """The phrase caches are keyed by window, kind and unit: the window before the number
    is the same (累计服务, 签约) but a people unit counts nothing there, money is what
    the verb is for; a parenthesis after a cached window is added each time."""
    ext = FigureExtractor(FigureOptions.from_config())

    def counted(text):
        return [(r["text"], r["counted"]) for r in ext.extract(text)]

    for _ in range(2):  # the second round answers from the caches
        assert counted("累计服务1.3万余人次") == [("1.3万余人次", None)]
        assert counted("累计服务1.3万余元") == [("1.3万余元", "服务")]
        assert counted("签约845.3亿元") == [("845.3亿元", "签约")]
        assert counted("签约845.3万人") == [("845.3万人", None)]
        assert counted("建成30个省（区、市）") == [("30个", "省（区、市）")]
        assert counted("建成30个省") == [("30个", "省")]
    assert ext._after_cache and ext._before_cache


def test_warm_caches_give_the_records_of_cold_ones(seed_text, related_records):
    """Every record of the shipped corpus is the same whether the extractor has seen the
    other reports before (warm clause and phrase caches, both orders) or not (cleared)."""
    texts = [seed_text] + [r["content"] for r in related_records]
    ext = FigureExtractor(FigureOptions.from_config())
    cold = []
    for i, t in enumerate(texts):
        ext._clear_caches()
        cold.append(ext.extract(t, f"d{i}"))
    assert sum(map(len, cold)) > 2000
    ext._clear_caches()
    assert [ext.extract(t, f"d{i}") for i, t in enumerate(texts)] == cold
    assert len(ext._before_cache) > 100
    rev = [ext.extract(t, f"d{i}") for i, t in reversed(list(enumerate(texts)))]
    assert rev[::-1] == cold
