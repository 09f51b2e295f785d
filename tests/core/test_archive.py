import gzip

from technoveille.core import archive


def test_store_is_content_addressed_and_deterministic(tmp_path):
    a = archive.store_bytes(b"%PDF-1.4 hello", url="https://x/a.pdf", status=200,
                            content_type="application/pdf", root=tmp_path)
    path = tmp_path / a["path"]
    first = path.read_bytes()
    b = archive.store_bytes(b"%PDF-1.4 hello", url="https://x/b.pdf", root=tmp_path)
    assert a["sha256"] == b["sha256"] and path.read_bytes() == first
    assert gzip.decompress(first) == b"%PDF-1.4 hello"
    body, meta = archive.read(a["sha256"], root=tmp_path)
    assert body == b"%PDF-1.4 hello" and meta["url"] == "https://x/a.pdf"
    assert meta["content_type"] == "application/pdf"


def test_read_rejects_bad_names(tmp_path):
    import pytest

    with pytest.raises(FileNotFoundError):
        archive.read("../../etc/passwd", root=tmp_path)
