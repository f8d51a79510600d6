import pytest

from backend.domain.passes.plates import (
    PlateError,
    check_plate,
    is_valid_plate,
    normalize_plate,
    plate_format,
)

FOLDING = [
    ("A", "А"), ("B", "В"), ("E", "Е"), ("K", "К"), ("M", "М"), ("H", "Н"),
    ("O", "О"), ("P", "Р"), ("C", "С"), ("T", "Т"), ("Y", "У"), ("X", "Х"),
]


@pytest.mark.parametrize(("latin", "cyrillic"), FOLDING)
def test_latin_letter_folds_to_cyrillic(latin, cyrillic):
    assert normalize_plate(f"{latin}123{latin}{latin}77") == f"{cyrillic}123{cyrillic}{cyrillic}77"
    assert normalize_plate(f"{latin.lower()}123{latin.lower()}{latin.lower()}77") == (
        f"{cyrillic}123{cyrillic}{cyrillic}77"
    )


def test_folding_table_is_complete():
    assert len(FOLDING) == 12
    assert "".join(cyrillic for _, cyrillic in FOLDING) == "АВЕКМНОРСТУХ"


def test_cyrillic_lowercase_uppercased():
    assert normalize_plate("а123вс77") == "А123ВС77"


def test_mixed_alphabets_give_one_spelling():
    assert normalize_plate("A123ВC77") == normalize_plate("А123BС77") == "А123ВС77"


def test_spaces_dashes_and_rus_dropped():
    assert normalize_plate(" а 123 вс 77 ") == "А123ВС77"
    assert normalize_plate("A-123-BC-777") == "А123ВС777"
    assert normalize_plate("A123BC 77 RUS") == "А123ВС77"
    assert normalize_plate("a123bc77rus") == "А123ВС77"


def test_full_width_characters_folded():
    assert normalize_plate("Ａ１２３ＢＣ７７") == "А123ВС77"


def test_latin_n_never_matches_cyrillic_en():
    with pytest.raises(PlateError) as raised:
        normalize_plate("N123HH77")

    assert raised.value.code == "plate_invalid_letter"
    assert raised.value.letter == "N"
    assert normalize_plate("H123HH77") == "Н123НН77"


@pytest.mark.parametrize("letter", ["Д", "Ж", "Я", "Ё", "Б", "D", "Z", "R", "I", "N"])
def test_letters_outside_twelve_rejected(letter):
    text = f"А123{letter}С77"

    with pytest.raises(PlateError) as raised:
        normalize_plate(text)

    error = raised.value
    assert error.code == "plate_invalid_letter"
    assert error.field == "plate"
    assert error.value == text
    assert error.letter == letter
    assert error.params["letter"] == letter
    assert f"«{letter}»" in error.text


def test_lowercase_bad_letter_named_uppercase():
    with pytest.raises(PlateError) as raised:
        normalize_plate("а123дс77")

    assert raised.value.letter == "Д"


def test_punctuation_rejected():
    with pytest.raises(PlateError) as raised:
        normalize_plate("А123ВС77.")

    assert raised.value.code == "plate_invalid_character"
    assert raised.value.letter == "."


def test_empty_plate_rejected():
    for text in ("", "   ", "RUS", " - "):
        with pytest.raises(PlateError) as raised:
            normalize_plate(text)

        assert raised.value.code == "plate_empty", text


@pytest.mark.parametrize(("plate", "form"), [
    ("А123ВС77", "private"),
    ("А123ВС777", "private"),
    ("В001АА102", "private"),
    ("АВ12377", "taxi"),
    ("АВ123177", "taxi_or_trailer"),
    ("АВ123077", "trailer"),
    ("АВ123477", "taxi_or_trailer"),
    ("АВ1234199", "trailer"),
    ("АВ123С77", "transit"),
    ("1234АВ77", "motorcycle"),
    ("1234АВ777", "motorcycle"),
    ("А123477", "police"),
])
def test_plate_forms_named(plate, form):
    assert plate_format(plate) == form


@pytest.mark.parametrize("plate", [
    "А123ВС7", "А123ВС7777", "А12ВС77", "123ВС77", "АВС12377", "А123ВС077", "", "А123ВС",
])
def test_unknown_shapes_have_no_form(plate):
    assert plate_format(plate) is None


def test_check_plate_rejects_unknown_shape():
    with pytest.raises(PlateError) as raised:
        check_plate("А12ВС77")

    assert raised.value.code == "plate_invalid_format"
    assert raised.value.value == "А12ВС77"


def test_is_valid_plate_cases():
    assert is_valid_plate("a 123 bc 77 rus")
    assert is_valid_plate("1234 AB 50")
    assert not is_valid_plate("N123HH77")
    assert not is_valid_plate("А12ВС77")
    assert not is_valid_plate("")
