"""bench.ingest at a tiny size: both databases hold the same documents, the rows are sane.
No timed assertion: speed is what the benchmark prints, as a ratio to the bare run."""
import sqlite3

from bench import ingest
from bench.table import render


def test_ingest_measure_tiny(tmp_path):
    rows = ingest.measure(30, tmp_path, progress=lambda line: None)
    by_section = {r.section: r for r in rows}
    assert set(by_section) == {"ingest", "size"}
    assert all(r.size == 30 for r in rows)
    ratio = float(by_section["ingest"].bound.split("→ ")[1].split(";")[0])
    assert ratio > 0
    assert by_section["ingest"].met == (ratio >= ingest.INGEST_GOAL)
    size_ratio = float(by_section["size"].bound.split("→ ")[1].split("×")[0])
    assert size_ratio > 0
    project = sqlite3.connect(tmp_path / "ingest-project.db")
    bare = sqlite3.connect(tmp_path / "ingest-bare.db")
    query = "select id, title, text from documents order by id"
    ours, theirs = project.execute(query).fetchall(), bare.execute(query).fetchall()
    assert len(ours) == 30 and ours == theirs
    # the project's FTS finds what the bare FTS finds
    word = ours[0][2].split()[1]
    fts = "select count(*) from documents_fts where documents_fts match ?"  # title/text only
    assert project.execute(fts, [f'{{title text}} : "{word}"']).fetchone()[0] == \
        bare.execute(fts, [f'{{title text}} : "{word}"']).fetchone()[0] > 0
    assert "| ingest | 30 |" in render(rows)
