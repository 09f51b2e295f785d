"""Classify a council document link from its anchor text, its context and its URL.

Labels (French, stored in documents.doc_type): « ordre du jour », « convocation »,
« rapport », « délibération », « liste des délibérations », « procès-verbal »,
« compte rendu », « annexe ». Unknown → None (the registry's `default_type` applies).

Order matters: « Liste des délibérations » before « délibération »; annex words
(« maquette », « annexe », « pièce jointe ») beat « délibération » (the Bègles test keeps
« D04 – Vote du budget primitif » as a délibération but « D04 – Maquette du Budget » as an
annexe); the anchor text is read before the context and the URL.
"""
from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from technoveille.core.fold import fold_plain

RULES: list[tuple[str, re.Pattern]] = [
    ("liste des délibérations", re.compile(r"\bliste\W+(des\W+)?(deliberations|actes)\b|\bliste\W+des\W+delib")),
    ("procès-verbal", re.compile(r"\bproces\W*verba(l|ux)\b|\bpv\b|(^|[\W_])pv([\W_]|$)")),
    ("compte rendu", re.compile(r"\bcomptes?\W*rendus?\b|(^|[\W_])cr([\W_]|$)")),
    ("ordre du jour", re.compile(r"\bordre\W+du\W+jour\b|(^|[\W_])odj([\W_]|$)")),
    ("convocation", re.compile(r"\bconvocation")),
    ("annexe", re.compile(r"\bannexes?\b|\bmaquette\b|\bpieces?\W+jointes?\b|\bplans?\W+annexe")),
    ("rapport", re.compile(r"\brapports?\b|\bprojets?\W+de\W+deliberation|\bnote\W+de\W+synthese\b|\bexpose\b")),
    ("délibération", re.compile(r"\bdeliberations?\b|\bdelib\b|\bextrait\W+du\W+registre|(^|[\W_])d\d{2,3}([\W_]|$)"
                                # D2026-058, DEL-2026-045, DL-056-07-13, DELIB_2026_12
                                r"|(^|[\W_])(d|dl|del|delib)[-_]?\d{2,4}([-_.]\d{2,4}){1,2}([\W_]|$)"
                                r"|\b\d{2}/\d{4}/[a-z]{4}\b|\bdcm\W*\d{4}")),
]


def classify_text(text: str) -> str | None:
    folded = fold_plain(text or "")
    for label, pattern in RULES:
        if pattern.search(folded):
            return label
    return None


def classify(anchor: str | None, url: str | None = None, context: str | None = None) -> str | None:
    """First decisive source wins: anchor text, then its context (item title, section
    heading), then the file name in the URL."""
    for text in (anchor, context):
        label = classify_text(text or "")
        if label:
            return label
    if url:
        name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
        name = re.sub(r"\.[a-z0-9]{2,4}$", "", name, flags=re.I)
        return classify_text(name.replace("-", " ").replace("_", " ") + " " + name)
    return None


def classify_header(text: str, max_lines: int = 12) -> str | None:
    """Type read in the first lines of the document itself (« EXTRAIT DU REGISTRE DES
    DÉLIBÉRATIONS », « PROCÈS-VERBAL DE LA SÉANCE », « ORDRE DU JOUR »…), for links whose
    text and address say nothing (« Télécharger », « DEL-2026-045.pdf »). Line by line, so
    « Objet : approbation du procès-verbal » below a délibération header does not win."""
    lines = [line for line in (text or "").splitlines() if line.strip()][:max_lines]
    for line in lines:
        label = classify_text(line[:200])
        if label and label not in ("annexe", "rapport"):
            return label
    return None


def is_document_url(url: str) -> bool:
    """A direct link to a file (PDF, office document) rather than a page."""
    path = urlsplit(url).path.lower()
    return bool(re.search(r"\.(pdf|odt|docx?|rtf)$", path)) or "/download" in path
