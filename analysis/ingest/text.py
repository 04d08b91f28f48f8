"""Plain-text pages, as saved from news aggregators (the seed article's shape)::

    天天速读:广西崇左江州区:党建引领 “江小爱”服务暖民心      <- title, aggregator prefix
    来源:光明日报客户端时间:2023-03-28 16:45:44              <- source and time
    3月,春潮涌动,草木萌新。 …                              <- body, headings kept
    【资料图】                                               <- picture marker, dropped
    … (通讯员苏晓霞光明日报全媒体记者周仕兴)                  <- byline, kept and parsed
    关键词: / 相关阅读 / 推荐阅读 / teasers / 资讯播报         <- clutter, dropped

:func:`clean_body` (picture markers, clutter after the article) is shared
with the HTML reader.
"""
from __future__ import annotations

import re
from typing import Any

from ..document import Document
from .byline import find_byline, parse_byline
from .normalize import normalize_line, normalize_text, parse_datetime

#: aggregator title prefixes (kept in ``meta["title_prefix"]``)
PREFIXES = ["天天速读", "环球通讯", "世界速递", "今日热议", "全球快讯", "每日速看", "焦点热文", "天天热点",
            "当前热议", "环球快看", "全球热文", "当前动态", "环球即时", "世界热推荐", "天天快看点",
            "今日关注", "热点追踪", "全球微动态", "环球热推荐", "世界快看", "每日热闻", "当前快讯",
            "天天短讯", "环球动态", "全球观速讯", "今日播报", "焦点速看", "热门看点", "最新资讯"]
_PREFIX_WORD = (r"(?:天天|每日|今日|全球|环球|世界|当前|焦点|热门|最新|即时|实时|热点|精彩|头条)"
                r"(?:速读|热议|通讯|速递|快讯|热点|关注|看点|快看点|资讯|快看|热文|观察|动态|微动态|聚焦|播报|"
                r"头条|短讯|报道|精选|要闻|热推荐|速看|即时|热闻|观速讯|新闻|追踪|快报|热搜)")
_PREFIX_RE = re.compile(r"^(" + "|".join(map(re.escape, sorted(PREFIXES, key=len, reverse=True)))
                        + "|" + _PREFIX_WORD + r")\s*[:：!！|丨]\s*(?=\S)")
_SOURCE_TIME = re.compile(r"^来源[:：]\s*(?P<src>.*?)\s*(?:发布)?(?:时间|日期)[:：]\s*(?P<time>.+)$")
_TIME_SOURCE = re.compile(r"^(?:发布)?(?:时间|日期)[:：]\s*(?P<time>.+?)\s*来源[:：]\s*(?P<src>.+)$")
_FIELD = re.compile(r"^(?P<key>来源|时间|发布时间|日期|作者|编辑|责任编辑|记者)[:：]\s*(?P<val>.+)$")
_DATE_ONLY_LINE = re.compile(r"^\d{4}[-/年]\d{1,2}[-/月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_PICTURE = re.compile(r"[【\[〔]\s*(?:资料图|资料图片|图片|图|组图|配图|视频|摄图网|图源网络|来源网络)\s*[】\]〕]")
# clutter that starts after the article
_END = re.compile(r"^(?:关键[词字]\s*[:：]?|相关阅读|推荐阅读|相关新闻|相关推荐|延伸阅读|猜你喜欢|热门推荐|"
                  r"热点推荐|更多精彩|资讯播报|免责声明|声明[:：]|\+?\s*点击查看更多|点击查看更多|"
                  r"责任编辑[:：]|原标题[:：].{0,3}$|分享到[:：]?|版权声明)")
_TEASER_MORE = re.compile(r"更多$")
# Traditional forms of the characters the markers use, one to one (so match
# positions in the translated line are positions in the original line)
_T2S = str.maketrans("來時間關鍵詞閱讀薦資訊報點擊編輯責發圖環熱議遞當態聲權類網頁與專題聞樂說為這個們選動記員輯觀頭條實覽",
                     "来时间关键词阅读荐资讯报点击编辑责发图环热议递当态声权类网页与专题闻乐说为这个们选动记员辑观头条实览")


def _s(line: str) -> str:
    """The line with marker characters in Simplified form (same length)."""
    return line.translate(_T2S)


def split_title_prefix(title: str) -> tuple[str, str | None]:
    """Remove an aggregator prefix: ``('广西崇左江州区:党建引领…', '天天速读')``.

    Example:
        >>> split_title_prefix("环球通讯!周生生黄金价格今天多少一克")
        ('周生生黄金价格今天多少一克', '环球通讯')
        >>> split_title_prefix("广西崇左江州区:党建引领")
        ('广西崇左江州区:党建引领', None)
    """
    m = _PREFIX_RE.match(_s(title))
    if not m:
        return title, None
    return title[m.end():].strip(), title[m.start(1):m.end(1)]


def _is_teaser_start(lines: list[str], i: int) -> bool:
    """A teaser block: a headline, its truncated copy, a snippet ending in 更多."""
    if i + 2 >= len(lines):
        return False
    a, b = lines[i], lines[i + 1]
    return (b != a and a.startswith(b[: max(4, len(b) - 1)]) and len(b) >= 4) and any(
        _TEASER_MORE.search(x) for x in lines[i + 1:i + 4])


def clean_body(lines: list[str]) -> tuple[list[str], dict[str, Any]]:
    """Drop picture markers and everything from the first clutter line on.

    Returns the kept lines and what was dropped (``{"dropped_lines": n,
    "clutter": "关键词"}``) for the document's metadata.
    """
    kept: list[str] = []
    info: dict[str, Any] = {}
    for i, line in enumerate(lines):
        if _END.match(_s(line)) or _is_teaser_start(lines, i):
            info = {"clutter": line[:20], "dropped_lines": len(lines) - i}
            break
        if _PICTURE.search(_s(line)):
            simple = _s(line)
            spans = [m.span() for m in _PICTURE.finditer(simple)]
            for a, b in reversed(spans):
                line = line[:a] + line[b:]
            line = line.strip()
            if not line:
                continue
        kept.append(line)
    return kept, info


# a dateline opening the body: 央视网消息（新闻联播）： / 新华社北京3月5日电 / 本报讯（记者韩旭）
_DATELINE = re.compile(
    r"^(?P<agency>(?:据)?[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9·]{0,10}?(?:社|网|报|台|新闻|客户端))"
    r"(?P<date>[\u4e00-\u9fff]{0,6}?\d{1,2}月\d{1,2}日[\u4e00-\u9fff]{0,4}?)?(?:电|讯|消息)"
    r"(?P<paren>\s*[（(][^（()）\n]{1,40}[)）])?"
    r"(?P<sep>\s*[：:]|(?=\s))?")


def split_dateline(body: str) -> tuple[str, str | None]:
    """Move a leading dateline out of the body: ``(rest of the body, dateline)``.

    Recognised: ``XX消息（YY）：``, ``新华社北京3月5日电``, ``中新网6月8日电``,
    ``本报讯（记者韩旭）``, ``新京报讯``: an agency (a name ending in 社, 网,
    报, 台, 新闻 or 客户端), an optional place and date, then 电, 讯 or 消息,
    followed by a parenthesis, a colon or a space (or a date). The rest of
    the body is unchanged; a body that is only a dateline is kept whole.

    Example:
        >>> split_dateline("央视网消息（新闻联播）：再过一个月，北京冬奥会就要开幕了。")
        ('再过一个月，北京冬奥会就要开幕了。', '央视网消息（新闻联播）：')
        >>> split_dateline("新华社北京3月5日电 国务院总理作政府工作报告。")
        ('国务院总理作政府工作报告。', '新华社北京3月5日电')
        >>> split_dateline("习近平致电祝贺。")
        ('习近平致电祝贺。', None)
    """
    m = _DATELINE.match(body)
    if m is None:
        return body, None
    if not (m.group("date") or m.group("paren") or m.group("sep") is not None
            or m.group("agency").endswith("本报")):
        return body, None
    rest = body[m.end():].lstrip()
    if not rest:
        return body, None
    return rest, body[:m.end()].strip()


def _looks_like_title(line: str) -> bool:
    return len(line) <= 80 and not line.endswith(("。", "”", "!", "?", "；", ";"))


def parse_text(text: str, origin: str | None = None, encoding: str | None = None,
               tz: str = "Asia/Shanghai") -> Document | None:
    """Parse one plain-text page into a :class:`Document` (None if it has no text).

    The first line is the title when it looks like one (short, no final
    full stop); a ``来源:…时间:…`` line (or ``来源:`` / ``时间:`` lines)
    within the first lines gives source and time.
    """
    lines = normalize_text(text).split("\n")
    lines = [ln for ln in lines if ln]
    if not lines:
        return None
    meta: dict[str, Any] = {}
    title = ""
    if not _FIELD.match(_s(lines[0])) and (len(lines) > 1 and _looks_like_title(lines[0])):
        title = lines.pop(0)
    title, prefix = split_title_prefix(title)
    if prefix:
        meta["title_prefix"] = prefix
    source = when = None
    head = 0
    for j, line in enumerate(lines[:6]):
        simple = _s(line)
        m = _SOURCE_TIME.match(simple) or _TIME_SOURCE.match(simple)
        if m:
            source = line[m.start("src"):m.end("src")].strip() or None
            when = line[m.start("time"):m.end("time")].strip()
            head = j + 1
            continue
        f = _FIELD.match(simple)
        if f and len(line) < 80:
            key, val = f["key"], line[f.start("val"):f.end("val")].strip()
            if key == "来源":
                source = val
            elif key in ("时间", "发布时间", "日期"):
                when = val
            else:
                meta.setdefault("head_" + key, val)
            head = j + 1
            continue
        if _DATE_ONLY_LINE.match(line) and when is None:
            when, head = line, j + 1
            continue
        if j >= head + 1 and head:
            break
    body_lines, info = clean_body(lines[head:])
    meta.update(info)
    body = "\n".join(body_lines)
    if not body and not title:
        return None
    byline = find_byline(body)
    return Document(title=normalize_line(title), body=body, source=source,
                    published_at=parse_datetime(when, tz) if when else None,
                    authors=parse_byline(byline) if byline else [], byline=byline, origin=origin,
                    encoding=encoding, meta=meta)
