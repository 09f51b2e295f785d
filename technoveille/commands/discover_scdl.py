"""`technoveille discover-scdl`: list the data.gouv.fr datasets that declare the schema
`scdl/deliberations` and write candidate registry entries (YAML) for review.

The API base is DATAGOUV_API_URL (default https://www.data.gouv.fr/api/1). Candidates are
written with `verified: false` and `enabled: false`: a campaigner checks them, then copies the
good ones into scrapers/councils.yml.
"""
from __future__ import annotations

import re
import sys
from urllib.parse import urlencode

import httpx
import yaml

from technoveille.core import config
from technoveille.core.fold import fold_plain

SCHEMA = "scdl/deliberations"


def slug(text: str) -> str:
    text = fold_plain(text)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60] or "entree"


def datasets(api: str, client: httpx.Client, max_pages: int = 50):
    url = f"{api.rstrip('/')}/datasets/?" + urlencode({"schema": SCHEMA, "page_size": 100})
    for _ in range(max_pages):
        response = client.get(url)
        response.raise_for_status()
        data = response.json()
        yield from data.get("data", [])
        url = data.get("next_page")
        if not url:
            break


def candidate(ds: dict) -> dict | None:
    """One registry entry for a dataset: its most recent SCDL CSV/JSON resource."""
    resources = [r for r in ds.get("resources", [])
                 if (r.get("format") or "").lower() in ("csv", "json") and r.get("url")]
    scdl = [r for r in resources if ((r.get("schema") or {}).get("name") == SCHEMA)] or resources
    if not scdl:
        return None
    latest = max(scdl, key=lambda r: r.get("last_modified") or "")
    org = ds.get("organization") or {}
    entry = {"id": slug(org.get("name") or ds.get("title") or ds.get("id", "")),
             "name": org.get("name") or ds.get("title"), "kind": "scdl", "url": latest["url"],
             "page": ds.get("page"), "verified": False, "enabled": False,
             "notes": f"data.gouv.fr : {ds.get('title')} ({len(scdl)} ressource(s) ; "
                      f"la plus récente : {latest.get('title')})"}
    siret = re.sub(r"\D", "", str(org.get("business_number_id") or ""))
    if len(siret) == 14:
        entry["siret"] = siret
    if (latest.get("format") or "").lower() == "json":
        entry["format"] = "json"
    return entry


def register(sub):
    p = sub.add_parser("discover-scdl",
                       help="chercher sur data.gouv.fr les jeux « scdl/deliberations »",
                       description="Liste les jeux de données data.gouv.fr qui déclarent le "
                                   "schéma scdl/deliberations et écrit des entrées candidates "
                                   "du registre des conseils, à relire avant de les copier "
                                   "dans scrapers/councils.yml.")
    p.add_argument("-o", "--output", default="councils.candidates.yml",
                   help="fichier YAML à écrire (« - » : la sortie standard)")
    p.add_argument("--max-pages", type=int, default=50)
    p.set_defaults(func=run)


def run(args) -> int:
    api = config.get("DATAGOUV_API_URL")
    entries, seen = [], set()
    try:
        with httpx.Client(timeout=60, headers={"User-Agent": "technoveille discover-scdl"}) as client:
            for ds in datasets(api, client, args.max_pages):
                entry = candidate(ds)
                if entry is None:
                    continue
                base, n = entry["id"], 2
                while entry["id"] in seen:
                    entry["id"] = f"{base}-{n}"
                    n += 1
                seen.add(entry["id"])
                entries.append(entry)
    except httpx.HTTPError as exc:
        print(f"technoveille: data.gouv.fr injoignable ({api}) : {exc}", file=sys.stderr)
        return 1
    text = ("# Entrées candidates trouvées par `technoveille discover-scdl` : à vérifier, puis à\n"
            "# copier dans scrapers/councils.yml (ajoutez insee/departement, passez enabled à true).\n"
            + yaml.safe_dump({"councils": entries}, allow_unicode=True, sort_keys=False))
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
        print(f"{len(entries)} jeu(x) de données trouvé(s) ; entrées candidates écrites dans "
              f"{args.output}")
    return 0
