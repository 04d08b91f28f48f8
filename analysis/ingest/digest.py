"""Daily digest Markdown (CCTV 新闻联播 transcripts, one file per day)::

    # 《新闻联播》（20220104）
    ## 新闻摘要            <- the day's summary list: not a document
    ## 详细新闻
    ### 【冬奥之约】冬奥筹办进入压线冲刺阶段
    <!--repaste.body.begin-->
    **央视网消息**（新闻联播）：再过一个月……
    <!--repaste.body.end-->
    [查看原文](https://tv.cctv.com/…)

One document per ``###`` report, dated from the file name (``20220104.md``)
or the ``# `` heading, the URL taken from ``[查看原文](url)``, the 【栏目】
tag of the title moved to ``meta["category"]``. Markdown emphasis and HTML
comments are removed, so a report gets the same text (and ``doc_id``) as in
the JSON Lines export of the same digests.
"""
from __future__ import annotations

import re
from typing import Iterator

from ..document import Document
from ..errors import InputError
from .byline import find_byline, parse_byline
from .normalize import normalize_line, normalize_text, parse_datetime
from .skipped import Skipped
from .tabular import split_category
from .text import clean_body

_H1 = re.compile(r"^#\s+(.*)$", re.M)
_DETAIL = re.compile(r"^##\s*详细新闻\s*$", re.M)
_H2 = re.compile(r"^##\s+(?!#)", re.M)
_H3 = re.compile(r"^###\s+(.+)$", re.M)
_LINK = re.compile(r"\[查看原文\]\((\S+?)\)")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_EMPH = re.compile(r"\*\*|__")
_DATE_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{6})(?!\d)")
_PROGRAMME = re.compile(r"《(.+?)》")
_FOOTER = re.compile(r"^\s*(?:---+|\*\*\*+|___+)\s*$", re.M)  # the day's footer (更新时间…)


def is_digest(text: str) -> bool:
    return bool(_DETAIL.search(text[:200000])) or (text.lstrip().startswith("# ") and "### " in text)


def read_digest(text: str, name: str, encoding: str | None = None,
                tz: str = "Asia/Shanghai") -> Iterator[Document | InputError | Skipped]:
    """The reports of one digest file."""
    m = _DATE_IN_NAME.search(name.rsplit("/", 1)[-1].rsplit("!", 1)[-1])
    h1 = _H1.search(text)
    if not m and h1:
        m = _DATE_IN_NAME.search(h1.group(1))
    date = parse_datetime(m.group(1), tz) if m else None
    source = None
    if h1:
        prog = _PROGRAMME.search(h1.group(1))
        if prog:
            source = f"央视网《{prog.group(1)}》" if "tv.cctv.com" in text[:100000] else f"《{prog.group(1)}》"
    start = 0
    detail = _DETAIL.search(text)
    if detail:
        start = detail.end()
    section = text[start:]
    nxt = _H2.search(section)
    if nxt:
        section = section[: nxt.start()]
    heads = list(_H3.finditer(section))
    if not heads:
        raise InputError(name, "no '### title' report in the digest")
    line0 = text.count("\n", 0, start) + 1
    for i, h in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(section)
        chunk = section[h.end():end]
        lineno = line0 + section.count("\n", 0, h.start())
        link = _LINK.search(chunk)
        url = link.group(1) if link else None
        foot = _FOOTER.search(chunk)
        if foot:
            chunk = chunk[: foot.start()]
        chunk = _LINK.sub("", _COMMENT.sub("", chunk))
        chunk = _EMPH.sub("", chunk)
        lines, info = clean_body(normalize_text(chunk).split("\n"))
        body = "\n".join(lines)
        title, category = split_category(normalize_line(_EMPH.sub("", h.group(1))))
        if not body:
            yield Skipped(f"{name}:{lineno}", "report without text")
            continue
        meta = dict(info)
        if category:
            meta["category"] = category
        byline = find_byline(body)
        yield Document(title=title, body=body, source=source, published_at=date, url=url,
                       authors=parse_byline(byline) if byline else [], byline=byline,
                       origin=f"{name}:{lineno}", encoding=encoding, meta=meta)
