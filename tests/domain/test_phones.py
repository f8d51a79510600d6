import pytest

from backend.domain.clients.phones import (
    PhoneError,
    format_phone,
    normalize_phone,
    try_normalize_phone,
)

MOBILE = "+79123456789"


@pytest.mark.parametrize("text", [
    "8 (912) 345-67-89",
    "8-912-345-67-89",
    "89123456789",
    "+7 912 345 67 89",
    "+7 (912) 345-67-89",
    "+79123456789",
    "7 912 345 67 89",
    "79123456789",
    "9123456789",
    "(912) 345-67-89",
    "912.345.67.89",
    "  +7 912 345 67 89  ",
    "８ ９１２ ３４５ ６７ ８９",
])
def test_russian_forms_give_one_number(text):
    assert normalize_phone(text) == MOBILE


def test_landline_and_toll_free():
    assert normalize_phone("8 (495) 123-45-67") == "+74951234567"
    assert normalize_phone("8 800 555-35-35") == "+78005553535"


def test_kazakhstan_number_kept():
    assert normalize_phone("+7 701 234 56 78") == "+77012345678"
    assert normalize_phone("8 701 234 56 78") == "+77012345678"


def test_foreign_number_kept():
    assert normalize_phone("+44 20 7946 0958") == "+442079460958"


@pytest.mark.parametrize("text", [
    "", "   ", "101", "150010001", "912345678", "891234567890", "+7 123 456 78 90",
    "anonymous", "<unknown>", "+7 912 ABC 45 67", "8 912 345 67 8x", "телефон",
])
def test_invalid_phone_rejected(text):
    with pytest.raises(PhoneError) as raised:
        normalize_phone(text)

    error = raised.value
    assert error.code == "phone_invalid"
    assert error.field == "phone"
    assert error.value == text


def test_extension_rejected_not_dropped():
    for text in ("+7 495 123-45-67 доб. 123", "+7 495 123-45-67 ext 5", "84951234567x12"):
        with pytest.raises(PhoneError) as raised:
            normalize_phone(text)

        assert raised.value.code == "phone_extension_unsupported", text


@pytest.mark.parametrize("caller_id", [
    None, "", "101", "150010001", "anonymous", "Anonymous", "<unknown>", "unknown",
    "sip:101@pbx.local", "0",
])
def test_caller_id_without_client_number(caller_id):
    assert try_normalize_phone(caller_id) is None


@pytest.mark.parametrize("caller_id", ["89123456789", "79123456789", "+79123456789", "9123456789"])
def test_caller_id_forms_match_client(caller_id):
    assert try_normalize_phone(caller_id) == MOBILE


def test_format_russian_numbers():
    assert format_phone("+79123456789") == "+7 (912) 345-67-89"
    assert format_phone("+74951234567") == "+7 (495) 123-45-67"
    assert format_phone("+78005553535") == "+7 (800) 555-35-35"


def test_format_foreign_numbers():
    assert format_phone("+77012345678") == "+7 701 234 5678"
    assert format_phone("+442079460958") == "+44 20 7946 0958"


def test_format_round_trips():
    for e164 in ("+79123456789", "+77012345678", "+442079460958"):
        assert normalize_phone(format_phone(e164)) == e164


def test_format_rejects_non_e164():
    for text in ("89123456789", "", "anonymous"):
        with pytest.raises(PhoneError):
            format_phone(text)
