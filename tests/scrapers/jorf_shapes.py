"""Writers of JORFSIMPLE test data in the exact shape of DILA's real files (written by us):
a self-contained text (root <TEXTE>, element order, empty elements and blank lines as in the
real 2026 files), a sommaire (root <JO>, TM/TITRE_TM/LIEN_TXT) and a `.tar.gz` increment with
the real member layout `<stamp>/jorf/simple/JORF/CONT/xx/xx/xx/xx/xx/JORFCONT…/JORF….xml`."""
from __future__ import annotations

import gzip
import io
import tarfile

MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
        "octobre", "novembre", "décembre"]


def jo(cont_id: str, num: str, day: str) -> dict:
    y, m, d = day.split("-")
    return {"id": cont_id, "num": num, "date": day,
            "title": f"JORF n°{num} du {int(d)} {MOIS[int(m) - 1]} {y}"}


def shard(doc_id: str) -> str:
    digits = doc_id[8:18]
    return "/".join(digits[i:i + 2] for i in range(0, 10, 2))


def article(arti_id: str, num: str, html: str | None) -> str:
    body = "<CONTENU/>" if html is None else f"<CONTENU>\n{html}\n</CONTENU>"
    num_el = f"<NUM>{num}</NUM>" if num else "<NUM/>"
    return (f"<ARTICLE>\n<ID>{arti_id}</ID>\n<ANCIEN_ID/>\n\n{num_el}\n<MCS_ART/>\n"
            "<DATE_DEBUT>2999-01-01</DATE_DEBUT>\n<DATE_FIN>2999-01-01</DATE_FIN>\n\n<SM>\n"
            f"<CONTENU/>\n</SM>\n<BLOC_TEXTUEL>\n{body}\n</BLOC_TEXTUEL>\n<LIENS/>\n</ARTICLE>\n")


def section(scta_id: str, title: str, inner: str) -> str:
    return f"<SECTION_TA>\n<ID>{scta_id}</ID>\n<TITRE_TA>{title}</TITRE_TA>\n{inner}</SECTION_TA>\n"


def texte(text_id: str, journal: dict, struct: str, *, nature: str = "DECRET",
          nor: str = "IOMD2630001D", title: str = "Décret du 30 octobre 2026",
          titrefull: str | None = None, ministere: str = "Ministère de l'intérieur",
          seq: int = 1) -> bytes:
    """One JORFSIMPLE text; `struct` holds the ARTICLE / SECTION_TA elements."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<TEXTE>\n<ID>{text_id}</ID>\n<ANCIEN_ID/>\n'
        f"<ORIGINE>JORF</ORIGINE>\n<NATURE>{nature}</NATURE>\n\n<NUM/>\n"
        f"<NUM_PARUTION>{journal['num']}</NUM_PARUTION>\n<NUM_SEQUENCE>{seq}</NUM_SEQUENCE>\n"
        f"<NOR>{nor}</NOR>\n<DATE_PUBLI>{journal['date']}</DATE_PUBLI>\n"
        "<DATE_TEXTE>2026-10-30</DATE_TEXTE>\n"
        f'<ORIGINE_PUBLI id="{journal["id"]}">{journal["title"]}</ORIGINE_PUBLI>\n'
        f"<PAGE_DEB_PUBLI/>\n<PAGE_FIN_PUBLI/>\n<TITRE>{title}</TITRE>\n"
        f"<TITREFULL>{titrefull or title}</TITREFULL>\n<AUTORITE/>\n"
        f"<MINISTERE>{ministere}</MINISTERE>\n<MCS_TEXT/>\n<LIENS/>\n\n<NOTICE>\n<CONTENU/>\n"
        "</NOTICE>\n<VISAS>\n<CONTENU>\n<p align=\"left\">\n<br/>Le Premier ministre,<br/>Vu le "
        "code de la sécurité intérieure ;<br/>Décrète :</p>\n</CONTENU>\n</VISAS>\n<ABRO>\n"
        "<CONTENU/>\n</ABRO>\n<RECT>\n<CONTENU/>\n</RECT>\n<SM>\n<CONTENU/>\n</SM>\n<TP>\n"
        "<CONTENU/>\n</TP>\n<STRUCT>\n" + struct +
        "<SIGNATAIRES>\n<CONTENU>\n<div align=\"left\">\n<p>Fait le 30 octobre 2026.</p>\n"
        "</div>\n</CONTENU>\n</SIGNATAIRES>\n</STRUCT>\n<ENTREPRISE texte_entreprise=\"non\">\n"
        "<DATES_EFFET/>\n<DOMAINES/>\n</ENTREPRISE>\n</TEXTE>\n").encode("utf-8")


def sommaire(journal: dict, entries: list[tuple[list[str], str, str]]) -> bytes:
    """entries: (rubric path under the root TM, JORFTEXT id, titretxt)."""
    def tm(level: int, title: str, inner: str) -> str:
        return f'<TM niv="{level}">\n<TITRE_TM>{title}</TITRE_TM>\n{inner}</TM>\n'

    body = ""
    for path, text_id, title in entries:
        inner = f'<LIEN_TXT idtxt="{text_id}" titretxt="{title}"/>\n'
        for depth in range(len(path), 0, -1):
            inner = tm(depth + 1, path[depth - 1], inner)
        body += inner
    y, m, d = journal["date"].split("-")
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<JO>\n\n<ID>{journal["id"]}</ID>\n'
            f"<ID_ELI>https://www.legifrance.gouv.fr/eli/jo/{y}/{int(m)}/{int(d)}/"
            f"{journal['num']}</ID_ELI>\n<ANCIEN_ID/>\n<ORIGINE>JORF</ORIGINE>\n"
            f"<NATURE>JO</NATURE>\n\n<TITRE>{journal['title']}</TITRE>\n<NUM>{journal['num']}"
            f"</NUM>\n<DATE_PUBLI>{journal['date']}</DATE_PUBLI>\n\n\n<STRUCTURE_TXT>\n"
            + tm(1, 'Journal officiel "Lois et Décrets"', body)
            + "</STRUCTURE_TXT>\n</JO>\n").encode("utf-8")


def cont_folder(stamp: str, cont_id: str) -> str:
    return f"{stamp}/jorf/simple/JORF/CONT/{shard(cont_id)}/{cont_id}"


def tar_gz(members: list[tuple[str, bytes]]) -> bytes:
    """A gzip'd tar with the directory entries a real increment has, members in the given
    order (real archives list texts before their sommaire, in directory order)."""
    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        with tarfile.open(fileobj=gz, mode="w|", format=tarfile.GNU_FORMAT) as tar:
            seen: set[str] = set()
            for name, data in members:
                parts = name.split("/")
                for i in range(1, len(parts)):
                    folder = "/".join(parts[:i]) + "/"
                    if folder not in seen:
                        seen.add(folder)
                        info = tarfile.TarInfo(folder)
                        info.type, info.mode = tarfile.DIRTYPE, 0o755
                        tar.addfile(info)
                info = tarfile.TarInfo(name)
                info.size, info.mode = len(data), 0o644
                tar.addfile(info, io.BytesIO(data))
    return raw.getvalue()
