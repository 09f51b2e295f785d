"""The generated corpus of the benchmarks: `python -m bench.corpus --docs 10000 [--seed 12]`.

Seeded and realistic in shape: BOAMP notices (6–10 KB, lots, buyers with a SIRET of a real
commune, département codes, attributions / rectificatifs linked to an earlier notice), JORF
acts (2–5 KB, articles, « préfet de … » titles) and council délibérations / procès-verbaux
(12–30 KB, agenda items, the commune's INSEE code), published over 2015–2026. About 1 % of
documents carry surveillance vocabulary (terms of keywords.yml and phrases of bench.engine);
a few carry false friends (drone agricole, maintenance prédictive…).

Words the site bench searches for: a common one (« marché », in most documents), a rare one
(RARE_WORD, planted in about one document in 5,000) and a phrase (« reconnaissance faciale »).

`build_db(path, n, seed, progress)` stores N documents through the project's own write path
(core.textclean.normalise_document → pipelines.match.match_document →
pipelines.store.store_document, then pipelines.db.propagate_flags); `cached_db(workdir, n,
seed, progress)` keeps built databases under `workdir`, keyed by (n, seed, code version), so
the read benchmarks (rematch, publish, site) reuse them.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import time
from pathlib import Path
from typing import Callable, Iterator

from technoveille.core import config, reference
from technoveille.core.items import Document

from .engine import _CLAUSES, _FALSE, _OBJECTS, _POSITIVE, _SUBJECTS, _VERBS

ROOT = Path(__file__).resolve().parent.parent
RARE_WORD = "ornithoptère"
COMMON_WORD = "marché"
PHRASE = '"reconnaissance faciale"'
POSITIVE_RATE = 0.01
#: bump when documents() generates something else (part of the cached databases' key)
CORPUS_VERSION = "1"

_BOAMP_OBJECTS = ["Fourniture de mobilier scolaire", "Travaux de réfection de la voirie communale",
                  "Maintenance des installations de chauffage", "Prestations de nettoyage des locaux",
                  "Fourniture de denrées alimentaires", "Entretien des espaces verts",
                  "Acquisition de véhicules utilitaires", "Mission de maîtrise d'œuvre",
                  "Assurance dommages aux biens", "Fourniture de matériel informatique",
                  "Réhabilitation du groupe scolaire", "Transport scolaire"]
_BOAMP_POSITIVE = ["Extension du système de vidéoprotection urbaine",
                   "Acquisition de drones pour la police municipale",
                   "Fourniture et installation de caméras de vidéoprotection",
                   "Système de lecture automatisée des plaques d'immatriculation (LAPI)",
                   "Logiciel d'analyse vidéo algorithmique"]
_JORF_TITLES = ["Décret n° {y}-{n} du {d} relatif aux modalités de {o}",
                "Arrêté du {d} portant {o}",
                "Arrêté du {d} du préfet {p} portant {o}",
                "Décret n° {y}-{n} du {d} modifiant le décret relatif à {o}"]
_JORF_OBJECTS = ["la formation professionnelle des agents", "l'organisation des services déconcentrés",
                 "la tarification des prestations", "la composition du conseil national",
                 "la nomination au conseil d'administration", "l'approbation du cahier des charges"]
_JORF_POSITIVE = ["la mise en œuvre de traitements algorithmiques sur les images de vidéoprotection",
                  "l'autorisation de caméras installées sur des aéronefs",
                  "la création d'un traitement de données à caractère personnel dénommé « fichier de police »"]
_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"]
_ORDINAL = [""]


def keyword_terms(path: Path | None = None) -> list[str]:
    """Tier-A terms of keywords.yml written as plain words (what a positive document cites)."""
    from pipelines.matching import load_matcher
    matcher = load_matcher(path or config.keywords_path())
    terms = [t["term"] for t in matcher.terms
             if t.get("tier") == "A" and t.get("mode") in ("word", "phrase", None, "near")
             and "*" not in t["term"] and len(t["term"]) > 3]
    return sorted(set(terms)) or ["vidéoprotection"]


def _communes() -> list:
    towns = [c for c in reference.communes() if c.siren]
    towns.sort(key=lambda c: c.insee)
    return towns


def _sentence(rng: random.Random, positive: bool, terms: list[str]) -> str:
    if positive and rng.random() < 0.06:
        obj = rng.choice(_POSITIVE) if rng.random() < 0.5 else f"l'acquisition de {rng.choice(terms)}"
    elif rng.random() < 0.01:
        obj = rng.choice(_FALSE)
    else:
        obj = rng.choice(_OBJECTS)
    return f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {obj}, {rng.choice(_CLAUSES)}."


def _body(rng: random.Random, size: int, positive: bool, terms: list[str],
          head: str = "") -> str:
    """About `size` characters of paragraphs; a positive body cites the vocabulary at least once."""
    paras, para, length = [], [head] if head else [], len(head)
    if positive:
        para.append(f"Le présent document concerne {rng.choice(_POSITIVE)} ; "
                    f"il prévoit {rng.choice(terms)} dans le cadre de la sécurité publique.")
    while length < size:
        s = _sentence(rng, positive, terms)
        if rng.random() < 0.35:
            s = s.replace("marché de travaux", "marché public de travaux")
        para.append(s)
        length += len(s) + 1
        if len(para) >= rng.randint(3, 6):
            paras.append(" ".join(para))
            para = []
    if para:
        paras.append(" ".join(para))
    if rng.random() < 1 / 5000:
        paras.append(f"Une clause particulière concerne l'{RARE_WORD} du musée.")
    return "\n\n".join(paras)


def _parts(text: str, label: str, count: int) -> list[dict]:
    """`count` slices of the text (stored documents: parts are slices of the text)."""
    paras = [p for p in text.split("\n\n") if p.strip()]
    if count <= 1 or len(paras) < count:
        return []
    step = len(paras) // count
    return [{"label": f"{label} {i + 1}", "text": "\n\n".join(paras[i * step:(i + 1) * step])}
            for i in range(count)]


def _date(rng: random.Random) -> tuple[str, str]:
    y, m, d = rng.randint(2015, 2026), rng.randint(1, 12), rng.randint(1, 28)
    return f"{y:04d}-{m:02d}-{d:02d}", f"{d} {_MONTHS[m - 1]} {y}"


def documents(n: int, seed: int = 12, keywords: Path | None = None) -> Iterator[Document]:
    """N generated documents, the same for the same (n, seed): 60 % BOAMP, 15 % JORF,
    25 % council."""
    rng = random.Random(seed)
    towns = _communes()
    deps = reference.departements()
    terms = keyword_terms(keywords)
    boamp_ids: list[str] = []
    for i in range(n):
        positive = rng.random() < POSITIVE_RATE
        iso, spoken = _date(rng)
        kind = rng.random()
        town = towns[rng.randrange(len(towns))]
        if kind < 0.60:
            source_id = f"{iso[2:4]}-{100000 + i}"
            doc_type = rng.choices(["avis de marché", "attribution", "rectificatif", "annulation"],
                                   [70, 20, 8, 2])[0]
            obj = rng.choice(_BOAMP_POSITIVE if positive and rng.random() < 0.5 else _BOAMP_OBJECTS)
            buyer = f"Commune de {town.nom}"
            head = (f"Avis de {COMMON_WORD} — {buyer} ({town.departement}). Objet du {COMMON_WORD} : "
                    f"{obj}. Procédure adaptée. Date limite de réception des offres : {spoken}.")
            text = _body(rng, rng.randint(6000, 10000), positive, terms, head)
            related = []
            if doc_type != "avis de marché" and boamp_ids:
                target = boamp_ids[-1 - rng.randrange(min(50, len(boamp_ids)))]
                related = [{"source_id": target, "relation": doc_type}]
            boamp_ids.append(source_id)
            yield Document(
                source="boamp", source_id=source_id,
                url=f"https://www.boamp.fr/pages/avis/?q=idweb:{source_id}",
                title=f"{obj} — {buyer}", text=text,
                parts=_parts(text, "Lot", rng.choice([1, 1, 2, 3, 4])),
                published_on=iso, doc_type=doc_type, authority=buyer,
                authority_id=f"{town.siren}00017", place_name=reference.departement_name(town.departement),
                place_code=town.departement, related=related,
                extra={"famille": "FNS", "cpv": f"{rng.randint(30000000, 79999999)}",
                       "deadline": iso})
        elif kind < 0.75:
            dep = deps[rng.randrange(len(deps))]
            obj = rng.choice(_JORF_POSITIVE if positive and rng.random() < 0.5 else _JORF_OBJECTS)
            title = rng.choice(_JORF_TITLES).format(y=iso[:4], n=rng.randint(100, 1999), d=spoken,
                                                    o=obj, p=f"de {dep.nom}")
            text = _body(rng, rng.randint(2000, 5000), positive, terms,
                         f"{title}. NOR : INTD{rng.randint(1000000, 9999999)}A.")
            yield Document(
                source="jorf", source_id=f"JORFTEXT{i:012d}",
                url=f"https://www.legifrance.gouv.fr/jorf/id/JORFTEXT{i:012d}",
                title=title, text=text, parts=_parts(text, "Article", rng.choice([2, 3, 5])),
                published_on=iso, doc_type="décret" if title.startswith("Décret") else "arrêté",
                authority="Ministère de l'intérieur", related=[],
                extra={"nor": f"INTD{i:07d}A", "jo_number": str(rng.randint(1, 300))})
        else:
            doc_type = rng.choice(["délibération", "délibération", "procès-verbal"])
            head = (f"Séance du conseil municipal de {town.nom} du {spoken}. "
                    f"Ordre du jour : {rng.choice(_OBJECTS)}.")
            text = _body(rng, rng.randint(12000, 30000), positive, terms, head)
            yield Document(
                source="council", source_id=f"{town.insee}-{iso}-{i}",
                url=f"https://www.example-mairie.fr/{town.insee}/deliberations/{i}.pdf",
                title=f"{doc_type.capitalize()} du conseil municipal de {town.nom} — {spoken}",
                text=text, parts=_parts(text, "Point", rng.choice([3, 5, 8])),
                published_on=iso, doc_type=doc_type, authority=f"Commune de {town.nom}",
                authority_id=town.siren, place_name=town.nom, place_code=town.insee, related=[],
                extra={})


# ---------------------------------------------------------------- building databases

def code_version() -> str:
    """Hash of the code and data that decide what a built database holds."""
    h = hashlib.sha256(CORPUS_VERSION.encode())
    files = [config.keywords_path()]
    # not the read path (rematch, publish) nor the schema module, whose migrations run on
    # connect: changing those must not force a rebuild of the cached databases
    skip = {"pipelines/rematch.py", "pipelines/publish.py", "technoveille/core/db.py"}
    for sub in ("pipelines", "technoveille/core"):
        files += sorted(f for f in (ROOT / sub).rglob("*.py")
                        if str(f.relative_to(ROOT)) not in skip)
    for f in files:
        h.update(str(f.relative_to(ROOT) if f.is_relative_to(ROOT) else f).encode())
        h.update(Path(f).read_bytes())
    return h.hexdigest()[:12]


class Progress:
    """A line every `every` seconds: done / total, rate, ETA."""

    def __init__(self, what: str, total: int, out: Callable[[str], None], every: float = 5.0):
        self.what, self.total, self.out, self.every = what, total, out, every
        self.start = self.last = time.monotonic()

    def __call__(self, done: int, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < self.every:
            return
        self.last = now
        elapsed = max(now - self.start, 1e-9)
        rate = done / elapsed
        eta = (self.total - done) / rate if rate else float("inf")
        self.out(f"{self.what}: {done:,}/{self.total:,} ({100 * done / max(self.total, 1):.0f} %), "
                 f"{rate:,.0f}/s, {elapsed:.0f} s elapsed, ETA {eta:.0f} s")


def store_batch(db, matcher, docs: list[Document]) -> None:
    """Store a batch of documents through the project's path, in one transaction (the write
    path's own batching can replace this function)."""
    from pipelines.match import match_document
    from pipelines.store import store_document
    from technoveille.core.textclean import normalise_document
    with db.atomic():
        for doc in docs:
            normalise_document(doc)
            result = match_document(matcher, doc)
            store_document(db, doc, result, matcher.version)


def build_db(path: Path, n: int, seed: int = 12, progress: Callable[[str], None] = print,
             batch: int = 500) -> dict:
    """A project database of `n` generated documents at `path`, through normalise → match →
    store, then link propagation. Returns {"seconds", "text_bytes"}."""
    from pipelines import db as dbm
    from pipelines.matching import load_matcher
    from technoveille.core.db import connect, set_state

    path = Path(path)
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        p.unlink(missing_ok=True)
    matcher = load_matcher(config.keywords_path())
    db = connect(path)
    dbm.store_vocabulary(db, matcher)
    set_state(db, "keywords_version", matcher.version)
    tick = Progress(f"corpus {n:,}", n, progress)
    started, text_bytes, pending, done = time.monotonic(), 0, [], 0
    for doc in documents(n, seed):
        text_bytes += len(doc.text.encode())
        pending.append(doc)
        if len(pending) >= batch:
            store_batch(db, matcher, pending)
            done += len(pending)
            pending = []
            tick(done)
    if pending:
        store_batch(db, matcher, pending)
        done += len(pending)
    with db.atomic():
        dbm.propagate_flags(db)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    tick(done, force=True)
    return {"seconds": time.monotonic() - started, "text_bytes": text_bytes}


def cached_db(workdir: Path, n: int, seed: int = 12,
              progress: Callable[[str], None] = print) -> Path:
    """The database of (n, seed) for the current code, built once under `workdir`."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    target = workdir / f"corpus-{n}-{seed}-{code_version()}.db"
    if target.exists():
        return target
    tmp = target.with_name(target.name + ".building")
    info = build_db(tmp, n, seed, progress)
    os.replace(tmp, target)
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    (workdir / (target.name + ".json")).write_text(
        f'{{"seconds": {info["seconds"]:.1f}, "text_bytes": {info["text_bytes"]}}}\n')
    return target


def build_info(db_path: Path) -> dict:
    """What `cached_db` recorded about a built database (build time, bytes of text)."""
    import json
    meta = Path(str(db_path) + ".json")
    return json.loads(meta.read_text()) if meta.exists() else {}


def default_workdir() -> Path:
    return Path(os.environ.get("TECHNOVEILLE_BENCH_DIR", ROOT / "data" / "bench"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args(argv)
    path = cached_db(args.workdir or default_workdir(), args.docs, args.seed,
                     lambda line: print(line, file=sys.stderr, flush=True))
    info = build_info(path)
    size = path.stat().st_size
    print(f"{path}: {args.docs:,} documents, {size / 1e6:.1f} MB "
          f"({size / max(info.get('text_bytes', 1), 1):.2f}× the text), built in "
          f"{info.get('seconds', 0):.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def cli(measure, doc: str, title: str, argv=None) -> int:
    """The `main()` of a size-dependent bench module: --size, --workdir, one rendered table."""
    import argparse
    import sys

    from .table import render

    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--size", type=int, default=10_000)
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args(argv)
    rows = measure(args.size, args.workdir or default_workdir(),
                   lambda line: print(line, file=sys.stderr, flush=True))
    print(render(rows, title))
    return 0
