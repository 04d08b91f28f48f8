"""HTML pages: main text by trafilatura, metadata with a ``<title>``/``<meta>`` fallback.

Scripts, styles and navigation never reach the text. The extracted text
goes through the same cleaning as plain-text pages (picture markers and
clutter dropped, byline parsed, aggregator title prefix removed).
"""
from __future__ import annotations

import logging
import re
from typing import Any

from ..document import Document
from .byline import find_byline, parse_byline
from .normalize import normalize_line, normalize_text, parse_datetime
from .skipped import Skipped
from .text import clean_body, split_title_prefix

log = logging.getLogger(__name__)

_META_KEYS = {
    "title": ("og:title", "twitter:title", "title", "headline"),
    "date": ("article:published_time", "pubdate", "publishdate", "publish_date", "date", "dc.date",
             "og:release_date", "ptime"),
    "source": ("og:site_name", "source", "site_name", "application-name", "publisher"),
    "author": ("author", "article:author", "dc.creator"),
    "description": ("description", "og:description"),
    "keywords": ("keywords", "news_keywords"),
    "url": ("og:url",),
}


def _meta_tags(tree) -> dict[str, str]:
    found: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        val = (el.get("content") or "").strip()
        if key and val and key not in found:
            found[key] = val
    return found


def _fallback_text(tree) -> str:
    from lxml import etree
    for bad in tree.xpath("//script|//style|//noscript|//nav|//header|//footer|//aside|//form"):
        bad.getparent().remove(bad)
    paras = [" ".join(p.itertext()).strip() for p in tree.xpath("//p|//h2|//h3")]
    paras = [p for p in paras if p]
    if not paras:
        body = tree.find(".//body")
        text = etree.tostring(body, method="text", encoding="unicode") if body is not None else ""
        paras = [text]
    return "\n".join(paras)


def _mostly_links(body: str, tree) -> bool:
    """True when at least 80% of the text is link text (menus, link lists)
    or separators: a navigation page, not an article."""
    if tree is None or not body:
        return False
    links = {normalize_line(" ".join(a.itertext())) for a in tree.iter("a")}
    links.discard("")
    total = linked = 0
    for line in body.split("\n"):
        total += len(line)
        if line in links or len(line.strip("|·•/-—>» ")) == 0:
            linked += len(line)
    return linked >= 0.8 * total


def parse_html(text: str, origin: str | None = None, encoding: str | None = None,
               tz: str = "Asia/Shanghai") -> Document | Skipped:
    """One HTML page into a :class:`Document`; :class:`Skipped` when the page
    has no article text (only a title, navigation, link lists, scripts)."""
    import lxml.html
    try:
        tree = lxml.html.fromstring(text)
    except Exception:  # lxml raises several types on garbage
        tree = None
    metas = _meta_tags(tree) if tree is not None else {}
    pick = lambda field: next((metas[k] for k in _META_KEYS[field] if k in metas), None)  # noqa: E731
    extracted: dict[str, Any] = {}
    try:
        import trafilatura
        res = trafilatura.bare_extraction(text, include_comments=False, include_tables=True,
                                          favor_precision=False, with_metadata=True)
        if res is not None:
            extracted = res if isinstance(res, dict) else res.as_dict()
    except Exception as exc:  # trafilatura can fail on odd pages: fall back
        log.debug("trafilatura failed on %s: %s", origin, exc)
    body_text = extracted.get("text") or ""
    if not body_text.strip() and tree is not None:
        body_text = _fallback_text(tree)
    lines, info = clean_body(normalize_text(body_text).split("\n"))
    body = "\n".join(lines)
    if _mostly_links(body, tree):
        return Skipped(origin or "<html>", "no article text in the page (navigation and links only)")
    title_el = tree.findtext(".//title") if tree is not None else None
    title = normalize_line(pick("title") or extracted.get("title") or title_el or "")
    title, prefix = split_title_prefix(title)
    if title and body.startswith(title + "\n"):  # the <h1> repeats the title
        body = body[len(title) + 1:]
    if not body:
        return Skipped(origin or "<html>", "no article text in the page" + (" (title only)" if title else ""))
    meta: dict[str, Any] = dict(info)
    if prefix:
        meta["title_prefix"] = prefix
    if pick("description"):
        meta["description"] = normalize_line(pick("description"))
    kw = pick("keywords")
    if kw:
        meta["tags"] = [t for t in re.split(r"[,，;；、\s]+", normalize_line(kw)) if t]
    when = pick("date") or extracted.get("date")
    byline = find_byline(body)
    author = pick("author") or extracted.get("author")
    authors = parse_byline(byline) if byline else []
    if not authors and author:
        authors = [{"name": normalize_line(a), "role": None, "affiliation": None}
                   for a in re.split(r"[;；,，、]\s*", author) if a.strip()]
    return Document(title=title, body=body,
                    source=normalize_line(pick("source") or extracted.get("sitename") or "") or None,
                    published_at=parse_datetime(when, tz) if when else None,
                    authors=authors, byline=byline or (normalize_line(author) if author else None),
                    url=pick("url") or extracted.get("url"), origin=origin, encoding=encoding, meta=meta)
