"""The JORFSIMPLE replay: real directory layout, deterministic tarballs, Apache listing."""
from __future__ import annotations

import io
import re
import tarfile

from scrapers.replay import jorf as replay


def test_tarballs_are_deterministic_and_laid_out_like_dila():
    first = dict(replay.archives())
    replay.archives.cache_clear()
    assert replay.archives() == first
    names = tarfile.open(fileobj=io.BytesIO(first["JORFSIMPLE_20261103-003512.tar.gz"])
                         ).getnames()
    assert ("20261103-003512/jorf/simple/JORF/CONT/00/00/56/00/30/JORFCONT000056003001/"
            "JORFTEXT000056003010.xml") in names
    assert ("20261103-003512/jorf/simple/JORF/CONT/00/00/56/00/30/JORFCONT000056003001/"
            "JORFCONT000056003001.xml") in names
    assert "20261103-003512/jorf/simple/JORF" in names  # directory entries, as in the real tar
    names2 = tarfile.open(fileobj=io.BytesIO(first["JORFSIMPLE_20261104-004107.tar.gz"])
                          ).getnames()
    assert "20261104-004107/liste_suppression_jorf.dat" in names2


def test_shard():
    assert replay.shard("JORFCONT000054706874") == "00/00/54/70/68"
    assert replay.shard("JORFTEXT000047862642") == "00/00/47/86/26"


def test_listing_is_latin1_apache_autoindex():
    status, headers, body = replay.handler("/OPENDATA/JORFSIMPLE/", {}, {})
    assert status == 200 and "ISO-8859-1" in headers["Content-Type"]
    html = body.decode("iso-8859-1")
    assert "<h1>Index of /OPENDATA/JORFSIMPLE</h1>" in html
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert "Freemium_jorf_simple_20250713-140000.tar.gz" in hrefs
    assert [h for h in hrefs if h.startswith("JORFSIMPLE_")] == [
        "JORFSIMPLE_20261103-003512.tar.gz", "JORFSIMPLE_20261104-004107.tar.gz",
        "JORFSIMPLE_20261104-220005.tar.gz"]
    status, _, tgz = replay.handler("/OPENDATA/JORFSIMPLE/JORFSIMPLE_20261103-003512.tar.gz",
                                    {}, {})
    assert status == 200 and tgz[:2] == b"\x1f\x8b"
    assert replay.handler("/OPENDATA/JORFSIMPLE/Freemium_jorf_simple_20250713-140000.tar.gz",
                          {}, {})[0] == 404


def test_bad_directory_lists_hostile_archives():
    status, _, body = replay.bad_handler("/jorf-casse/OPENDATA/JORFSIMPLE/", {}, {})
    html = body.decode("iso-8859-1")
    assert "JORFSIMPLE_2026111-003000.tar.gz" in html  # malformed name
    assert replay.bad_handler("/jorf-casse/OPENDATA/JORFSIMPLE/"
                              "JORFSIMPLE_20261105-003000.tar.gz", {}, {})[2] == b""
    assert replay.bad_handler("/jorf-casse/OPENDATA/JORFSIMPLE/"
                              "JORFSIMPLE_20261109-003000.tar.gz", {}, {})[0] == 404
