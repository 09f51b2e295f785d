"""SQL functions `source_etat(source)` and `source_probleme(source)`: the health of a source as
the operators' alerts judge it (technoveille.core.health, from crawl_runs), so the « État des
sources » page says the same thing as `technoveille alerts health`."""
from datasette import hookimpl

from technoveille.core import health


def _health(conn, source):
    for item in health.assess(conn):
        if item.source == source:
            return item
    return None


@hookimpl
def prepare_connection(conn):
    def etat(source):
        item = _health(conn, source)
        if item is None:
            return None
        return "normal" if item.ok else "à surveiller" if item.last_status == "normal" \
            else "en échec"

    def probleme(source):
        item = _health(conn, source)
        return None if item is None or item.ok else item.summary

    conn.create_function("source_etat", 1, etat)
    conn.create_function("source_probleme", 1, probleme)
