"""The documents table's own search box (?_search=) searches like the search page: French
inflections, phrases, prefixes, operators, never an FTS5 syntax error (fts_query, registered
by fts_query.py from technoveille.core.search).

Datasette's built-in table search would pass the text to MATCH as typed (raw) or quoted
(escaped), without the stems; so metadata.yml gives `documents` no `fts_table` (the built-in
search stays off: documents_fts has no content= link for it to detect) and this hook adds the
search clause. It runs last so that its `supports_search` (the search box) is kept."""
from datasette import hookimpl
from datasette.filters import FilterArguments

SEARCHED = {("technoveille", "documents")}
CLAUSE = ("rowid in (select rowid from documents_fts "
          "where documents_fts match fts_query(:tv_search))")


@hookimpl(trylast=True)
def filters_from_request(request, database, table, datasette):
    if (database, table) not in SEARCHED:
        return None
    search = request.args.get("_search", "")
    context = {"supports_search": True, "search": search}
    if not search.strip():
        return FilterArguments([], extra_context=context)
    return FilterArguments([CLAUSE], params={"tv_search": search},
                           human_descriptions=[f"recherche « {search} »"],
                           extra_context=context)
