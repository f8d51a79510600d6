"""One search box: clients and premises found from whatever a dispatcher types.

The text is read as every form it could be (a phone or its last digits, an ИНН, an e-mail, a name
or its prefix, an address with a premise number) and each reading runs one indexed query. Hits are
ranked by how exactly they match (`Rank`) and limited to the user's buildings.

Indexes used (migration 0003): `ix_client_phones_e164`, `ix_client_phones_digits_reversed`,
`ix_clients_inn`, `ix_client_emails_email_key`, `ix_clients_search_name` (prefix, C collation) and
`ix_clients_search_vector` (GIN, a single word inside a name).
"""

from __future__ import annotations

import itertools
import re

import msgspec
from sqlalchemy import Select, and_, func, literal, select
from sqlalchemy import text as sql_text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.buildings.models import Building, Premise
from backend.domain.buildings.unit_map_view import premise_address
from backend.domain.clients.access import client_scope_filter
from backend.domain.clients.address_query import AddressQuery, parse_address
from backend.domain.clients.models import Client, ClientEmail, ClientPhone, ClientPremise
from backend.domain.clients.phones import format_phone, try_normalize_phone
from backend.domain.clients.search_keys import CYRILLIC_LOWER, CYRILLIC_UPPER, search_key
from backend.domain.staff.access import Principal, has_permission, scope_filter
from backend.domain.staff.roles import Permission

RESULT_LIMIT = 20
"""Hits returned at most; more than a dispatcher scans in a drop-down list."""
MIN_PHONE_SUFFIX = 4
"""Minimum trailing phone digits searched, because three digits match one number in a thousand."""
LEGAL_FORM_WORDS = frozenset({"ооо", "оао", "зао", "пао", "ао", "нао", "ип", "тсж", "жск", "тсн", "нко", "ано",
                              "гбу", "гуп", "муп", "компания", "фирма"})
"""Words typed before an organisation's name that the stored name key does not contain."""

MAX_WORDS_REORDERED = 3
"""Most typed words tried in every order: a full name has three."""
MIN_WORD_INSIDE_NAME = 4
"""Shortest single word looked up inside names (`ветер` in «Северный ветер») by the GIN index."""
PHONES_SHOWN = 2
"""Phones listed under a client's name in the hit."""

_PHONE_CHARACTERS = re.compile(r"[\d\s()+\-.]+")


class Rank:
    EXACT = 0
    """The whole phone, ИНН, ОГРН, e-mail or a premise's full address."""
    FULL_NAME = 1
    NAME_PREFIX = 2
    PHONE_SUFFIX = 3
    NAME_WORDS = 4
    """The typed words in another order, or one word inside the name."""
    STREET = 5


class SearchHit(msgspec.Struct, kw_only=True):
    kind: str
    """`client`, `premise` or `building`."""
    id: int
    title: str
    subtitle: str
    url: str
    matched: str
    """What matched: `phone`, `phone_suffix`, `inn`, `ogrn`, `email`, `name`, `address`."""
    rank: int


class _ClientMatch(msgspec.Struct):
    client_id: int
    matched: str
    rank: int


async def search(session: AsyncSession, principal: Principal, text: str,
                 limit: int = RESULT_LIMIT) -> list[SearchHit]:
    """Return hits for `text`, best first; clients only for users who may see personal data."""
    text = text.strip()
    if not text:
        return []
    # JIT compilation costs tens of milliseconds and pays off only for long analytic queries; the GIN
    # reading's estimate can cross jit_above_cost on a large table.
    await session.execute(sql_text("SET LOCAL jit = off"))
    hits: list[SearchHit] = []
    if has_permission(principal, Permission.PERSONAL_DATA_VIEW):
        matches = await _client_matches(session, principal, text, limit)
        hits.extend(await _client_hits(session, matches))
    if has_permission(principal, Permission.BUILDINGS_VIEW):
        hits.extend(await _address_hits(session, principal, text, limit))
    hits.sort(key=lambda hit: (hit.rank, hit.title))
    return hits[:limit]


# --- Clients --------------------------------------------------------------------------------------


class _Reading(msgspec.Struct):
    """One way to read the typed text: a query of (client id, whether the match is exact)."""

    query: Select
    matched: str
    rank: int
    exact_rank: int


async def _client_matches(session: AsyncSession, principal: Principal, text: str, limit: int) -> list[_ClientMatch]:
    found: dict[int, _ClientMatch] = {}
    readings = _email_readings(text) if "@" in text else [*_number_readings(text), *_name_readings(text)]
    for reading in readings:
        if len(found) >= limit:
            break
        scoped = reading.query.where(Client.merged_into_id.is_(None), client_scope_filter(principal, Client.id))
        for client_id, exact in (await session.execute(scoped.limit(limit))).all():
            rank = reading.exact_rank if exact else reading.rank
            if client_id not in found or found[client_id].rank > rank:
                found[client_id] = _ClientMatch(client_id, reading.matched, rank)
    return sorted(found.values(), key=lambda match: match.rank)


def _number_readings(text: str) -> list[_Reading]:
    if not _PHONE_CHARACTERS.fullmatch(text):
        return []
    digits = re.sub(r"\D", "", text)
    readings: list[_Reading] = []
    e164 = try_normalize_phone(text) if len(digits) >= 10 else None
    if e164:
        readings.append(_Reading(_phone_query(ClientPhone.e164 == e164), "phone", Rank.EXACT, Rank.EXACT))
    if len(digits) in (10, 12):
        readings.append(_Reading(select(Client.id, literal(False)).where(Client.inn == digits), "inn", Rank.EXACT, Rank.EXACT))
    if len(digits) in (13, 15):
        readings.append(_Reading(select(Client.id, literal(False)).where(Client.ogrn == digits), "ogrn", Rank.EXACT,
                                 Rank.EXACT))
    if MIN_PHONE_SUFFIX <= len(digits) <= 11 and not e164:
        suffix = _phone_query(ClientPhone.digits_reversed.like(_inline(digits[::-1] + "%")))
        readings.append(_Reading(suffix.order_by(ClientPhone.digits_reversed), "phone_suffix", Rank.PHONE_SUFFIX,
                                 Rank.PHONE_SUFFIX))
    return readings


def _phone_query(condition) -> Select:
    return select(ClientPhone.client_id, literal(False)).join(Client, Client.id == ClientPhone.client_id).where(condition)


def _email_readings(text: str) -> list[_Reading]:
    if "@" not in text or " " in text:
        return []
    key = text.lower()
    query = (select(ClientEmail.client_id, ClientEmail.email_key == key).join(Client, Client.id == ClientEmail.client_id)
             .where(ClientEmail.email_key.like(_inline(_escape_like(key) + "%"), escape="\\"))
             .order_by(ClientEmail.email_key))
    return [_Reading(query, "email", Rank.NAME_PREFIX, Rank.EXACT)]


def _name_readings(text: str) -> list[_Reading]:
    words = _name_words(text)
    if not words or not any(character.isalpha() for character in "".join(words)):
        return []
    key = " ".join(words)
    prefix = (select(Client.id, Client.search_name == key).where(Client.search_name.like(_inline(_name_pattern(words))))
              .order_by(Client.search_name))
    readings = [_Reading(prefix, "name", Rank.NAME_PREFIX, Rank.FULL_NAME)]
    for order in _other_orders(words):
        reordered = select(Client.id, literal(False)).where(Client.search_name.like(_inline(_name_pattern(order))))
        readings.append(_Reading(reordered.order_by(Client.search_name), "name", Rank.NAME_WORDS, Rank.NAME_WORDS))
    # NOTE: a lone common patronymic or first name (`андреевич`) matches no name prefix and then reads a
    # long GIN posting list; this path is slow on a million clients until it is limited further.
    if len(words) == 1 and len(words[0]) >= MIN_WORD_INSIDE_NAME and not words[0].isdigit():
        inside = select(Client.id, literal(False)).where(
            Client.search_vector.op("@@")(func.to_tsquery("simple", f"{words[0]}:*")))
        readings.append(_Reading(inside, "name", Rank.NAME_WORDS, Rank.NAME_WORDS))
    return readings


def _other_orders(words: list[str]) -> list[list[str]]:
    """List the other orders of two or three typed words, such as `Иван Петров` for `петров иван`.

    Each order is one short prefix range scan on the name key. A GIN search for all the words took
    85 ms p95 over 1,000,000 clients in bench/search.py, because common first names and patronymics
    have long posting lists.
    """
    if not 2 <= len(words) <= MAX_WORDS_REORDERED:
        return []
    return [list(order) for order in itertools.permutations(words) if list(order) != words]


def _inline(pattern: str):
    """Render a LIKE pattern into the SQL text instead of binding it.

    A bound pattern lets PostgreSQL switch a prepared statement to a generic plan, and that plan cannot
    use the pattern's prefix for an index range scan. An inline constant always can.
    """
    return literal(pattern, literal_execute=True)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _name_words(text: str) -> list[str]:
    words = search_key(text).split()
    while len(words) > 1 and words[0] in LEGAL_FORM_WORDS:
        words.pop(0)
    return words


def _name_pattern(words: list[str]) -> str:
    """Build a LIKE pattern: whole words, then the last word or an initial as a prefix (`иванов и% и%`).

    Keys contain only letters, digits and spaces, so no LIKE wildcard needs escaping.
    """
    parts = [word + "%" if len(word) == 1 or index == len(words) - 1 else word for index, word in enumerate(words)]
    return " ".join(parts)


async def _client_hits(session: AsyncSession, matches: list[_ClientMatch]) -> list[SearchHit]:
    if not matches:
        return []
    ids = [match.client_id for match in matches]
    clients = {client.id: client for client in (await session.scalars(select(Client).where(Client.id.in_(ids))))}
    phones = await _phones_of(session, ids)
    places = await _places_of(session, ids)
    return [SearchHit(kind="client", id=match.client_id, title=clients[match.client_id].display_name,
                      subtitle=" · ".join([*phones.get(match.client_id, []), *places.get(match.client_id, [])[:1]]),
                      url=f"/clients/{match.client_id}", matched=match.matched, rank=match.rank)
            for match in matches]


async def _phones_of(session: AsyncSession, client_ids: list[int]) -> dict[int, list[str]]:
    rows = await session.execute(select(ClientPhone.client_id, ClientPhone.e164)
                                 .where(ClientPhone.client_id.in_(client_ids)).order_by(ClientPhone.id))
    phones: dict[int, list[str]] = {}
    for client_id, e164 in rows:
        shown = phones.setdefault(client_id, [])
        if len(shown) < PHONES_SHOWN:
            shown.append(format_phone(e164))
    return phones


async def _places_of(session: AsyncSession, client_ids: list[int]) -> dict[int, list[str]]:
    rows = await session.execute(
        select(ClientPremise.client_id, Building.address, Premise.kind, Premise.label)
        .join(Premise, Premise.id == ClientPremise.premise_id).join(Building, Building.id == Premise.building_id)
        .where(ClientPremise.client_id.in_(client_ids), ClientPremise.until.is_(None)).order_by(ClientPremise.id))
    places: dict[int, list[str]] = {}
    for client_id, address, kind, label in rows:
        places.setdefault(client_id, []).append(premise_address(address, kind, label))
    return places


# --- Premises and buildings -----------------------------------------------------------------------


def _folded(column):
    """SQL search key of a text column, folded like `search_key`."""
    lowered = func.translate(func.lower(column), CYRILLIC_UPPER, CYRILLIC_LOWER)
    return func.btrim(func.regexp_replace(lowered, "[^0-9a-zа-я]+", " ", "g"))


def _word_prefix(word: str) -> str:
    return r"\m" + re.escape(word)


async def _address_hits(session: AsyncSession, principal: Principal, text: str, limit: int) -> list[SearchHit]:
    query = parse_address(text) if "@" not in text else None
    if query is None:
        return []
    buildings = await _matching_buildings(session, principal, query, limit)
    if not buildings:
        return []
    if query.premise_label is not None:
        return await _premise_hits(session, query, buildings, limit)
    rank = Rank.EXACT if query.names_building else Rank.STREET
    return [SearchHit(kind="building", id=building_id, title=address, subtitle="", url=f"/buildings/{building_id}",
                      matched="address", rank=rank)
            for building_id, address in buildings.items()]


async def _matching_buildings(session: AsyncSession, principal: Principal, query: AddressQuery,
                              limit: int) -> dict[int, str]:
    folded = _folded(Building.address)
    conditions = [folded.op("~")(_word_prefix(word)) for word in query.street_words]
    for markers, number in ((r"(д|дом|вл|владение)", query.house), (r"(к|корп|корпус)", query.corpus),
                            (r"(с|стр|строение)", query.structure)):
        if number is not None:
            conditions.append(folded.op("~")(rf"\m{markers} {re.escape(number)}\M"))
    rows = await session.execute(select(Building.id, Building.address)
                                 .where(and_(*conditions), scope_filter(principal, Building.id))
                                 .order_by(Building.address).limit(limit))
    return dict(rows.all())


async def _premise_hits(session: AsyncSession, query: AddressQuery, buildings: dict[int, str],
                        limit: int) -> list[SearchHit]:
    condition = and_(Premise.building_id.in_(buildings), _folded(Premise.label) == query.premise_label)
    if query.premise_kinds:
        condition = and_(condition, Premise.kind.in_(query.premise_kinds))
    rows = (await session.execute(select(Premise.id, Premise.building_id, Premise.kind, Premise.label)
                                  .where(condition).order_by(Premise.building_id, Premise.kind).limit(limit))).all()
    return [SearchHit(kind="premise", id=premise_id, title=premise_address(buildings[building_id], kind, label),
                      subtitle="", url=f"/buildings/{building_id}/map?premise={premise_id}", matched="address",
                      rank=Rank.EXACT if query.names_building else Rank.STREET)
            for premise_id, building_id, kind, label in rows]
