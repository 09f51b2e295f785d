"""SQL function fold(text): lower case, no accents, œ/æ spelled out — for analysts' SQL:
    select * from documents where fold(text) like '%videoprotection%'"""
import unicodedata

from datasette import hookimpl

_FOLD = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})


def fold(value):
    if value is None:
        return None
    value = str(value).translate(_FOLD)
    value = unicodedata.normalize("NFKD", value)
    return "".join(c for c in value if not unicodedata.combining(c)).casefold()


@hookimpl
def prepare_connection(conn):
    conn.create_function("fold", 1, fold, deterministic=True)
