"""SQL functions for the Atom feeds (metadata.yml, query `flux`):

    xml_text(s)   scraped text made safe for XML 1.0: lxml (under datasette-atom's feedgen)
                  refuses control characters, and one stray \\x0c in a PDF title would turn
                  the whole feed into an error. Escaping itself is left to lxml.
    url_path(s)   a document id as a URL path segment (`boamp:26-81222` unchanged, a space
                  or a `#` percent-encoded), for links to /document/<id>."""
import re
from urllib.parse import quote

from datasette import hookimpl

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value):
    if value is None:
        return None
    return _NOT_XML.sub(" ", str(value))


def url_path(value):
    if value is None:
        return None
    return quote(str(value), safe=":@!$&'()*+,;=-._~")


@hookimpl
def prepare_connection(conn):
    conn.create_function("xml_text", 1, xml_text, deterministic=True)
    conn.create_function("url_path", 1, url_path, deterministic=True)
