"""Ingestion: every format on real text, normalisation, encodings, archives, bad input."""
from __future__ import annotations

import gzip
import io
import json
import sqlite3
import tarfile
import zipfile
from pathlib import Path

import pytest

from analysis.document import Document, content_id
from analysis.errors import ConfigError, InputError, UnsafeArchiveError
from analysis.ingest import (detect_format, ingest, normalize_text, parse_byline, parse_datetime,
                             parse_mapping, read_path)
from analysis.ingest.sogou import decode_gbk_repair
from analysis.ingest.text import split_title_prefix
from analysis.store import Store

from conftest import RELATED, SEED, TESTDATA, shared_file

DATA = TESTDATA / "ingest"


def docs_of(path, **kw) -> list[Document]:
    return [d for d in read_path(path, **kw) if isinstance(d, Document)]


def errors_of(path, **kw) -> list[InputError]:
    return [d for d in read_path(path, **kw) if isinstance(d, InputError)]


@pytest.fixture(scope="module")
def seed_doc() -> Document:
    (doc,) = docs_of(SEED)
    return doc


# -- the seed text page -------------------------------------------------------
def test_seed_title_prefix_source_time(seed_doc):
    assert seed_doc.title == "广西崇左江州区:党建引领 “江小爱”服务暖民心"
    assert seed_doc.meta["title_prefix"] == "天天速读"
    assert seed_doc.source == "光明日报客户端"
    assert seed_doc.published_at == "2023-03-28T16:45:44+08:00"
    assert seed_doc.encoding == "utf-8"
    assert seed_doc.lang == "zh"


def test_seed_byline_kept_in_body_and_parsed(seed_doc):
    assert seed_doc.byline == "通讯员苏晓霞光明日报全媒体记者周仕兴"
    assert seed_doc.authors == [
        {"name": "苏晓霞", "role": "通讯员", "affiliation": None},
        {"name": "周仕兴", "role": "全媒体记者", "affiliation": "光明日报"},
    ]
    assert seed_doc.body.endswith("不断提升。(通讯员苏晓霞光明日报全媒体记者周仕兴)")


def test_seed_body_exact(seed_doc, seed_text):
    paras = seed_doc.body.split("\n")
    # 17 paragraphs between the 来源 line and 关键词: (counted in the file), 【资料图】 dropped
    assert len(paras) == 17
    assert paras[0] == "3月,春潮涌动,草木萌新。"
    assert paras[1].startswith("在广西崇左江州区,从城市到乡村") and paras[1].endswith("增添几分暖意。")
    # section headings kept as paragraphs, in order
    assert paras[2] == "党建引领聚人心,组建“江小爱”志愿服务队"
    assert paras[6] == "摸准民需巧设计,让志愿服务精准回应民需民盼"
    assert paras[12] == "整合资源强服务,积小爱成大爱提升城市治理温度"
    assert "志愿服务队共建有158支,志愿者2500多人" in seed_doc.body
    # clutter: picture marker, everything from 关键词: on
    for gone in ("【资料图】", "资料图", "关键词", "相关阅读", "推荐阅读", "2700亿吨", "69.9%", "资讯播报",
                 "点击查看更多", "眼镜蛇", "字节跳动", "天天速读", "来源:"):
        assert gone not in seed_doc.body, gone
    assert "2700亿吨" in seed_text and "69.9%" in seed_text  # they were in the file
    # every kept paragraph is a line of the original file
    lines = set(seed_text.splitlines())
    assert all(p in lines for p in paras)


def test_seed_in_store_teasers_never_reach_it(corpus):
    report = corpus.ingest([SEED])
    assert (report.added, report.failed) == (1, 0)
    assert corpus.store.search("江小爱") and len(corpus.search("江小爱")) == 1
    assert corpus.store.search("2700亿吨") == []
    assert corpus.store.search("69.9%") == []
    assert corpus.store.search("资讯播报") == []
    row = corpus.to_frame().iloc[0]
    assert row["title"] == "广西崇左江州区:党建引领 “江小爱”服务暖民心"
    assert row["published_at"] == "2023-03-28T16:45:44+08:00"
    assert row["authors"][1]["name"] == "周仕兴"
    assert row["meta"]["title_prefix"] == "天天速读"
    assert row["origin"] == str(SEED)


@pytest.mark.parametrize("title,expected", [
    ("天天速读:广西崇左江州区:党建引领", ("广西崇左江州区:党建引领", "天天速读")),
    ("环球通讯!周生生黄金价格今天多少一克(2023年03月28日)", ("周生生黄金价格今天多少一克(2023年03月28日)", "环球通讯")),
    ("世界速递!古装怀孕肚子痛视频", ("古装怀孕肚子痛视频", "世界速递")),
    ("今日热议:2023年一级建造师《项目管理》章节练习题", ("2023年一级建造师《项目管理》章节练习题", "今日热议")),
    ("广西崇左江州区:党建引领", ("广西崇左江州区:党建引领", None)),
])
def test_aggregator_prefixes(title, expected):
    assert split_title_prefix(title) == expected


# -- bylines, dates, normalisation ----------------------------------------------
def test_byline_variants():
    assert parse_byline("记者 张三、李四") == [
        {"name": "张三", "role": "记者", "affiliation": None},
        {"name": "李四", "role": "记者", "affiliation": None}]
    people = parse_byline("新华社记者王晓明")
    assert people == [{"name": "王晓明", "role": "记者", "affiliation": "新华社"}]


def test_parse_datetime():
    assert parse_datetime("2023-03-28 16:45:44") == "2023-03-28T16:45:44+08:00"
    assert parse_datetime("2022-01-04") == "2022-01-04"
    assert parse_datetime("2023年3月28日 9:05") == "2023-03-28T09:05:00+08:00"
    assert parse_datetime("20220104") == "2022-01-04"
    assert parse_datetime("2023-03-28T08:45:44Z") == "2023-03-28T08:45:44+00:00"
    assert parse_datetime("no date here") is None


def test_normalize_text():
    assert normalize_text("１０万余只ＡＢｃ") == "10万余只ABc"
    assert normalize_text("第一段\r\n\r\n  第二段\r第三段\u2029第四段") == "第一段\n第二段\n第三段\n第四段"
    assert normalize_text("（１２日）") == "（12日）"  # full-width punctuation is kept
    # NFC: e + combining acute -> é
    assert normalize_text("cafe\u0301\u200b") == "caf\u00e9"
    assert normalize_text("志愿　　服务\u00a0队") == "志愿 服务 队"


# -- encodings -----------------------------------------------------------------
@pytest.mark.parametrize("codec,recorded", [("gbk", "gb18030"), ("gb18030", "gb18030"),
                                            ("utf-8-sig", "utf-8")])
def test_seed_in_other_encodings(tmp_path, seed_text, seed_doc, codec, recorded):
    p = tmp_path / "seed.txt"
    p.write_bytes(seed_text.encode(codec))
    (doc,) = docs_of(p)
    assert doc.encoding == recorded
    assert (doc.title, doc.source, doc.published_at, doc.byline) == (
        seed_doc.title, seed_doc.source, seed_doc.published_at, seed_doc.byline)
    assert doc.doc_id == seed_doc.doc_id


def test_big5_traditional(tmp_path, seed_text):
    import opencc
    trad = opencc.OpenCC("s2t").convert(seed_text)
    p = tmp_path / "seed_big5.txt"
    p.write_bytes(trad.encode("big5", errors="ignore"))
    (doc,) = docs_of(p)
    assert doc.encoding.startswith("big5")
    assert doc.lang == "zh-Hant"
    assert doc.source == "光明日報客戶端"
    assert "志願服務隊" in doc.body


# -- JSON Lines (the shipped corpus), CSV ---------------------------------------
def test_related_jsonl(related_records):
    docs = docs_of(RELATED)
    assert len(docs) == len(related_records) == 421
    first, rec = docs[0], related_records[0]
    assert first.title == "冬奥筹办进入压线冲刺阶段"
    assert first.meta["category"] == "冬奥之约"
    assert first.meta["source_id"] == rec["id"] == "20220104-58"
    assert first.meta["topic_hits"] == rec["topic_hits"]
    assert first.meta["has_count_pattern"] is rec["has_count_pattern"]
    assert first.published_at == "2022-01-04"
    assert first.source == "央视网《新闻联播》"
    assert first.url == rec["url"]
    assert first.origin == f"{RELATED}:1"
    # already clean: kept as is, except the dateline that opens every CCTV report
    assert rec["content"].startswith("央视网消息（新闻联播）：")
    assert first.meta["dateline"] == "央视网消息（新闻联播）："
    assert first.meta["dateline"] + first.body == rec["content"]
    assert first.doc_id == content_id(first.body) != content_id(rec["content"])
    assert sum(d.meta["has_count_pattern"] for d in docs) == sum(r["has_count_pattern"] for r in related_records)


def test_csv_with_mapping(related_records):
    mapping = parse_mapping(("title=headline,date=pub_date,source=media", "url=link,id=report_id"))
    docs = docs_of(DATA / "reports.csv", mapping=mapping)
    assert [d.meta["source_id"] for d in docs] == [r["id"] for r in related_records[:3]]
    assert docs[0].title == "冬奥筹办进入压线冲刺阶段" and docs[0].published_at == "2022-01-04"
    assert docs[0].source == "央视网《新闻联播》"
    # the same reports as in the JSONL: the same ids (dedup across formats)
    assert [d.doc_id for d in docs] == [d.doc_id for d in docs_of(RELATED)[:3]]
    assert [d.meta["dateline"] + d.body for d in docs] == [r["content"] for r in related_records[:3]]
    # CSV records spanning several lines get their first line as origin
    assert docs[0].origin.endswith("reports.csv:2")


def test_parse_mapping_errors():
    assert parse_mapping(("content=text",)) == {"body": "text"}
    with pytest.raises(ConfigError):
        parse_mapping(("title",))
    with pytest.raises(ConfigError):
        parse_mapping(("colour=red",))


def test_csv_without_text_column():
    (err,) = errors_of(DATA / "no_text.csv")
    assert err.path.endswith("no_text.csv")
    assert "without a text column" in err.reason and "--map body=" in err.reason


def test_malformed_json_line_others_kept():
    items = list(read_path(DATA / "bad_line.jsonl"))
    assert [type(x).__name__ for x in items] == ["Document", "InputError", "Document"]
    assert items[1].line == 2 and "malformed JSON" in items[1].reason
    assert str(items[1]).startswith(f"{DATA / 'bad_line.jsonl'}:2: malformed JSON")


# -- HTML ----------------------------------------------------------------------
def test_html_page():
    (doc,) = docs_of(DATA / "article.html")
    assert doc.title == "广西崇左江州区:党建引领 “江小爱”服务暖民心"
    assert doc.source == "光明日报客户端"
    assert doc.published_at == "2023-03-28T16:45:44+08:00"
    assert doc.byline == "通讯员苏晓霞光明日报全媒体记者周仕兴"
    assert doc.authors[1] == {"name": "周仕兴", "role": "全媒体记者", "affiliation": "光明日报"}
    assert doc.body.startswith("3月,春潮涌动,草木萌新。")
    assert "党建引领聚人心,组建“江小爱”志愿服务队" in doc.body.split("\n")
    for gone in ("SCRIPT_MUST_NOT_APPEAR", "font-family", "dataLayer", "【资料图】", "京ICP备"):
        assert gone not in doc.body
    assert doc.meta["tags"] == ["志愿服务", "党建引领", "江州区"]


def test_html_fallback_to_title_and_meta(tmp_path):
    p = tmp_path / "short.html"
    p.write_text("<html><head><title>今日热议:江州区志愿服务队共建有158支</title>"
                 "<meta name='pubdate' content='2023-03-28 16:45'>"
                 "<script>var x='SCRIPT';</script></head>"
                 "<body><p>志愿者2500多人。</p></body></html>", encoding="utf-8")
    (doc,) = docs_of(p)
    assert doc.title == "江州区志愿服务队共建有158支"
    assert doc.meta["title_prefix"] == "今日热议"
    assert doc.published_at == "2023-03-28T16:45:00+08:00"
    assert "志愿者2500多人。" in doc.body and "SCRIPT" not in doc.body


# -- Sogou ---------------------------------------------------------------------
def sogou_slice(tmp_path, n=5) -> Path:
    data = shared_file("sogouca", "news_tensite_xml.smarty.dat").read_bytes()
    end = 0
    for _ in range(n):
        end = data.index(b"</doc>", end) + 6
    p = tmp_path / "sogou_slice.dat"
    p.write_bytes(data[:end] + b"\n</doclist>\n")
    return p


def test_sogou_slice(tmp_path):
    docs = docs_of(sogou_slice(tmp_path))
    assert len(docs) == 5
    d = docs[0]
    assert d.title == "公安机关销毁10余万非法枪支 跨国武器走私渐起"  # full-width digits normalised
    # the dateline (with its byline) goes to meta, the body starts after it
    assert d.meta["dateline"] == "中广网唐山6月12日消息（记者汤一亮 庄胜春）"
    assert d.body.startswith("据中国之声《新闻晚高峰》报道，今天（12日）")
    assert [a["name"] for a in d.authors] == ["汤一亮", "庄胜春"]
    assert "10万余只非法枪支" in d.body and "１" not in d.body
    # the corrupted bytes are U+FFFD and counted; the text after them is re-aligned
    assert d.meta["bad_bytes"] == d.body.count("\ufffd") + d.title.count("\ufffd") > 0
    assert "黄明：现在我\ufffd布，全国缉枪制爆统一销毁行动开始！" in d.body
    assert d.url == "http://news.sohu.com/20120612/n345428229.shtml"
    assert d.published_at == "2012-06-12"
    assert d.encoding == "gb18030"
    assert d.meta["docno"] == "c172394d49da2142-69713306c0bb3300"


def test_sogou_repair_unit():
    good = "现在我宣布".encode("gbk")
    assert decode_gbk_repair(good[:7] + b"?" + good[8:]) == ("现在我\ufffd布", 1)
    # a lost first byte orphans its partner: both become one U+FFFD, the rest re-aligns
    text = "。黄明：现在".encode("gbk")
    assert decode_gbk_repair(text[:2] + b"?" + text[3:]) == ("。\ufffd明：现在", 1)
    assert decode_gbk_repair("真的吗?".encode("gbk") + b"ok?") == ("真的吗?ok?", 0)


def test_sogou_truncated(tmp_path):
    data = sogou_slice(tmp_path, 3).read_bytes()
    p = tmp_path / "cut.dat"
    p.write_bytes(data[: data.rindex(b"<content>") + 40])
    items = list(read_path(p))
    assert sum(isinstance(x, Document) for x in items) == 2
    (err,) = [x for x in items if isinstance(x, InputError)]
    assert "truncated" in err.reason and err.line > 1


# -- digest Markdown -------------------------------------------------------------
def digest_days(tmp_path, days=("20220104.md", "20220715.md", "20230808.md")) -> Path:
    tgz = shared_file("xwlb", "xwlb_daily_markdown.tar.gz")
    out = tmp_path / "days"
    out.mkdir()
    with tarfile.open(tgz) as tar:
        for name in days:
            (out / name).write_bytes(tar.extractfile(f"raw_md/news/{name}").read())
    return out


def test_digest_days(tmp_path, related_records):
    folder = digest_days(tmp_path)
    docs = docs_of(folder)
    for name in ("20220104.md", "20220715.md", "20230808.md"):
        text = (folder / name).read_text(encoding="utf-8")
        detail = text.split("## 详细新闻", 1)[1]
        n = sum(1 for ln in detail.splitlines() if ln.startswith("### "))
        mine = [d for d in docs if d.origin.split(":")[0].endswith(name)]
        assert len(mine) == n and n > 5
        iso = f"{name[:4]}-{name[4:6]}-{name[6:8]}"
        assert all(d.published_at == iso for d in mine)
        assert all(d.url and d.url.startswith("https://tv.cctv.com/") for d in mine)
    for d in docs:
        assert "**" not in d.body and "查看原文" not in d.body and "repaste" not in d.body
        assert "更新时间" not in d.body  # the day's footer
        assert not d.title.startswith("【")
    wd = next(d for d in docs if d.title == "冬奥筹办进入压线冲刺阶段")
    assert wd.meta["category"] == "冬奥之约"
    assert wd.source == "央视网《新闻联播》"
    # the same report as the JSONL record 20220104-58: the same text and id
    rec = next(r for r in related_records if r["id"] == "20220104-58")
    assert wd.meta["dateline"] + wd.body == rec["content"]
    assert wd.doc_id == next(d.doc_id for d in docs_of(RELATED) if d.meta["source_id"] == rec["id"])
    assert wd.url == rec["url"]


# -- format detection -----------------------------------------------------------
def test_detect_format():
    assert detect_format("x.txt", SEED.read_bytes()[:4096]) == "text"
    assert detect_format("<stdin>", b'{"content": "x"}\n') == "jsonl"
    assert detect_format("<stdin>", b"<doclist>\n<doc>") == "sogou"
    assert detect_format("page", b"<!DOCTYPE html><html>") == "html"
    assert detect_format("a.md", "# 《新闻联播》\n## 详细新闻\n### 标题".encode()) == "digest"
    assert detect_format("a.csv", b"title,content\n") == "csv"


# -- archives and bad input -----------------------------------------------------
def test_gz_zip_tar(tmp_path, seed_text, seed_doc):
    gz = tmp_path / "seed.txt.gz"
    gz.write_bytes(gzip.compress(seed_text.encode("utf-8")))
    (doc,) = docs_of(gz)
    assert doc.doc_id == seed_doc.doc_id and doc.origin == str(tmp_path / "seed.txt")
    z = tmp_path / "both.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("a/seed.txt", seed_text)
        zf.write(RELATED, "b/related.jsonl")
    docs = docs_of(z)
    assert len(docs) == 422 and docs[0].origin == f"{z}!a/seed.txt"
    t = tmp_path / "both.tar.gz"
    with tarfile.open(t, "w:gz") as tf:
        tf.add(SEED, "seed.txt")
        tf.add(RELATED, "related.jsonl")
    assert {d.doc_id for d in docs_of(t)} == {d.doc_id for d in docs}


def test_zip_member_with_dotdot(tmp_path, seed_text):
    z = tmp_path / "evil.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("../../evil.txt", "江州区志愿者2500多人。这是恶意文件。")
        zf.writestr("ok/seed.txt", seed_text)
    items = list(read_path(z))
    errs = [x for x in items if isinstance(x, InputError)]
    assert len(errs) == 1 and isinstance(errs[0], UnsafeArchiveError)
    assert errs[0].path == f"{z}!../../evil.txt" and ".." in errs[0].reason
    assert [x.title for x in items if isinstance(x, Document)] == ["广西崇左江州区:党建引领 “江小爱”服务暖民心"]
    assert not (tmp_path.parent / "evil.txt").exists()


def test_tar_member_with_dotdot(tmp_path):
    t = tmp_path / "evil.tar"
    with tarfile.open(t, "w") as tf:
        data = "江州区志愿者2500多人。".encode()
        info = tarfile.TarInfo("../escape.txt")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
        tf.add(SEED, "seed.txt")
    items = list(read_path(t))
    assert any(isinstance(x, UnsafeArchiveError) and x.path.endswith("!../escape.txt") for x in items)
    assert sum(isinstance(x, Document) for x in items) == 1


def test_truncated_archive(tmp_path):
    full = tmp_path / "full.tar.gz"
    with tarfile.open(full, "w:gz") as tf:
        tf.add(SEED, "seed.txt")
        tf.add(RELATED, "related.jsonl")
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    items = list(read_path(cut))
    errs = [x for x in items if isinstance(x, InputError)]
    assert len(errs) == 1 and errs[0].path == str(cut)
    assert "truncated or corrupt archive" in errs[0].reason
    # what came before the cut is kept
    assert [x.source for x in items if isinstance(x, Document)] == ["光明日报客户端"]


def test_archive_size_limit(tmp_path, store_path):
    from analysis.config import load_config
    t = tmp_path / "big.tar"
    with tarfile.open(t, "w") as tf:
        tf.add(SEED, "seed.txt")
        tf.add(RELATED, "related.jsonl")
    cfg = load_config(overrides={"ingest": {"max_archive_bytes": 100_000}})
    with Store(store_path) as st:
        report = ingest(st, [t], config=cfg)
        assert report.added == 1 and report.failed == 1
        assert "expands past the size limit" in report.errors[0] and report.errors[0].startswith(str(t))
    cfg = load_config(overrides={"ingest": {"max_member_bytes": 5_000}})
    items = list(read_path(t, config=cfg))
    assert all(isinstance(x, UnsafeArchiveError) for x in items) and len(items) == 2


def test_gzip_bomb_limit(tmp_path):
    from analysis.config import load_config
    p = tmp_path / "bomb.txt.gz"
    p.write_bytes(gzip.compress(b"a" * 3_000_000))
    cfg = load_config(overrides={"ingest": {"max_member_bytes": 1_000_000}})
    (err,) = list(read_path(p, config=cfg))
    assert isinstance(err, UnsafeArchiveError) and "size limit" in err.reason


@pytest.mark.parametrize("content,reason", [
    (b"", "empty file"),
    (b"  \n\n \r\n", "empty file"),
    (bytes(range(256)) * 40, "binary file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 100, "binary file"),
])
def test_unreadable_files(tmp_path, content, reason):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    (err,) = list(read_path(p))
    assert isinstance(err, InputError) and reason in err.reason and err.path == str(p)


def test_missing_path():
    (err,) = list(read_path("no/such/file.txt"))
    assert "no such file" in err.reason


# -- ingest into a store ----------------------------------------------------------
def test_ingest_report_dedup_and_rerun(store_path):
    with Store(store_path) as st:
        r1 = ingest(st, [SEED, RELATED])
        assert (r1.added, r1.duplicates, r1.failed, r1.files) == (422, 0, 0, 2)
        assert "422 added" in r1.summary_line()
        r2 = ingest(st, [SEED, RELATED])
        assert (r2.added, r2.duplicates, r2.unchanged) == (0, 422, 2)
        # the same reports from another format are duplicates, not new documents
        r3 = ingest(st, [DATA / "reports.csv"], mapping={"title": "headline"})
        assert (r3.added, r3.duplicates) == (0, 3)
        assert st.count() == 422
        integrity = st.conn.execute("INSERT INTO documents_fts(documents_fts) VALUES('integrity-check')")
        assert integrity is not None


def test_ingest_bad_inputs_go_on(store_path, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with Store(store_path) as st:
        report = ingest(st, [empty, DATA / "no_text.csv", DATA / "bad_line.jsonl", SEED, "missing.txt"])
        assert report.added == 3 and report.failed == 4
        where = [e.split(":")[0] for e in report.errors]
        assert where == [str(empty), str(DATA / "no_text.csv"), str(DATA / "bad_line.jsonl"), "missing.txt"]
        # a file with errors is not fingerprinted: a re-run reports them again
        again = ingest(st, [DATA / "bad_line.jsonl"])
        assert again.failed == 1 and again.duplicates == 2


def test_sogou_full_file_into_store(store_path):
    path = shared_file("sogouca", "news_tensite_xml.smarty.dat")
    raw = path.read_bytes()
    empty = raw.count(b"<content></content>")  # title-only documents in the file (34)
    assert raw.count(b"<doc>") == 200 and empty > 0
    with Store(store_path) as st:
        report = ingest(st, [path])
        assert report.failed == 0 and report.added + report.duplicates == 200 - empty
        assert report.skipped == empty and all("title only" in s for s in report.skips)
        rows = list(st.iter_documents(["meta", "title", "body"]))
        bad = sum(r["meta"]["bad_bytes"] for r in rows)
        assert bad > 1000  # Sogou's corruption is frequent in this sample
        assert bad == sum(r["body"].count("\ufffd") + r["title"].count("\ufffd") for r in rows)
        # the report counts the bad bytes of every document read (stored ones and duplicates)
        assert report.bad_bytes >= bad
        assert f"; {report.bad_bytes:,} undecodable bytes replaced" in report.summary_line()
        assert all("１" not in r["body"] for r in rows)
        assert all(r["body"] for r in rows)
        assert st.search("10万余只")


# -- review fixes (issue 2): encodings, skipped records, datelines, stdin CSV, ignored files --------
def test_random_high_bytes_are_refused(tmp_path):
    import random
    p = tmp_path / "noise.txt"
    for seed in range(4):
        rnd = random.Random(seed)
        for lo, hi in ((0x80, 0x100), (0x81, 0xFF)):  # the second range is all valid GB18030 pairs
            p.write_bytes(bytes(rnd.randrange(lo, hi) for _ in range(3000)))
            (err,) = list(read_path(p))
            assert isinstance(err, InputError) and "cannot detect the text encoding" in err.reason


def test_utf8_with_a_few_gbk_bytes_stays_utf8(tmp_path, seed_text, seed_doc, store_path, caplog):
    data = seed_text.encode("utf-8")
    cut = data.index("志愿服务队共建有".encode())
    bad = "服务".encode("gbk")  # 4 GBK bytes (B7 FE CE F1) inside UTF-8 text: none forms a UTF-8 sequence
    p = tmp_path / "mixed.txt"
    p.write_bytes(data[:cut] + bad + data[cut:])
    (doc,) = docs_of(p)
    assert doc.encoding == "utf-8"
    assert doc.title == seed_doc.title and doc.source == "光明日报客户端"  # not decoded as GB18030
    assert doc.meta["bad_bytes"] == 4
    assert "\ufffd" in doc.body and "志愿服务队共建有158支" in doc.body
    with Store(store_path) as st:
        report = ingest(st, [p])
        assert report.bad_bytes == 4 and report.summary_line().endswith("; 4 undecodable bytes replaced")
    # the file that had them is named in a warning, not only counted
    assert any(r.levelname == "WARNING" and r.getMessage() == f"{p}: 4 undecodable bytes replaced by U+FFFD"
               for r in caplog.records), caplog.text


def test_latin1_and_shift_jis(tmp_path):
    de = ("Die Stadtverwaltung hat beschlossen, die Bibliothek wieder zu öffnen. Die Schüler freuen sich "
          "über die neuen Räume, die größeren Tische und die Bücher aus aller Welt.\n") * 3
    p = tmp_path / "de.txt"
    p.write_bytes(de.encode("latin-1"))
    (doc,) = docs_of(p)
    assert doc.encoding in ("cp1252", "latin_1") and "Schüler" in doc.body and "größeren" in doc.body
    assert doc.lang == "other"
    ja = ("東京都は十日、新しい図書館を開くと発表した。市民からは「とても楽しみです」という声が上がっている。"
          "図書館には約五万冊の本があり、子ども向けのコーナーも設けられる。\n") * 4
    p = tmp_path / "ja.txt"
    p.write_bytes(ja.encode("shift_jis"))
    (doc,) = docs_of(p)
    assert doc.lang == "ja"
    assert "図書館には約五万冊の本があり" in doc.body


def test_lang_by_script(tmp_path, seed_doc):
    from analysis.ingest.normalize import detect_lang
    assert seed_doc.lang == "zh"
    assert detect_lang("서울시는 10일 새 도서관을 연다고 밝혔다.") == "other"
    assert detect_lang("市民からは「とても楽しみです」という声が上がっている") == "ja"
    assert detect_lang("东京都は新しい图书馆") == "ja"  # kana dominate even among Han


def test_title_only_records_are_skipped(tmp_path, store_path):
    p = tmp_path / "mixed.jsonl"
    recs = [{"title": "只有标题", "content": ""},
            {"title": "正文", "content": "江州区志愿者2500多人。"},
            {"title": "", "content": "  "}]
    p.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    assert [d.title for d in docs_of(p)] == ["正文"]
    with Store(store_path) as st:
        report = ingest(st, [p])
        assert (report.added, report.skipped, report.failed) == (1, 2, 0)
        assert report.skips == [f"{p}:1: title only, no text", f"{p}:3: empty record (no title, no text)"]
        assert st.conn.execute("SELECT count(*) FROM documents WHERE length = 0").fetchone()[0] == 0


def test_html_navigation_page_is_skipped(tmp_path, store_path):
    p = tmp_path / "nav.html"
    p.write_text("""<!DOCTYPE html><html><head><meta charset="utf-8"><title>光明网-首页导航</title>
<script>var dataLayer=[];</script></head><body>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/p">时政频道</a></li>
<li><a href="/w">国际频道</a></li><li><a href="/c">文化频道</a></li><li><a href="/t">科技频道</a></li></ul></div>
<div class="links"><a href="/a">党建引领基层治理专题</a> | <a href="/b">志愿服务新闻汇总</a></div>
<script>track();</script></body></html>""", encoding="utf-8")
    assert docs_of(p) == []
    with Store(store_path) as st:
        report = ingest(st, [p, DATA / "article.html"])
        assert (report.added, report.skipped, report.failed) == (1, 1, 0)
        assert report.skips[0].startswith(f"{p}: no article text")
        assert st.search("时政频道") == [] and st.search("党建引领基层治理专题") == []


def test_dateline_moved_to_meta():
    from analysis.ingest.text import split_dateline
    assert split_dateline("新华社北京3月5日电 国务院总理李强5日作政府工作报告。") == (
        "国务院总理李强5日作政府工作报告。", "新华社北京3月5日电")
    assert split_dateline("本报讯（记者韩旭）昨天，国务院法制办公室公布征求意见稿。") == (
        "昨天，国务院法制办公室公布征求意见稿。", "本报讯（记者韩旭）")
    # sentences that only look like one keep their text
    for text in ("习近平致电祝贺。", "据人民网消息，今天开幕。", "6月5日，据中国证券报报道，银行员工诉苦。", "新华社消息"):
        assert split_dateline(text) == (text, None)
    docs = docs_of(RELATED)
    with_dl = [d for d in docs if "dateline" in d.meta]
    assert len(with_dl) == sum(1 for line in RELATED.read_text(encoding="utf-8").splitlines()
                               if json.loads(line)["content"].startswith("央视网消息（新闻联播）："))
    assert not any(d.body.startswith("央视网消息") for d in docs)


def test_byline_in_dateline(tmp_path):
    p = tmp_path / "news.txt"
    p.write_text("北京破获跨国走私武器案\n本报讯（记者韩旭）昨天，公安部通报，中美执法部门联手破获一起特大跨国走私武器弹药案。\n"
                 "警方共缴获枪支90余支。", encoding="utf-8")
    (doc,) = docs_of(p)
    assert doc.meta["dateline"] == "本报讯（记者韩旭）"
    assert doc.body.startswith("昨天，公安部通报")
    assert doc.authors == [{"name": "韩旭", "role": "记者", "affiliation": None}]


def test_csv_and_tsv_sniffed_without_extension(tmp_path):
    from analysis.ingest.archives import Source
    from analysis.ingest.reader import read_source
    csv_bytes = (DATA / "reports.csv").read_bytes()
    assert detect_format("<stdin>", csv_bytes) == "csv"
    docs = [d for d in read_source(Source.from_bytes("<stdin>", csv_bytes), mapping=parse_mapping(
        ("title=headline,date=pub_date,source=media,url=link,id=report_id",))) if isinstance(d, Document)]
    assert len(docs) == 3 and docs[0].title == "冬奥筹办进入压线冲刺阶段"
    tsv = "title\tcontent\n标题一\t江州区志愿者2500多人。\n".encode()
    assert detect_format("<stdin>", tsv) == "tsv"
    (err,) = list(read_source(Source.from_bytes("<stdin>", (DATA / "no_text.csv").read_bytes())))
    assert isinstance(err, InputError) and "CSV without a text column" in err.reason
    # a text page with commas is still a text page
    assert detect_format("<stdin>", "3月,春潮涌动,草木萌新。\n在广西崇左江州区,从城市到乡村\n".encode()) == "text"


def test_folder_walk_counts_ignored_files(tmp_path, store_path, seed_text):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "seed.txt").write_text(seed_text, encoding="utf-8")
    (tmp_path / "in" / "photo.bin").write_bytes(b"\x00\x01")
    (tmp_path / "in" / "tool.py").write_text("print('x')\n", encoding="utf-8")
    (tmp_path / "in" / "README.md").write_text("# notes\n", encoding="utf-8")
    with Store(store_path) as st:
        report = ingest(st, [tmp_path / "in"])
    assert (report.added, report.failed) == (1, 0)
    assert sorted(Path(p).name for p in report.ignored) == ["README.md", "photo.bin", "tool.py"]
    assert "; 3 files ignored (.bin, .py, README.md)" in report.summary_line()


def test_mapping_error_is_input_error():
    from analysis.ingest.tabular import RecordMapper
    with pytest.raises(InputError, match="no text column"):
        RecordMapper({"body": "nope"}).to_document({"content": "x"}, "a.jsonl:1", "utf-8")


def test_truncated_tar_gz_on_stdin_keeps_members_before_the_cut(monkeypatch, related_records):
    import sys
    buf = io.BytesIO()
    rel = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in related_records[:30]).encode()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, data in (("seed.txt", SEED.read_bytes()), ("related.jsonl", rel)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    cut = buf.getvalue()[: len(buf.getvalue()) // 2]  # inside related.jsonl, within the first 64 KiB
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(cut)))
    items = list(read_path("-"))
    assert [d.source for d in items if isinstance(d, Document)] == ["光明日报客户端"]
    (err,) = [x for x in items if isinstance(x, InputError)]
    assert "truncated or corrupt archive" in err.reason
