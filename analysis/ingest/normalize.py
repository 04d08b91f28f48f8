"""Text normalisation, done once at ingestion, and date parsing.

Every reader passes titles and bodies through :func:`normalize_text`, so the
same article read from two formats gets the same text (and the same
``doc_id``):

- Unicode NFC;
- full-width ASCII digits and letters to half-width (``１０万余只`` →
  ``10万余只``); full-width punctuation (，。：（）) is kept, it is normal
  Chinese typography;
- line endings unified to ``\\n`` (``\\r\\n``, ``\\r``, U+2028, U+2029);
- zero-width characters and the BOM removed; ideographic and no-break
  spaces become plain spaces; runs of spaces collapse to one; lines are
  stripped; empty lines are dropped (paragraphs are separated by one ``\\n``).
"""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta, timezone
from functools import lru_cache

# full-width digits and letters (U+FF10-19, FF21-3A, FF41-5A) -> ASCII
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B),
                                         *range(0xFF41, 0xFF5B)]}
_FULLWIDTH.update({cp: None for cp in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD)})
_FULLWIDTH.update({cp: 0x20 for cp in (0x3000, 0x00A0, 0x2002, 0x2003, 0x2009, 0x202F, 0x0009, 0x000B,
                                       0x000C)})
_FULLWIDTH.update({0x2028: 0x0A, 0x2029: 0x0A})
_SPACES = re.compile(r" {2,}")
_NEWLINES = re.compile(r"\r\n?")


def normalize_text(text: str) -> str:
    """Normalise a title or body (see the module docstring).

    Example:
        >>> normalize_text("公安机关销毁１０余万非法枪支　跨国\\r\\n\\r\\n 走私　")
        '公安机关销毁10余万非法枪支 跨国\\n走私'
    """
    if not text:
        return ""
    text = _NEWLINES.sub("\n", text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text).translate(_FULLWIDTH)
    else:
        text = text.replace("\t", " ").replace("\f", " ").replace("\v", " ")
    if "  " in text:
        text = _SPACES.sub(" ", text)
    return "\n".join(line for line in (ln.strip() for ln in text.split("\n")) if line)


def normalize_line(text: str) -> str:
    """Normalise a one-line field (title, source): as the body, lines joined by a space."""
    return normalize_text(text).replace("\n", " ")


# -- dates -------------------------------------------------------------------
@lru_cache(maxsize=8)
def _zone(name: str):
    try:
        from zoneinfo import ZoneInfo
        return ZoneInfo(name)
    except Exception:  # no tz database: China has had no DST since 1991
        return timezone(timedelta(hours=8))


_DATE_RE = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[T\s]*(?P<H>\d{1,2})\s*[:时]\s*(?P<M>\d{1,2})(?:\s*[:分]\s*(?P<S>\d{1,2}))?(?:\.\d+)?秒?"
    r"\s*(?P<tz>Z|[+-]\d\d:?\d\d)?)?")
_COMPACT_RE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)")


def parse_datetime(value, tz: str = "Asia/Shanghai") -> str | None:
    """Parse a date or date-time into ISO 8601, or None when there is none.

    Date-times without a zone are taken in ``tz`` (Asia/Shanghai); a date
    alone stays a date. Accepts ``2023-03-28 16:45:44``, ``2023/3/28``,
    ``2023年3月28日 16:45``, ``20220104``, ISO strings with a zone and
    Unix timestamps (seconds or milliseconds).

    Example:
        >>> parse_datetime("2023-03-28 16:45:44")
        '2023-03-28T16:45:44+08:00'
        >>> parse_datetime("2022年1月4日")
        '2022-01-04'
    """
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        secs = value / 1000 if value > 1e11 else value
        try:
            return datetime.fromtimestamp(secs, _zone(tz)).isoformat(timespec="seconds")
        except (OverflowError, OSError, ValueError):
            return None
    text = normalize_line(str(value))
    if not text:
        return None
    if text.isdigit() and len(text) in (10, 13):
        return parse_datetime(int(text), tz)
    m = _DATE_RE.search(text)
    if m:
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
        try:
            if m["H"] is None:
                return datetime(y, mo, d).date().isoformat()
            dt = datetime(y, mo, d, int(m["H"]), int(m["M"]), int(m["S"] or 0))
        except ValueError:
            return None
        if m["tz"]:
            off = m["tz"]
            if off == "Z":
                return dt.replace(tzinfo=timezone.utc).isoformat(timespec="seconds")
            sign = 1 if off[0] == "+" else -1
            hh, mm = int(off[1:3]), int(off[-2:])
            return dt.replace(tzinfo=timezone(sign * timedelta(hours=hh, minutes=mm))).isoformat(
                timespec="seconds")
        return dt.replace(tzinfo=_zone(tz)).isoformat(timespec="seconds")
    m = _COMPACT_RE.search(text)
    if m:
        try:
            return datetime(int(m["y"]), int(m["m"]), int(m["d"])).date().isoformat()
        except ValueError:
            return None
    return None


_HANT = re.compile("[這個們來說為時國會對發學過還與後經問關區點見現於應產動據開體間長頭當從無]")
_HANS = re.compile("[这个们来说为时国会对发学过还与后经问关区点见现于应产动据开体间长头当从无]")


def detect_lang(text: str) -> str:
    """The language of a text by its script, from its first 3,000 characters.

    - ``ja`` when kana are at least a fifth of the Han and kana characters;
    - ``other`` when Han characters are under a fifth of the letters
      (Latin, Cyrillic, Hangul... text);
    - ``zh-Hant`` when Traditional-only characters outnumber their
      Simplified forms, else ``zh``.

    Example:
        >>> detect_lang("這個社區的志願者們來自各行各業"), detect_lang("这个社区的志愿者们")
        ('zh-Hant', 'zh')
        >>> detect_lang("東京都は新しい図書館を開くと発表した"), detect_lang("The city council met.")
        ('ja', 'other')
    """
    sample = text[:3000]
    han = kana = letters = 0
    for c in sample:
        o = ord(c)
        if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FFFF:
            han += 1
        elif 0x3041 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF or 0xFF66 <= o <= 0xFF9D:
            kana += 1
        elif c.isalpha():
            letters += 1
    if kana >= 3 and kana >= 0.2 * (han + kana):
        return "ja"
    if han < 0.2 * (han + kana + letters) or han == 0:
        return "other"
    hant = len(_HANT.findall(sample))
    return "zh-Hant" if hant >= 2 and hant > len(_HANS.findall(sample)) else "zh"
