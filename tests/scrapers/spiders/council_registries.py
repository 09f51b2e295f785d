"""Registry entries shared by the council crawl tests (a city configured in YAML only)."""


def rochebrune(base: str) -> str:
    """The Rochebrune site entry of councils.yml, indented as a list item of `councils:`."""
    return f"""  - id: rochebrune
    name: Mairie de Rochebrune
    insee: "99004"
    kind: site
    url: {base}/councils/rochebrune/conseil-municipal.html
    documents:
      item: tr.seance
      date: td.date::text
"""
