"""The words of the wire protocol (docs/protocol.md), once for Python.

The Java constants live in ``io.arrowhttp.protocol``; these are the same words, spelled once here
for the Python client.
"""

from __future__ import annotations

DATASETS = "datasets"
INFO = "info"
SCHEMA = "schema"
HANDSHAKE = "auth/handshake"

ARROW_STREAM = "application/vnd.apache.arrow.stream"
MULTIPART_MIXED = "multipart/mixed"
JSON = "application/json"
PROBLEM_JSON = "application/problem+json"
CODECS = "codecs"

INCLUDE_STATUS = "include_status"
INCLUDE_FOOTNOTES = "include_footnotes"
COLUMNS = "columns"
LIMIT = "limit"
PARTITION = "partition"
START_BATCH = "start_batch"

REQUEST_TIMEOUT = "X-Request-Timeout"
REQUEST_ID = "X-Request-Id"

#: The bytes that end a complete Arrow IPC stream.
END_OF_STREAM = b"\xff\xff\xff\xff\x00\x00\x00\x00"
#: The bytes a server writes where the end-of-stream marker would go when the stream fails.
FAILURE_MARKER = b"\xff\xff\xff\xff\x00\x00\x00\x80"

#: The status part's code of a stream that ended normally.
STATUS_OK = "OK"

#: Arrow IPC buffer codecs the server offers, in its order of preference.
IPC_CODECS = ("zstd", "lz4")
#: HTTP content codings the server offers, in its order of preference.
CONTENT_CODINGS = ("zstd", "br", "gzip")
