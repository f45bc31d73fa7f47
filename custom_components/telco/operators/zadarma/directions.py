"""Countries and directions of Zadarma's number ordering, as the actions take them.

A direction is given by its numeric id (3061) or its code (``ru495``: the country and
its area code, as Zadarma's page 002_ allows); where Zadarma needs the id, the code is
looked up in its country's directions.
"""

from __future__ import annotations

import re

from ...model.action_input import invalid
from .coordinators import ZadarmaRuntimeData

_COUNTRY = re.compile(r"[A-Za-z]{2}")
# ASCII digits only, and few: ``str.isdigit`` takes "²", which int() then refuses.
_DIRECTION_ID = re.compile(r"[0-9]{1,10}")
_DIRECTION_CODE = re.compile(r"[A-Za-z]{2}[0-9]{1,10}")


def country_code(value: str, field: str = "country") -> str:
    """Return an ISO 3166-1 alpha-2 code in upper case, or refuse it."""
    text = str(value).strip()
    if not _COUNTRY.fullmatch(text):
        raise invalid(field, "invalid_country", value=text)
    return text.upper()


def direction_key(value: str) -> int | str:
    """Return a direction's numeric id, or its code (``ru495``) in lower case."""
    text = str(value).strip()
    if _DIRECTION_ID.fullmatch(text) and int(text) > 0:
        return int(text)
    if _DIRECTION_CODE.fullmatch(text):
        return text.lower()
    raise invalid("direction_id", "invalid_direction", value=text)


async def resolve_direction(data: ZadarmaRuntimeData, value: str) -> int:
    """Return a direction's numeric id, finding that of a code (``ru495``) in its country."""
    key = direction_key(value)
    if isinstance(key, int):
        return key
    country, area = key[:2].upper(), key[2:]
    directions = await data.account.async_ask(data.client.get_country(country))
    found = sorted({direction.id for direction in directions if direction.area_code == area})
    if len(found) == 1:
        return found[0]
    if found:
        ids = ", ".join(str(direction_id) for direction_id in found)
        raise invalid("direction_id", "direction_code_ambiguous", value=key, ids=ids)
    raise invalid("direction_id", "invalid_direction", value=key)
