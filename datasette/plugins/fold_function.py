"""SQL function fold(text): lower case, no accents, œ/æ spelled out, apostrophes unified —
the same letters as the matcher and the search index (technoveille.core.fold), for analysts:
    select * from documents where fold(text) like '%videoprotection%'"""
from datasette import hookimpl

from technoveille.core.fold import fold_plain


def fold(value):
    if value is None:
        return None
    return fold_plain(str(value))


@hookimpl
def prepare_connection(conn):
    conn.create_function("fold", 1, fold, deterministic=True)
