"""Snippet cells (hits.snippet, the search's extrait) show their matched words highlighted."""
import markupsafe
from datasette import hookimpl

from technoveille.core.highlight import MARK_OPEN, highlight_html

SNIPPET_COLUMNS = {"snippet", "extrait"}


@hookimpl
def render_cell(value, column):
    if column not in SNIPPET_COLUMNS or not isinstance(value, str) or MARK_OPEN not in value:
        return None
    return markupsafe.Markup('<span class="snippet">{}</span>').format(highlight_html(value))
