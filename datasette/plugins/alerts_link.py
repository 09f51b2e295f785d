"""Template variable `alerts_url`: the address of the subscription pages (`technoveille alerts
serve`), TECHNOVEILLE_ALERTS_URL without its trailing slash (by default `alerts serve` on this
host). The site only links there: it never opens the private database."""
from datasette import hookimpl

from technoveille.core import config


@hookimpl
def extra_template_vars():
    return {"alerts_url": (config.get("TECHNOVEILLE_ALERTS_URL") or "").strip().rstrip("/")}
