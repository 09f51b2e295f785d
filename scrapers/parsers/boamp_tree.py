"""Generic readers of the XML→JSON tree of a BOAMP record (`donnees`, `gestion`), used by the BOAMP parser.

XML→JSON conventions (see the research notes): attributes are `@name`, element text is `#text`, an
element present once is an object and present N times a list (`as_list` everywhere), empty elements are
`""`, enumerations are a single child key (`{"NATURE": {"APPEL_OFFRE": ""}}`).
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Iterator


def as_list(value: Any) -> list:
    """None → [], a list → itself, anything else → [value] (an element present once is an object)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def txt(value: Any) -> str | None:
    """The text of a leaf: a string, the `#text` of an object, the first text of a list; else None."""
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict):
        return txt(value.get("#text"))
    if isinstance(value, list):
        for item in value:
            t = txt(item)
            if t:
                return t
    return None


def strings(value: Any) -> list[str]:
    """The non-blank texts of a value or list of values."""
    return [s for s in (txt(v) for v in as_list(value)) if s]


def dig(node: Any, *path: str) -> list:
    """Every node reached by following `path` through objects, expanding lists at each step."""
    nodes = as_list(node)
    for key in path:
        nxt: list = []
        for n in nodes:
            if isinstance(n, dict) and key in n:
                nxt.extend(as_list(n[key]))
        nodes = nxt
    return nodes


def dig1(node: Any, *path: str) -> Any:
    """The node at `path`, taking the first item of a list at each step; None when a step is missing."""
    for key in path:
        if isinstance(node, list):
            node = node[0] if node else None
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def dig_txt(node: Any, *path: str) -> str | None:
    for n in dig(node, *path):
        t = txt(n)
        if t:
            return t
    return None


def find_key(node: Any, keys: Iterable[str], skip: frozenset[str] = frozenset()) -> Iterator[Any]:
    """Depth-first: every value stored under one of `keys`, at any depth, outside `skip` subtrees."""
    keys = frozenset(keys)
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, dict):
            for k in reversed(list(n)):
                if k in skip:
                    continue
                v = n[k]
                if k in keys:
                    yield v
                if isinstance(v, (dict, list)):
                    stack.append(v)
        elif isinstance(n, list):
            stack.extend(reversed(n))


def first_text(node: Any, keys: Iterable[str], skip: frozenset[str] = frozenset()) -> str | None:
    for value in find_key(node, keys, skip):
        t = txt(value)
        if t:
            return t
    return None


def enum_key(value: Any) -> str | None:
    """`{"APPEL_OFFRE": {"STANDARD": ""}}` → "APPEL_OFFRE" (an enumeration is its single child key)."""
    if isinstance(value, dict):
        for k in value:
            if not k.startswith("@"):
                return k
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


_URL_RE = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
_MAIL_RE = re.compile(r"^\S+@\S+\.\S+$")
_DATE_RE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}")
# Leaves that are identifiers, contacts or addresses, never prose.
_SKIP_LEAF = frozenset(k.lower() for k in (
    "cbc:ID", "cbc:URI", "cbc:EndpointID", "cbc:WebsiteURI", "cbc:BuyerProfileURI", "cbc:ElectronicMail",
    "cbc:Telephone", "cbc:Telefax", "cbc:CompanyID", "cbc:PostalZone", "cbc:StreetName", "cbc:IdentificationCode",
    "cbc:CountrySubentityCode", "cbc:CustomizationID", "cbc:ContractFolderID", "cbc:UBLVersionID",
    "TEL", "FAX", "MEL", "URL", "CP", "POSTE", "telContact", "mel", "url", "cp", "tel", "fax",
    "urlProfilAch", "urlProfilAcheteur", "urlDocument", "urlParticipation", "codeIdentificationNational",
    "identifiantInterne", "numeroReference", "REF_MARCHE", "REF_PP", "NOJO", "idWeb", "IDWEB",
))
# Keys whose single-word values are still worth reading (names, titles, descriptions, descriptors).
_TEXT_KEYS = frozenset(k.lower() for k in (
    "cbc:Name", "cbc:Description", "cbc:Note", "cbc:Title", "intitule", "description", "objet", "titreMarche",
    "titre", "TITRE_MARCHE", "OBJET_COMPLET", "INTITULE", "DESCRIPTION", "LIBELLE", "DESCRIPTEUR", "CLASSE",
    "PRINCIPALES", "quantites", "caracteristiques",
))


def worth_reading(key: str, value: str) -> bool:
    s = value.strip()
    k = key.lower()
    if len(s) < 3 or k in _SKIP_LEAF or not any(c.isalpha() for c in s):
        return False
    if _URL_RE.match(s) or _MAIL_RE.match(s) or _DATE_RE.match(s) or s.startswith("<?xml"):
        return False
    if not any(c.isspace() for c in s) and k not in _TEXT_KEYS:
        return False  # codes: LOT-0001, cn-standard, FRB01, true, services …
    if s.endswith(":") and len(s) < 90:
        return False  # v110 headings: « Objet du marché : »
    return True


def harvest(node: Any, skip: frozenset[str] = frozenset(), key: str = "") -> list[str]:
    """Every string leaf worth reading, in document order, outside the `skip` subtrees."""
    out: list[str] = []
    stack: list[tuple[str, Any]] = [(key, node)]
    while stack:
        k, n = stack.pop()
        if isinstance(n, str):
            if worth_reading(k, n):
                out.append(n)
        elif isinstance(n, dict):
            items = []
            for ck, cv in n.items():
                if ck in skip or (ck.startswith("@")):
                    continue
                items.append((k if ck == "#text" else ck, cv))
            stack.extend(reversed(items))
        elif isinstance(n, list):
            stack.extend((k, item) for item in reversed(n))
    return out
