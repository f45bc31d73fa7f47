"""Exceptions raised by the telco operator clients.

Every message is safe to log: no exception carries a password, API key,
secret or a URL with its query string.
"""

from __future__ import annotations


class TelcoError(Exception):
    """Base class of every error raised by the operator clients."""


class TelcoConnectionError(TelcoError):
    """The operator could not be reached, timed out or answered garbage."""


class TelcoAuthenticationError(TelcoError):
    """The operator refused the credentials (or none were accepted)."""


class TelcoApiError(TelcoError):
    """The operator answered with an error of its own.

    ``tokens`` holds the operator's machine-readable error token(s), e.g.
    ``("change_in_progress",)`` for Odorik; ``detail`` holds any free text that
    followed the token (Odorik's ``missing_argument caller, recipient``) or the
    message of a Zadarma error envelope.
    """

    def __init__(self, tokens: tuple[str, ...], detail: str | None = None) -> None:
        """Store the tokens and build a readable message."""
        self.tokens = tokens
        self.detail = detail
        message = ", ".join(tokens) or "error"
        if detail:
            message = f"{message}: {detail}"
        super().__init__(message)

    @property
    def token(self) -> str:
        """Return the first (usually the only) error token."""
        return self.tokens[0] if self.tokens else "error"


class TelcoRateLimitedError(TelcoApiError):
    """The operator refused the request because too many were sent.

    ``retry_after`` is the number of seconds to wait before trying again,
    when the operator said so (or the client could derive it).
    """

    def __init__(self, detail: str | None = None, retry_after: float | None = None) -> None:
        """Store how long to wait."""
        super().__init__(("rate_limited",), detail)
        self.retry_after = retry_after


class TelcoValidationError(TelcoError, ValueError):
    """A request was refused by the client before it was sent.

    Raised for arguments that the operator documents as invalid (a caller name
    with characters outside Latin letters and digits, ...) or would silently
    ignore (other SIM settings sent with a ``state`` change). ``reason`` is a
    stable machine-readable key.
    """

    def __init__(self, reason: str, message: str) -> None:
        """Store the machine-readable reason with a readable message."""
        super().__init__(message)
        self.reason = reason
