"""Pure parsing of DILA JORFSIMPLE XML (no Scrapy): the JO sommaire (root <JO>, a JORFCONT
file), the self-contained texts (root <TEXTE>, one JORFTEXT file each) and the deletion list.

Real files are UTF-8 XML whose CONTENU elements hold XHTML (<p>, <br/>, <sup>, <div>, tables).
DILA's 2023 migration note warns that element order and whitespace change: everything is found
by tag name, never by position. XML is parsed with defusedxml (entity expansion, external
entities and DTD tricks are refused with an exception the caller turns into a CrawlError).
"""
from __future__ import annotations

import re
from typing import Any, Iterable

from defusedxml import ElementTree as DET

LEGIFRANCE_TEXT_URL = "https://www.legifrance.gouv.fr/jorf/id/{}"
NO_DATE = "2999-01-01"  # DILA placeholder meaning "no date"

TEXT_ID_RE = re.compile(r"JORFTEXT\d{12}")
CONT_ID_RE = re.compile(r"JORFCONT\d{12}")
ANY_ID_RE = re.compile(r"JORF(?:TEXT|CONT|ARTI|SCTA)\d{12}")

# NATURE (raw DILA vocabulary, ~130 values) → the French label stored in documents.doc_type.
NATURES = {
    "LOI": "loi", "LOI_ORGANIQUE": "loi organique", "LOI_CONSTIT": "loi constitutionnelle",
    "LOI_PROGRAMME": "loi de programme", "ORDONNANCE": "ordonnance", "DECRET": "décret",
    "DECRET_LOI": "décret-loi", "ARRETE": "arrêté", "DECISION": "décision",
    "DECISION_CC": "décision", "DELIBERATION": "délibération", "AVIS": "avis",
    "CIRCULAIRE": "circulaire", "INSTRUCTION": "instruction", "RECTIFICATIF": "rectificatif",
    "RAPPORT": "rapport", "LISTE": "liste", "DELEGATION": "délégation",
    "CONVENTION": "convention", "ACCORD": "accord", "AVENANT": "avenant",
    "COMMUNIQUE": "communiqué", "INFORMATION": "information", "DECLARATION": "déclaration",
    "RECOMMANDATION": "recommandation", "PROCLAMATION": "proclamation",
    "PROTOCOLE": "protocole", "REGLEMENT": "règlement", "DIRECTIVE": "directive",
    "VOCABULAIRE": "vocabulaire", "TABLEAU": "tableau", "RESULTATS": "résultats",
    "CITATION": "citation", "ELECTION": "élection", "NOTE": "note", "LETTRE": "lettre",
}

# Tags of the XHTML inside CONTENU that end a line (DILA uses both cases: P/p, BR/br…).
_BLOCK = {"p", "div", "br", "tr", "li", "ul", "ol", "table", "tableau", "thead", "tbody",
          "tfoot", "caption", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
          "cliche", "ent", "notes", "not", "dl", "dt", "dd", "hr"}
_CELL = {"td", "th"}


class JorfParseError(ValueError):
    """A file that is XML but not the expected JORFSIMPLE shape."""


def doc_type(nature: str | None) -> str | None:
    """French label for a DILA NATURE (unknown values: lower-cased, underscores as spaces)."""
    if not nature:
        return None
    key = nature.strip().upper()
    return NATURES.get(key) or key.lower().replace("_", " ")


def _local(tag: Any) -> str:
    if not isinstance(tag, str):  # lxml comments / processing instructions
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def html_text(element) -> str:
    """Plain text of an XHTML subtree (ElementTree or lxml element): one line per block
    element or <br/>, table cells separated by ' | ', spaces collapsed, empty lines dropped."""
    if element is None:
        return ""
    chunks: list[str] = []

    def inline(value: str | None) -> None:
        # a newline in the XML source is only whitespace (DILA adds some since 2023);
        # lines come from <br/> and block elements
        if value:
            chunks.append(re.sub(r"\s+", " ", value))

    def walk(el) -> None:
        tag = _local(el.tag)
        if tag == "tr":  # one line per table row, cells joined (DILA puts <br/> in cells)
            cells = [" ".join(html_text(c).split()) for c in el if _local(c.tag) in _CELL]
            chunks.extend(["\n", " | ".join(cells), "\n"])
            inline(el.tail)
            return
        if tag in _BLOCK:
            chunks.append("\n")
        elif tag in _CELL:
            chunks.append(" | ")
        if tag:
            inline(el.text)
        for child in el:
            walk(child)
        if tag in _BLOCK and tag != "br":
            chunks.append("\n")
        inline(el.tail)

    inline(element.text)
    for child in element:
        walk(child)
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip(" |") for line in "".join(chunks).split("\n"))
    return "\n".join(line.strip() for line in lines if line.strip())


def parse_xml(data: bytes):
    """defusedxml parse; raises defusedxml.DefusedXmlException subclasses (entity bombs,
    external entities) or xml.etree.ElementTree.ParseError (malformed XML)."""
    return DET.fromstring(data)


def _find_text(root, tag: str) -> str | None:
    el = root.find(f".//{tag}")
    if el is None or el.text is None:
        return None
    value = el.text.strip()
    return value or None


def _child_text(el, tag: str) -> str | None:
    child = el.find(tag)
    if child is None or child.text is None:
        return None
    return child.text.strip() or None


def _contenu(root, path: str) -> str:
    """Plain text of <path>/CONTENU (direct children of root only, not the articles')."""
    el = root.find(f"{path}/CONTENU")
    return html_text(el)


# ------------------------------------------------------------------ sommaire (JORFCONT)

def parse_cont(data: bytes) -> dict:
    """A JO sommaire → {id, title, number, date, eli, texts: {JORFTEXT: {title, rubric}}}.
    `rubric` is the path of TITRE_TM above the text, without the root « Journal officiel
    "Lois et Décrets" » level (depth is irregular in real files)."""
    root = parse_xml(data)
    if _local(root.tag) != "jo":
        raise JorfParseError(f"root element is <{root.tag}>, expected <JO>")
    cont_id = _child_text(root, "ID")
    if not cont_id or not CONT_ID_RE.fullmatch(cont_id):
        raise JorfParseError(f"missing or malformed JORFCONT ID: {cont_id!r}")
    texts: dict[str, dict] = {}

    def walk(node, path: list[str]) -> None:
        for child in node:
            tag = _local(child.tag)
            if tag == "tm":
                title = _child_text(child, "TITRE_TM") or ""
                level = child.get("niv")
                sub = path if (level == "1" and not path) else path + [title]
                walk(child, sub)
            elif tag == "lien_txt":
                tid = (child.get("idtxt") or "").strip()
                if tid:
                    texts.setdefault(tid, {"title": (child.get("titretxt") or "").strip(),
                                           "rubric": " > ".join(p for p in path if p)})

    structure = root.find("STRUCTURE_TXT")
    if structure is not None:
        walk(structure, [])
    return {
        "id": cont_id,
        "title": _child_text(root, "TITRE"),
        "number": _child_text(root, "NUM"),
        "date": _child_text(root, "DATE_PUBLI"),
        "eli": _child_text(root, "ID_ELI"),
        "texts": texts,
    }


# ------------------------------------------------------------------ text (JORFTEXT)

def article_label(num: str | None, index: int, count: int) -> str:
    """« Article 4 », « Article 1er », « Annexe » (when NUM already names the part), or
    « Article » + position for unnumbered articles (« Texte » when it is the only one)."""
    num = (num or "").strip()
    if num:
        if re.match(r"(?i)^(annexe|article|tableau|chapitre|titre|section)\b", num):
            return num[0].upper() + num[1:]
        return f"Article {num}"
    return "Texte" if count == 1 else f"Article (sans numéro, {index + 1})"


def _articles(struct) -> list[dict]:
    """SECTION_TA headings and ARTICLEs of STRUCT, in document order."""
    out: list[dict] = []

    def walk(node, sections: list[str]) -> None:
        for child in node:
            tag = _local(child.tag)
            if tag == "section_ta":
                title = _child_text(child, "TITRE_TA") or ""
                comment = _child_text(child, "COMMENTAIRE")
                out.append({"section": title, "comment": comment})
                walk(child, sections + [title])
            elif tag == "article":
                out.append({
                    "id": _child_text(child, "ID"),
                    "num": _child_text(child, "NUM"),
                    "eli": _child_text(child, "ID_ELI"),
                    "text": html_text(child.find("BLOC_TEXTUEL/CONTENU")),
                    "sections": sections,
                })

    if struct is not None:
        walk(struct, [])
    return out


def parse_text(data: bytes, cont: dict | None = None) -> dict:
    """A self-contained JORFSIMPLE <TEXTE> → Document fields (dict, no Scrapy types).

    `cont` is the parsed sommaire of the same JO when the archive carries it (gives the
    rubric path); the text alone carries its JO number, date and JORFCONT id."""
    root = parse_xml(data)
    if _local(root.tag) != "texte":
        raise JorfParseError(f"root element is <{root.tag}>, expected <TEXTE>")
    text_id = _child_text(root, "ID")
    if not text_id or not TEXT_ID_RE.fullmatch(text_id):
        raise JorfParseError(f"missing or malformed JORFTEXT ID: {text_id!r}")

    nature = _child_text(root, "NATURE")
    title = _child_text(root, "TITREFULL") or _child_text(root, "TITRE") or text_id
    origine = root.find("ORIGINE_PUBLI")
    jo_id = jo_title = None
    if origine is not None:
        jo_id = (origine.get("id") or "").strip() or None
        jo_title = (origine.text or "").strip() or None
    date_publi = _child_text(root, "DATE_PUBLI")
    date_texte = _child_text(root, "DATE_TEXTE")

    notice = _contenu(root, "NOTICE")
    visas = _contenu(root, "VISAS")
    struct = root.find("STRUCT")
    signataires = html_text(struct.find("SIGNATAIRES/CONTENU")) if struct is not None else ""
    if not signataires:
        signataires = _contenu(root, "SIGNATAIRES")
    entries = _articles(struct)
    articles = [e for e in entries if "id" in e]

    parts: list[dict[str, str]] = []
    body: list[str] = []
    position = 0  # of the article among the text's articles (identical copies are distinct)
    if notice:
        body.append(notice)
    if visas:
        body.append(visas)
    for entry in entries:
        if "section" in entry:
            if entry["section"]:
                body.append(entry["section"])
            if entry.get("comment"):
                body.append(entry["comment"])
            continue
        label = article_label(entry["num"], position, len(articles))
        position += 1
        parts.append({"label": label, "text": entry["text"]})
        body.append(f"{label}\n{entry['text']}" if entry["text"] else label)
    if signataires:
        body.append(signataires)

    rubric = None
    if cont and text_id in cont.get("texts", {}):
        rubric = cont["texts"][text_id]["rubric"] or None
    jo_number = _child_text(root, "NUM_PARUTION") or (cont or {}).get("number")
    jo_date = (cont or {}).get("date") or date_publi
    eli = _child_text(root, "ID_ELI")
    aliases = [a.text.strip() for a in root.findall("ELI_ALIAS/ID_ELI_ALIAS") if a.text]

    extra: dict[str, Any] = {
        "nature": nature,
        "nor": _child_text(root, "NOR"),
        "num": _child_text(root, "NUM"),
        "eli": eli,
        "eli_alias": aliases[0] if aliases else None,
        "jo_id": jo_id or (cont or {}).get("id"),
        "jo_number": jo_number,
        "jo_date": jo_date,
        "jo_title": jo_title or (cont or {}).get("title"),
        "num_sequence": _child_text(root, "NUM_SEQUENCE"),
        "date_texte": date_texte if date_texte != NO_DATE else None,
        "rubric": rubric,
        "autorite": _child_text(root, "AUTORITE"),
        "signataires": signataires or None,
        "articles": [{"num": a["num"], "id": a["id"]} for a in articles],
    }
    return {
        "source": "jorf",
        "source_id": text_id,
        "url": LEGIFRANCE_TEXT_URL.format(text_id),
        "title": title,
        "text": "\n\n".join(body),
        "parts": parts,
        "published_on": date_publi if date_publi != NO_DATE else None,
        "doc_type": doc_type(nature),
        "authority": _child_text(root, "MINISTERE") or _child_text(root, "AUTORITE"),
        "extra": {k: v for k, v in extra.items() if v not in (None, "", [])},
    }


# ------------------------------------------------------------------ deletion list

def parse_deletions(data: bytes) -> list[str]:
    """`liste_suppression_jorf.dat`: one path per line without `.xml`, e.g.
    `jorf/global/texte/version/JORF/TEXT/00/00/37/15/71/JORFTEXT000037157123`.
    Returns the deleted ids (JORFTEXT, JORFARTI, JORFCONT, JORFSCTA) in file order, unique."""
    seen: dict[str, None] = {}
    for raw in data.decode("utf-8", errors="replace").splitlines():
        line = raw.strip().rstrip("/")
        if not line:
            continue
        last = line.rsplit("/", 1)[-1]
        if last.endswith(".xml"):
            last = last[:-4]
        if ANY_ID_RE.fullmatch(last):
            seen.setdefault(last, None)
    return list(seen)


def text_ids(ids: Iterable[str]) -> list[str]:
    return [i for i in ids if i.startswith("JORFTEXT")]
