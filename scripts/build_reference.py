"""Regenerate the reference data bundled in technoveille/core/data/ (`make reference`):
the communes of France (INSEE code, name, SIREN, département, région, EPCI), the EPCI and
EPT (SIREN, name, kind, départements) and the départements (code, name, région), from
Etalab's « découpage administratif » (npm package @etalab/decoupage-administratif, MIT).

    python scripts/build_reference.py                  # npm pack the pinned version
    python scripts/build_reference.py --tarball X.tgz  # or an already downloaded tarball

Only a developer runs this (it needs `npm`); the site and the crawlers read the committed
files through technoveille.core.reference and never touch the network. The output is
deterministic (sorted rows, gzip mtime 0): re-running on the same version changes nothing."""
from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

PACKAGE = "@etalab/decoupage-administratif"
VERSION = "6.0.0"      # the 2026 vintage (see the package README: « millésimes »)
OUT = Path(__file__).resolve().parents[1] / "technoveille" / "core" / "data"


def npm_pack(version: str, into: Path) -> Path:
    out = subprocess.run(["npm", "pack", f"{PACKAGE}@{version}", "--silent",
                          "--pack-destination", str(into)],
                         check=True, capture_output=True, text=True).stdout.split()
    return into / out[-1]


def read_package(tarball: Path) -> dict:
    files = {}
    with tarfile.open(tarball, "r:gz") as tar:
        for member in tar.getmembers():
            name = member.name.removeprefix("package/")
            if name in ("package.json", "LICENSE") or (name.startswith("data/")
                                                      and name.endswith(".json")):
                files[name] = tar.extractfile(member).read()
    return files


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def write_gz(path: Path, data: bytes) -> None:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    path.write_bytes(buf.getvalue())


def build(files: dict) -> dict[str, bytes]:
    load = lambda name: json.loads(files[f"data/{name}.json"])  # noqa: E731
    communes = [c for c in load("communes") if c["type"] == "commune-actuelle"]
    epcis, epts = load("epci"), load("ept")
    regions = {r["code"]: r["nom"] for r in load("regions")}
    departements = load("departements")
    by_insee = {c["code"]: c for c in communes}
    epci_of = {m["code"]: e["code"] for e in epcis for m in e["membres"]}

    commune_rows = sorted([c["code"], c["nom"], c.get("siren") or "", c["departement"],
                           c.get("region") or "", epci_of.get(c["code"], "")]
                          for c in communes)
    groups = []
    for kind_of, group in ((lambda e: e["type"], epcis), (lambda e: "EPT", epts)):
        for e in group:
            # the main département: that of most inhabitants among the members
            weight = Counter()
            for m in e["membres"]:
                c = by_insee.get(m["code"])
                if c:
                    weight[c["departement"]] += m.get("populationMunicipale") or 0
            deps = sorted(weight)
            main = max(deps, key=lambda d: (weight[d], d)) if deps else ""
            groups.append([e["code"], e["nom"], kind_of(e), main, " ".join(deps),
                           len(e["membres"])])
    dep_rows = sorted([d["code"], d["nom"], d.get("region") or "",
                       regions.get(d.get("region"), "")] for d in departements)
    package = json.loads(files["package.json"])
    out = {
        "communes.csv.gz": csv_bytes(["insee", "nom", "siren", "departement", "region", "epci"],
                                     commune_rows),
        "epci.csv.gz": csv_bytes(["siren", "nom", "type", "departement", "departements",
                                  "membres"], sorted(groups)),
        "departements.csv": csv_bytes(["code", "nom", "region", "region_nom"], dep_rows),
        "LICENSE-decoupage-administratif.txt": files["LICENSE"],
    }
    meta = {
        "source": package["name"], "version": package["version"],
        "licence": package.get("license"), "repository": package.get("repository"),
        "built_by": "scripts/build_reference.py (make reference)",
        "counts": {"communes": len(commune_rows), "epci_ept": len(groups),
                   "departements": len(dep_rows)},
        "sha256": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(out.items())},
    }
    out["reference.json"] = (json.dumps(meta, ensure_ascii=False, indent=1) + "\n").encode()
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", default=VERSION)
    parser.add_argument("--tarball", type=Path, help="a tarball from `npm pack` (offline)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tarball = args.tarball or npm_pack(args.version, Path(tmp))
        files = read_package(tarball)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in build(files).items():
        path = args.out / name
        if name.endswith(".gz"):
            write_gz(path, data)
        else:
            path.write_bytes(data)
        print(f"{path.relative_to(args.out.parent.parent.parent)}: {path.stat().st_size} bytes",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
