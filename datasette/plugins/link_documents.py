"""In the canned queries, a `document` cell (e.g. « boamp:26-81222 ») links to that document's
reading page (/document/<id>: facts, highlighted hits, links, full text)."""
import markupsafe
from datasette import hookimpl

DOCUMENT_COLUMNS = {"document"}


@hookimpl
def render_cell(value, column):
    if column not in DOCUMENT_COLUMNS or not isinstance(value, str) or ":" not in value:
        return None
    return markupsafe.Markup('<a href="/document/{}">{}</a>').format(value, value)
