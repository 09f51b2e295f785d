"""Jinja filter `highlight`: escape scraped text, then show [[matched words]] as <mark>."""
import markupsafe
from datasette import hookimpl


def highlight(value):
    if value is None:
        return ""
    escaped = str(markupsafe.escape(str(value)))
    return markupsafe.Markup(escaped.replace("[[", "<mark>").replace("]]", "</mark>"))


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["highlight"] = highlight
