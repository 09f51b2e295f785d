"""French display helpers for the campaigners' templates:

* filter `date_fr`: « 2026-02-16 » → « 16 février 2026 » (anything else is returned as is);
* global `source_label(source)`: « boamp » → « BOAMP (marchés publics) »;
* global `search_facets(rows, params)`: counts per source, theme, département, year and
  document type over the search results, each value with the address of the same search
  filtered on it (the search form's parameter names: source, theme, departement, annee, type).
"""
import json
import re
from urllib.parse import urlencode

from datasette import hookimpl

SOURCES = {"boamp": "BOAMP (marchés publics)", "jorf": "Journal officiel",
           "council": "Conseils municipaux", "legifrance": "Légifrance"}
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")

# parameter of the search form → (column of the results, title of the facet)
FACETS = [("source", "source", "Source"), ("theme", "themes", "Thème"),
          ("departement", "departement", "Département"), ("annee", "date", "Année"),
          ("type", "nature", "Nature du document")]


def date_fr(value):
    match = _DATE.match(str(value or ""))
    if not match:
        return value or ""
    year, month, day = (int(g) for g in match.groups())
    if not 1 <= month <= 12:
        return value
    return f"{'1er' if day == 1 else day} {MONTHS[month - 1]} {year}"


def source_label(source):
    return SOURCES.get(source, source or "")


def _values(row, param, column):
    try:
        value = row[column]
    except (KeyError, IndexError):
        return []
    if value in (None, ""):
        return []
    if param == "theme":
        try:
            themes = json.loads(value) if isinstance(value, str) else value
        except ValueError:
            return []
        return [t for t in themes or [] if isinstance(t, str)]
    if param == "annee":
        return [str(value)[:4]]
    return [str(value)]


def search_facets(rows, params):
    """[{"param", "title", "values": [{"value", "count", "href", "selected"}]}], values most
    frequent first; a facet whose column the results lack is left out."""
    params = {k: v for k, v in dict(params or {}).items() if v}
    facets = []
    for param, column, title in FACETS:
        counts: dict[str, int] = {}
        for row in rows:
            for value in _values(row, param, column):
                counts[value] = counts.get(value, 0) + 1
        if not counts:
            continue
        values = []
        for value, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            selected = params.get(param) == value
            query = {k: v for k, v in params.items() if k != param}
            if not selected:
                query[param] = value
            values.append({"value": value, "count": count, "selected": selected,
                           "href": "?" + urlencode(query)})
        facets.append({"param": param, "title": title, "values": values})
    return facets


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["date_fr"] = date_fr
    env.globals["source_label"] = source_label
    env.globals["search_facets"] = search_facets
