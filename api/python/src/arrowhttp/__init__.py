"""arrowhttp: Apache Arrow datasets over plain HTTP, for pyarrow, polars, pandas and DuckDB.

>>> import arrowhttp
>>> client = arrowhttp.connect("http://127.0.0.1:8008/")
>>> table = client.read_table("tickers", params={"rows": 1000})
"""

from ._client import (
    Client,
    DatasetInfo,
    Endpoint,
    UploadResult,
    connect,
    content_codings,
)
from ._errors import (
    ERROR_CLASSES,
    AlreadyExists,
    ArrowHttpError,
    Cancelled,
    Internal,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    ResourceExhausted,
    StreamError,
    TimedOut,
    TooLarge,
    Unauthenticated,
    Unavailable,
    Unimplemented,
    UnknownError,
)
from ._stream import DatasetStream

__version__ = "0.1.0"

__all__ = [
    "AlreadyExists",
    "ArrowHttpError",
    "Cancelled",
    "Client",
    "DatasetInfo",
    "DatasetStream",
    "ERROR_CLASSES",
    "Endpoint",
    "Internal",
    "InvalidArgument",
    "NotFound",
    "PermissionDenied",
    "ResourceExhausted",
    "StreamError",
    "TimedOut",
    "TooLarge",
    "Unauthenticated",
    "Unavailable",
    "Unimplemented",
    "UnknownError",
    "UploadResult",
    "connect",
    "content_codings",
]
