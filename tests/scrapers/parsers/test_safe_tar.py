"""The safe tar rules, with malicious tarballs built in the test. Nothing may be written to
disk by the reader: the test checks the file system around it too."""
from __future__ import annotations

import gzip
import io
import os
import tarfile

import pytest

from scrapers.parsers import safe_tar
from scrapers.parsers.safe_tar import ArchiveError, Member, Refused


def build(entries, fmt=tarfile.GNU_FORMAT) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", format=fmt) as tar:
        for name, data, kind, *link in entries:
            info = tarfile.TarInfo(name)
            info.type = kind
            if link:
                info.linkname = link[0]
            if kind == tarfile.REGTYPE:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            else:
                tar.addfile(info)
    return buf.getvalue()


def read(body, **caps):
    return list(safe_tar.iter_members(body, **caps))


def test_regular_members_are_read_in_memory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    body = build([("s/", b"", tarfile.DIRTYPE), ("s/a.xml", b"<a/>", tarfile.REGTYPE),
                  ("s/b.xml", b"<b/>", tarfile.REGTYPE)])
    assert read(body) == [Member("s/a.xml", b"<a/>"), Member("s/b.xml", b"<b/>")]
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("name, why", [
    ("../evil.xml", "'..' in member path"),
    ("s/../../evil.xml", "'..' in member path"),
    ("/etc/cron.d/evil", "absolute member path"),
    ("C:\\evil.xml", "backslash in member name"),
    ("s\\..\\evil.xml", "backslash in member name"),
])
def test_unsafe_paths_are_refused_and_the_rest_is_read(tmp_path, monkeypatch, name, why):
    monkeypatch.chdir(tmp_path)
    body = build([(name, b"pwned", tarfile.REGTYPE), ("s/ok.xml", b"<ok/>", tarfile.REGTYPE)])
    out = read(body)
    assert out == [Refused(name, "unsafe-member-path", why), Member("s/ok.xml", b"<ok/>")]
    assert os.listdir(tmp_path) == []


def test_pax_header_cannot_smuggle_a_path():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("s/innocent.xml")
        info.pax_headers = {"path": "../../outside.xml"}
        info.size = 3
        tar.addfile(info, io.BytesIO(b"abc"))
    assert read(buf.getvalue()) == [Refused("../../outside.xml", "unsafe-member-path",
                                            "'..' in member path")]


@pytest.mark.parametrize("kind, label", [
    (tarfile.SYMTYPE, "symbolic link -> /etc/passwd"),
    (tarfile.LNKTYPE, "hard link -> /etc/passwd"),
    (tarfile.CHRTYPE, "device"),
    (tarfile.BLKTYPE, "device"),
    (tarfile.FIFOTYPE, "fifo"),
])
def test_links_devices_and_fifos_are_refused(kind, label):
    link = ["/etc/passwd"] if kind in (tarfile.SYMTYPE, tarfile.LNKTYPE) else []
    body = build([("s/JORFTEXT000000000001.xml", b"", kind, *link),
                  ("s/ok.xml", b"<ok/>", tarfile.REGTYPE)])
    out = read(body)
    assert out[0] == Refused("s/JORFTEXT000000000001.xml", "unsafe-member-type", label)
    assert out[1] == Member("s/ok.xml", b"<ok/>")


def test_member_size_cap_skips_the_member_only():
    body = build([("s/big.xml", b"x" * 2000, tarfile.REGTYPE),
                  ("s/ok.xml", b"<ok/>", tarfile.REGTYPE)])
    out = read(body, max_member=1000)
    assert out == [Refused("s/big.xml", "member-too-large", "2000 bytes > 1000"),
                   Member("s/ok.xml", b"<ok/>")]


def test_total_size_cap_stops_a_gzip_bomb():
    # 20 MB of zeros compress to ~20 KB
    body = build([("s/zeros.bin", bytes(20 * 1024 * 1024), tarfile.REGTYPE)])
    assert len(body) < 100_000
    with pytest.raises(ArchiveError) as info:
        read(body, max_total=1024 * 1024)
    assert info.value.reason == "archive-too-large"


def test_member_count_cap():
    body = build([(f"s/{i}.xml", b"x", tarfile.REGTYPE) for i in range(20)])
    with pytest.raises(ArchiveError) as info:
        read(body, max_members=10)
    assert info.value.reason == "too-many-members"


def test_empty_archive():
    with pytest.raises(ArchiveError) as info:
        read(b"")
    assert info.value.reason == "empty-archive"


def test_not_gzip():
    with pytest.raises(ArchiveError) as info:
        read(b"<html>Service Unavailable</html>")
    assert info.value.reason == "not-gzip"


def test_truncated_archive_keeps_members_read_before_the_damage():
    first = os.urandom(4000)  # incompressible, so the cut lands in the second member
    body = build([("s/first.xml", first, tarfile.REGTYPE),
                  ("s/second.xml", os.urandom(60000), tarfile.REGTYPE)])
    got = []
    with pytest.raises(ArchiveError) as info:
        for entry in safe_tar.iter_members(body[: len(body) // 2]):
            got.append(entry)
    assert info.value.reason == "truncated-archive"
    assert got == [Member("s/first.xml", first)]


def test_corrupt_gzip_stream():
    body = bytearray(build([("s/a.xml", os.urandom(5000), tarfile.REGTYPE)]))
    body[40:60] = b"\x00" * 20
    with pytest.raises(ArchiveError) as info:
        read(bytes(body))
    assert info.value.reason in ("corrupt-archive", "truncated-archive")


def test_gzip_of_something_that_is_not_a_tar():
    with pytest.raises(ArchiveError) as info:
        read(gzip.compress(b"just some text, not a tar header" * 40))
    assert info.value.reason == "corrupt-archive"


def test_plain_tar_already_decompressed_by_http_layer():
    body = gzip.decompress(build([("s/a.xml", b"<a/>", tarfile.REGTYPE),
                                  ("../x", b"x", tarfile.REGTYPE)]))
    assert read(body) == [Member("s/a.xml", b"<a/>"),
                          Refused("../x", "unsafe-member-path", "'..' in member path")]
