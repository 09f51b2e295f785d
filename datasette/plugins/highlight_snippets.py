"""Snippets carry the matched words between [[ and ]]: show them highlighted (escaped first:
scraped text is untrusted)."""
import markupsafe
from datasette import hookimpl

SNIPPET_COLUMNS = {"snippet", "extrait"}


@hookimpl
def render_cell(value, column):
    if column not in SNIPPET_COLUMNS or not isinstance(value, str) or "[[" not in value:
        return None
    escaped = str(markupsafe.escape(value))
    html = escaped.replace("[[", "<mark>").replace("]]", "</mark>")
    return markupsafe.Markup(f'<span class="snippet">{html}</span>')
