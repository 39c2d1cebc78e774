import pytest

from socfit.codes import parse_code, soc_boxes


@pytest.mark.parametrize("text,soc,onet", [
    ("15-1252", "15-1252", None),
    ("151252", "15-1252", None),
    (" 15 1252 ", "15-1252", None),
    ("15-1252.00", "15-1252", "15-1252.00"),
    ("15125200", "15-1252", "15-1252.00"),
    ("15-1299.08", "15-1299", "15-1299.08"),
])
def test_parse_code_accepts_the_forms_people_type(text, soc, onet):
    p = parse_code(text)
    assert (p.soc, p.onet) == (soc, onet)


@pytest.mark.parametrize("text", ["", "software", "15-125", "1512521", "AB-1252", "15-1252.0x"])
def test_parse_code_rejects_non_codes(text):
    assert parse_code(text) is None


def test_soc_boxes_split_for_form_i140():
    assert soc_boxes("15-1252") == ("15", "1252")
