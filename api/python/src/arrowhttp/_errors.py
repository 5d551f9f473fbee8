"""Errors: one class per protocol ``ErrorCode``, and :class:`StreamError` for a stream that broke."""

from __future__ import annotations

from typing import Any, Dict, Optional, Type


class ArrowHttpError(Exception):
    """A call the server refused or that failed; ``code`` is the protocol's ``ErrorCode`` name.

    Attributes:
        code: ``NOT_FOUND``, ``INVALID_ARGUMENT``, ... (Arrow Flight's status codes).
        message: the server's ``detail``, or what the client saw.
        status: the HTTP status, when the server answered with one.
        request_id: the call's ``X-Request-Id`` (the server's access log has the same).
        error_id: for server faults, the id of the server's log entry with the details.
    """

    code = "UNKNOWN"

    def __init__(
        self,
        message: str,
        *,
        code: Optional[str] = None,
        status: Optional[int] = None,
        request_id: Optional[str] = None,
        error_id: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.status = status
        self.request_id = request_id
        self.error_id = error_id

    def __str__(self) -> str:
        text = f"{self.code}: {self.message}"
        if self.error_id:
            text += f" (error id {self.error_id})"
        if self.request_id:
            text += f" [request {self.request_id}]"
        return text


class InvalidArgument(ArrowHttpError):
    """A malformed or out-of-range request (400, 405, 406, 415): fix the request."""

    code = "INVALID_ARGUMENT"


class NotFound(ArrowHttpError):
    """An unknown dataset or path (404)."""

    code = "NOT_FOUND"


class AlreadyExists(ArrowHttpError):
    """What was to be created exists already (409)."""

    code = "ALREADY_EXISTS"


class Unauthenticated(ArrowHttpError):
    """No credentials, or credentials the server could not verify (401)."""

    code = "UNAUTHENTICATED"


class PermissionDenied(ArrowHttpError):
    """The caller is known but may not do this (403; the protocol's ``UNAUTHORIZED``)."""

    code = "UNAUTHORIZED"


class Unimplemented(ArrowHttpError):
    """The server does not offer this operation (501)."""

    code = "UNIMPLEMENTED"


class Unavailable(ArrowHttpError):
    """The server, or a source behind it, cannot serve now; the same call may succeed later (503)."""

    code = "UNAVAILABLE"


class TimedOut(ArrowHttpError):
    """A deadline passed before the call completed (504)."""

    code = "TIMED_OUT"


class Cancelled(ArrowHttpError):
    """The call was cancelled (499)."""

    code = "CANCELLED"


class TooLarge(ArrowHttpError):
    """More bytes or rows than the server takes (413): send less, or smaller batches."""

    code = "TOO_LARGE"


class ResourceExhausted(ArrowHttpError):
    """A limit was reached: streams at once, uploads at once, storage (429, 507)."""

    code = "RESOURCE_EXHAUSTED"


class Internal(ArrowHttpError):
    """A server fault (500); ``error_id`` names the server's log entry."""

    code = "INTERNAL"


class UnknownError(ArrowHttpError):
    """An error that carried no code the client knows."""

    code = "UNKNOWN"


#: The one table from the protocol's ``ErrorCode`` names to exception classes.
ERROR_CLASSES: Dict[str, Type[ArrowHttpError]] = {
    cls.code: cls
    for cls in (
        InvalidArgument,
        NotFound,
        AlreadyExists,
        Unauthenticated,
        PermissionDenied,
        Unimplemented,
        Unavailable,
        TimedOut,
        Cancelled,
        TooLarge,
        ResourceExhausted,
        Internal,
        UnknownError,
    )
}

#: The code an HTTP status stands for when a response names none (a proxy's error page), as the
#: protocol's ``ErrorCode.forStatus`` maps it.
_STATUS_CODES: Dict[int, str] = {
    401: "UNAUTHENTICATED",
    403: "UNAUTHORIZED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    413: "TOO_LARGE",
    429: "RESOURCE_EXHAUSTED",
    507: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    501: "UNIMPLEMENTED",
    505: "UNIMPLEMENTED",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    408: "TIMED_OUT",
    504: "TIMED_OUT",
}


def code_for_status(status: int) -> str:
    """The protocol's code for an HTTP error status that came without one."""
    return _STATUS_CODES.get(status, "INTERNAL" if status >= 500 else "INVALID_ARGUMENT")


class StreamError(ArrowHttpError):
    """A dataset response that broke after it had started.

    The server's failure marker, a failed status part, or a connection cut before the end: never
    a quiet, shorter dataset. ``code`` and ``message`` are the server's when its status part said
    why (``INTERNAL``, ``UNAVAILABLE``, ``TIMED_OUT``...), else ``UNAVAILABLE`` with what the
    client saw. ``rows`` and ``batches`` count what was received before the failure; ``status`` is
    the status part, when it arrived.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str,
        rows: int,
        batches: int,
        request_id: Optional[str] = None,
        error_id: Optional[str] = None,
        stream_status: Optional[Dict[str, Any]] = None,
    ) -> None:
        super().__init__(message, code=code, request_id=request_id, error_id=error_id)
        self.rows = rows
        self.batches = batches
        self.stream_status = stream_status

    def __str__(self) -> str:
        return f"{super().__str__()} after {self.rows} rows in {self.batches} batches"


def error_for(
    code: Optional[str],
    message: str,
    *,
    status: Optional[int] = None,
    request_id: Optional[str] = None,
    error_id: Optional[str] = None,
) -> ArrowHttpError:
    """The typed error for a protocol code (or for the status when the code is missing or unknown)."""
    if code not in ERROR_CLASSES:
        code = code_for_status(status) if status is not None else "UNKNOWN"
    cls = ERROR_CLASSES[code]
    return cls(message, code=code, status=status, request_id=request_id, error_id=error_id)
