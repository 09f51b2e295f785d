from datetime import date

import pytest

from scrapers.parsers.council import dates


@pytest.mark.parametrize("words, number", [
    ("deux mil dix-huit", 2018), ("deux mille huit", 2008), ("DEUX MIL DIX", 2010),
    ("deux mille vingt-quatre", 2024), ("quatre-vingt-dix-neuf", 99), ("vingt et un", 21),
    ("trente et un", 31), ("premier", 1), ("soixante-dix-sept", 77), ("mille neuf cent", 1900),
])
def test_words_to_number(words, number):
    assert dates.words_to_number(words) == number


def test_words_to_number_rejects_other_words():
    assert dates.words_to_number("deux mil dix-huitième") is None


@pytest.mark.parametrize("header, expected", [
    # written forms, shaped like real PV openings (our own sentences)
    ("L’an deux mil dix-neuf, et le douze mars, à dix-huit heures, le Conseil Municipal…", date(2019, 3, 12)),
    ("L'AN DEUX MIL ONZE, ET LE MARDI 22 NOVEMBRE A 18H30, LE CONSEIL MUNICIPAL", date(2011, 11, 22)),
    ("L'an deux mille vingt-trois, le premier février, le conseil municipal", date(2023, 2, 1)),
    ("L'an  deux  mille  seize,  le  vingt  et  un  juin,  le  conseil", date(2016, 6, 21)),
    # numeric forms
    ("EXTRAIT DES REGISTRES DES DELIBERATIONS\nSéance du 14 Octobre 2019\nPRESIDENCE", date(2019, 10, 14)),
    ("PROCES VERBAL DE LA REUNION DU CONSEIL MUNICIPAL\n\nDU MARDI 1ER OCTOBRE 2019", date(2019, 10, 1)),
    ("CONSEIL MUNICIPAL DU 7 FEVRIER 2020", date(2020, 2, 7)),
    ("Procès-verbal du conseil municipal du 03/04/2017", date(2017, 4, 3)),
    ("Séance ordinaire du 1ᵉʳ juillet 2024, 19 h 30", date(2024, 7, 1)),
])
def test_seance_date(header, expected):
    assert dates.seance_date(header) == expected


def test_seance_date_prefers_the_seance_over_the_convocation():
    text = "Date de convocation : 24 juin 2013\nL'an deux mille treize, le premier juillet, le conseil"
    assert dates.seance_date(text) == date(2013, 7, 1)


def test_impossible_dates_are_rejected_not_guessed():
    with pytest.raises(dates.ImpossibleDate):
        dates.parse_date("Délibérations du conseil municipal du 31 février 2026")
    with pytest.raises(dates.ImpossibleDate):
        dates.seance_date("L'an deux mille vingt-cinq, le trente avril… Séance du 30/02/2025")


@pytest.mark.parametrize("value, expected", [
    ("2026-03-28", date(2026, 3, 28)), ("28/03/2026", date(2026, 3, 28)),
    ("Séance ordinaire du 12 mai 2026, 19 h 30", date(2026, 5, 12)),
    ("Séance extraordinaire du 2 juin 2026, 19 h", date(2026, 6, 2)),
    ("", None), ("Procès-verbal", None),
])
def test_parse_date(value, expected):
    assert dates.parse_date(value) == expected


def test_day_month_with_default_year():
    assert dates.parse_date("1er juillet", default_year=2026) == date(2026, 7, 1)
    assert dates.parse_date("1ᵉʳ juillet", default_year=2026) == date(2026, 7, 1)


def test_title_year_cross_checked_against_publication():
    fixed, note = dates.cross_check(date(2028, 9, 28), date(2026, 10, 1))
    assert fixed == date(2026, 9, 28) and "2028" in note
    # a title in the past of its publication is kept as is
    assert dates.cross_check(date(2026, 3, 28), date(2026, 3, 30)) == (date(2026, 3, 28), None)
    # day/month after publication in the same year: the year before
    assert dates.cross_check(date(2029, 12, 15), date(2026, 10, 1))[0] == date(2025, 12, 15)
