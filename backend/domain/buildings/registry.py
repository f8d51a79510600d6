"""Read the Reforma GKH («Реформа ЖКХ») housing registry export and plan unit maps from its counts.

The registry gives per building only totals: floors, entrances, flats, non-residential premises and
areas. Which premise sits on which floor is not in it, so `plan_unit_map` drafts a unit map from the
totals by fixed rules, and people correct the draft in the unit-map editor. Every rule is deterministic:
the same registry row always gives the same plan, so a repeated import changes nothing.

Messages are English gettext msgids with `{placeholders}`; people read them translated (`reason`,
`DomainError.text`).
"""

from __future__ import annotations

import csv
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Literal

import msgspec

from backend.domain.errors import DomainError
from backend.i18n import N_, gettext

REGISTRY_COLUMNS = (
    "HOUSE_ID", "ADDRESS", "FIAS", "YEAR", "SERIE", "HOUSE_TYPE", "LEVELS_MAX", "LEVELS_MIN", "DOORS",
    "ROOM_COUNT", "ROOM_COUNT_LIVE", "ROOM_COUNT_NONLIVE", "AREA", "AREA_LIVE", "AREA_NONLIVE", "LAT", "LON",
)
"""Columns of the export as archived by the nextgis/reformagkh scraper. FIAS and HOUSE_TYPE are not read."""

MISSING_MARKERS = frozenset({"", "не заполнено"})
"""Cell texts, compared in lower case, that the registry writes for an unknown value."""

MAX_FLOORS = 150
"""Highest LEVELS_MAX accepted, a chosen bound so that a typo such as 170 for 17 is rejected, not drafted."""

MAX_ENTRANCES = 100
"""Highest DOORS accepted, for the same reason as `MAX_FLOORS`."""

YEAR_RANGE = (1700, 2100)
"""Accepted YEAR values, inclusive, a chosen bound that rejects fillers such as 0."""

COMMERCIAL_LABEL_PREFIX = "Н"
"""Cyrillic Н (нежилое) in front of the number of a non-residential premise: «Н1», «Н2»."""

PremiseKindName = Literal["flat", "commercial"]

_CENT = Decimal("0.01")
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})
# Digits with an optional space every three digits as the thousands separator, as in `2 570`.
_INTEGER_TEXT = re.compile(r"-?(?:[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)")
_DECIMAL_TEXT = re.compile(r"-?(?:[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
_HOUSE_ID_TEXT = re.compile(r"[0-9]+")


class RegistryBuilding(msgspec.Struct, frozen=True, kw_only=True):
    """One accepted registry row. Areas are in m², coordinates in WGS 84 degrees."""

    house_id: str
    address: str
    year: int | None
    serie: str | None
    levels_max: int
    levels_min: int
    entrances: int
    premises_total: int
    flats: int
    non_residential: int
    area_total: Decimal | None
    area_live: Decimal | None
    area_nonlive: Decimal | None
    lat: Decimal | None
    lon: Decimal | None


class RowIssue(msgspec.Struct, frozen=True, kw_only=True):
    """A problem found on one line of the file.

    `line` counts physical lines from 1 (the header). `field` is the column name, or None when the
    whole line is at fault; `value` is the cell text as written. `message` is a gettext msgid
    filled from `params`, and `reason` is its translation for people.
    """

    line: int
    house_id: str | None
    field: str | None
    value: str | None
    code: str
    message: str
    params: dict[str, str | int] = {}

    @property
    def reason(self) -> str:
        return gettext(self.message, **self.params)


class RejectedRow(RowIssue, frozen=True, kw_only=True):
    """A line left out of `RegistryParseResult.rows`. One line may have several."""


class RowWarning(RowIssue, frozen=True, kw_only=True):
    """A doubt about an accepted line that the importer shows without dropping the building."""


class RegistryParseResult(msgspec.Struct, kw_only=True):
    """Accepted buildings in file order, plus every rejection and warning, sorted by line."""

    rows: list[RegistryBuilding]
    rejected: list[RejectedRow]
    warnings: list[RowWarning]
    ignored_columns: list[str]
    """Header columns that are not in `REGISTRY_COLUMNS`. Their cells are not read."""


class RegistryFileError(DomainError):
    """The file as a whole cannot be read as a registry export, so no row was read."""

    def __init__(self, code: str, message: str, *, value: object = None,
                 missing_columns: Sequence[str] = (), **params: object) -> None:
        super().__init__(code, message, field="header", value=value, **params)
        self.missing_columns = list(missing_columns)


class UnitMapError(DomainError):
    """A building or section whose figures do not allow a unit map to be planned."""


class PremisePlan(msgspec.Struct, kw_only=True):
    label: str
    kind: PremiseKindName
    area: Decimal | None = None
    """m², None when the registry gives no area to share out."""


class FloorPlan(msgspec.Struct, kw_only=True):
    number: int
    premises: list[PremisePlan]


class EntrancePlan(msgspec.Struct, kw_only=True):
    number: int
    floors: list[FloorPlan]
    """Ordered bottom-up."""


class UnitMapPlan(msgspec.Struct, kw_only=True):
    """A drafted unit map: entrances, their floors and the premises on each floor."""

    entrances: list[EntrancePlan]

    def iter_premises(self) -> Iterator[PremisePlan]:
        """Yield premises entrance by entrance, floor by floor bottom-up."""
        for entrance in self.entrances:
            for floor in entrance.floors:
                yield from floor.premises

    def count_by_kind(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for premise in self.iter_premises():
            counts[premise.kind] += 1
        return dict(counts)

    def area_by_kind(self) -> dict[str, Decimal]:
        """Sum the known areas per kind. Premises without an area add nothing."""
        areas: dict[str, Decimal] = defaultdict(Decimal)
        for premise in self.iter_premises():
            if premise.area is not None:
                areas[premise.kind] += premise.area
        return dict(areas)


class _Problem(msgspec.Struct, frozen=True):
    field: str | None
    value: str | None
    code: str
    message: str
    params: dict[str, str | int] = {}

    def on_line(self, kind: type[RowIssue], line: int, house_id: str | None) -> RowIssue:
        return kind(line=line, house_id=house_id, field=self.field, value=self.value, code=self.code,
                    message=self.message, params=self.params)


# --- Reading the file ---------------------------------------------------------------------------


def parse_registry(stream: Iterable[str] | Iterable[bytes]) -> RegistryParseResult:
    """Read a registry export, accepting each consistent row and reporting every other one.

    `stream` is a text or binary file (or any iterable of lines) in UTF-8. Each building is on one
    physical line, so a line with a broken quote or a wrong number of fields is rejected alone and
    reading goes on. Raises `RegistryFileError` when the header is missing or lacks a column.
    """
    lines = _decoded_lines(stream)
    columns = _read_header(lines)

    parsed: list[tuple[int, RegistryBuilding]] = []
    rejected: list[RejectedRow] = []
    for number, text in lines:
        building, problems = _read_line(number, text, columns)
        if building is not None:
            parsed.append((number, building))
        rejected.extend(problems)

    accepted, duplicates = _reject_duplicates(parsed)
    rejected.extend(duplicates)
    warnings = [warning for number, building in accepted for warning in _row_warnings(number, building)]

    return RegistryParseResult(
        rows=[building for _, building in accepted],
        rejected=sorted(rejected, key=lambda issue: issue.line),
        warnings=warnings,
        ignored_columns=[name for name in columns if name not in REGISTRY_COLUMNS],
    )


def _decoded_lines(stream: Iterable[str] | Iterable[bytes]) -> Iterator[tuple[int, str | None]]:
    """Yield (line number, text without the line end) pairs. The text is None for a line that is not UTF-8."""
    for number, raw in enumerate(stream, start=1):
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield number, None
                continue
        if number == 1:
            raw = raw.removeprefix("\ufeff")
        yield number, raw.rstrip("\r\n")


def _read_header(lines: Iterator[tuple[int, str | None]]) -> list[str]:
    _, text = next(lines, (1, ""))
    if text is None:
        raise RegistryFileError("registry_invalid_encoding", N_("The file header is not UTF-8 text."))
    if not text.strip():
        raise RegistryFileError("registry_empty_file",
                                N_("The file is empty: its first line must be the Reforma GKH export header."))

    try:
        columns = [name.strip() for name in next(csv.reader([text], strict=True))]
    except csv.Error as error:
        raise RegistryFileError("registry_unknown_columns", N_("The header line is not valid CSV: check its quotes."),
                                value=text) from error
    _check_columns(columns)
    return columns


def _check_columns(columns: list[str]) -> None:
    missing = [name for name in REGISTRY_COLUMNS if name not in columns]
    if missing:
        raise RegistryFileError(
            "registry_unknown_columns",
            N_("The file lacks these Reforma GKH export columns: {columns}. "
               "The first line must be the export header, unchanged."),
            value=columns, missing_columns=missing, columns=", ".join(missing))

    repeated = sorted({name for name in columns if columns.count(name) > 1})
    if repeated:
        raise RegistryFileError(
            "registry_unknown_columns",
            N_("These columns appear more than once in the header: {columns}. Keep one column of each name."),
            value=columns, columns=", ".join(repeated))


def _read_line(number: int, text: str | None,
               columns: list[str]) -> tuple[RegistryBuilding | None, list[RejectedRow]]:
    """Convert one line, or return every reason to reject it."""
    if text is not None and not text.strip():
        return None, []

    cells, problem = _split_line(text, len(columns))
    if problem is not None:
        return None, [problem.on_line(RejectedRow, number, None)]

    row = dict(zip(columns, cells, strict=True))
    house_id = row["HOUSE_ID"].strip() or None
    building, problems = _RowReader(row).read()
    if building is not None:
        problems = _consistency_problems(building)
    if problems:
        return None, [problem.on_line(RejectedRow, number, house_id) for problem in problems]
    return building, []


def _split_line(text: str | None, expected: int) -> tuple[list[str], _Problem | None]:
    if text is None:
        return [], _Problem(None, None, "registry_malformed_line", N_("The line is not UTF-8 text."))

    try:
        cells = next(csv.reader([text], strict=True))
    except csv.Error:
        return [], _Problem(None, text, "registry_malformed_line", N_("The line is not valid CSV: check its quotes."))

    if len(cells) != expected:
        message = N_("The line has {found} fields but the header has {expected}: check the commas and quotes.")
        return [], _Problem(None, text, "registry_malformed_line", message,
                            {"found": len(cells), "expected": expected})
    return cells, None


class _RowReader:
    """Convert the cells of one line, collecting every unreadable value instead of stopping at the first."""

    def __init__(self, row: dict[str, str]) -> None:
        self.row = row
        self.problems: list[_Problem] = []

    def read(self) -> tuple[RegistryBuilding | None, list[_Problem]]:
        values = dict(
            house_id=self.house_id(), address=self.text("ADDRESS", required=True), year=self.integer("YEAR"),
            serie=self.text("SERIE"), levels_max=self.integer("LEVELS_MAX", required=True),
            levels_min=self.integer("LEVELS_MIN", required=True), entrances=self.integer("DOORS", required=True),
            premises_total=self.integer("ROOM_COUNT", required=True),
            flats=self.integer("ROOM_COUNT_LIVE", required=True),
            non_residential=self.integer("ROOM_COUNT_NONLIVE", required=True),
            area_total=self.area("AREA"), area_live=self.area("AREA_LIVE"), area_nonlive=self.area("AREA_NONLIVE"),
            lat=self.decimal("LAT"), lon=self.decimal("LON"),
        )
        if self.problems:
            return None, self.problems
        return RegistryBuilding(**values), []

    def text(self, column: str, *, required: bool = False) -> str | None:
        value = " ".join(self.row[column].split())
        if value.lower() not in MISSING_MARKERS:
            return value
        if required:
            self._reject(column, "registry_missing_value", N_("The required field {column} is empty."))
        return None

    def house_id(self) -> str | None:
        value = self.text("HOUSE_ID", required=True)
        if value is not None and not _HOUSE_ID_TEXT.fullmatch(value):
            self._reject("HOUSE_ID", "registry_invalid_house_id",
                         N_("HOUSE_ID must contain digits only, but the file has \"{text}\"."))
            return None
        return value

    def integer(self, column: str, *, required: bool = False) -> int | None:
        value = self._number_text(column, required=required)
        if value is None:
            return None
        if not _INTEGER_TEXT.fullmatch(value):
            self._reject(column, "registry_invalid_number",
                         N_("{column} must be a whole number, but the file has \"{text}\"."))
            return None
        return int(value.replace(" ", ""))

    def decimal(self, column: str) -> Decimal | None:
        value = self._number_text(column)
        if value is None:
            return None
        if not _DECIMAL_TEXT.fullmatch(value):
            self._reject(column, "registry_invalid_number",
                         N_("{column} must be a number with a dot before the fraction, but the file has \"{text}\"."))
            return None
        return Decimal(value.replace(" ", ""))

    def area(self, column: str) -> Decimal | None:
        """Read an area in m², which must be exact to the hundredth so that premises can share it exactly."""
        value = self.decimal(column)
        if value is not None and value != value.quantize(_CENT):
            self._reject(column, "registry_area_precision", N_("{column} = {text} m² is more precise than 0.01 m²."))
            return None
        return value

    def _number_text(self, column: str, *, required: bool = False) -> str | None:
        value = self.text(column, required=required)
        return None if value is None else value.translate(_SPACES)

    def _reject(self, column: str, code: str, message: str) -> None:
        raw = self.row[column]
        self.problems.append(_Problem(column, raw, code, message, {"column": column, "text": raw.strip()}))


def _reject_duplicates(
    parsed: list[tuple[int, RegistryBuilding]],
) -> tuple[list[tuple[int, RegistryBuilding]], list[RejectedRow]]:
    """Keep one of identical lines for a HOUSE_ID, but reject every line of a HOUSE_ID whose lines differ.

    Choosing one of two different versions of a building would be a guess, so neither is imported.
    """
    versions: dict[str, list[tuple[int, RegistryBuilding]]] = defaultdict(list)
    for number, building in parsed:
        versions[building.house_id].append((number, building))

    rejected: list[RejectedRow] = []
    for house_id, lines in versions.items():
        rejected.extend(_duplicate_rejections(house_id, lines))

    rejected_lines = {issue.line for issue in rejected}
    accepted = [(number, building) for number, building in parsed if number not in rejected_lines]
    return accepted, rejected


def _duplicate_rejections(house_id: str, lines: list[tuple[int, RegistryBuilding]]) -> list[RejectedRow]:
    first_line, first = lines[0]
    if all(building == first for _, building in lines):
        message = N_("The line repeats line {first_line} with the same HOUSE_ID {house_id}.")
        params: dict[str, str | int] = {"first_line": first_line, "house_id": house_id}
        repeats = lines[1:]
    else:
        message = N_("HOUSE_ID {house_id} appears on lines {lines} with different data: correct the file.")
        params = {"house_id": house_id, "lines": ", ".join(str(number) for number, _ in lines)}
        repeats = lines

    problem = _Problem("HOUSE_ID", house_id, "registry_duplicate_house_id", message, params)
    return [problem.on_line(RejectedRow, number, house_id) for number, _ in repeats]


# --- Checking a building ------------------------------------------------------------------------

_COUNT_COLUMNS = {
    "levels_max": "LEVELS_MAX", "levels_min": "LEVELS_MIN", "entrances": "DOORS", "premises_total": "ROOM_COUNT",
    "flats": "ROOM_COUNT_LIVE", "non_residential": "ROOM_COUNT_NONLIVE",
    "area_total": "AREA", "area_live": "AREA_LIVE", "area_nonlive": "AREA_NONLIVE",
}


def _consistency_problems(building: RegistryBuilding) -> list[_Problem]:
    """List every reason why the figures of a building contradict each other or cannot be real."""
    negative = _negative_values(building)
    if negative:
        return negative
    return [*_range_problems(building), *_floor_problems(building), *_count_problems(building)]


def _negative_values(building: RegistryBuilding) -> list[_Problem]:
    problems = []
    for name, column in _COUNT_COLUMNS.items():
        value = getattr(building, name)
        if value is not None and value < 0:
            problems.append(_Problem(column, str(value), "registry_negative_value", N_("{column} is negative: {number}."),
                                     {"column": column, "number": str(value)}))
    return problems


def _range_problems(building: RegistryBuilding) -> list[_Problem]:
    limits = [
        ("YEAR", building.year, *YEAR_RANGE),
        ("LEVELS_MAX", building.levels_max, 0, MAX_FLOORS),
        ("DOORS", building.entrances, 0, MAX_ENTRANCES),
        ("LAT", building.lat, -90, 90),
        ("LON", building.lon, -180, 180),
    ]
    problems = []
    for column, value, lowest, highest in limits:
        if value is not None and not lowest <= value <= highest:
            params: dict[str, str | int] = {"column": column, "number": str(value), "lowest": lowest, "highest": highest}
            problems.append(_Problem(column, str(value), "registry_value_out_of_range",
                                     N_("{column} = {number} is outside the allowed range {lowest}…{highest}."), params))
    return problems


def _floor_problems(building: RegistryBuilding) -> list[_Problem]:
    problems = []
    if building.entrances == 0:
        problems.append(_Problem("DOORS", "0", "registry_zero_entrances", N_("The number of entrances DOORS is zero.")))
    for column, value in (("LEVELS_MAX", building.levels_max), ("LEVELS_MIN", building.levels_min)):
        if value == 0:
            problems.append(_Problem(column, "0", "registry_zero_floors", N_("The number of floors {column} is zero."),
                                     {"column": column}))
    if building.levels_min > building.levels_max:
        message = N_("The lowest floor count LEVELS_MIN = {levels_min} is greater than the highest "
                     "LEVELS_MAX = {levels_max}.")
        problems.append(_Problem("LEVELS_MIN", str(building.levels_min), "registry_levels_inverted", message,
                                 {"levels_min": building.levels_min, "levels_max": building.levels_max}))
    return problems


def _count_problems(building: RegistryBuilding) -> list[_Problem]:
    problems = []
    listed = building.flats + building.non_residential
    if building.premises_total != listed:
        message = N_("ROOM_COUNT = {total}, but flats and non-residential premises add up to "
                     "{flats} + {non_residential} = {listed}.")
        params = {"total": building.premises_total, "flats": building.flats,
                  "non_residential": building.non_residential, "listed": listed}
        problems.append(_Problem("ROOM_COUNT", str(building.premises_total), "registry_count_mismatch", message, params))
    elif listed == 0:
        problems.append(_Problem("ROOM_COUNT", "0", "registry_no_premises",
                                 N_("The building has no premises: ROOM_COUNT is 0.")))
    if 0 < building.flats < building.entrances:
        message = N_("There are more entrances (DOORS = {entrances}) than flats (ROOM_COUNT_LIVE = {flats}).")
        problems.append(_Problem("DOORS", str(building.entrances), "registry_entrances_exceed_flats", message,
                                 {"entrances": building.entrances, "flats": building.flats}))
    return problems


def _row_warnings(line: int, building: RegistryBuilding) -> list[RowWarning]:
    problems = [*_area_total_warnings(building), *_area_share_warnings(building), *_height_warnings(building)]
    return [problem.on_line(RowWarning, line, building.house_id) for problem in problems]


def _area_total_warnings(building: RegistryBuilding) -> list[_Problem]:
    total, live, nonlive = building.area_total, building.area_live, building.area_nonlive
    if total is None or live is None or nonlive is None or total >= live + nonlive:
        return []
    message = N_("The total area AREA = {total} m² is less than the living and non-residential areas together: "
                 "{live} + {nonlive} = {listed} m².")
    params = {"total": str(total), "live": str(live), "nonlive": str(nonlive), "listed": str(live + nonlive)}
    return [_Problem("AREA", str(total), "registry_area_mismatch", message, params)]


def _area_share_warnings(building: RegistryBuilding) -> list[_Problem]:
    shares = (
        ("AREA_LIVE", building.area_live, building.flats,
         N_("AREA_LIVE = {area} m² is given, but the building has no flats to share it."),
         N_("AREA_LIVE is empty or zero, so the flats get no area in the unit map.")),
        ("AREA_NONLIVE", building.area_nonlive, building.non_residential,
         N_("AREA_NONLIVE = {area} m² is given, but the building has no non-residential premises to share it."),
         N_("AREA_NONLIVE is empty or zero, so the non-residential premises get no area in the unit map.")),
    )
    problems = []
    for column, area, count, unshared, missing in shares:
        if count == 0 and area:
            problems.append(_Problem(column, str(area), "registry_area_without_premises", unshared, {"area": str(area)}))
        elif count > 0 and not area:
            problems.append(_Problem(column, None if area is None else str(area), "registry_area_missing", missing))
    return problems


def _height_warnings(building: RegistryBuilding) -> list[_Problem]:
    if building.entrances != 1 or building.levels_min == building.levels_max:
        return []
    message = N_("The building has one entrance but {levels_min} to {levels_max} floors: "
                 "the unit map gives the entrance {levels_max} floors.")
    return [_Problem("LEVELS_MIN", str(building.levels_min), "registry_levels_single_entrance", message,
                     {"levels_min": building.levels_min, "levels_max": building.levels_max})]


# --- Planning the unit map ----------------------------------------------------------------------


def plan_unit_map(building: RegistryBuilding) -> UnitMapPlan:
    """Draft the unit map of a registry building from its totals.

    The rules, all deterministic:
    - Heights: the registry gives only the highest and lowest section, so no other height is made up.
      The last entrance has `levels_min` floors and every other one `levels_max`; a single entrance has
      `levels_max`.
    - Flats per entrance: when the building has flats, each entrance gets one, and the rest are shared
      in proportion to the entrances' floor counts by the largest remainder method, ties going to the
      lower entrance number.
    - Flats per floor: an even split with the remainder one per floor from floor 1 upwards, so flats
      start on floor 1. They are labelled "1".."N" entrance by entrance, floor by floor bottom-up.
    - Non-residential premises: on floor 1, split evenly over the entrances with the remainder one per
      entrance from entrance 1, labelled «Н1»…, and placed after the flats of that floor.
    - Areas: AREA_LIVE is split evenly over the flats and AREA_NONLIVE over the non-residential premises
      in whole hundredths, the spare hundredths going one each to the first premises in label order,
      so the sums equal the registry figures. A missing or zero area leaves the premises' area None.

    Raises `UnitMapError` when the building's figures contradict each other.
    """
    problems = _consistency_problems(building)
    if problems:
        raise _unit_map_error(problems[0])

    heights = _entrance_heights(building)
    flat_counts = _flats_per_entrance(building.flats, heights)
    commercial_counts = _apportion(building.non_residential, [1] * len(heights))
    flats = _PremiseSequence("flat", areas=_split_area(building.area_live, building.flats, "AREA_LIVE"))
    commercial = _PremiseSequence(
        "commercial", label_prefix=COMMERCIAL_LABEL_PREFIX,
        areas=_split_area(building.area_nonlive, building.non_residential, "AREA_NONLIVE"))

    entrances = []
    for number, height, flat_count, commercial_count in zip(
            itertools.count(1), heights, flat_counts, commercial_counts):
        floors = _fill_floors(range(1, height + 1), _spread_over_floors(flat_count, height), flats)
        floors[0].premises.extend(commercial.take(commercial_count))
        entrances.append(EntrancePlan(number=number, floors=floors))
    return UnitMapPlan(entrances=entrances)


def plan_section(first_label: int, floors: range | list[int], premises_per_floor: int, *,
                 entrance_number: int = 1, kind: PremiseKindName = "flat", label_prefix: str = "") -> EntrancePlan:
    """Generate a section with the same number of premises on each of `floors`.

    Labels run on from `first_label` floor by floor bottom-up, whatever the order of `floors`. Negative
    floors and floor 0 are allowed because the caller lists the floors the building has.
    Raises `UnitMapError` for a label or entrance number below 1, a negative count, or a missing or
    repeated floor.
    """
    _check_section(first_label, floors, premises_per_floor, entrance_number)

    ordered = sorted(floors)
    premises = _PremiseSequence(kind, label_prefix=label_prefix, first_label=first_label)
    return EntrancePlan(number=entrance_number,
                        floors=_fill_floors(ordered, [premises_per_floor] * len(ordered), premises))


def _check_section(first_label: int, floors: range | list[int], premises_per_floor: int,
                   entrance_number: int) -> None:
    if first_label < 1:
        raise UnitMapError("section_invalid_first_label",
                           N_("The first premise number must be 1 or more, got {first_label}."),
                           field="first_label", value=first_label, first_label=first_label)
    if premises_per_floor < 0:
        raise UnitMapError("section_invalid_premises_per_floor",
                           N_("The number of premises per floor cannot be negative, got {count}."),
                           field="premises_per_floor", value=premises_per_floor, count=premises_per_floor)
    if entrance_number < 1:
        raise UnitMapError("section_invalid_entrance_number",
                           N_("The entrance number must be 1 or more, got {number}."),
                           field="entrance_number", value=entrance_number, number=entrance_number)
    _check_section_floors(list(floors))


def _check_section_floors(floors: list[int]) -> None:
    if not floors:
        raise UnitMapError("section_no_floors", N_("No floors are selected."), field="floors", value=floors)

    repeated = sorted({floor for floor in floors if floors.count(floor) > 1})
    if repeated:
        raise UnitMapError("section_duplicate_floor", N_("These floors are listed more than once: {floors}."),
                           field="floors", value=floors, floors=", ".join(map(str, repeated)))


def _unit_map_error(problem: _Problem) -> UnitMapError:
    return UnitMapError(problem.code, problem.message, field=problem.field, value=problem.value, **problem.params)


class _PremiseSequence:
    """Premises of one kind with continuous labels, each taking the next of the pre-split areas."""

    def __init__(self, kind: PremiseKindName, *, label_prefix: str = "", first_label: int = 1,
                 areas: list[Decimal | None] | None = None) -> None:
        self.kind = kind
        self.label_prefix = label_prefix
        self.numbers = itertools.count(first_label)
        self.areas: Iterator[Decimal | None] = iter(areas) if areas is not None else itertools.repeat(None)

    def take(self, count: int) -> list[PremisePlan]:
        return [PremisePlan(label=f"{self.label_prefix}{next(self.numbers)}", kind=self.kind, area=next(self.areas))
                for _ in range(count)]


def _fill_floors(numbers: Iterable[int], counts: Iterable[int], premises: _PremiseSequence) -> list[FloorPlan]:
    return [FloorPlan(number=number, premises=premises.take(count))
            for number, count in zip(numbers, counts, strict=True)]


def _entrance_heights(building: RegistryBuilding) -> list[int]:
    if building.entrances == 1 or building.levels_min == building.levels_max:
        return [building.levels_max] * building.entrances
    return [building.levels_max] * (building.entrances - 1) + [building.levels_min]


def _flats_per_entrance(flats: int, heights: list[int]) -> list[int]:
    if flats < len(heights):
        return _apportion(flats, heights)
    return [1 + share for share in _apportion(flats - len(heights), heights)]


def _spread_over_floors(count: int, floors: int) -> list[int]:
    per_floor, extra = divmod(count, floors)
    return [per_floor + 1 if index < extra else per_floor for index in range(floors)]


def _apportion(total: int, weights: list[int]) -> list[int]:
    """Split `total` in proportion to positive `weights` by the largest remainder (Hamilton) method.

    Integer arithmetic keeps the result exact and the same on every run. Equal remainders favour the
    lower index.
    """
    weight_sum = sum(weights)
    shares = [total * weight // weight_sum for weight in weights]
    remainders = [total * weight % weight_sum for weight in weights]

    left = total - sum(shares)
    for index in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        shares[index] += 1
    return shares


def _split_area(total: Decimal | None, count: int, column: str) -> list[Decimal | None]:
    """Split an area in m² evenly into `count` parts in hundredths that add up to `total` exactly."""
    if total is None or total <= 0 or count == 0:
        return [None] * count
    if total != total.quantize(_CENT):
        raise UnitMapError("registry_area_precision", N_("{column} = {text} m² is more precise than 0.01 m²."),
                           field=column, value=str(total), column=column, text=str(total))

    cents = int(total * 100)
    return [Decimal(part).scaleb(-2) for part in _apportion(cents, [1] * count)]
