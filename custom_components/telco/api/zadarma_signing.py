"""Zadarma request signing.

Zadarma's server is PHP: it rebuilds the parameter string with ``ksort`` and
``http_build_query(..., PHP_QUERY_RFC1738)`` and compares HMACs. Every byte of
our string must therefore match PHP's, including the odd cases Python's
``urlencode`` gets "wrong" (``~`` is escaped, booleans are ``1``/``0``, ``None``
is dropped, lists use bracket keys).

The signature is ``base64(hex(HMAC-SHA1(secret, path + query + md5hex(query))))``:
the *hex text* of the digest is base64-encoded, not the raw digest.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
import hashlib
import hmac

type ParamScalar = str | int | bool | None
type ParamValue = ParamScalar | Sequence[ParamValue] | Mapping[str, ParamValue]
type Params = Mapping[str, ParamValue]

# PHP's urlencode() leaves exactly these bytes alone (RFC 1738 flavour).
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


def php_urlencode(text: str) -> str:
    """Encode ``text`` the way PHP's ``urlencode`` does (space as ``+``)."""
    parts: list[str] = []
    for byte in text.encode("utf-8"):
        if byte in _UNRESERVED:
            parts.append(chr(byte))
        elif byte == 0x20:
            parts.append("+")
        else:
            parts.append(f"%{byte:02X}")
    return "".join(parts)


def _scalar_text(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _pairs(prefix: str, value: ParamValue) -> list[tuple[str, str]]:
    """Flatten one parameter into encoded ``(key, value)`` pairs, PHP style."""
    if value is None:
        return []
    if isinstance(value, str | int | bool):
        return [(prefix, php_urlencode(_scalar_text(value)))]
    items: Sequence[tuple[object, ParamValue]] = (
        list(value.items()) if isinstance(value, Mapping) else list(enumerate(value))
    )
    pairs: list[tuple[str, str]] = []
    for sub_key, sub_value in items:
        pairs.extend(_pairs(f"{prefix}%5B{php_urlencode(str(sub_key))}%5D", sub_value))
    return pairs


def build_query(params: Params) -> str:
    """Return the sorted ``http_build_query`` string of ``params``.

    Only top-level keys are sorted (``ksort``), in byte order of their UTF-8 form.
    """
    pairs: list[tuple[str, str]] = []
    for key in sorted(params, key=lambda name: name.encode("utf-8")):
        pairs.extend(_pairs(php_urlencode(key), params[key]))
    return "&".join(f"{key}={value}" for key, value in pairs)


def sign(path: str, query: str, secret: str) -> str:
    """Return the signature of a request to ``path`` carrying ``query``.

    ``path`` starts at ``/v1`` and ends with the slash the API wants.
    """
    query_md5 = hashlib.md5(query.encode("utf-8"), usedforsecurity=False).hexdigest()
    message = f"{path}{query}{query_md5}".encode()
    digest_hex = hmac.new(secret.encode("utf-8"), message, hashlib.sha1).hexdigest()
    return base64.b64encode(digest_hex.encode("ascii")).decode("ascii")


def authorization_header(api_key: str, api_secret: str, path: str, query: str) -> str:
    """Return the value of the ``Authorization`` header: ``<key>:<signature>``."""
    return f"{api_key}:{sign(path, query, api_secret)}"
