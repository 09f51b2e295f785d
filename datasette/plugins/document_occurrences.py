"""Jinja global `occurrences(document, hits)`: a document's hits grouped by place (title, text,
each lot / article / point), each wording once per place (technoveille.core.occurrences)."""
from datasette import hookimpl

from technoveille.core.occurrences import group_occurrences


@hookimpl
def prepare_jinja2_environment(env):
    env.globals["occurrences"] = group_occurrences
