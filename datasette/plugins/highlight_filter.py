"""Jinja filter `highlight`: escape scraped text, then show [[matched words]] as <mark>."""
from datasette import hookimpl

from technoveille.core.highlight import highlight_html


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["highlight"] = highlight_html
