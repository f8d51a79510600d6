"""Every message people can see has a Russian translation in the catalog."""

from __future__ import annotations

from pathlib import Path

from babel.messages.frontend import parse_mapping_cfg
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"N_": None, "_": None, "gettext": None, "ngettext": (1, 2), "DomainError": (2,), "NotFound": (2,),
            "Forbidden": (2,), "Conflict": (2,)}


def _extracted_ids() -> set[str]:
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, options_map, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return {message for message in found if message}


def test_every_message_translated():
    with (ROOT / "backend/locale/ru/LC_MESSAGES/messages.po").open("rb") as catalog_file:
        catalog = read_po(catalog_file, locale="ru")
    translated = set()
    for message in catalog:
        key = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if key and all(strings) and not message.fuzzy:
            translated.add(key)
    missing = sorted(_extracted_ids() - translated)
    assert missing == [], f"{len(missing)} messages lack a Russian translation; run `make messages` and fill them in"
