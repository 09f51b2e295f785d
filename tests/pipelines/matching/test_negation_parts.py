"""Negation marks hits but still flags; context and suppressors apply within a part."""
from __future__ import annotations


def test_negated_hits_still_flag(real):
    for text in ("Le traitement ne comporte pas de dispositif de reconnaissance faciale.",
                 "Ils ne mettent en œuvre aucune technique de reconnaissance faciale.",
                 "Un système sans reconnaissance faciale.",
                 "La reconnaissance faciale n'est pas utilisée.",
                 "La reconnaissance faciale est interdite dans les lycées."):
        r = real.match(text=text)
        assert r.flagged and r.themes == ["biometrie"], text
        assert [h.negated for h in r.hits] == [True], text


def test_positive_statement_not_negated(real):
    r = real.match(text="Le lycée expérimente la reconnaissance faciale à l'entrée.")
    assert [h.negated for h in r.hits] == [False]
    r = real.match(text="Il n'y a pas de doute. Le lycée expérimente la reconnaissance faciale.")
    assert [h.negated for h in r.hits] == [False]


def test_omnibus_law_flags_only_because_of_its_article(real):
    parts = [{"label": "Article 1", "text": "Dispositions relatives au contrôle antidopage."},
             {"label": "Article 10", "text": "Les images des systèmes de vidéoprotection peuvent "
              "faire l'objet de traitements algorithmiques."}]
    r = real.match(title="Loi relative aux jeux Olympiques", text="", parts=parts)
    assert r.flagged and r.themes == ["video"]
    assert {(h.part_label, h.part_index, h.field) for h in r.hits} == {("Article 10", 1, "part")}
    h = r.hits[0]   # near(traitement algorithmique, images, 8): the span covers both words
    assert h.term == "near(traitement algorithmique, images, 8)" and h.tier == "A"
    assert parts[1]["text"][h.start:h.end].startswith("images des systèmes")
    assert parts[1]["text"][h.start:h.end].endswith("traitements algorithmiques")


def test_lot_suppressor_stays_in_its_lot(small):
    parts = [{"label": "Lot 12", "text": "Courants faibles : vidéoprotection du hall, caméra."},
             {"label": "Lot 14", "text": "Vidéoprotection de la voie d'accès, caméra dôme."}]
    r = small.match(title="Construction d'un gymnase", text="", parts=parts)
    assert r.flagged and [h.part_label for h in r.hits] == ["Lot 14"]
    assert [(h.part_label, why) for h, why in r.rejected] == [
        ("Lot 12", "supprimé par « courants faibles »")]


def test_context_in_another_part_counts_without_suppressor(small):
    # round 5: a B hit finds its context anywhere in a document holding no suppressor
    # of its theme (the relevant item of long minutes is rarely next to « police »)
    parts = [{"label": "Point 1", "text": "Rapport de la police municipale."},
             {"label": "Point 2", "text": "Installation de vidéoprotection au stade."}]
    r = small.match(title="Conseil municipal", text="", parts=parts)
    assert r.flagged and [h.part_label for h in r.hits] == ["Point 2"]


def test_context_in_another_part_does_not_count_when_a_suppressor_is_present(small):
    parts = [{"label": "Point 1", "text": "Rapport de la police municipale."},
             {"label": "Point 2", "text": "Installation de vidéoprotection au stade."},
             {"label": "Point 3", "text": "Gymnase : lot courants faibles."}]
    assert not small.match(title="Conseil municipal", text="", parts=parts).flagged


def test_title_context_applies_to_parts(small):
    parts = [{"label": "Lot 1", "text": "Fourniture de vidéoprotection."}]
    assert small.match(title="Équipement de la police municipale", text="", parts=parts).flagged


def test_text_outside_parts_is_matched_once(small):
    lot = "Lot 1 : caméra intelligente."
    text = "Préambule : LAPI. " + lot
    r = small.match(title="", text=text, parts=[{"label": "Lot 1", "text": lot}])
    got = sorted((h.term, h.field) for h in r.hits)
    assert got == [("LAPI", "text"), ("caméra intelligente", "part")]


def test_parts_not_in_text_are_matched_with_the_text(small):
    # text that does not contain the parts is a preamble (visas, an item's heading): matched
    # as well, and the parts on their own, label included
    r = small.match(title="", text="caméra intelligente dans le préambule",
                    parts=[{"label": "Article 1", "text": "une caméra intelligente"}])
    assert [(h.field, h.part_index) for h in r.hits] == [("text", None), ("part", 0)]
    r = small.match(title="Délibération n° 4", text="Vu le code de la sécurité intérieure",
                    parts=[{"label": "Caméra intelligente", "text": "Exposé des motifs."}])
    assert [(h.field, h.part_index, h.part_label) for h in r.hits] == [
        ("label", 0, "Caméra intelligente")]
    assert r.hits[0].snippet == "[[Caméra intelligente]]"
    # a suppressor in a standalone label vetoes the B hits of its part only
    r = small.match(title="", text="", parts=[
        {"label": "Lot 2 – Courants faibles", "text": "Vidéoprotection du hall, police municipale."},
        {"label": "Lot 3 – Voirie", "text": "Vidéoprotection de la place, police municipale."}])
    assert [(h.field, h.part_index) for h in r.hits] == [("part", 1)]


def test_window_in_long_text_without_parts(small):
    # without a suppressor of the theme, context anywhere in the text counts (round 5)
    far = "police municipale. " + "x " * 2000 + "installation de vidéoprotection"
    assert small.match(text=far).flagged
    # with one anywhere, the B hit needs its context within the window
    far_sup = "courants faibles. police municipale. " + "x " * 2000 + "vidéoprotection"
    assert not small.match(text=far_sup).flagged
    near = "courants faibles. " + "x " * 2000 + "police municipale ; vidéoprotection"
    assert small.match(text=near).flagged


def test_part_label_is_context_of_its_part_only(rules):
    # the label of lot 2 (a suppressor) must not veto the hit of lot 1
    parts = [{"label": "Lot 1 – Caméras de la place", "text": "Caméras de surveillance, sécurité."},
             {"label": "Lot 2 – Génie civil et courants faibles", "text": "Tranchées, fourreaux."}]
    text = "Objet : tranche 2.\n" + "\n".join(f"{p['label']}\n{p['text']}" for p in parts)
    r = rules.match(title="Extension de la vidéoprotection", text=text, parts=parts)
    assert r.themes == ["video"]
    assert any(h.part_label == "Lot 1 – Caméras de la place" for h in r.hits)
    # ... and a suppressor in a hit's own label still vetoes it
    parts = [{"label": "Lot 10 – Courants faibles", "text": "Caméras de surveillance, sécurité."}]
    text = "Construction d'un gymnase.\n" + f"{parts[0]['label']}\n{parts[0]['text']}"
    r = rules.match(title="Construction d'un gymnase", text=text, parts=parts)
    assert not r.flagged and "courants faibles" in r.rejected[0][1]


def test_preamble_and_articles_given_apart(real):
    # `technoveille match` input where text is the visas and parts the articles (blind11)
    r = real.match(title="Décret n° 2026-1 relatif à la sécurité des grands événements",
                   text="Vu le code de la sécurité intérieure ; Décrète :",
                   parts=[{"label": "Article 1", "text": "Dispositions générales."},
                          {"label": "Article 2", "text": "Les images des caméras font l'objet "
                           "d'un traitement algorithmique pour repérer les mouvements de foule."}])
    assert "video" in r.themes
    assert {h.part_label for h in r.hits if h.theme == "video"} == {"Article 2"}
