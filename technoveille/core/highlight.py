"""Snippets mark the matched words between MARK_OPEN and MARK_CLOSE; on a page they become
<mark>. Scraped text is untrusted: it is escaped first."""
import markupsafe


MARK_OPEN, MARK_CLOSE = "[[", "]]"


def highlight_html(value) -> markupsafe.Markup:
    if value is None:
        return markupsafe.Markup("")
    escaped = str(markupsafe.escape(str(value)))
    return markupsafe.Markup(escaped.replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>"))
