"""/-/databases.json without the filesystem path of each database (Datasette's own listing
gives it): name, route, size, mutability and hash are enough for a reader of the site."""
from datasette import hookimpl
from datasette.utils.asgi import Response

PUBLIC_KEYS = ("name", "route", "size", "is_mutable", "is_memory", "hash")


def databases_view(datasette):
    async def view(request):
        rows = [{key: getattr(db, key) for key in PUBLIC_KEYS}
                for name, db in datasette.databases.items() if name != "_internal"]
        return Response.json(rows)
    return view


@hookimpl
def register_routes(datasette):
    return [(r"^/-/databases(\.json)?$", databases_view(datasette))]
