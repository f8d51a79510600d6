import pytest

from backend.domain.passes.search import QueryKind, name_fits, read_query


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("1001-123456789012", QueryKind.QR, "1001"),
    ("1001", QueryKind.NUMBER, "1001"),
    ("№ 1001", QueryKind.NUMBER, "1001"),
    ("a123bc77", QueryKind.PLATE, "А123ВС77"),
    ("А 123 ВС", QueryKind.PLATE, "А123ВС"),
    ("Иванов", QueryKind.NAME, "иванов"),
    ("ИВАНОВ И.И.", QueryKind.NAME, "иванов и и"),
    ("И. И. Иванов", QueryKind.NAME, "иванов и и"),
    ("Орехов", QueryKind.NAME, "орехов"),
    ("Ёлкин", QueryKind.NAME, "елкин"),
    ("и", QueryKind.EMPTY, "и"),
    ("   ", QueryKind.EMPTY, ""),
])
def test_query_kinds_recognized(text, kind, value):
    query = read_query(text)

    assert query.kind == kind
    assert query.text == value


def test_qr_token_kept():
    assert read_query("1001-123456789012").token == "123456789012"


def test_latin_layout_name_read_russian():
    query = read_query("Bdfyjd")

    assert query.kind == QueryKind.NAME
    assert query.name_variants() == [["bdfyjd"], ["иванов"]]


def test_name_fits_by_word_prefixes():
    assert name_fits(["иванов"], "иванов иван иванович")
    assert name_fits(["иван"], "иванов иван иванович")
    assert name_fits(["иванов", "и", "и"], "иванов иван иванович")
    assert not name_fits(["иванов", "п"], "иванов иван иванович")
    assert not name_fits(["иванов", "иван", "иванович", "оглы"], "иванов иван иванович")
    assert not name_fits(["иванов"], None)
