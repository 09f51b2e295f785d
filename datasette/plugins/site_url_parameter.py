"""Magic SQL parameter :_site_url — the site's absolute address without a trailing slash, so
the Atom feed (datasette-atom writes `atom_link` as given) links to our document pages with
absolute URLs: TECHNOVEILLE_SITE_URL when set (the published address), else the address the
request came to (Datasette's absolute_url, which honours force_https_urls)."""
from datasette import hookimpl

from technoveille.core import config


@hookimpl
def register_magic_parameters(datasette):
    def site(key, request):
        if key != "url":
            raise KeyError(key)
        configured = config.get("TECHNOVEILLE_SITE_URL")
        if configured:
            return configured.rstrip("/")
        return datasette.absolute_url(request, "/").rstrip("/")

    return [("site", site)]
