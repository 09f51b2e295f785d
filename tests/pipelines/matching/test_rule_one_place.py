"""Each occurrence once, at its place: a lot laid out in the text with other line breaks than
in the part is still the part (not matched twice), and the lot's heading in the text is shown
with that lot (BOAMP notices: the text has blank lines between a lot's title and its body)."""
from pipelines.matching.document import find_part

TEXT = ("Acquisition d'aéronefs télépilotés pour la police municipale\n\n"
        "Acquisition de drones équipés de caméras thermiques.\n\n"
        "Lot 1 – Drones quadrirotors avec caméra thermique\n\n"
        "Drones quadrirotors avec caméra thermique\n\nFourniture de 4 drones.\n\n"
        "Lot 2 – Formation des télépilotes\n\nFormation des télépilotes\n\n"
        "Formation de 8 agents télépilotes.")
PARTS = [{"label": "Lot 1 – Drones quadrirotors avec caméra thermique",
          "text": "Drones quadrirotors avec caméra thermique\nFourniture de 4 drones."},
         {"label": "Lot 2 – Formation des télépilotes",
          "text": "Formation des télépilotes\nFormation de 8 agents télépilotes."}]


def test_find_part_verbatim_then_with_other_whitespace():
    assert find_part("a b c", "b", 0) == (2, 3)
    at, end = find_part(TEXT, PARTS[0]["text"], 0)
    assert TEXT[at:end] == "Drones quadrirotors avec caméra thermique\n\nFourniture de 4 drones."
    assert find_part(TEXT, "absent du texte", 0) is None
    assert find_part(TEXT, "   ", 0) is None


def test_each_place_reported_once(real):
    r = real.match(title="Aéronefs télépilotés", text=TEXT, parts=PARTS)
    places = [(h.field, h.part_index, h.start, h.end) for h in r.hits]
    assert len(places) == len(set(places))
    # nothing from inside the lots is reported on the text, and no label is matched alone
    assert not [h for h in r.hits if h.field == "label"]
    lot1_start = TEXT.index("Drones quadrirotors avec caméra thermique\n\nFourniture")
    assert not [h for h in r.hits if h.field == "text" and h.start >= lot1_start
                and h.part_index is None]
    # the heading « Lot 1 – Drones … » is in the text, shown with lot 1
    heading = [h for h in r.hits if h.field == "text" and h.part_index == 0]
    assert heading and all(h.part_label == PARTS[0]["label"] for h in heading)
    body = [h for h in r.hits if h.field == "part" and h.part_index == 0]
    assert {h.term for h in body} >= {"drone"}
    assert r.flagged and "drones" in r.themes
