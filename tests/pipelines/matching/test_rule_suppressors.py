"""Engine rules for suppressors: where a suppressor vetoes a hit (its part, 600 characters in
a text without parts, anywhere for the document-wide rule) and what a vetoed hit is worth."""
from __future__ import annotations

from pipelines.matching import load_matcher


def test_suppressor_of_a_text_without_parts_must_be_close(rules):
    # whole minutes in one text: an unrelated item a page away does not veto the hit
    filler = " Le conseil approuve le compte administratif du budget annexe." * 20   # ~1,250 chars
    far = ("Lot unique : courants faibles de la salle des fêtes." + filler
           + " Caméras de surveillance de la place, pour la sécurité des commerces.")
    assert rules.match(title="Procès-verbal", text=far).themes == ["video"]
    close = ("Lot unique : courants faibles de la salle des fêtes. Caméras de surveillance du "
             "hall, pour la sécurité des commerces.")
    r = rules.match(title="Procès-verbal", text=close)
    assert not r.flagged and "courants faibles" in r.rejected[0][1]


def test_doc_wide_rule_off_when_the_theme_has_a_suppressor(wide_rules):
    parts = [{"label": "Lot 3", "text": "Pose de trois caméras urbaines."},
             {"label": "Lot 9", "text": "Courants faibles et objet délaissé."}]
    r = wide_rules.match(title="Travaux", text="", parts=parts)
    assert not r.flagged


def test_a_suppressed_hit_is_no_evidence(tmp_path):
    p = tmp_path / "kw.yml"
    p.write_text("themes:\n  d:\n    label: D\n    description: D\n    B:\n"
                 "      - aéronef sans équipage à bord\n      - {acronym: UAS}\n"
                 "    suppressors: [aéromodélisme]\n", encoding="utf-8")
    m = load_matcher(p)
    parts = [{"label": "Article 1", "text": "Les zones géographiques UAS sont publiées."},
             {"label": "Article 2", "text": "Les clubs d'aéromodélisme exploitent leurs "
              "aéronefs sans équipage à bord sur les sites déclarés."}]
    r = m.match(title="Arrêté relatif à l'espace aérien", text="", parts=parts)
    assert not r.flagged
    # without the suppressor the two terms confirm each other
    parts[1]["text"] = "Les aéronefs sans équipage à bord de l'État."
    assert m.match(title="Arrêté relatif à l'espace aérien", text="", parts=parts).flagged
