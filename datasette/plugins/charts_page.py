"""/graphiques: flagged documents per month per theme and per source, and a tile-grid map of
France by département — SVG drawn on the server from SQL (template graphiques.html), no script,
tile or font from the network; every bar and tile has a <title>, every number is also in a
table. Map squares come from technoveille/core/departements.csv (bundled).

Themes of a document, here as in the `flux` and `signalements` queries (metadata.yml): the
themes the vocabulary found in it, plus those of the documents it is linked to (a rectificatif
or an attribution counts for the theme of its notice)."""
from __future__ import annotations

import math
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response

from technoveille.core.departements import departements

DATABASE = "technoveille"
MAX_MONTHS = 36          # bars drawn for the last 36 months; the tables hold every month
BAR, GAP, HEIGHT = 14, 3, 64
TILE, TILE_GAP = 40, 4
LEVELS = 5
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")
SOURCES = {"boamp": "BOAMP (marchés publics)", "jorf": "Journal officiel",
           "council": "Conseils municipaux et communautaires"}
DATED = "d.published_on glob '[12][0-9][0-9][0-9]-[01][0-9]*'"

DOC_THEMES = """
    select d.id, j.value as theme from documents d, json_each(d.themes) j where d.flagged = 1
    union
    select d.id, j.value from documents d join links l on l.document_id = d.id
      join documents t on t.id = l.target_id, json_each(t.themes) j where d.flagged = 1
    union
    select d.id, j.value from documents d join links l on l.target_id = d.id
      join documents t on t.id = l.document_id, json_each(t.themes) j where d.flagged = 1"""

SQL = {
    "themes": "select id, label from themes order by rowid",
    "par_theme": f"""with doc_theme as ({DOC_THEMES})
        select substr(d.published_on, 1, 7) as mois, dt.theme as cle, count(*) as n
        from doc_theme dt join documents d on d.id = dt.id where {DATED} group by 1, 2""",
    "par_source": f"""select substr(d.published_on, 1, 7) as mois, d.source as cle, count(*) as n
        from documents d where d.flagged = 1 and {DATED} group by 1, 2""",
    "par_departement": """select d.departement as cle, count(*) as n from documents d
        where d.flagged = 1 group by 1""",
    "totaux": f"""select count(*) as signales, sum(not ({DATED})) as sans_date
        from documents d where d.flagged = 1""",
}


def month_label(month: str) -> str:
    year, m = month.split("-")
    return f"{MONTHS_FR[int(m) - 1]} {year}"


def month_range(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def feed_url(datasette, **params) -> str:
    return datasette.urls.database(DATABASE) + "/flux.atom?" + urlencode(params)


def list_url(datasette, **params) -> str:
    return datasette.urls.database(DATABASE) + "/signalements?" + urlencode(params)


def bar_chart(datasette, rows, series: list[tuple[str, str]], param: str) -> dict:
    """Small multiples, one row of bars per series (a document of two themes counts in both,
    so bars are not stacked), on the same month axis and the same scale."""
    counts = {(r["cle"], r["mois"]): r["n"] for r in rows}
    all_months = sorted({r["mois"] for r in rows})
    keys = {r["cle"] for r in rows}
    series = list(series) + [(k, k) for k in sorted(keys - {s for s, _ in series})]
    drawn = month_range(all_months[0], all_months[-1])[-MAX_MONTHS:] if all_months else []
    top = max([counts.get((k, m), 0) for k, _ in series for m in drawn] or [0])
    # a year label under each January, and under the first month unless a January is close
    ticks = [{"x": i * (BAR + GAP), "label": m[:4]} for i, m in enumerate(drawn)
             if m.endswith("-01") or (i == 0 and not any(x.endswith("-01") for x in drawn[:4]))]
    out = []
    for key, label in series:
        bars = []
        for i, month in enumerate(drawn):
            n = counts.get((key, month), 0)
            if n:
                h = max(2, round(HEIGHT * n / top))
                bars.append({"x": i * (BAR + GAP), "y": HEIGHT - h, "h": h, "n": n,
                             "mois": month, "mois_fr": month_label(month)})
        out.append({"key": key, "label": label, "bars": bars,
                    "total": sum(n for (k, _), n in counts.items() if k == key),
                    "feed": feed_url(datasette, **{param: key}),
                    "list": list_url(datasette, **{param: key})})
    table = [{"mois": m, "mois_fr": month_label(m),
              "n": [counts.get((k, m), 0) for k, _ in series]}
             for m in sorted(all_months, reverse=True)]
    return {"series": out, "months": drawn, "ticks": ticks, "top": top, "table": table,
            "older": bool(all_months) and all_months[0] < drawn[0],
            "width": max(1, len(drawn)) * (BAR + GAP), "height": HEIGHT, "bar": BAR}


def level(n: int, top: int) -> int:
    return 0 if not n else min(LEVELS, math.ceil(LEVELS * n / top))


def tile_map(datasette, rows) -> dict:
    counts = {r["cle"]: r["n"] for r in rows if r["cle"]}
    grid = departements()
    top = max([counts.get(d.code, 0) for d in grid] or [0])
    tiles = [{"code": d.code, "nom": d.nom, "n": counts.get(d.code, 0),
              "level": level(counts.get(d.code, 0), top),
              "x": d.colonne * (TILE + TILE_GAP), "y": d.ligne * (TILE + TILE_GAP),
              "list": list_url(datasette, departement=d.code),
              "feed": feed_url(datasette, departement=d.code)} for d in grid]
    legend = []
    for k in range(1, LEVELS + 1):
        lo, hi = math.floor((k - 1) * top / LEVELS) + 1, math.floor(k * top / LEVELS)
        if top and lo <= hi:
            legend.append({"level": k, "lo": lo, "hi": hi})
    known = {d.code for d in grid}
    return {"tiles": tiles, "top": top, "legend": legend, "size": TILE,
            "width": (max(d.colonne for d in grid) + 1) * (TILE + TILE_GAP),
            "height": (max(d.ligne for d in grid) + 1) * (TILE + TILE_GAP),
            "listed": sorted((t for t in tiles if t["n"]), key=lambda t: (-t["n"], t["code"])),
            "elsewhere": sorted((code, n) for code, n in counts.items() if code not in known),
            "unplaced": sum(r["n"] for r in rows if not r["cle"])}


async def graphiques(datasette, request):
    try:
        db = datasette.get_database(DATABASE)
    except KeyError:
        return Response.html("<h1>Base technoveille introuvable</h1>", status=404)
    data = {name: (await db.execute(sql)).rows for name, sql in SQL.items()}
    themes = [(r["id"], r["label"]) for r in data["themes"]]
    totals = data["totaux"][0]
    context = {"graph": {
        "themes": bar_chart(datasette, data["par_theme"], themes, "theme"),
        "sources": bar_chart(datasette, data["par_source"], list(SOURCES.items()), "source"),
        "carte": tile_map(datasette, data["par_departement"]),
        "signales": totals["signales"] or 0, "sans_date": totals["sans_date"] or 0,
        "feed": datasette.urls.database(DATABASE) + "/flux.atom",
        "list": datasette.urls.database(DATABASE) + "/signalements",
    }}
    html = await datasette.render_template("graphiques.html", context, request=request)
    return Response.html(html)


@hookimpl
def register_routes():
    return [(r"^/graphiques$", graphiques)]
