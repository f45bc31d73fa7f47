"""How Zadarma answers the identity-document actions (needed to order some numbers).

The group data is checked and brought to Zadarma's format before anything is sent; a
document is read from a path Home Assistant may read, in the executor, and only as
an image or a PDF.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
import os
from pathlib import Path
import re
from typing import Any

from homeassistant.core import HomeAssistant

from ...api.zadarma_models import DocumentGroup
from ...model.action_input import invalid, jsonable
from ...model.actions import GROUP_FIELDS, GROUP_REQUIRED, offer
from ...model.declaration import OperatorAction
from .coordinators import ZadarmaRuntimeData
from .directions import country_code, resolve_direction
from .numbers import zadarma_number

type Data = ZadarmaRuntimeData
type Fields = Mapping[str, Any]

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# The group's enums: the actions take them in lower case, Zadarma in upper case.
_ENUMS = ("salutation", "type_of_id")
# Zadarma takes images or a PDF (spec); the size limit is ours, Zadarma names none.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
_DOCUMENT_TYPES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def _group_values(given: Fields) -> dict[str, str | int]:
    """Return the group data in Zadarma's format, checked."""
    values: dict[str, str | int] = {}
    for name in GROUP_FIELDS:
        if name not in given:
            continue
        value = given[name]
        # Text or a date: the direction (the one number) is resolved by the caller.
        if isinstance(value, date):
            values[name] = value.isoformat()
        else:
            values[name] = str(value).strip()
    if "email" in values and not _EMAIL.fullmatch(str(values["email"])):
        raise invalid("email", "invalid_email", value=str(values["email"]))
    for name in ("country", "nationality"):
        if name in values:
            values[name] = country_code(str(values[name]), name)
    for name in _ENUMS:
        if name in values:
            values[name] = str(values[name]).upper()
    if "phone" in values:
        values["phone"] = zadarma_number(str(values["phone"]), "phone")
    return values


async def _list_document_groups(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    groups = await data.account.async_ask(data.client.get_document_groups())
    return {"groups": jsonable(groups)}


async def _get_document_group(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    group = await data.account.async_ask(data.client.get_document_group(given["group_id"]))
    return {"group": jsonable(group)}


async def _checked_group_values(data: Data, given: Fields) -> dict[str, str | int]:
    """Return the group data checked, its direction as a numeric id.

    The data is checked first: a direction code is looked up at Zadarma.
    """
    values = _group_values({name: value for name, value in given.items() if name != "direction_id"})
    if "direction_id" in given:
        values["direction_id"] = await resolve_direction(data, given["direction_id"])
    return values


async def _create_document_group(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    values = await _checked_group_values(data, given)
    group = await data.account.async_run_change(data.client.create_document_group(**values))
    return {"group": jsonable(group)}


def _held_values(group: DocumentGroup) -> dict[str, str | int]:
    """Return what a group holds in Zadarma's format (its enums in upper case)."""
    values: dict[str, str | int] = {}
    for name in GROUP_FIELDS:
        value = getattr(group, name, None)  # direction_id is no data of the group
        if value:
            values[name] = str(value).upper() if name in _ENUMS else str(value)
    return values


async def _update_document_group(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    """Change a group: the spec requires the whole group, so the held data goes along."""
    group_id: int = given["group_id"]
    changes = await _checked_group_values(data, given)
    if not changes:
        raise invalid("group_id", "nothing_to_change")
    current = await data.account.async_ask(data.client.get_document_group(group_id))
    if current.is_readonly:
        raise invalid("group_id", "document_group_read_only", group_id=str(group_id))
    values = {**_held_values(current), **changes}
    for name in GROUP_REQUIRED:
        if not values.get(name):
            raise invalid(name, "document_group_incomplete", group_id=str(group_id))
    group = await data.account.async_run_change(
        data.client.update_document_group(group_id, **values)
    )
    return {"group": jsonable(group)}


# The longest name of one file or folder the usual file systems allow, in bytes.
_NAME_MAX = 255


def read_document(hass: HomeAssistant, value: str) -> tuple[str, bytes, str]:
    """Return a document's file name, content and type, or refuse the file (blocking I/O).

    A path the system cannot even look at (a name over 255 bytes, a NUL byte) is
    one Home Assistant may not read.
    """
    try:
        return _checked_document(hass, value)
    except (OSError, ValueError):
        raise invalid("file", "file_not_allowed", value=value) from None


def _checked_document(hass: HomeAssistant, value: str) -> tuple[str, bytes, str]:
    path = Path(value)
    # Checked, not left to the system: Python 3.13 fails to resolve such a path (an
    # OSError), 3.14 resolves it and then finds no file.
    too_long = any(len(os.fsencode(part)) > _NAME_MAX for part in path.parts)
    if too_long or not path.is_absolute() or not hass.config.is_allowed_path(value):
        raise invalid("file", "file_not_allowed", value=value)
    if not path.is_file():
        raise invalid("file", "file_not_found", value=value)
    with path.open("rb") as file:
        # One byte over the limit tells a file too large, whatever its size said.
        content = file.read(MAX_DOCUMENT_BYTES + 1)
    if not 0 < len(content) <= MAX_DOCUMENT_BYTES:
        raise invalid(
            "file", "file_size", value=value, limit=f"{MAX_DOCUMENT_BYTES // (1024 * 1024)}"
        )
    for magic, content_type in _DOCUMENT_TYPES:
        if content.startswith(magic):
            return path.name, content, content_type
    raise invalid("file", "file_type_not_accepted", value=value)


async def _upload_document(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    name, content, content_type = await hass.async_add_executor_job(
        read_document, hass, str(given["file"]).strip()
    )
    result = await data.account.async_run_change(
        data.client.upload_document(
            given["group_id"],
            given["document_type"],
            filename=name,
            content=content,
            content_type=content_type,
        )
    )
    answer: dict[str, Any] = jsonable(result)
    return answer


async def _list_documents(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    files = await data.account.async_ask(data.client.get_document_files(given["group_id"]))
    return {"group_id": given["group_id"], "documents": jsonable(files)}


async def _validate_document_group(
    hass: HomeAssistant, data: Data, given: Fields
) -> dict[str, Any]:
    direction = await resolve_direction(data, given["direction_id"])
    validity = await data.account.async_ask(
        data.client.validate_document_group(given["group_id"], direction)
    )
    return {
        "group_id": given["group_id"],
        "direction_id": direction,
        **jsonable(validity),
        "is_valid": validity.is_valid,
    }


OFFERS: list[tuple[str, OperatorAction[Data]]] = [
    offer("list_document_groups", _list_document_groups),
    offer("get_document_group", _get_document_group),
    offer("create_document_group", _create_document_group),
    offer("update_document_group", _update_document_group),
    offer("upload_document", _upload_document),
    offer("list_documents", _list_documents),
    offer("validate_document_group", _validate_document_group),
]
