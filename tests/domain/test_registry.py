"""Reforma GKH registry parsing and unit-map drafting, on the real Moscow sample and on random buildings."""

from __future__ import annotations

import io
import random
from collections import Counter
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest

from backend.domain.buildings.registry import (
    REGISTRY_COLUMNS,
    RegistryBuilding,
    RegistryFileError,
    UnitMapError,
    UnitMapPlan,
    parse_registry,
    plan_section,
    plan_unit_map,
)
from backend.domain.errors import DomainError

SAMPLE = Path(__file__).parents[2] / "data" / "buildings" / "buildings-reformagkh-moscow-sample.csv"
HEADER = ",".join(REGISTRY_COLUMNS)
# A consistent row: 2 entrances, 9 and 5 floors, 60 flats and 2 non-residential premises.
GOOD = {
    "HOUSE_ID": "100", "ADDRESS": '"г. Москва, ул. Тестовая, д. 1"', "FIAS": "1", "YEAR": "1999",
    "SERIE": "П-44Т", "HOUSE_TYPE": "Многоквартирный дом", "LEVELS_MAX": "9", "LEVELS_MIN": "5", "DOORS": "2",
    "ROOM_COUNT": "62", "ROOM_COUNT_LIVE": "60", "ROOM_COUNT_NONLIVE": "2", "AREA": "4000.00",
    "AREA_LIVE": "3500.50", "AREA_NONLIVE": "120.25", "LAT": "55.75", "LON": "37.61",
}


def csv_line(**changes: str) -> str:
    cells = {**GOOD, **changes}
    return ",".join(cells[column] for column in REGISTRY_COLUMNS)


def parse_lines(*lines: str):
    return parse_registry(io.StringIO("\n".join([HEADER, *lines]) + "\n"))


def codes_by_line(result) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for issue in result.rejected:
        found.setdefault(issue.line, set()).add(issue.code)
    return found


def building(**changes) -> RegistryBuilding:
    values = dict(house_id="1", address="г. Москва", year=2000, serie=None, levels_max=9, levels_min=9,
                  entrances=2, premises_total=60, flats=60, non_residential=0, area_total=None,
                  area_live=None, area_nonlive=None, lat=None, lon=None)
    values.update(changes)
    return RegistryBuilding(**values)


@pytest.fixture(scope="module")
def sample():
    with SAMPLE.open(encoding="utf-8", newline="") as stream:
        return parse_registry(stream)


@pytest.fixture(scope="module")
def sample_by_id(sample) -> dict[str, RegistryBuilding]:
    return {row.house_id: row for row in sample.rows}


def assert_plan_matches(row: RegistryBuilding, plan: UnitMapPlan) -> None:
    counts = plan.count_by_kind()
    assert counts.get("flat", 0) == row.flats, row.house_id
    assert counts.get("commercial", 0) == row.non_residential, row.house_id

    areas = plan.area_by_kind()
    if row.area_live and row.flats:
        assert areas["flat"] == row.area_live, row.house_id
    if row.area_nonlive and row.non_residential:
        assert areas["commercial"] == row.area_nonlive, row.house_id

    heights = [len(entrance.floors) for entrance in plan.entrances]
    assert len(heights) == row.entrances, row.house_id
    assert all(row.levels_min <= height <= row.levels_max for height in heights), row.house_id
    assert max(heights) == row.levels_max, row.house_id
    if row.entrances > 1:
        assert min(heights) == row.levels_min, row.house_id

    labels = [premise.label for premise in plan.iter_premises()]
    assert len(labels) == len(set(labels)), row.house_id


# --- The sample file ----------------------------------------------------------------------------


def test_sample_accepts_all_but_one(sample):
    assert len(sample.rows) == 61
    assert {issue.house_id for issue in sample.rejected} == {"7828085"}
    assert sample.ignored_columns == []


def test_sample_inverted_levels_row_rejected(sample):
    issues = {issue.code: issue for issue in sample.rejected}
    assert set(issues) == {"registry_levels_inverted", "registry_count_mismatch"}

    assert issues["registry_levels_inverted"].field == "LEVELS_MIN"
    assert issues["registry_levels_inverted"].value == "24"
    assert issues["registry_count_mismatch"].field == "ROOM_COUNT"
    assert issues["registry_count_mismatch"].value == "274"
    assert all(issue.line == 42 for issue in issues.values())


def test_sample_thousands_separator_parses(sample_by_id):
    row = sample_by_id["8663761"]

    assert row.premises_total == 2570
    assert row.flats == 2550
    assert row.non_residential == 20
    assert row.area_live == Decimal("151594.20")
    assert row.entrances == 21


def test_sample_area_mismatch_is_warning(sample, sample_by_id):
    warned = {warning.house_id for warning in sample.warnings if warning.code == "registry_area_mismatch"}

    assert "7827779" in warned
    assert "7827779" in sample_by_id
    assert "7827488" not in warned


def test_every_sample_plan_matches_registry(sample):
    for row in sample.rows:
        assert_plan_matches(row, plan_unit_map(row))


def test_sample_flat_labels_are_continuous(sample):
    for row in sample.rows:
        plan = plan_unit_map(row)
        flats = [premise.label for premise in plan.iter_premises() if premise.kind == "flat"]
        commercial = [premise.label for premise in plan.iter_premises() if premise.kind == "commercial"]

        assert flats == [str(number) for number in range(1, row.flats + 1)], row.house_id
        assert commercial == [f"Н{number}" for number in range(1, row.non_residential + 1)], row.house_id


def test_commercial_premises_on_floor_one(sample):
    for row in sample.rows:
        for entrance in plan_unit_map(row).entrances:
            for floor in entrance.floors[1:]:
                assert all(premise.kind == "flat" for premise in floor.premises), row.house_id


def test_forty_floor_building_plan(sample_by_id):
    row = sample_by_id["7827289"]
    plan = plan_unit_map(row)

    assert len(plan.entrances) == 1
    assert [floor.number for floor in plan.entrances[0].floors] == list(range(1, 41))
    assert [len(floor.premises) for floor in plan.entrances[0].floors] == [6 + 3] + [6] * 39
    assert_plan_matches(row, plan)


def test_twenty_one_entrance_building_plan(sample_by_id):
    row = sample_by_id["8663761"]
    plan = plan_unit_map(row)

    assert [entrance.number for entrance in plan.entrances] == list(range(1, 22))
    assert [len(entrance.floors) for entrance in plan.entrances] == [45] * 20 + [6]
    commercial_per_entrance = [sum(p.kind == "commercial" for p in e.floors[0].premises) for e in plan.entrances]
    assert commercial_per_entrance == [1] * 20 + [0]
    assert_plan_matches(row, plan)


def test_one_floor_section_building(sample_by_id):
    row = sample_by_id["7827103"]
    plan = plan_unit_map(row)
    low = plan.entrances[-1]

    assert row.levels_min == 1
    assert [floor.number for floor in low.floors] == [1]
    assert any(premise.kind == "flat" for premise in low.floors[0].premises)
    assert_plan_matches(row, plan)


def test_plan_is_deterministic(sample):
    first = [msgspec.json.encode(plan_unit_map(row)) for row in sample.rows]
    with SAMPLE.open("rb") as stream:
        again = parse_registry(stream)
    second = [msgspec.json.encode(plan_unit_map(row)) for row in again.rows]

    assert again == sample
    assert first == second


# --- Random buildings ---------------------------------------------------------------------------


def random_building(rng: random.Random) -> RegistryBuilding:
    entrances = rng.randint(1, 25)
    levels_max = rng.randint(1, 60)
    levels_min = rng.randint(1, levels_max)
    flats = rng.choice([0, rng.randint(entrances, entrances * levels_max * rng.randint(1, 12))])
    non_residential = rng.choice([0, rng.randint(0, 40)]) or (1 if flats == 0 else 0)
    area_live = rng.choice([None, Decimal(rng.randint(0, 20_000_000)).scaleb(-2)])
    area_nonlive = rng.choice([None, Decimal(rng.randint(0, 2_000_000)).scaleb(-2)])
    return building(entrances=entrances, levels_max=levels_max, levels_min=levels_min, flats=flats,
                    non_residential=non_residential, premises_total=flats + non_residential,
                    area_live=area_live, area_nonlive=area_nonlive)


def test_random_buildings_totals_match():
    rng = random.Random(20240917)
    for _ in range(400):
        row = random_building(rng)
        plan = plan_unit_map(row)

        assert_plan_matches(row, plan)
        assert plan_unit_map(row) == plan


def test_random_buildings_floor_counts_sane():
    rng = random.Random(77)
    for _ in range(400):
        row = random_building(rng)
        plan = plan_unit_map(row)
        per_floor = [len(floor.premises) for entrance in plan.entrances for floor in entrance.floors]

        assert min(per_floor) >= 0
        assert all(premise.area is None or premise.area >= 0 for premise in plan.iter_premises())
        if row.flats >= row.entrances:
            assert all(any(p.kind == "flat" for f in e.floors for p in f.premises) for e in plan.entrances)


def test_flats_per_floor_differ_by_one():
    rng = random.Random(5)
    for _ in range(200):
        plan = plan_unit_map(random_building(rng))
        for entrance in plan.entrances:
            flats = [sum(p.kind == "flat" for p in floor.premises) for floor in entrance.floors]
            assert max(flats) - min(flats) <= 1
            assert flats == sorted(flats, reverse=True)


def test_area_split_in_hundredths():
    row = building(flats=3, premises_total=3, entrances=1, area_live=Decimal("100.00"))
    areas = [premise.area for premise in plan_unit_map(row).iter_premises()]

    assert areas == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]


def test_zero_area_leaves_none():
    row = building(non_residential=2, premises_total=62, area_nonlive=Decimal("0.00"))
    commercial = [p for p in plan_unit_map(row).iter_premises() if p.kind == "commercial"]

    assert [premise.area for premise in commercial] == [None, None]


def test_plan_rejects_inconsistent_building():
    with pytest.raises(UnitMapError) as caught:
        plan_unit_map(building(levels_min=12, levels_max=9))

    assert caught.value.code == "registry_levels_inverted"
    assert caught.value.field == "LEVELS_MIN"
    assert isinstance(caught.value, DomainError)


# --- Rejected rows ------------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "code", "field"), [
    ({"LEVELS_MAX": "девять"}, "registry_invalid_number", "LEVELS_MAX"),
    ({"AREA": '"12,5"'}, "registry_invalid_number", "AREA"),
    ({"ROOM_COUNT": '"25 70"'}, "registry_invalid_number", "ROOM_COUNT"),
    ({"DOORS": "Не заполнено"}, "registry_missing_value", "DOORS"),
    ({"ROOM_COUNT_LIVE": ""}, "registry_missing_value", "ROOM_COUNT_LIVE"),
    ({"ROOM_COUNT": "63"}, "registry_count_mismatch", "ROOM_COUNT"),
    ({"LEVELS_MIN": "10"}, "registry_levels_inverted", "LEVELS_MIN"),
    ({"DOORS": "0"}, "registry_zero_entrances", "DOORS"),
    ({"LEVELS_MIN": "0"}, "registry_zero_floors", "LEVELS_MIN"),
    ({"DOORS": "61"}, "registry_entrances_exceed_flats", "DOORS"),
    ({"ROOM_COUNT": "0", "ROOM_COUNT_LIVE": "0", "ROOM_COUNT_NONLIVE": "0"}, "registry_no_premises", "ROOM_COUNT"),
    ({"ROOM_COUNT_NONLIVE": "-2", "ROOM_COUNT": "58"}, "registry_negative_value", "ROOM_COUNT_NONLIVE"),
    ({"LEVELS_MAX": "170"}, "registry_value_out_of_range", "LEVELS_MAX"),
    ({"YEAR": "0"}, "registry_value_out_of_range", "YEAR"),
    ({"LAT": "155.1"}, "registry_value_out_of_range", "LAT"),
    ({"AREA_LIVE": "3500.505"}, "registry_area_precision", "AREA_LIVE"),
    ({"HOUSE_ID": "12a"}, "registry_invalid_house_id", "HOUSE_ID"),
])
def test_row_rejection_codes(changes, code, field):
    result = parse_lines(csv_line(HOUSE_ID="1"), csv_line(**{"HOUSE_ID": "2", **changes}), csv_line(HOUSE_ID="3"))

    assert [row.house_id for row in result.rows] == ["1", "3"]
    assert [(issue.line, issue.code, issue.field) for issue in result.rejected] == [(3, code, field)]
    assert all("{" not in issue.reason for issue in result.rejected)


def test_rejection_keeps_raw_value():
    result = parse_lines(csv_line(LEVELS_MAX="девять"))

    assert result.rejected[0].value == "девять"
    assert result.rejected[0].house_id == "100"
    assert result.rejected[0].params == {"column": "LEVELS_MAX", "text": "девять"}
    assert "девять" in result.rejected[0].reason


def test_quoted_thousands_separator_accepted():
    result = parse_lines(csv_line(ROOM_COUNT='"1 062"', ROOM_COUNT_LIVE='"1 060"', AREA='"4 000.00"'))

    assert result.rejected == []
    assert result.rows[0].premises_total == 1062
    assert result.rows[0].area_total == Decimal("4000.00")


def test_missing_optional_values_accepted():
    result = parse_lines(csv_line(YEAR="Не заполнено", SERIE="не заполнено", AREA="", LAT="", LON=""))
    row = result.rows[0]

    assert result.rejected == []
    assert (row.year, row.serie, row.area_total, row.lat, row.lon) == (None, None, None, None, None)


def test_wrong_field_count_line_skipped():
    result = parse_lines(csv_line(HOUSE_ID="1"), "2,г. Москва,1,2000", csv_line(HOUSE_ID="3"))

    assert [row.house_id for row in result.rows] == ["1", "3"]
    assert [(issue.line, issue.code) for issue in result.rejected] == [(3, "registry_malformed_line")]
    assert result.rejected[0].value == "2,г. Москва,1,2000"


def test_broken_quote_line_skipped():
    result = parse_lines(csv_line(HOUSE_ID="1", ADDRESS='"г. Москва, ул. Тестовая'), csv_line(HOUSE_ID="2"))

    assert [row.house_id for row in result.rows] == ["2"]
    assert codes_by_line(result) == {2: {"registry_malformed_line"}}


def test_conflicting_duplicates_both_rejected():
    result = parse_lines(csv_line(HOUSE_ID="7"), csv_line(HOUSE_ID="8"), csv_line(HOUSE_ID="7", YEAR="2001"))

    assert [row.house_id for row in result.rows] == ["8"]
    assert codes_by_line(result) == {2: {"registry_duplicate_house_id"}, 4: {"registry_duplicate_house_id"}}


def test_identical_duplicate_keeps_first():
    result = parse_lines(csv_line(HOUSE_ID="7"), csv_line(HOUSE_ID="7"))

    assert [row.house_id for row in result.rows] == ["7"]
    assert codes_by_line(result) == {3: {"registry_duplicate_house_id"}}


def test_blank_lines_are_skipped():
    result = parse_lines(csv_line(HOUSE_ID="1"), "", csv_line(HOUSE_ID="2"))

    assert [row.house_id for row in result.rows] == ["1", "2"]
    assert result.rejected == []


def test_binary_stream_with_bom():
    data = ("\ufeff" + HEADER + "\r\n" + csv_line() + "\r\n").encode("utf-8")
    result = parse_registry(io.BytesIO(data))

    assert [row.house_id for row in result.rows] == ["100"]
    assert result.rows[0].address == "г. Москва, ул. Тестовая, д. 1"


def test_non_utf8_line_rejected_alone():
    data = (HEADER + "\n").encode() + csv_line(HOUSE_ID="1").encode("cp1251") + b"\n" + csv_line(HOUSE_ID="2").encode()
    result = parse_registry(io.BytesIO(data))

    assert [row.house_id for row in result.rows] == ["2"]
    assert codes_by_line(result) == {2: {"registry_malformed_line"}}


# --- Warnings -----------------------------------------------------------------------------------


def test_single_entrance_heights_warned():
    result = parse_lines(csv_line(DOORS="1"))
    plan = plan_unit_map(result.rows[0])

    assert [warning.code for warning in result.warnings] == ["registry_levels_single_entrance"]
    assert len(plan.entrances[0].floors) == 9


def test_missing_area_warned():
    result = parse_lines(csv_line(AREA_NONLIVE="Не заполнено"))

    assert [(warning.code, warning.field) for warning in result.warnings] == [("registry_area_missing", "AREA_NONLIVE")]


def test_area_without_premises_warned():
    result = parse_lines(csv_line(ROOM_COUNT="60", ROOM_COUNT_NONLIVE="0"))

    assert [warning.code for warning in result.warnings] == ["registry_area_without_premises"]


# --- Whole-file errors --------------------------------------------------------------------------


def test_missing_columns_reject_file():
    header = ",".join(column for column in REGISTRY_COLUMNS if column not in {"DOORS", "LEVELS_MIN"})

    with pytest.raises(RegistryFileError) as caught:
        parse_registry(io.StringIO(header + "\n"))

    assert caught.value.code == "registry_unknown_columns"
    assert caught.value.missing_columns == ["LEVELS_MIN", "DOORS"]
    assert "LEVELS_MIN, DOORS" in caught.value.text
    assert caught.value.to_problem()["field"] == "header"


def test_duplicate_column_rejects_file():
    with pytest.raises(RegistryFileError) as caught:
        parse_registry(io.StringIO(HEADER + ",DOORS\n"))

    assert caught.value.code == "registry_unknown_columns"


def test_extra_columns_are_reported():
    result = parse_registry(io.StringIO(HEADER + ",MANAGER\n" + csv_line() + ",УК Домовой\n"))

    assert result.ignored_columns == ["MANAGER"]
    assert [row.house_id for row in result.rows] == ["100"]


def test_empty_file_rejected():
    with pytest.raises(RegistryFileError) as caught:
        parse_registry(io.StringIO(""))

    assert caught.value.code == "registry_empty_file"


# --- plan_section -------------------------------------------------------------------------------


def test_section_numbers_bottom_up():
    section = plan_section(101, [3, 1, 2], 4, entrance_number=2)

    assert section.number == 2
    assert [floor.number for floor in section.floors] == [1, 2, 3]
    assert [p.label for p in section.floors[0].premises] == ["101", "102", "103", "104"]
    assert [p.label for p in section.floors[2].premises] == ["109", "110", "111", "112"]


def test_section_with_basement_floors():
    section = plan_section(1, range(-2, 3), 2, kind="commercial", label_prefix="Н")
    labels = [premise.label for floor in section.floors for premise in floor.premises]

    assert [floor.number for floor in section.floors] == [-2, -1, 0, 1, 2]
    assert labels == [f"Н{number}" for number in range(1, 11)]
    assert Counter(p.kind for f in section.floors for p in f.premises) == {"commercial": 10}


@pytest.mark.parametrize(("arguments", "code"), [
    ((0, range(1, 3), 2), "section_invalid_first_label"),
    ((1, [], 2), "section_no_floors"),
    ((1, [1, 2, 2], 2), "section_duplicate_floor"),
    ((1, range(1, 3), -1), "section_invalid_premises_per_floor"),
])
def test_section_rejects_bad_input(arguments, code):
    with pytest.raises(UnitMapError) as caught:
        plan_section(*arguments)

    assert caught.value.code == code
    assert "{" not in caught.value.text
