import pytest

from backend.domain.clients.identifiers import (
    IdentifierError,
    validate_inn,
    validate_kpp,
    validate_ogrn,
)

# Published identifiers of Sberbank and Yandex, a 12-digit ИНН and an ОГРНИП with computed
# check digits.
SBERBANK_INN, SBERBANK_OGRN, SBERBANK_KPP = "7707083893", "1027700132195", "773601001"
YANDEX_INN, YANDEX_OGRN = "7736207543", "1027700229193"
PERSON_INN = "771234567859"
ENTREPRENEUR_OGRNIP = "304500116000157"


def test_valid_organisation_inn():
    assert validate_inn(SBERBANK_INN) == SBERBANK_INN
    assert validate_inn(YANDEX_INN, holder="organization") == YANDEX_INN


def test_valid_person_inn():
    assert validate_inn(PERSON_INN) == PERSON_INN
    assert validate_inn(PERSON_INN, holder="individual") == PERSON_INN


def test_inn_spaces_removed():
    assert validate_inn(" 7707 083 893 ") == SBERBANK_INN


@pytest.mark.parametrize("inn", ["7707083894", "7707083890", "771234567850", "771234567869"])
def test_inn_wrong_check_digit(inn):
    with pytest.raises(IdentifierError) as raised:
        validate_inn(inn)

    error = raised.value
    assert error.code == "inn_invalid_checksum"
    assert error.field == "inn"
    assert error.value == inn


def test_every_single_digit_typo_caught():
    for position in range(10):
        for digit in "0123456789":
            typo = SBERBANK_INN[:position] + digit + SBERBANK_INN[position + 1:]
            if typo != SBERBANK_INN and typo[9] == SBERBANK_INN[9]:
                with pytest.raises(IdentifierError):
                    validate_inn(typo)


@pytest.mark.parametrize("inn", ["770708389", "77070838931", "7707083893123", ""])
def test_inn_wrong_length(inn):
    with pytest.raises(IdentifierError) as raised:
        validate_inn(inn)

    assert raised.value.code == "inn_invalid_length"


def test_inn_holder_restricts_length():
    with pytest.raises(IdentifierError) as raised:
        validate_inn(PERSON_INN, holder="organization")
    assert raised.value.code == "inn_invalid_length"

    with pytest.raises(IdentifierError) as raised:
        validate_inn(SBERBANK_INN, holder="individual")
    assert raised.value.code == "inn_invalid_length"


@pytest.mark.parametrize("inn", ["7707-083893", "77O7083893", "７７０７０８３８９３", "ИНН7707083893"])
def test_inn_non_digits_rejected(inn):
    with pytest.raises(IdentifierError) as raised:
        validate_inn(inn)

    assert raised.value.code == "inn_invalid_format"
    assert raised.value.value == inn


def test_valid_kpp():
    assert validate_kpp(SBERBANK_KPP) == SBERBANK_KPP
    assert validate_kpp("7736 01 001") == SBERBANK_KPP
    assert validate_kpp("7736ab001") == "7736AB001"


@pytest.mark.parametrize("kpp", ["77360100", "7736010011", "A73601001", "7736АБ001", "7736-01-001", ""])
def test_invalid_kpp_rejected(kpp):
    with pytest.raises(IdentifierError) as raised:
        validate_kpp(kpp)

    assert raised.value.code == "kpp_invalid_format"
    assert raised.value.field == "kpp"


def test_valid_ogrn_and_ogrnip():
    assert validate_ogrn(SBERBANK_OGRN) == SBERBANK_OGRN
    assert validate_ogrn(YANDEX_OGRN, holder="organization") == YANDEX_OGRN
    assert validate_ogrn(ENTREPRENEUR_OGRNIP) == ENTREPRENEUR_OGRNIP
    assert validate_ogrn("3045 0011 6000 157", holder="entrepreneur") == ENTREPRENEUR_OGRNIP


@pytest.mark.parametrize("ogrn", ["1027700132196", "1027700229190", "304500116000158"])
def test_ogrn_wrong_check_digit(ogrn):
    with pytest.raises(IdentifierError) as raised:
        validate_ogrn(ogrn)

    assert raised.value.code == "ogrn_invalid_checksum"
    assert raised.value.field == "ogrn"


def test_ogrn_wrong_first_digit():
    # Check digits are right for these numbers (x mod 11 or 13), only the record kind is wrong.
    for ogrn in ("3027700132193", "104500116000150"):
        number = int(ogrn[:-1])
        assert number % (11 if len(ogrn) == 13 else 13) % 10 == int(ogrn[-1])

        with pytest.raises(IdentifierError) as raised:
            validate_ogrn(ogrn)

        assert raised.value.code == "ogrn_invalid_format", ogrn


@pytest.mark.parametrize("ogrn", ["102770013219", "10277001321955", "1027700132195123", ""])
def test_ogrn_wrong_length(ogrn):
    with pytest.raises(IdentifierError) as raised:
        validate_ogrn(ogrn)

    assert raised.value.code == "ogrn_invalid_length"


def test_ogrn_holder_restricts_length():
    with pytest.raises(IdentifierError) as raised:
        validate_ogrn(ENTREPRENEUR_OGRNIP, holder="organization")
    assert raised.value.code == "ogrn_invalid_length"

    with pytest.raises(IdentifierError) as raised:
        validate_ogrn(SBERBANK_OGRN, holder="entrepreneur")
    assert raised.value.code == "ogrn_invalid_length"


def test_ogrn_non_digits_rejected():
    with pytest.raises(IdentifierError) as raised:
        validate_ogrn("1O27700132195")

    assert raised.value.code == "ogrn_invalid_format"
