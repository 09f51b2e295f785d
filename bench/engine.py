"""Benchmark of the keyword engine: `python -m bench.engine [--mb 50]`.

Generates a French administrative corpus (BOAMP, JORF and council styles, about 2 % of
documents carrying a surveillance term, typographic apostrophes, accents, line breaks,
a few HTML entities), then measures in one process:
- the engine: Matcher.match() on every document (folding, both automata, tier rules);
- the naive baseline: the same folding, then one compiled regex per term (all its variants
  in one alternation with word boundaries) run over the folded text, on a subset
  (the naive loop is too slow for the whole corpus; its rate is per MB).
Prints MB/s, documents/s and the speed-up; the figures go into docs/PERFORMANCE.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import re
import time

from pipelines.matching import load_matcher
from technoveille.core.fold import fold, fold_text
from pipelines.matching.variants import variants
from technoveille.core import config

_SUBJECTS = ["Le conseil municipal", "Le pouvoir adjudicateur", "La commune", "Le ministre de l’économie",
             "La communauté d’agglomération", "Le département", "L’établissement public", "Le syndicat mixte",
             "La région", "Le centre communal d’action sociale", "Le préfet de la région"]
_VERBS = ["approuve", "décide de lancer", "autorise le maire à signer", "attribue", "fixe les modalités de",
          "arrête", "prend acte de", "modifie", "abroge", "renouvelle", "confie"]
_OBJECTS = ["le marché de travaux de réfection de la voirie communale", "la convention de partenariat avec l’association",
            "l’acquisition de mobilier scolaire pour les écoles élémentaires", "le programme de rénovation énergétique des bâtiments",
            "la fourniture de denrées alimentaires pour la restauration collective", "le contrat de maintenance des ascenseurs",
            "la subvention de fonctionnement au comité des fêtes", "le plan local d’urbanisme intercommunal",
            "l’accord-cadre de prestations de nettoyage des locaux", "la délégation de service public de l’eau potable",
            "les tarifs des services périscolaires", "la garantie d’emprunt accordée à l’office public de l’habitat",
            "le règlement intérieur de la médiathèque", "la cession d’une parcelle cadastrée section AB n° 123",
            "l’entretien des espaces verts et des terrains de sport", "la mise à jour du tableau des effectifs"]
_CLAUSES = ["conformément aux dispositions du code général des collectivités territoriales",
            "vu l’avis favorable de la commission des finances", "après en avoir délibéré à l’unanimité",
            "pour une durée de quatre ans à compter de la notification", "dans la limite des crédits inscrits au budget",
            "en application de l’article L. 2122-22 du code général des collectivités territoriales",
            "selon la procédure adaptée prévue par le code de la commande publique",
            "le montant estimé s’élève à 125 000 &euro; HT", "les offres seront appréciées selon les critères pondérés",
            "sous réserve de l’accord de l’État", "au titre de l’exercice budgétaire en cours"]
_POSITIVE = ["l’extension du système de vidéoprotection urbaine pour la police municipale",
             "l’acquisition de drones de surveillance pour la gendarmerie",
             "un traitement algorithmique des images issues des caméras de vidéoprotection",
             "des caméras installées sur des aéronefs pour le maintien de l’ordre",
             "la lecture automatisée des plaques d’immatriculation (LAPI)",
             "un dispositif de reconnaissance faciale à l’entrée du lycée",
             "des capteurs sonores détectant les bruits anormaux sur la voie publique",
             "la plateforme de police prédictive"]
_FALSE = ["un drone d’épandage pour le traitement des vignes", "l’hyperviseur VMware du centre de données",
          "la maintenance prédictive des pompes", "une caméra de recul sur les véhicules utilitaires"]


def make_doc(rng: random.Random, positive: bool) -> str:
    paras = []
    for _ in range(rng.randint(8, 30)):
        sents = []
        for _ in range(rng.randint(2, 5)):
            obj = rng.choice(_POSITIVE) if positive and rng.random() < 0.05 else rng.choice(_OBJECTS)
            if rng.random() < 0.02:
                obj = rng.choice(_FALSE)
            sents.append(f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {obj}, {rng.choice(_CLAUSES)}.")
        paras.append(" ".join(sents))
    text = "\n\n".join(paras)
    if rng.random() < 0.3:      # PDF-like hard line breaks
        text = re.sub(r"(.{70,90}) ", "\\1\n", text)
    return text


def corpus(mb: float, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    docs, size = [], 0
    while size < mb * 1_000_000:
        d = make_doc(rng, rng.random() < 0.02)
        docs.append(d)
        size += len(d.encode("utf-8"))
    return docs


def naive_patterns(matcher) -> list[re.Pattern]:
    pats = []
    for t in matcher.entries:
        if t.mode == "acronym":
            pats.append(re.compile(r"\b" + re.escape(t.text) + r"\b"))
            continue
        texts = t.near[:2] if t.mode == "near" else (t.text,)
        for x in texts:
            vs = variants(fold(x), inflect=t.mode != "prefix")
            tail = "" if t.mode == "prefix" else r"\b"
            pats.append(re.compile(r"\b(?:" + "|".join(map(re.escape, vs)) + ")" + tail))
    return pats


def naive_match(pats, doc: str) -> int:
    folded = fold_text(doc).text
    return sum(1 for p in pats for _ in p.finditer(folded))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=50.0, help="corpus size in MB (default 50)")
    ap.add_argument("--naive-mb", type=float, default=2.0, help="subset for the naive loop")
    ap.add_argument("--keywords", default=config.get("TECHNOVEILLE_KEYWORDS"))
    ap.add_argument("--repeat", type=int, default=3,
                    help="engine passes over the corpus; best and median are reported (default 3)")
    args = ap.parse_args(argv)
    matcher = load_matcher(args.keywords)
    t0 = time.perf_counter()
    docs = corpus(args.mb)
    total = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    print(f"corpus: {len(docs)} documents, {total:.1f} MB generated in {time.perf_counter() - t0:.1f} s")

    times = []
    for _ in range(max(1, args.repeat)):
        t0 = time.perf_counter()
        flagged = sum(1 for d in docs if matcher.match(title="", text=d).flagged)
        times.append(time.perf_counter() - t0)
    dt = min(times)
    median = sorted(times)[len(times) // 2]
    eng_mbs, eng_dps = total / dt, len(docs) / dt
    print(f"engine: best of {len(times)} {dt:.2f} s, {eng_mbs:.1f} MB/s, {eng_dps:.0f} docs/s "
          f"(median {total / median:.1f} MB/s), {flagged} flagged")

    pats = naive_patterns(matcher)
    subset, size = [], 0.0
    for d in docs:
        if size >= args.naive_mb:
            break
        subset.append(d)
        size += len(d.encode("utf-8")) / 1e6
    t0 = time.perf_counter()
    for d in subset:
        naive_match(pats, d)
    ndt = time.perf_counter() - t0
    naive_mbs = size / ndt
    print(f"naive:  {len(pats)} regexes, {size:.1f} MB in {ndt:.2f} s, {naive_mbs:.2f} MB/s, "
          f"{len(subset) / ndt:.0f} docs/s")
    print(f"speed-up: {eng_mbs / naive_mbs:.1f}x")
    print(f"machine: {' '.join(platform.uname())}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    return 0


def measure(size: int, workdir, progress, mb: float = 10.0, naive_mb: float = 0.5) -> list:
    """The matching row of the one table (`size` unused: the engine's rate does not depend on
    the database; `mb` of generated text, best of 3 passes, naive loop on `naive_mb`)."""
    from .table import Row
    matcher = load_matcher(config.get("TECHNOVEILLE_KEYWORDS"))
    docs = corpus(mb)
    total = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        for d in docs:
            matcher.match(title="", text=d)
        times.append(time.perf_counter() - t0)
    eng = total / min(times)
    subset, size_mb = [], 0.0
    for d in docs:
        if size_mb >= naive_mb:
            break
        subset.append(d)
        size_mb += len(d.encode("utf-8")) / 1e6
    pats = naive_patterns(matcher)
    t0 = time.perf_counter()
    for d in subset:
        naive_match(pats, d)
    naive = size_mb / (time.perf_counter() - t0)
    progress(f"matching: {eng:.1f} MB/s, naive {naive:.2f} MB/s")
    return [Row("matching", None, f"Matcher.match over {total:.0f} MB of generated text",
                f"{eng:.1f} MB/s", f"naive per-term regex loop {naive:.2f} MB/s → "
                f"{eng / naive:.0f}×; goal ≥ 30 MB/s and ≥ 10×", eng >= 30 and eng / naive >= 10)]


if __name__ == "__main__":
    raise SystemExit(main())
