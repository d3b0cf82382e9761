"""Digest bytes -> text: which encoding, what to refuse, and which bytes had to be replaced.

Encodings, in the order they are tried:

1. A byte-order mark settles it: UTF-8, UTF-16 or UTF-32.
2. No mark but zero bytes: UTF-16 or UTF-32 when the zeros fall where a mostly Latin text in
   that encoding puts them (every other byte, or three bytes in four); otherwise binary data.
3. UTF-8, when the text holds more well-formed multi-byte UTF-8 characters than broken bytes.
4. Windows-1252 (which Latin-1 is part of), when the result looks like text.
5. UTF-8 again with its broken bytes replaced, when Windows-1252 does not decode either.

Telling UTF-8 with a few broken bytes from Windows-1252: in Windows-1252 text an accented
letter is followed by plain letters, which UTF-8 never allows, so nearly every non-ASCII byte
is an error and well-formed UTF-8 sequences are rare accidents (``Ã©`` written on purpose).
A UTF-8 digest is the other way round: every metadata block alone holds two well-formed
characters (``•`` and ``·``).  So more well-formed characters than broken bytes means UTF-8
whose broken bytes are replaced; otherwise the whole file is Windows-1252.  Decoding one file
half one way and half the other would only hide which half is wrong.

A broken byte (or UTF-16/32 code unit) becomes U+FFFD and is reported with its line, never
guessed at.  More than one character in ten, or more than a thousand, is not "a few": the
file is refused as not valid text of that encoding (or, without a mark, as binary data).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass


class DigestError(ValueError):
    """The input is not a usable digest; str(err) is the reason, e.g. 'empty file'."""


MAX_DIGEST_BYTES: int = 20 * 1024 * 1024

_MAX_REPLACED = 1000
_MAX_REPLACED_FRACTION = 0.1  # binary data read as text runs far above; damage far below
_MAX_LINES_NAMED = 5  # replacement warnings name this many lines, then sum up the rest

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "looks like a PDF"),
    (b"\x89PNG\r\n\x1a\n", "looks like a PNG image"),
    (b"\xff\xd8\xff", "looks like a JPEG image"),
    (b"GIF87a", "looks like a GIF image"),
    (b"GIF89a", "looks like a GIF image"),
    (b"PK\x03\x04", "looks like a ZIP archive"),
    (b"PK\x05\x06", "looks like a ZIP archive"),
    (b"\x1f\x8b", "looks like gzip-compressed data"),
    (b"\xfd7zXZ\x00", "looks like xz-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "looks like a 7-Zip archive"),
    (b"Rar!\x1a\x07", "looks like a RAR archive"),
    (b"SQLite format 3\x00", "looks like an SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "looks like an old Microsoft Office file (.doc/.xls)"),
    (b"\x7fELF", "looks like a program"),
)
# Office and e-book formats are ZIP archives; their member names are stored uncompressed.
_ZIP_KINDS: tuple[tuple[bytes, str], ...] = (
    (b"xl/workbook.xml", "looks like an Excel workbook (.xlsx)"),
    (b"word/document.xml", "looks like a Word document (.docx)"),
    (b"ppt/presentation.xml", "looks like a PowerPoint file (.pptx)"),
    (b"application/epub+zip", "looks like an EPUB e-book"),
    (b"application/vnd.oasis.opendocument", "looks like an OpenDocument file"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_NAMES = {
    "utf-8": "UTF-8",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
    "utf-32-le": "UTF-32",
    "utf-32-be": "UTF-32",
}
_C0_CONTROLS_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ESCAPED_RE = re.compile("[\udc80-\udcff]")  # bytes that Python's surrogateescape kept aside
_CP1252_MAX_HIGH_RATIO = 0.3  # accented Western text stays far below; binary sits near 0.5
_CP1252_WARNING = "the file is not UTF-8: decoded it as Windows-1252 (Latin-1)"
_NUL_REASON = "binary data (contains NUL bytes)"


@dataclass(frozen=True, slots=True)
class Decoded:
    """A digest's text, and what decoding it had to say (replaced bytes, a guessed encoding)."""

    text: str
    warnings: tuple[str, ...]


def decode(data: bytes) -> str:
    """bytes -> text, refusing binary files and encodings that would import as mojibake.

    See the module docstring for how the encoding is told; bytes that are not valid in it
    become U+FFFD (:func:`decode_with_warnings` says where).
    """
    return decode_with_warnings(data).text


def decode_with_warnings(
    data: bytes, *, limit: int = MAX_DIGEST_BYTES, what: str = "a digest"
) -> Decoded:
    """decode(), with a warning for a guessed Windows-1252 and one per line of replaced bytes.

    Other text formats (feeds, reference files) decode the same way with their own ``limit``.
    """
    _refuse_binary(data, limit, what)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _checked(data[len(bom) :], codec, guessed=False)
    if b"\x00" in data:
        wide = _wide_codec(data)
        if wide is None:
            raise DigestError(_NUL_REASON)
        return _checked(data, wide, guessed=True)
    try:
        return Decoded(_not_empty(data.decode("utf-8")), ())
    except UnicodeDecodeError:
        pass
    return _utf8_or_cp1252(data)


def _refuse_binary(data: bytes, limit: int, what: str) -> None:
    if not data:
        raise DigestError("empty file")
    if len(data) > limit:
        raise DigestError(f"file too large ({len(data):,} bytes; {what} is at most {limit:,})")
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            if magic.startswith(b"PK"):
                what = next((kind for sig, kind in _ZIP_KINDS if sig in data), what)
            raise DigestError(f"binary data ({what})")


def _wide_codec(data: bytes) -> str | None:
    """The UTF-16/32 byte order of text without a byte-order mark, told by its zero bytes.

    Text that is mostly Latin letters, as digests are, has a zero high byte in nearly every
    UTF-16 code unit and two or three zero bytes in every UTF-32 one.
    """
    size = len(data)
    if size % 4 == 0:
        for codec, zero, small in (("utf-32-le", 3, 2), ("utf-32-be", 0, 1)):
            # The top byte of a code point up to U+10FFFF is 0, the next at most 0x10.
            if not data[zero::4].strip(b"\x00") and max(data[small::4]) <= 0x10:
                return codec
    # Only a hint: the decoded text must still pass as text (no control characters).
    units = size // 2
    low, high = data[0::2].count(0), data[1::2].count(0)
    if high >= 0.3 * units and high > 2 * low:
        return "utf-16-le"
    if low >= 0.3 * units and low > 2 * high:
        return "utf-16-be"
    return None


def _checked(data: bytes, codec: str, *, guessed: bool) -> Decoded:
    """Decode in a known (BOM) or guessed (zero bytes) encoding, replacing a few bad units."""
    name = _NAMES[codec]
    text, marks = _decode_replacing(data, codec)
    if _too_many(len(marks), len(text)):
        if guessed:
            raise DigestError(_NUL_REASON)
        raise DigestError(f"not valid {name} text despite its byte-order mark")
    if "\x00" in text or (guessed and _C0_CONTROLS_RE.search(text)):
        raise DigestError(_NUL_REASON)
    return Decoded(_not_empty(text), _replacement_warnings(text, marks, name))


def _decode_replacing(data: bytes, codec: str) -> tuple[str, list[int]]:
    """Decode, each undecodable sequence replaced with U+FFFD; also where those are in the text.

    Stops after _MAX_REPLACED replacements: the caller refuses the file then anyway.
    """
    view = memoryview(data)
    parts: list[str] = []
    marks: list[int] = []
    length = start = 0
    while True:
        try:
            parts.append(str(view[start:], codec))
            break
        except UnicodeDecodeError as err:
            good = str(view[start : start + err.start], codec)
            parts += [good, "\ufffd"]
            length += len(good)
            marks.append(length)
            length += 1
            start += err.end
            if len(marks) > _MAX_REPLACED:
                parts.append(str(view[start:], codec, "replace"))
                break
    return "".join(parts), marks


def _utf8_or_cp1252(data: bytes) -> Decoded:
    """Text that is not valid UTF-8: UTF-8 with a few broken bytes, or Windows-1252."""
    text = data.decode("utf-8", "surrogateescape")
    marks = [m.start() for m in itertools.islice(_ESCAPED_RE.finditer(text), _MAX_REPLACED + 1)]
    well_formed = len(text) - len(text.encode("ascii", "ignore")) - len(marks)
    few = not _too_many(len(marks), len(text))
    if few and well_formed > len(marks):
        return _replaced_utf8(text, marks)
    try:
        return Decoded(_cp1252(data), (_CP1252_WARNING,))
    except DigestError:
        if few:
            return _replaced_utf8(text, marks)
        raise


def _replaced_utf8(text: str, marks: list[int]) -> Decoded:
    text = _ESCAPED_RE.sub("\ufffd", text)
    return Decoded(_not_empty(text), _replacement_warnings(text, marks, "UTF-8"))


def _cp1252(data: bytes) -> str:
    """Windows-1252 decodes almost anything: accept it only when the result looks like text."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise DigestError("unknown text encoding (not UTF-8, UTF-16 or Windows-1252)") from None
    if _C0_CONTROLS_RE.search(text):
        raise DigestError("binary data (control characters; not UTF-8 or Windows-1252 text)")
    high = len(data) - len(data.translate(None, bytes(range(0x80, 0x100))))
    if high > _CP1252_MAX_HIGH_RATIO * len(data):
        raise DigestError("unknown text encoding (not UTF-8, UTF-16 or Windows-1252)")
    return _not_empty(text)


def _too_many(replaced: int, length: int) -> bool:
    return replaced > _MAX_REPLACED or replaced > _MAX_REPLACED_FRACTION * length


def _not_empty(text: str) -> str:
    if not text.strip().replace("\ufeff", ""):
        raise DigestError("empty file")
    return text


def _line_numbers(text: str, offsets: list[int]) -> list[int]:
    """1-based line of each offset (in order), counting CRLF, CR and LF as the parser does."""
    lines: list[int] = []
    line, last = 1, 0
    for offset in offsets:
        part = text[last:offset]
        # No CRLF straddles two parts: each part after the first starts with a U+FFFD.
        line += part.count("\n") + part.count("\r") - part.count("\r\n")
        lines.append(line)
        last = offset
    return lines


def _replacement_warnings(text: str, marks: list[int], name: str) -> tuple[str, ...]:
    if not marks:
        return ()
    per_line: dict[int, int] = {}
    for line in _line_numbers(text, marks):
        per_line[line] = per_line.get(line, 0) + 1
    unit = "byte" if name == "UTF-8" else "character"  # UTF-16/32 fail by whole code units
    warnings = []
    for line, count in itertools.islice(per_line.items(), _MAX_LINES_NAMED):
        what = f"{count:,} invalid {name} {unit}{'s' if count > 1 else ''}"
        warnings.append(f"line {line}: {what} replaced with '\ufffd'")
    rest = list(per_line.values())[_MAX_LINES_NAMED:]
    if rest:
        warnings.append(
            f"... and {sum(rest):,} more invalid {name} {unit}s on {len(rest):,} more lines, "
            "replaced with '\ufffd' too"
        )
    return tuple(warnings)


__all__ = ["MAX_DIGEST_BYTES", "Decoded", "DigestError", "decode", "decode_with_warnings"]
