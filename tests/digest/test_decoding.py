"""Decoding digest files: every Unicode form with or without a mark, a few broken bytes
replaced where they are, Windows-1252 told from damaged UTF-8, binary data refused."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readinglist.digest import DigestError, decode, decode_with_warnings, parse_bytes
from tests.conftest import REAL_DIGESTS

REF = dt.date(2025, 12, 20)
ABSTRACT = (
    "We study adapters in depth and compare them with strong baselines on several public "
    "benchmarks. Our method is simple, needs no extra data and improves accuracy while "
    "reducing cost; we analyse why it works and where it fails, and release everything."
)
BLOCK = "  • 4 authors\n·\nSep 26 2"
DIGEST = (
    f"Mar 11\n\nTÜLU 3: Open Post-Training\n\n{ABSTRACT}\n\n{BLOCK}\n\nCafé Models\n\n{ABSTRACT}\n"
)
REPLACED = "\ufffd"

# --- UTF-16 and UTF-32 without a byte-order mark -----------------------------------------------

WIDE = [
    pytest.param(DIGEST.encode("utf-16-le"), id="utf-16-le"),
    pytest.param(DIGEST.encode("utf-16-be"), id="utf-16-be"),
    pytest.param(DIGEST.encode("utf-32-le"), id="utf-32-le"),
    pytest.param(DIGEST.encode("utf-32-be"), id="utf-32-be"),
    pytest.param(DIGEST.replace("\n", "\r\n").encode("utf-16-le"), id="utf-16-le-crlf"),
    pytest.param(("日本語のタイトル 🧪\n\n" + DIGEST).encode("utf-16-le"), id="utf-16-cjk-emoji"),
]


@pytest.mark.parametrize("data", WIDE)
def test_utf16_and_utf32_without_a_mark_are_recognised(data: bytes) -> None:
    decoded = decode_with_warnings(data)
    assert decoded.text.replace("\r\n", "\n").endswith(DIGEST)
    assert decoded.warnings == ()
    titles = [e.title for e in parse_bytes(data, reference=REF).entries]
    assert titles[-2:] == ["TÜLU 3: Open Post-Training", "Café Models"]


def test_utf16_cut_mid_character_keeps_the_rest() -> None:
    decoded = decode_with_warnings(DIGEST.encode("utf-16-le")[:-1])
    assert decoded.text == DIGEST[:-1] + REPLACED
    assert decoded.warnings == (f"line 13: 1 invalid UTF-16 character replaced with '{REPLACED}'",)


# --- a few broken bytes --------------------------------------------------------------------

# (bytes) -> (text, warnings)
BROKEN = [
    pytest.param(
        "café • ".encode() + b"\xff ok",
        "café • \ufffd ok",
        ["line 1: 1 invalid UTF-8 byte replaced with '\ufffd'"],
        id="one-byte",
    ),
    pytest.param(
        "• one\r\n· two \xe9\xe8\r\nthree\rfour \x81\nfive".encode()
        .replace(b"\xc3\xa9\xc3\xa8", b"\xe9\xe8")
        .replace(b"\xc2\x81", b"\x81"),
        "• one\r\n· two \ufffd\ufffd\r\nthree\rfour \ufffd\nfive",
        [
            "line 2: 2 invalid UTF-8 bytes replaced with '\ufffd'",
            "line 4: 1 invalid UTF-8 byte replaced with '\ufffd'",
        ],
        id="crlf-cr-lf-lines",
    ),
    pytest.param(
        b"\xef\xbb\xbf" + "• ok\n".encode() * 200 + b"bad \xc3(",
        "• ok\n" * 200 + "bad \ufffd(",
        ["line 201: 1 invalid UTF-8 byte replaced with '\ufffd'"],
        id="utf-8-bom",
    ),
    pytest.param(
        b"\xff\xfe" + "ok\n".encode("utf-16-le") * 50 + b"\x00\xd8" + "x".encode("utf-16-le"),
        "ok\n" * 50 + "\ufffdx",
        ["line 51: 1 invalid UTF-16 character replaced with '\ufffd'"],
        id="utf-16-bom-lone-surrogate",
    ),
    pytest.param(
        b"plain ascii \x81 with one byte that Windows-1252 does not define either" * 2,
        "plain ascii \ufffd with one byte that Windows-1252 does not define either" * 2,
        ["line 1: 2 invalid UTF-8 bytes replaced with '\ufffd'"],
        id="undefined-in-cp1252",
    ),
    pytest.param(
        "".join(f"• · line {n} \xff\n" for n in range(1, 9)).encode().replace(b"\xc3\xbf", b"\xff"),
        "".join(f"• · line {n} \ufffd\n" for n in range(1, 9)),
        [f"line {n}: 1 invalid UTF-8 byte replaced with '\ufffd'" for n in range(1, 6)]
        + ["... and 3 more invalid UTF-8 bytes on 3 more lines, replaced with '\ufffd' too"],
        id="many-lines-summed-up",
    ),
]


@pytest.mark.parametrize(("data", "text", "warnings"), BROKEN)
def test_a_few_broken_bytes_are_replaced_and_named_by_line(
    data: bytes, text: str, warnings: list[str]
) -> None:
    decoded = decode_with_warnings(data)
    assert decoded.text == text
    assert list(decoded.warnings) == warnings


def test_one_bad_byte_does_not_turn_every_title_into_mojibake() -> None:
    # The issue: one invalid byte made the whole file Windows-1252, "TÜLU 3" became "TÃœLU 3".
    data = DIGEST.encode().replace(b"release everything.", b"release \xe9verything.", 1)
    digest = parse_bytes(data, reference=REF)
    assert [e.title for e in digest.entries] == ["TÜLU 3: Open Post-Training", "Café Models"]
    assert digest.entries[0].abstract.endswith(f"release {REPLACED}verything.")
    assert digest.warnings[0] == f"line 5: 1 invalid UTF-8 byte replaced with '{REPLACED}'"
    assert not any("Windows-1252" in w or "mojibake" in w for w in digest.warnings)


def test_one_bad_byte_in_a_real_digest_touches_only_its_line() -> None:
    data = (REAL_DIGESTS / "001_0f1b953c0851655a.txt").read_bytes()
    clean = parse_bytes(data, reference=REF)
    spot = data.index(b"\n", len(data) // 2) - 1  # the last character of a line mid-file
    broken = parse_bytes(data[:spot] + b"\xff" + data[spot + 1 :], reference=REF)
    changed = [
        (a.title, b.title)
        for a, b in zip(clean.entries, broken.entries, strict=True)
        if (a.title, a.abstract) != (b.title, b.abstract)
    ]
    assert len(changed) == 1
    assert re.fullmatch(
        r"line [0-9]+: 1 invalid UTF-8 byte replaced with '\ufffd'", broken.warnings[0]
    )


# --- Windows-1252 told from damaged UTF-8 ----------------------------------------------------

CP1252 = [
    pytest.param("Café Über naïve – ‘quoted’ “twice”", id="western"),
    # "Ã©" typed on purpose is well-formed UTF-8 for "é": one accident among many errors.
    pytest.param("Le café Ã© naïve élan à côté", id="accidental-utf-8-sequence"),
    pytest.param("ASCII all along, then one ÿ", id="single-high-byte"),
]


@pytest.mark.parametrize("text", CP1252)
def test_real_windows_1252_still_decodes_as_windows_1252(text: str) -> None:
    decoded = decode_with_warnings(text.encode("cp1252"))
    assert decoded.text == text
    assert decoded.warnings == ("the file is not UTF-8: decoded it as Windows-1252 (Latin-1)",)


# --- still refused -------------------------------------------------------------------------

REFUSED = [
    pytest.param(struct.pack("<400h", *range(-200, 200)), "binary data", id="int16-array"),
    pytest.param(struct.pack(">100i", *range(100)), "binary data", id="int32-array-be"),
    pytest.param(bytes(range(256)) * 8, "binary data", id="every-byte"),
    pytest.param(b"\x00" * 64, "binary data", id="zeros"),
    pytest.param("text\x01\x02\x03".encode("utf-16-le") * 20, "binary data", id="wide-controls"),
    pytest.param(
        b"\xef\xbb\xbf" + b"\xff" * 30 + b"ok" * 100,
        "not valid UTF-8 text despite its byte-order mark",
        id="bom-then-garbage",
    ),
    pytest.param(
        "é".encode("utf-16-le") * 50 + b"\x00\xdc" * 50,
        "binary data",
        id="wide-guess-mostly-invalid",
    ),
]


@pytest.mark.parametrize(("data", "reason"), REFUSED)
def test_binary_data_is_still_refused(data: bytes, reason: str) -> None:
    with pytest.raises(DigestError, match=re.escape(reason)):
        decode(data)


# --- properties ----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4000))
def test_random_bytes_never_crash(data: bytes) -> None:
    with contextlib.suppress(DigestError):
        decoded = decode_with_warnings(data)
        assert decoded.text.strip()
        assert not any("\udc80" <= c <= "\udcff" for c in decoded.text)  # no escapes left


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.lists(st.integers(0, 10_000), max_size=3), st.binary(max_size=3))
def test_text_with_stray_bytes_never_crashes(text: str, spots: list[int], junk: bytes) -> None:
    data = bytearray(text.encode())
    for spot in spots:
        data[spot % (len(data) + 1) : spot % (len(data) + 1)] = junk
    with contextlib.suppress(DigestError):
        decode_with_warnings(bytes(data))


# Titles in any script; abstracts in the mostly Latin prose digests are written in.
TITLE_CHARS = st.characters(
    codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"), exclude_characters="\ufeff"
)
TITLES = st.text(TITLE_CHARS, min_size=1, max_size=60).map(str.strip).filter(bool)
WORDS = st.text("abcdefghijklmnopqrstuvwxyzéüßç0123456789,;:()", min_size=2, max_size=9)
ABSTRACTS = st.lists(WORDS, min_size=40, max_size=80).map(lambda ws: " ".join(ws) + ".")
DIGESTS = st.builds(
    lambda entries, sep: sep.join(f"{t}{sep}{a}{sep}{BLOCK}" for t, a in entries),
    st.lists(st.tuples(TITLES, ABSTRACTS), min_size=1, max_size=5),
    st.sampled_from(["\n", "\n\n", "\r\n"]),
)
ENCODINGS = [
    ("utf-8", b""),
    ("utf-8", b"\xef\xbb\xbf"),
    ("utf-16-le", b""),
    ("utf-16-le", b"\xff\xfe"),
    ("utf-16-be", b""),
    ("utf-16-be", b"\xfe\xff"),
    ("utf-32-le", b""),
    ("utf-32-le", b"\xff\xfe\x00\x00"),
    ("utf-32-be", b""),
    ("utf-32-be", b"\x00\x00\xfe\xff"),
]


@settings(max_examples=200, deadline=None)
@given(DIGESTS, st.sampled_from(ENCODINGS))
def test_a_digest_in_any_unicode_form_decodes_back_equal(
    text: str, encoding: tuple[str, bytes]
) -> None:
    codec, bom = encoding
    decoded = decode_with_warnings(bom + text.encode(codec))
    assert decoded.text == text
    assert decoded.warnings == ()
