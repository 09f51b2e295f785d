"""Empty, huge, binary and invalid input never crash the matcher."""
from __future__ import annotations

import random
import time


def test_empty_and_none(real):
    for kw in ({}, {"title": None, "text": None, "parts": None}, {"parts": [{}]},
               {"parts": [{"label": None, "text": None}, "texte brut"]}):
        r = real.match(**kw)
        assert r.flagged is False and r.hits == [] and r.themes == []


def test_binary_garbage(real):
    rnd = random.Random(1)
    blob = bytes(rnd.randrange(256) for _ in range(200_000))
    r = real.match(title=blob, text=blob.decode("latin-1"))
    assert isinstance(r.flagged, bool)
    r = real.match(text=blob.decode("utf-8", "replace") + " caméras-piétons")
    assert r.flagged


def test_invalid_utf8_bytes(real):
    r = real.match(text=b"vid\xe9oprotection \xff\xfe police municipale")
    assert isinstance(r.flagged, bool)


def test_surrogates_and_controls(real):
    r = real.match(text="\ud800\x00\x1b[31m LAPI \udfff")
    assert [h.term for h in r.hits] == ["LAPI"]


def test_fifty_megabytes(real):
    chunk = "Le conseil municipal approuve la convention d’occupation du domaine public. " * 100
    text = chunk * (50_000_000 // len(chunk) + 1) + "Installation de caméras-piétons."
    assert len(text) >= 50_000_000
    t0 = time.perf_counter()
    r = real.match(text=text)
    assert r.flagged and r.hits[0].start == len(text) - len("caméras-piétons.")
    assert time.perf_counter() - t0 < 60
