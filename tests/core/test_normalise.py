from technoveille.core.textclean import clean_text, normalise_document
from technoveille.core.items import Document


def test_html_entities_and_c1_controls_repaired():
    assert clean_text("Communauté d&#039;Agglomération") == "Communauté d'Agglomération"
    assert clean_text("MAN\x9cUVRE \x8cUVRE") == "MANœUVRE ŒUVRE"
    assert clean_text("caf\x81é") == "café"


def test_nfc_and_spaces():
    decomposed = "vide\u0301oprotection"
    assert clean_text(decomposed) == "vidéoprotection"
    assert clean_text("a\u00a0\u00a0b  \n\n\n\nc ") == "a b\n\nc"
    assert clean_text("  GHT\nDU   CHER ", single_line=True) == "GHT DU CHER"


def test_document_fields_cleaned():
    doc = Document(source="boamp", source_id="1", title=" Drone&nbsp;", text="x\x80",
                   parts=[{"label": "Lot 1", "text": "cam&eacute;ra"}, "junk"])
    normalise_document(doc)
    assert doc.title == "Drone" and doc.text == "x€"
    assert doc.parts == [{"label": "Lot 1", "text": "caméra"}]
