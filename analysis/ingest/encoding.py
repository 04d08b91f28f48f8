"""Encoding detection: BOMs, strict UTF-8, then charset-normalizer.

GBK and GB2312 are read as GB18030 (a superset), so rare characters decode
too. Binary input (NUL bytes, undecodable) is refused with an
:class:`~analysis.errors.InputError`.
"""
from __future__ import annotations

import codecs
import logging
import threading

from ..errors import InputError

log = logging.getLogger(__name__)

_BOMS = [(codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]
# charset-normalizer names -> the codec we decode with
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "big5": "big5hkscs",
            "big5hkscs": "big5hkscs", "cp950": "big5hkscs", "ascii": "utf-8", "utf_8": "utf-8"}
SAMPLE = 1 << 16


def is_binary(sample: bytes) -> bool:
    """True for data that is not text: NUL bytes (outside UTF-16) or mostly control bytes."""
    if not sample:
        return False
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in sample[:8192]:
        return True
    ctrl = sum(1 for b in sample[:4096] if b < 9 or 13 < b < 32)
    return ctrl > len(sample[:4096]) * 0.05


def _utf8_ok(sample: bytes, complete: bool) -> bool:
    dec = codecs.getincrementaldecoder("utf-8")()
    try:
        dec.decode(sample, final=complete)
        return True
    except UnicodeDecodeError:
        return False


def utf8_bad_bytes(sample: bytes, complete: bool = True, stop: int | None = None) -> tuple[int, int]:
    """``(bad, non_ascii)``: bytes of ``sample`` outside valid UTF-8 sequences,
    and all bytes ≥ 0x80. Counting stops once ``bad`` exceeds ``stop``.

    Example:
        >>> utf8_bad_bytes("志愿服务".encode() + "队".encode("gbk"))
        (2, 14)
    """
    if not complete:  # a character cut at the end of a sample is not an error
        cut = len(sample)
        for k in range(1, min(4, len(sample)) + 1):
            b = sample[-k]
            if b < 0x80:
                break
            if b >= 0xC0:
                need = 2 if b < 0xE0 else 3 if b < 0xF0 else 4
                if need > k:
                    cut = len(sample) - k
                break
        sample = sample[:cut]
    non_ascii = len(sample) - len(sample.translate(None, bytes(range(0x80, 0x100))))
    bad = pos = 0
    while True:
        try:
            sample[pos:].decode("utf-8")
            break
        except UnicodeDecodeError as exc:
            bad += exc.end - exc.start
            pos += exc.end
            if stop is not None and bad > stop:
                break
    return bad, non_ascii


def _common_chars() -> frozenset[str]:
    """Common Han characters: GB2312 level 1 and Big5 level 1 (about 6,800)."""
    out = set()
    for lead in range(0xB0, 0xD8):
        out.update(bytes([lead, t]).decode("gb2312", errors="ignore") for t in range(0xA1, 0xFF))
    for lead in range(0xA4, 0xC7):
        out.update(bytes([lead, t]).decode("big5", errors="ignore")
                   for t in [*range(0x40, 0x7F), *range(0xA1, 0xFF)])
    out.discard("")
    return frozenset(out)


_COMMON: frozenset[str] | None = None


def garbage_reason(text: str) -> str | None:
    """Why decoded text looks like a wrong encoding (or binary data), or None.

    Rejected: more than 5% private-use, unassigned, replacement or control
    characters; Han text whose characters are mostly rare (common characters
    under 60% of at least 20 Han characters: GBK bytes of Shift-JIS or random
    data); Latin-script text whose letters are mostly accented (random bytes
    read as a Western code page); almost no letters at all.

    Example:
        >>> garbage_reason("江州区志愿服务队共建有158支,志愿者2500多人。") is None
        True
        >>> garbage_reason("\\ue000\\ue001\\ue002abc")
        'private-use, replacement or control characters'
    """
    global _COMMON
    import unicodedata
    sample = "".join(text[:20000].split())
    if not sample:
        return None
    bad = letters = han = rare = latin_hi = other_script = 0
    for c in sample:
        cat = unicodedata.category(c)
        if cat in ("Co", "Cn", "Cs", "Cc") or c == "\ufffd":
            bad += 1
        elif cat[0] == "L":
            letters += 1
            o = ord(c)
            if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2FFFF:
                han += 1
                if _COMMON is None:
                    _COMMON = _common_chars()
                if c not in _COMMON:
                    rare += 1
            elif 0xC0 <= o <= 0x24F:
                latin_hi += 1
            elif o >= 0x250:
                other_script += 1
    n = len(sample)
    if bad > 0.05 * n:
        return "private-use, replacement or control characters"
    if han >= 20 and han - rare < 0.6 * han:
        return "mostly rare characters"
    if han < 0.05 * letters and other_script < 0.05 * letters and latin_hi > 0.4 * letters:
        return "mostly accented letters"
    if letters < 0.1 * n and n >= 50:
        return "almost no letters"
    return None


_WESTERN = ("cp1252", "latin_1", "iso8859_15", "iso8859_1")


def _candidates(sample: bytes) -> list[str]:
    from charset_normalizer import from_bytes
    out: list[str] = []
    best = from_bytes(sample[:SAMPLE], cp_isolation=["gb18030", "big5", "utf_8", "big5hkscs", "cp950",
                                                     "gbk", "gb2312", "utf_16"]).best()
    if best is not None:
        out.append(best.encoding)
    best = from_bytes(sample[:SAMPLE]).best()
    if best is not None:
        # the same bytes read the same in a Western code page: say so (Latin-1 text, not cp1257)
        alts = {e.lower().replace("-", "_") for e in best.could_be_from_charset}
        out.append("cp1252" if alts & set(_WESTERN) else best.encoding)
    # damaged text (a cut or corrupted GBK/Big5 file): the codec with few bad characters
    chunk = sample[:SAMPLE]
    for enc in ("gb18030", "big5hkscs"):
        text = chunk.decode(enc, errors="replace")
        if text.count("\ufffd") < 0.02 * max(1, len(text)):
            out.append(enc)
    seen, uniq = set(), []
    for enc in out:
        enc = enc.lower().replace("-", "_")
        enc = _ALIASES.get(enc, enc)
        if enc not in seen:
            seen.add(enc)
            uniq.append(enc)
    return uniq


def detect_encoding(sample: bytes, name: str = "<input>", complete: bool = True) -> str:
    """The codec to decode ``sample`` (the whole data, or its start when
    ``complete`` is False) with: ``utf-8``, ``utf-8-sig``, ``utf-16``,
    ``gb18030``, ``big5hkscs``, or what charset-normalizer finds.

    UTF-8 with a few damaged bytes (at least 99% of the bytes above 0x7F in
    valid sequences) stays UTF-8: decode it with :func:`decode_counting`,
    which replaces and counts the bad bytes. Any other codec must give
    plausible text (:func:`garbage_reason`).

    Raises:
        InputError: binary data, or no codec gives plausible text.

    Example:
        >>> detect_encoding("志愿服务队".encode("gbk") * 20)
        'gb18030'
        >>> detect_encoding("志愿服务队".encode() * 200 + "队".encode("gbk"))
        'utf-8'
    """
    for bom, enc in _BOMS:
        if sample.startswith(bom):
            return enc
    if is_binary(sample):
        raise InputError(name, "binary file, not text")
    if _utf8_ok(sample, complete):
        return "utf-8"
    part = sample[:SAMPLE * 4]
    bad, non_ascii = utf8_bad_bytes(part, complete=complete and len(part) == len(sample),
                                    stop=len(part) // 100 + 1)
    if bad <= 0.01 * non_ascii and non_ascii - bad >= 12:
        log.debug("%s: UTF-8 with %d damaged bytes", name, bad)
        return "utf-8"
    for enc in _candidates(sample):
        reason = garbage_reason(sample[:SAMPLE].decode(enc, errors="replace"))
        if reason is None:
            return enc
        log.debug("%s: not %s (%s)", name, enc, reason)
    raise InputError(name, "cannot detect the text encoding (binary or damaged file?)")


# a codec error handler that replaces undecodable bytes with U+FFFD and counts them
_counter = threading.local()


def _count_replace(exc: UnicodeError):
    if isinstance(exc, UnicodeDecodeError):
        _counter.n = getattr(_counter, "n", 0) + (exc.end - exc.start)
        return "\ufffd", exc.end
    raise exc


codecs.register_error("analysis-count", _count_replace)
COUNTING = "analysis-count"


def bad_bytes_so_far() -> int:
    """Undecodable bytes replaced by the ``analysis-count`` handler in this thread."""
    return getattr(_counter, "n", 0)


def decode_counting(data: bytes, encoding: str) -> tuple[str, int]:
    """``data`` decoded with U+FFFD for undecodable bytes: ``(text, bad_bytes)``.

    Example:
        >>> decode_counting("志愿".encode() + b"\\xff" + "服务".encode(), "utf-8")
        ('志愿\\ufffd服务', 1)
    """
    try:
        return data.decode(encoding), 0
    except UnicodeDecodeError:
        before = bad_bytes_so_far()
        text = data.decode(encoding, errors=COUNTING)
        return text, bad_bytes_so_far() - before


def decode(data: bytes, name: str = "<input>") -> tuple[str, str, int]:
    """Decode a whole file: returns ``(text, encoding, bad_bytes)``.

    Undecodable bytes become U+FFFD (rather than failing the file) and are
    counted; the encoding recorded is the one detected.
    """
    enc = detect_encoding(data, name)
    text, bad = decode_counting(data, enc)
    return text, ("utf-8" if enc == "utf-8-sig" else enc), bad
