"""SQL functions of the French search (technoveille.core.search), so that every page that
searches — the `recherche` canned query, the documents table's search box, the feeds — builds
its FTS5 query the same way and never answers with « fts5: syntax error »:

    fts_query(q)            MATCH expression over documents_fts: words, their inflections
                            (stems), "phrases", prefix*, OR / AND / NOT / NEAR, parentheses
    fts_exact(q)            the same without inflections (documents it matches rank first)
    search_extract(text, q) a highlighted extract around the inflected words, for documents
                            that snippet() cannot highlight (matched through the stems only)
Empty input matches nothing (instead of an error)."""
from datasette import hookimpl

from technoveille.core.highlight import MARK_CLOSE, MARK_OPEN
from technoveille.core.search import NOTHING, extract, fts_exact, fts_query

__all__ = ["NOTHING", "fts_exact", "fts_query", "search_extract"]


def search_extract(text, q):
    return extract(text, q, open_mark=MARK_OPEN, close_mark=MARK_CLOSE)


@hookimpl
def prepare_connection(conn):
    conn.create_function("fts_query", 1, fts_query, deterministic=True)
    conn.create_function("fts_exact", 1, fts_exact, deterministic=True)
    conn.create_function("search_extract", 2, search_extract, deterministic=True)
