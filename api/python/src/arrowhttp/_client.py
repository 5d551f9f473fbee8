"""The client: catalog, reads, partitions, uploads, sign-in."""

from __future__ import annotations

import base64
import dataclasses
import datetime as _dt
import json
import ssl
import threading
import urllib.parse
import uuid
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

import pyarrow as pa
import pyarrow.ipc
import urllib3

from . import _protocol as p
from ._coding import decodable
from ._errors import ArrowHttpError, Unavailable, error_for
from ._stream import DatasetStream, _media_parameters, _media_type

#: Compression names, as the Java client's command line spells them: IPC codecs decoded by
#: pyarrow, or HTTP content codings decoded by urllib3 as the body arrives.
IPC_COMPRESSION = {"zstd": "zstd", "lz4": "lz4"}
CONTENT_COMPRESSION = {"http-zstd": "zstd", "br": "br", "gzip": "gzip"}

#: How long before a token's expiry the client signs in again, as the Java client does.
_RENEW_BEFORE_EXPIRY = _dt.timedelta(seconds=30)


def content_codings() -> List[str]:
    """The HTTP content codings this Python decodes: ``zstd`` with the ``zstandard`` package,
    ``br`` with ``brotli``, ``gzip`` always."""
    return decodable()


@dataclasses.dataclass(frozen=True)
class Endpoint:
    """Where one partition (or the whole dataset) is served: its locations, to try in turn."""

    locations: List[str]
    total_records: Optional[int] = None


@dataclasses.dataclass(frozen=True)
class DatasetInfo:
    """One catalog entry (``GET /datasets/{name}/info``), in the spirit of Flight's FlightInfo.

    ``schema_json`` is Arrow's JSON form of the schema as the catalog sends it;
    :meth:`Client.schema` gives it as a ``pyarrow.Schema``. ``raw`` is the entry as it came, with
    any keys this client does not know.
    """

    name: str
    description: Optional[str]
    schema_json: Optional[Dict[str, Any]]
    total_records: Optional[int]
    total_bytes: Optional[int]
    endpoints: List[Endpoint]
    location: Optional[str]
    ordered: Optional[bool]
    compression: Optional[Dict[str, List[str]]]
    raw: Dict[str, Any]

    @property
    def columns(self) -> List[str]:
        """The column names, from the catalog's schema."""
        return [field["name"] for field in (self.schema_json or {}).get("fields", [])]

    @classmethod
    def from_json(cls, entry: Dict[str, Any]) -> "DatasetInfo":
        return cls(
            name=entry.get("name", ""),
            description=entry.get("description"),
            schema_json=entry.get("schema"),
            total_records=entry.get("totalRecords"),
            total_bytes=entry.get("totalBytes"),
            endpoints=[
                Endpoint(list(e.get("locations", [])), e.get("totalRecords")) for e in entry.get("endpoints", [])
            ],
            location=entry.get("location"),
            ordered=entry.get("ordered"),
            compression=entry.get("compression"),
            raw=entry,
        )


@dataclasses.dataclass(frozen=True)
class UploadResult:
    """What an upload stored (the server's answer, in the spirit of Flight's PutResult)."""

    rows: int
    batches: int
    bytes: int
    seconds: float
    created: bool
    dataset: DatasetInfo


class _Token:
    """A bearer token from the handshake, renewed shortly before it expires."""

    def __init__(self, client: "Client", user: str, password: str) -> None:
        self._client = client
        self._basic = "Basic " + base64.b64encode(f"{user}:{password}".encode("utf-8")).decode("ascii")
        self._token: Optional[str] = None
        self._expires: Optional[_dt.datetime] = None
        self._lock = threading.Lock()

    def header(self) -> str:
        with self._lock:
            now = _dt.datetime.now(_dt.timezone.utc)
            if self._token is None or self._expires is None or now + _RENEW_BEFORE_EXPIRY >= self._expires:
                answer = self._client._handshake(self._basic)
                self._token = answer["token"]
                self._expires = _parse_instant(answer["expiresAt"])
            return "Bearer " + self._token


def _parse_instant(text: str) -> _dt.datetime:
    value = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=_dt.timezone.utc)


TableLike = Any  # pyarrow.Table, RecordBatchReader, RecordBatch, pandas or polars DataFrame, ...


class Client:
    """A client of an arrowhttp server; make one with :func:`arrowhttp.connect`.

    Thread-safe: one client serves any number of threads (urllib3 pools the connections).
    Every method raises a subclass of :class:`ArrowHttpError` with the server's code when the
    server refuses, :class:`Unavailable` when it cannot be reached, and :class:`StreamError` when
    a response breaks part-way.
    """

    def __init__(
        self,
        url: str,
        *,
        token: Optional[str] = None,
        user: Optional[str] = None,
        password: Optional[str] = None,
        tls: Union[None, bool, str, ssl.SSLContext] = None,
        timeout: Optional[float] = 60.0,
        connect_timeout: float = 10.0,
        headers: Optional[Mapping[str, str]] = None,
        maxsize: int = 16,
    ) -> None:
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https"):
            raise ValueError(f"The server's URL must be http or https, got {url!r}")
        if (user is None) != (password is None):
            raise ValueError("Give both user and password for the handshake, or neither")
        if token is not None and user is not None:
            raise ValueError("Give either a token or a user and password, not both")
        self.url = url if url.endswith("/") else url + "/"
        self._headers = dict(headers or {})
        pool: Dict[str, Any] = {
            "maxsize": maxsize,
            "block": False,
            "retries": False,
            "timeout": urllib3.Timeout(connect=connect_timeout, read=timeout),
        }
        if isinstance(tls, ssl.SSLContext):
            pool["ssl_context"] = tls
        elif isinstance(tls, str):
            pool["ca_certs"] = tls
        elif tls is False:
            pool["cert_reqs"] = "CERT_NONE"
        self._pool = urllib3.PoolManager(**pool)
        self._auth: Optional[_Token] = _Token(self, user, password) if user is not None else None  # type: ignore[arg-type]
        self._static_token = token

    # -- the catalog -------------------------------------------------------------------------

    def datasets(self) -> List[DatasetInfo]:
        """Every dataset of the server, as its catalog describes it."""
        answer = self._json("GET", self._url(p.DATASETS))
        return [DatasetInfo.from_json(entry) for entry in answer.get("datasets", [])]

    def info(self, name: str) -> DatasetInfo:
        """One dataset's catalog entry."""
        return DatasetInfo.from_json(self._json("GET", self._dataset_url(name) + "/" + p.INFO))

    def schema(self, name: str) -> pa.Schema:
        """A dataset's schema (an Arrow IPC stream without batches, read by pyarrow)."""
        response = self._request("GET", self._dataset_url(name) + "/" + p.SCHEMA, accept=p.ARROW_STREAM)
        self._check(response)
        return pa.ipc.open_stream(response.data).schema

    # -- reading -----------------------------------------------------------------------------

    def open(
        self,
        name: str,
        columns: Optional[Sequence[str]] = None,
        limit: Optional[int] = None,
        params: Optional[Mapping[str, Any]] = None,
        compression: Optional[str] = None,
        *,
        deadline: Optional[float] = None,
        footnotes: bool = False,
    ) -> DatasetStream:
        """Starts receiving a dataset: returns once the JSON metadata and the schema have arrived,
        with the batches to read from :attr:`DatasetStream.reader` while the server still sends.

        Close the stream (or use it with ``with``) when done: closing before the end drops the
        connection.
        """
        return self.open_url(
            self._dataset_url(name),
            _query(columns, limit, params),
            compression,
            deadline=deadline,
            footnotes=footnotes,
        )

    def open_url(
        self,
        location: str,
        query: Optional[Mapping[str, Any]] = None,
        compression: Optional[str] = None,
        *,
        deadline: Optional[float] = None,
        footnotes: bool = False,
    ) -> DatasetStream:
        """As :meth:`open`, for a dataset's full URL, such as a location from the catalog."""
        parameters: Dict[str, Any] = {p.INCLUDE_STATUS: "true"}
        if footnotes:
            parameters[p.INCLUDE_FOOTNOTES] = "true"
        parameters.update(query or {})
        url = _with_query(location, parameters)
        accept = p.MULTIPART_MIXED
        extra: Dict[str, str] = {}
        if compression is not None:
            wanted = compression.strip().lower()
            if wanted in IPC_COMPRESSION:
                # The Arrow range's lower quality keeps multipart the type chosen.
                accept += f', {p.ARROW_STREAM}; {p.CODECS}="{IPC_COMPRESSION[wanted]}"; q=0.5'
            elif wanted in CONTENT_COMPRESSION:
                coding = CONTENT_COMPRESSION[wanted]
                if coding not in content_codings():
                    raise ValueError(
                        f"compression {compression!r} needs a package this Python lacks: "
                        f"{'zstandard' if coding == 'zstd' else 'brotli'}; it decodes {content_codings()}"
                    )
                # Refusing identity makes the server apply the coding even where it would not
                # choose to on its own (a client on the same host).
                extra["Accept-Encoding"] = f"{coding}, identity;q=0"
            else:
                raise ValueError(
                    f"compression must be one of {sorted(IPC_COMPRESSION) + sorted(CONTENT_COMPRESSION)}, "
                    f"got {compression!r}"
                )
        else:
            extra["Accept-Encoding"] = "identity"
        if deadline is not None:
            extra[p.REQUEST_TIMEOUT] = f"{float(deadline):.3f}"
        response = self._request("GET", url, accept=accept, extra=extra, stream=True)
        try:
            self._check(response)
            content_type = response.headers.get("Content-Type")
            boundary = _media_parameters(content_type).get("boundary")
            if _media_type(content_type) != p.MULTIPART_MIXED or not boundary:
                raise ArrowHttpError(
                    f"Expected a multipart/mixed response with a boundary, got {content_type!r}",
                    code="UNKNOWN",
                    request_id=response.headers.get(p.REQUEST_ID),
                )
        except BaseException:
            _drop(response)
            raise
        return DatasetStream(
            response,
            boundary,
            request_id=response.headers.get(p.REQUEST_ID),
            content_encoding=response.headers.get("Content-Encoding"),
        )

    def read(
        self,
        name: str,
        columns: Optional[Sequence[str]] = None,
        limit: Optional[int] = None,
        params: Optional[Mapping[str, Any]] = None,
        compression: Optional[str] = None,
        *,
        deadline: Optional[float] = None,
    ) -> pa.RecordBatchReader:
        """A dataset as a ``pyarrow.RecordBatchReader`` that streams from the socket: each batch is
        usable as soon as it arrives. Reading it past a failure raises :class:`StreamError`.

        Args:
            columns: the columns to send, in this order (datasets from files and SQL).
            limit: at most this many rows (datasets from files and SQL).
            params: the dataset's own query parameters (``{"rows": 1000}``, ``{"since": "2024-01-01"}``).
            compression: ``"zstd"`` or ``"lz4"`` (Arrow IPC buffer codecs, decoded by pyarrow), or
                ``"http-zstd"``, ``"br"``, ``"gzip"`` (HTTP content codings, decoded as they arrive).
            deadline: seconds the server may take (``X-Request-Timeout``).
        """
        return self.open(name, columns, limit, params, compression, deadline=deadline).reader

    def read_table(self, name: str, *args: Any, **kwargs: Any) -> pa.Table:
        """As :meth:`read`, the whole dataset as one ``pyarrow.Table``."""
        return self.read(name, *args, **kwargs).read_all()

    def read_pandas(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """As :meth:`read_table`, converted to a pandas DataFrame (needs pandas)."""
        return self.read_table(name, *args, **kwargs).to_pandas()

    def read_polars(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """As :meth:`read_table`, as a polars DataFrame (needs polars; no copy of the buffers)."""
        import polars

        return polars.from_arrow(self.read_table(name, *args, **kwargs))

    def duckdb(self, name: str, *args: Any, connection: Any = None, **kwargs: Any) -> Any:
        """The dataset as a DuckDB relation over the streaming reader (needs duckdb):
        ``client.duckdb("trades").filter("price > 100").aggregate("count(*)")``. The relation
        reads the stream once: run one query on it, or ``.arrow()`` it first."""
        import duckdb

        reader = self.read(name, *args, **kwargs)
        return (connection or duckdb).from_arrow(reader)

    def read_partitions(
        self,
        name: str,
        parallel: int = 4,
        ordered: Optional[bool] = None,
        columns: Optional[Sequence[str]] = None,
        limit: Optional[int] = None,
        params: Optional[Mapping[str, Any]] = None,
        compression: Optional[str] = None,
        *,
        deadline: Optional[float] = None,
    ) -> pa.RecordBatchReader:
        """Every endpoint of the dataset's catalog entry, up to ``parallel`` at once, as one reader.

        Batches come in endpoint order when ``ordered`` is true (by default: unless the entry says
        ``"ordered": false``), else as they arrive. Each endpoint is tried at its locations in
        turn until one delivers all of it: a location that fails part-way is followed by the next,
        asked to resume after the batches already handed over (``start_batch``), so no batch comes
        twice. When every location of an endpoint failed, reading raises :class:`StreamError`
        naming it. Memory stays at about ``parallel`` times two batches.
        """
        from ._partitions import fetch_partitions

        info = self.info(name)
        if ordered is None:
            ordered = info.ordered is not False
        return fetch_partitions(
            self,
            [endpoint.locations for endpoint in info.endpoints],
            parallel=parallel,
            ordered=ordered,
            query=_query(columns, limit, params),
            compression=compression,
            deadline=deadline,
        )

    # -- writing -----------------------------------------------------------------------------

    def put(
        self,
        name: str,
        data: TableLike,
        *,
        description: Optional[str] = None,
        metadata: Optional[Mapping[str, Any]] = None,
        compression: Optional[str] = None,
    ) -> UploadResult:
        """Creates dataset ``name`` or replaces its content (``PUT``, Flight's DoPut), streamed one
        batch at a time: a pyarrow Table, RecordBatch, RecordBatchReader or iterable of batches, a
        pandas or polars DataFrame, or anything with ``__arrow_c_stream__``. The server writes all
        of it or, when anything fails (the data source raises half-way included), nothing.

        ``compression``: ``"zstd"``/``"lz4"`` compress the Arrow buffers, ``"http-zstd"``,
        ``"gzip"``, ``"br"`` the body.
        """
        return self._upload("PUT", name, data, description, metadata, compression)

    def append(
        self,
        name: str,
        data: TableLike,
        *,
        description: Optional[str] = None,
        metadata: Optional[Mapping[str, Any]] = None,
        compression: Optional[str] = None,
    ) -> UploadResult:
        """Adds rows after dataset ``name``'s (``POST``); the schema must be the dataset's. See :meth:`put`."""
        return self._upload("POST", name, data, description, metadata, compression)

    def delete(self, name: str) -> None:
        """Deletes dataset ``name``, one that uploads made (``DELETE``): all or nothing."""
        response = self._request("DELETE", self._dataset_url(name), accept=p.JSON)
        if response.status != 204:
            self._check(response)

    def _upload(
        self,
        method: str,
        name: str,
        data: TableLike,
        description: Optional[str],
        metadata: Optional[Mapping[str, Any]],
        compression: Optional[str],
    ) -> UploadResult:
        from ._upload import UploadBody

        body = UploadBody(data, description=description, metadata=metadata, compression=compression)
        extra = {"Content-Type": body.content_type}
        if body.content_encoding:
            extra["Content-Encoding"] = body.content_encoding
        try:
            response = self._request(method, self._dataset_url(name), accept=p.JSON, extra=extra, body=body.chunks())
        except BaseException:
            if body.failure is not None:
                raise body.failure from None
            raise
        if response.status != 201:
            self._check(response)
        answer = json.loads(response.data)
        return UploadResult(
            rows=answer.get("rows", 0),
            batches=answer.get("batches", 0),
            bytes=answer.get("bytes", 0),
            seconds=answer.get("seconds", 0.0),
            created=response.status == 201,
            dataset=DatasetInfo.from_json(answer.get("dataset") or {}),
        )

    # -- HTTP --------------------------------------------------------------------------------

    def _url(self, path: str) -> str:
        return urllib.parse.urljoin(self.url, path)

    def _dataset_url(self, name: str) -> str:
        return self._url(p.DATASETS + "/" + urllib.parse.quote(name, safe=""))

    def _handshake(self, basic: str) -> Dict[str, Any]:
        response = self._request("POST", self._url(p.HANDSHAKE), accept=p.JSON, extra={"Authorization": basic}, body=b"", auth=False)
        self._check(response)
        return json.loads(response.data)

    def _request(
        self,
        method: str,
        url: str,
        *,
        accept: str,
        extra: Optional[Mapping[str, str]] = None,
        body: Any = None,
        stream: bool = False,
        auth: bool = True,
    ) -> Any:
        headers = {"Accept": accept, p.REQUEST_ID: uuid.uuid4().hex}
        headers.update(self._headers)
        if auth and self._auth is not None:
            headers["Authorization"] = self._auth.header()
        elif auth and self._static_token is not None:
            headers["Authorization"] = "Bearer " + self._static_token
        headers.update(extra or {})
        chunked = body is not None and not isinstance(body, (bytes, bytearray))
        try:
            return self._pool.request(
                method,
                url,
                headers=headers,
                body=body,
                chunked=chunked,
                preload_content=not stream,
                decode_content=False,
                redirect=False,
            )
        except urllib3.exceptions.HTTPError as e:
            raise Unavailable(
                f"{method} {url} failed: {e}", request_id=headers[p.REQUEST_ID]
            ) from e

    def _json(self, method: str, url: str) -> Any:
        response = self._request(method, url, accept=p.JSON)
        self._check(response)
        return json.loads(response.data)

    @staticmethod
    def _check(response: Any) -> None:
        """Raises the typed error of an answer that is not 200 (the problem body's code and detail)."""
        if response.status == 200:
            return
        request_id = response.headers.get(p.REQUEST_ID)
        code = None
        detail = f"HTTP {response.status}"
        error_id = None
        try:
            problem = json.loads(response.data if response.data is not None else response.read())
            code = problem.get("code")
            detail = problem.get("detail") or detail
            error_id = problem.get("errorId")
        except Exception:
            pass  # not a problem body: the status says enough
        _drop(response)
        raise error_for(code, detail, status=response.status, request_id=request_id, error_id=error_id)

    def close(self) -> None:
        """Closes the pooled connections."""
        self._pool.clear()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _drop(response: Any) -> None:
    try:
        response.close()
        response.release_conn()
    except Exception:
        pass


def _query(columns: Optional[Sequence[str]], limit: Optional[int], params: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    query: Dict[str, Any] = dict(params or {})
    if columns is not None:
        if isinstance(columns, str):
            raise TypeError("columns is a list of names, such as ['ticker', 'price']")
        query[p.COLUMNS] = ",".join(columns)
    if limit is not None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise ValueError(f"limit must be a whole number of 0 or more, got {limit!r}")
        query[p.LIMIT] = str(limit)
    return query


def _with_query(url: str, parameters: Mapping[str, Any]) -> str:
    if not parameters:
        return url
    encoded = urllib.parse.urlencode(
        {k: ("true" if v is True else "false" if v is False else str(v)) for k, v in parameters.items()}
    )
    url = url.split("#", 1)[0]
    return url + ("&" if "?" in url else "?") + encoded


def connect(
    url: str,
    *,
    token: Optional[str] = None,
    user: Optional[str] = None,
    password: Optional[str] = None,
    tls: Union[None, bool, str, ssl.SSLContext] = None,
    timeout: Optional[float] = 60.0,
    headers: Optional[Mapping[str, str]] = None,
) -> Client:
    """A client of the arrowhttp server at ``url`` (such as ``http://127.0.0.1:8008/``).

    Args:
        token: an API token of the server, sent as ``Authorization: Bearer``.
        user, password: signs in like Arrow Flight's handshake (``POST /auth/handshake`` with HTTP
            Basic) on the first call, and again shortly before the token expires. Use HTTPS.
        tls: for ``https``: ``None`` or ``True`` trusts the system's CAs, a path trusts the CA
            certificates of that PEM file, an ``ssl.SSLContext`` is used as it is (mutual TLS),
            ``False`` checks no certificate (tests only).
        timeout: seconds a read may wait for the next bytes (``None``: forever).
        headers: sent with every request.
    """
    return Client(url, token=token, user=user, password=password, tls=tls, timeout=timeout, headers=headers)
