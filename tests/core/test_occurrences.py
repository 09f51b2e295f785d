"""Occurrences grouped by place, each wording once (technoveille.core.occurrences)."""
from technoveille.core.occurrences import group_occurrences, text_spans, wording

TITLE = "Acquisition de drones"
PARTS = [{"label": "Lot 1 – Drones quadrirotors", "text": "Drones quadrirotors\nFourniture de 4 drones."},
         {"label": "Lot 2 – Formation", "text": "Formation des télépilotes."}]
TEXT = ("Acquisition de drones\n\nLe marché porte sur des drones.\n\n"
        "Lot 1 – Drones quadrirotors\n\nDrones quadrirotors\n\nFourniture de 4 drones.\n\n"
        "Lot 2 – Formation\n\nFormation des télépilotes.")
DOC = {"title": TITLE, "text": TEXT, "parts": PARTS}


def hit(field, start, word, part_index=None, term="drone", theme="drones"):
    return {"field": field, "part_index": part_index, "start": start, "end": start + len(word),
            "term": term, "theme": theme, "snippet": f"… [[{word}]] …", "negated": 0}


def at(text, word, nth=0):
    pos = -1
    for _ in range(nth + 1):
        pos = text.index(word, pos + 1)
    return pos


# what the engine reports when the parts are not slices of the text: every place three times
DUPLICATED = [
    hit("title", 15, "drones"),
    hit("text", at(TEXT, "drones"), "drones"),                 # the title, repeated in the text
    hit("text", at(TEXT, "drones", 1), "drones"),              # the text's own
    hit("text", at(TEXT, "Drones"), "Drones"),                 # lot 1's label, in the text
    hit("text", at(TEXT, "Drones", 1), "Drones"),              # lot 1's text, in the text
    hit("text", at(TEXT, "drones", 2), "drones"),
    hit("label", 8, "Drones", 0),
    hit("part", 0, "Drones", 0),
    hit("part", at(PARTS[0]["text"], "drones"), "drones", 0),
    hit("part", 14, "télépilotes", 1, term="télépilote"),
    hit("text", at(TEXT, "télépilotes"), "télépilotes", term="télépilote"),
]
CLEAN = [h for h in DUPLICATED if h["field"] in ("title", "part")] + [DUPLICATED[2]]


def summary(places):
    return [(p.label, [(h["field"], h["wording"]) for h in p.hits]) for p in places]


EXPECTED = [("Titre", [("title", "drones")]),
            ("Texte", [("text", "drones")]),
            ("Lot 1 – Drones quadrirotors", [("part", "drones"), ("part", "drones")]),
            ("Lot 2 – Formation", [("part", "telepilotes")])]


def test_each_wording_once_per_place_with_the_engines_repeats():
    assert summary(group_occurrences(DOC, DUPLICATED)) == EXPECTED


def test_same_places_without_repeats():
    assert summary(group_occurrences(DOC, CLEAN)) == EXPECTED


def test_exact_duplicate_rows_count_once():
    assert summary(group_occurrences(DOC, CLEAN + CLEAN)) == EXPECTED


def test_a_wording_only_the_label_holds_stays_on_its_lot():
    places = group_occurrences(DOC, CLEAN + [hit("label", 8, "Formation", 1, term="formation", theme="x")])
    lot2 = [p for p in places if p.part_index == 1][0]
    assert [(h["field"], h["wording"]) for h in lot2.hits] == [("part", "telepilotes"), ("label", "formation")]


def test_spans_tolerate_whitespace_and_parts_as_json():
    spans = text_spans(TITLE, TEXT, PARTS)
    assert [owner for *_, owner in spans] == ["title", 0, 0, 1, 1]
    as_json = dict(DOC, parts='[{"label": "Lot 1 – Drones quadrirotors", "text": "x"}]')
    assert group_occurrences(as_json, [hit("part", 0, "Drones", 0)])[0].label == "Lot 1 – Drones quadrirotors"
    assert group_occurrences(dict(DOC, parts="pas du json"), CLEAN)  # no crash, no parts


def test_wording_is_folded_from_the_snippet():
    assert wording({"snippet": "l'[[Aéronef Télépiloté]] de"}) == "aeronef telepilote"
    assert wording({"snippet": "sans marque"}) == "sans marque"
