"""In the canned queries, a `document` cell (e.g. « boamp:26-81222 ») links to that document's
page, where its hits are listed."""
import markupsafe
from datasette import hookimpl
from datasette.utils import tilde_encode

DOCUMENT_COLUMNS = {"document"}


@hookimpl
def render_cell(value, column, database, datasette):
    if column not in DOCUMENT_COLUMNS or not isinstance(value, str) or ":" not in value:
        return None
    href = datasette.urls.row(database or "technoveille", "documents", tilde_encode(value))
    return markupsafe.Markup('<a href="{}">{}</a>').format(href, value)
