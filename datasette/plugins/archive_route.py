"""/-/archive/<sha256>: the raw copy of a source response as it was fetched, so a document can
be cited after its publisher deleted it. Served from TECHNOVEILLE_ARCHIVE, never from the DB."""
from datasette import hookimpl
from datasette.utils.asgi import Response

from technoveille.core import config
from technoveille.core.archive import read


async def archive_view(request):
    sha = request.url_vars["sha256"]
    try:
        body, meta = read(sha, root=config.archive_dir())
    except (FileNotFoundError, OSError):
        return Response.html("<h1>Copie archivée introuvable</h1>", status=404)
    ctype = meta.get("content_type") or "application/octet-stream"
    if ctype.startswith("text/html"):
        ctype = "text/plain; charset=utf-8"  # never render a scraped page on our origin
    headers = {"X-Source-URL": meta.get("url") or "", "Content-Security-Policy": "sandbox",
               "X-Content-Type-Options": "nosniff"}
    return Response(body, status=200, headers=headers, content_type=ctype)


@hookimpl
def register_routes():
    return [(r"^/-/archive/(?P<sha256>[0-9a-f]{64})$", archive_view)]
