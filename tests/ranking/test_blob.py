"""Stored models: round trips exactly; anything else is refused with UnreadableModel."""

from __future__ import annotations

import contextlib
import json
import random
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readinglist.ranking import FORMAT_VERSION, Example, Model, Paper, UnreadableModel, train
from readinglist.ranking.blob import MAGIC
from tests.ranking.conftest import make_paper

Reader = tuple[list[Example], list[Paper], set[int], set[int]]


@pytest.fixture
def model(lora_reader: Reader) -> Model:
    examples = lora_reader[0]
    return train([*examples, Example(Paper(777, "Tagged", "", ("PEFT", "to read")), 1.0)])


def _payload(blob: bytes) -> dict[str, object]:
    body = blob.split(b"\n", 2)[2]
    loaded: dict[str, object] = json.loads(zlib.decompress(body))
    return loaded


def _blob(payload: object, version: int = FORMAT_VERSION) -> bytes:
    return MAGIC + b"%d\n" % version + zlib.compress(json.dumps(payload).encode())


def test_round_trip_scores_the_same(model: Model, lora_reader: Reader) -> None:
    digest = lora_reader[1]
    again = Model.from_bytes(model.to_bytes())
    assert again == model
    assert again.score(digest) == model.score(digest)
    assert "tag:peft" in again.terms
    for mode_model in (train([]), train(lora_reader[0][:5])):
        assert Model.from_bytes(mode_model.to_bytes()) == mode_model


def test_the_blob_is_plain_json_behind_a_versioned_header(model: Model) -> None:
    blob = model.to_bytes()
    assert blob.startswith(MAGIC + f"{FORMAT_VERSION}\n".encode())
    payload = _payload(blob)
    assert payload["mode"] == "learned"
    assert payload["terms"] == list(model.terms)


def _damaged(model: Model) -> dict[str, bytes]:
    blob = model.to_bytes()
    payload = _payload(blob)
    header = len(MAGIC) + 2
    return {
        "empty": b"",
        "other file": b"%PDF-1.7\n...",
        "truncated": blob[: len(blob) // 2],
        "header only": blob[:header],
        "a byte flipped": blob[:-20] + bytes([blob[-20] ^ 0x5A]) + blob[-19:],
        "older format": _blob(payload, FORMAT_VERSION - 1),
        "newer format": _blob(payload, FORMAT_VERSION + 1),
        "bad version": MAGIC + b"x1\n" + blob[header:],
        "not json": MAGIC + b"%d\n" % FORMAT_VERSION + zlib.compress(b"{not json"),
        "not an object": _blob([1, 2, 3]),
        "NaN weight": MAGIC
        + b"%d\n" % FORMAT_VERSION
        + zlib.compress(json.dumps({**payload, "intercept": float("nan")}).encode()),
        "unknown mode": _blob({**payload, "mode": "psychic"}),
        "missing field": _blob({k: v for k, v in payload.items() if k != "idf"}),
        "short weights": _blob({**payload, "weights": payload["idf"][:-12]}),  # type: ignore[index]
        "bad base64": _blob({**payload, "idf": "!!!"}),
        "surface out of range": _blob({**payload, "surfaces": {"999999": "x"}}),
        "negative count": _blob({**payload, "kept": -1}),
        "pairs not a flag": _blob({**payload, "pairs": "yes"}),
        "trailing garbage": blob + b"more",
    }


DAMAGES = [
    "empty",
    "other file",
    "truncated",
    "header only",
    "a byte flipped",
    "older format",
    "newer format",
    "bad version",
    "not json",
    "not an object",
    "NaN weight",
    "unknown mode",
    "missing field",
    "short weights",
    "bad base64",
    "surface out of range",
    "negative count",
    "pairs not a flag",
    "trailing garbage",
]


@pytest.mark.parametrize("damage", DAMAGES)
def test_damaged_or_foreign_blobs_raise_unreadable_model(model: Model, damage: str) -> None:
    cases = _damaged(model)
    assert set(cases) == set(DAMAGES)
    with pytest.raises(UnreadableModel):
        Model.from_bytes(cases[damage])


def test_the_reason_names_an_old_format(model: Model) -> None:
    payload = _payload(model.to_bytes())
    with pytest.raises(UnreadableModel, match=f"format {FORMAT_VERSION + 1}"):
        Model.from_bytes(_blob(payload, FORMAT_VERSION + 1))


def test_a_zip_bomb_is_refused_without_unpacking_it() -> None:
    bomb = MAGIC + b"%d\n" % FORMAT_VERSION + zlib.compress(b" " * (65 * 1024 * 1024), 9)
    with pytest.raises(UnreadableModel, match="more than"):
        Model.from_bytes(bomb)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise_anything_else(data: bytes) -> None:
    for blob in (data, MAGIC + data, MAGIC + b"%d\n" % FORMAT_VERSION + data):
        with pytest.raises(UnreadableModel):
            Model.from_bytes(blob)


def _small_blob() -> bytes:
    rng = random.Random(2)
    examples = [Example(make_paper(n, "lora", rng), 1.0) for n in range(12)]
    examples += [Example(make_paper(100 + n, "rl", rng), -1.0) for n in range(12)]
    return train(examples).to_bytes()


_SMALL = _small_blob()


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=len(_SMALL) - 1), st.integers(min_value=1, max_value=255))
def test_a_changed_byte_is_refused_or_read_never_anything_else(at: int, xor: int) -> None:
    blob = _SMALL[:at] + bytes([_SMALL[at] ^ xor]) + _SMALL[at + 1 :]
    with contextlib.suppress(UnreadableModel):
        Model.from_bytes(blob)
