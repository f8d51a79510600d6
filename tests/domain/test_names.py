import pytest

from backend.domain.clients.names import (
    FullName,
    FullNameError,
    fold_text,
    names_match,
    short_name,
    split_full_name,
)


@pytest.mark.parametrize(("text", "folded"), [
    ("Иванов", "иванов"),
    ("  ИВАНОВ   Иван\tИванович ", "иванов иван иванович"),
    ("Пётр Ёлкин", "петр елкин"),
    ("ПЁТР", "петр"),
    ("Иванов И.И.", "иванов и и"),
    ("Салтыков-Щедрин, М. Е.", "салтыков щедрин м е"),
    ("ООО «Ромашка»", "ооо ромашка"),
    ("ул. Ленина, д. 5/2", "ул ленина д 5 2"),
    ("Ива\u0301нов", "иванов"),
    ("Йошкар-Ола", "йошкар ола"),
    ("И\u0306ошкар", "йошкар"),
    ("", ""),
    ("?!", ""),
])
def test_fold_text_cases(text, folded):
    assert fold_text(text) == folded


def test_fold_text_same_for_variants():
    assert fold_text("Фёдоров Ф.Ф.") == fold_text("ФЕДОРОВ  ф. ф.")


def test_split_full_name_three_parts():
    assert split_full_name("Иванов Иван Иванович") == FullName("Иванов", "Иван", "Иванович")


def test_split_full_name_keeps_spelling():
    assert split_full_name("  иванов   ИВАН ") == FullName("иванов", "ИВАН", None)


def test_split_full_name_last_only():
    assert split_full_name("Иванов") == FullName("Иванов", None, None)


def test_split_full_name_long_patronymic():
    assert split_full_name("Мамедов Ахмед Рашид оглы") == FullName("Мамедов", "Ахмед", "Рашид оглы")


def test_split_full_name_joined_initials():
    assert split_full_name("Иванов И.И.") == FullName("Иванов", "И.", "И.")


def test_split_full_name_empty_rejected():
    with pytest.raises(FullNameError) as raised:
        split_full_name("   ")

    assert raised.value.code == "full_name_missing"
    assert raised.value.field == "full_name"


def test_short_name_cases():
    assert short_name("Иванов", "Иван", "Иванович") == "Иванов И. И."
    assert short_name("Иванов", "Иван") == "Иванов И."
    assert short_name("Иванов", "Иван", None) == "Иванов И."
    assert short_name("Иванов") == "Иванов"
    assert short_name(" Иванов ", "иван", "иванович") == "Иванов И. И."
    assert short_name("Иванова", "Анна-Мария", "") == "Иванова А.-М."
    assert short_name("Иванов", "И.", "И.") == "Иванов И. И."


@pytest.mark.parametrize(("a", "b"), [
    ("Иванов И.И.", "иванов иван иванович"),
    ("иванов иван иванович", "ИВАНОВ Иван"),
    ("ИВАНОВ Иван", "Иванов И.И."),
    ("Иванов И. И.", "Иванов Иван Иванович"),
    ("И. И. Иванов", "Иванов Иван Иванович"),
    ("И.И. Иванов", "Иванов И.И."),
    ("Ёлкин Пётр", "Елкин Петр Сергеевич"),
    ("Иванов Иван Иванович", "Иванов Иван Иванович"),
    ("Иванов И", "Иванов Игорь"),
    ("Салтыков-Щедрин Михаил", "САЛТЫКОВ-ЩЕДРИН М.Е."),
    ("Иванова А.-М.", "Иванова Анна-Мария"),
    ("Иванова А.", "Иванова Анна-Мария"),
    ("Мамедов Ахмед Рашид оглы", "Мамедов А. Р."),
    ("Мамедов Ахмед Рашид оглы", "Мамедов Ахмед Рашид"),
    ("Иванов", "иванов"),
])
def test_names_that_match(a, b):
    assert names_match(a, b)
    assert names_match(b, a)


@pytest.mark.parametrize(("a", "b"), [
    ("Иванов И.П.", "Иванов Иван Иванович"),
    ("Иванов Иван", "Иванов Пётр"),
    ("Иванов Иван", "Иванова Иван"),
    ("Петров И.И.", "Иванов Иван Иванович"),
    ("Иванов", "Иванов Иван"),
    ("Иванов ИИ", "Иванов Иван Иванович"),
    ("Иванова А.-М.", "Иванова Анна-Луиза"),
    ("Иванов Иван Иванович", "Иванов Иван Петрович"),
    ("", "Иванов"),
    ("", ""),
])
def test_names_that_differ(a, b):
    assert not names_match(a, b)
    assert not names_match(b, a)
