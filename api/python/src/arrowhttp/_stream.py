"""One dataset response being received: multipart framing around an Arrow IPC stream.

The Arrow part goes from the socket into pyarrow's IPC reader as it arrives. The reader stops
exactly after the end-of-stream marker, so the parts after it (footnotes, status) are read from
the same stream and checked: a failure the server reported, or a response cut short, raises
:class:`~arrowhttp.StreamError`, never a quiet end of data.
"""

from __future__ import annotations

import json
import threading
from typing import Any, Callable, Dict, Iterator, Optional

import pyarrow as pa
import pyarrow.ipc

from . import _protocol as p
from ._coding import DecodedReader, decoder
from ._errors import StreamError

#: JSON, footnotes and status parts larger than this are not the server's.
_SMALL_PART_LIMIT = 64 * 1024 * 1024
_READ_AHEAD = 64 * 1024


class _Cut(Exception):
    """The body ended before the multipart framing did."""


class ResponseBody:
    """A file-like view of a response body for pyarrow: ``read(n)`` returns ``n`` bytes unless the
    body ends. Bytes read ahead while parsing multipart headers are served first; after them,
    reads go straight to the connection.

    Owns the urllib3 response: :meth:`abort` drops the connection, :meth:`close` returns it to the
    pool only when the body was read to its end.
    """

    def __init__(self, response: Any, content_encoding: Optional[str] = None) -> None:
        self._response = response
        # Straight from http.client's response, as pyarrow over urllib reads: urllib3's own read()
        # adds a buffer and a copy per call. urllib3's response when that is not there.
        fp = getattr(response, "_fp", None)
        if fp is not None and hasattr(fp, "read"):
            read: Callable[[int], bytes] = fp.read
        else:
            raw = response.read
            read = lambda n: raw(n, decode_content=False)  # noqa: E731
        #: Why the connection ended before the body did, once it has; None while it has not.
        self.cut: Optional[BaseException] = None
        self._raw_read: Callable[[int], bytes] = self._keeping_partial(read)
        decode = decoder(content_encoding)
        if decode is not None:
            self._raw_read = DecodedReader(self._raw_read, decode).read
        self._pending = b""
        self.bytes_read = 0
        self.ended = False
        self.closed = False

    def _keeping_partial(self, read: Callable[[int], bytes]) -> Callable[[int], bytes]:
        """``read``, except that a connection cut mid-read hands over the bytes that came before
        the cut (http.client's ``IncompleteRead.partial``) and then reads as the end of the body,
        with :attr:`cut` set: a read ahead of a few parts must not lose the parts that did come,
        such as the status part that says why the server broke off."""

        def guarded(n: int) -> bytes:
            if self.cut is not None:
                return b""
            try:
                return read(n)
            except Exception as cut:
                partial = getattr(cut, "partial", None)
                if not partial:
                    raise
                self.cut = cut
                return bytes(partial)

        return guarded

    # pyarrow's PythonFile wants these.
    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def writable(self) -> bool:
        return False

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            chunks = [self._pending]
            self._pending = b""
            while True:
                data = self._raw_read(_READ_AHEAD)
                if not data:
                    self.ended = True
                    break
                self.bytes_read += len(data)
                chunks.append(data)
            return b"".join(chunks)
        if self._pending:
            if len(self._pending) >= n:
                data = self._pending[:n]
                self._pending = self._pending[n:]
                return data
            head = self._pending
            self._pending = b""
            return head + self._read_raw(n - len(head))
        return self._read_raw(n)

    def _read_raw(self, n: int) -> bytes:
        data = self._raw_read(n)
        got = len(data)
        if got == n or got == 0:
            self.bytes_read += got
            if got == 0 and n > 0:
                self.ended = True
            return data
        chunks = [data]
        while got < n:
            more = self._raw_read(n - got)
            if not more:
                self.ended = True
                break
            chunks.append(more)
            got += len(more)
        self.bytes_read += got
        return b"".join(chunks)

    def drain(self, limit: int) -> bytes:
        """What is left of the body, up to ``limit`` bytes, however it ends: the bytes that came
        before a connection was dropped included."""
        rest = bytearray(self._pending)
        self._pending = b""
        while len(rest) < limit:
            try:
                data = self._raw_read(8192)
            except Exception as cut:
                rest += getattr(cut, "partial", b"") or b""
                break
            if not data:
                break
            rest += data
        self.bytes_read += len(rest)
        return bytes(rest)

    def unread(self, data: bytes) -> None:
        self._pending = data + self._pending

    def read_until(self, delimiter: bytes, limit: int = _SMALL_PART_LIMIT) -> bytes:
        """The bytes before ``delimiter``, which is consumed; :class:`_Cut` with what came when the
        body ends first."""
        buffer = bytearray(self._pending)
        self._pending = b""
        searched = 0
        while True:
            found = buffer.find(delimiter, searched)
            if found >= 0:
                self._pending = bytes(buffer[found + len(delimiter):])
                return bytes(buffer[:found])
            if len(buffer) > limit:
                raise ValueError(f"A part longer than {limit} bytes")
            searched = max(0, len(buffer) - len(delimiter) + 1)
            try:
                data = self._raw_read(_READ_AHEAD)
            except Exception as cut:
                raise _Cut(bytes(buffer)) from cut
            if not data:
                self.ended = True
                raise _Cut(bytes(buffer))
            self.bytes_read += len(data)
            buffer += data

    def read_exactly(self, n: int) -> bytes:
        data = self.read(n)
        if len(data) < n:
            raise _Cut(data)
        return data

    def abort(self) -> None:
        """Drops the connection, whatever is left of the body: a read in progress fails."""
        if self.closed:
            return
        self.closed = True
        connection = getattr(self._response, "connection", None)
        for step in (
            getattr(self._response, "shutdown", None),  # urllib3 2.3+: unblocks a read in another thread
            self._response.close,
            getattr(connection, "close", None),
            self._response.release_conn,  # the pool gets the closed connection back, to reconnect
        ):
            if step is None:
                continue
            try:
                step()
            except Exception:
                pass  # already closed

    def close(self) -> None:
        if self.closed:
            return
        if self.ended and self.cut is None:
            self.closed = True
            self._response.release_conn()
        else:
            self.abort()


def _part_headers(body: ResponseBody) -> Dict[str, str]:
    block = body.read_until(b"\r\n\r\n", 64 * 1024)
    headers: Dict[str, str] = {}
    for line in block.split(b"\r\n"):
        if b":" in line:
            name, _, value = line.partition(b":")
            headers[name.decode("latin-1").strip().lower()] = value.decode("latin-1").strip()
    return headers


def _media_type(header: Optional[str]) -> str:
    return (header or "").split(";", 1)[0].strip().lower()


def _media_parameters(header: Optional[str]) -> Dict[str, str]:
    parameters: Dict[str, str] = {}
    for piece in (header or "").split(";")[1:]:
        name, _, value = piece.partition("=")
        parameters[name.strip().lower()] = value.strip().strip('"')
    return parameters


class DatasetStream:
    """One dataset response: the JSON metadata (read on opening), the record batches through
    :attr:`reader` while the server still sends them, then the footnotes and status.

    Use it as a context manager, or close it: closing before the end drops the connection rather
    than reading the rest. The batches' memory is pyarrow's, owned by the batches handed out.
    """

    def __init__(
        self,
        response: Any,
        boundary: str,
        *,
        request_id: Optional[str],
        content_encoding: Optional[str],
        on_close: Optional[Callable[[], None]] = None,
    ) -> None:
        self._body = ResponseBody(response, content_encoding)
        self._delimiter = b"\r\n--" + boundary.encode("ascii")
        self._boundary = boundary
        self.request_id = request_id
        self.rows = 0
        self.batches = 0
        self.footnotes: Optional[str] = None
        self.status: Optional[Dict[str, Any]] = None
        self.metadata: Any = None
        self._finished = False
        self._lock = threading.Lock()
        self._on_close = on_close
        try:
            first = self._body.read_until(b"\r\n", 1024)
            if first != b"--" + boundary.encode("ascii"):
                raise self._broken("The response does not start with its multipart boundary", None)
            headers = _part_headers(self._body)
            if _media_type(headers.get("content-type")) != p.JSON:
                raise self._broken(f"Expected the JSON part first, got {headers.get('content-type')!r}", None)
            self.metadata = json.loads(self._body.read_until(self._delimiter) or b"null")
            self._body.read_exactly(2)
            headers = _part_headers(self._body)
            arrow_type = headers.get("content-type")
            if _media_type(arrow_type) != p.ARROW_STREAM:
                raise self._broken(f"Expected the Arrow part second, got {arrow_type!r}", None)
            codec = _media_parameters(arrow_type).get(p.CODECS)
            #: The compression the server chose: ``("ipc", "zstd")``, ``("content", "gzip")``, or None.
            self.compression = (
                ("content", content_encoding) if content_encoding else ("ipc", codec) if codec else None
            )
            self._ipc = pa.ipc.open_stream(self._body)
        except StreamError:
            self._body.abort()
            raise
        except BaseException as e:
            failure = self._failure(e)
            self._body.abort()
            raise failure from e
        self.schema: pa.Schema = self._ipc.schema
        self.reader: pa.RecordBatchReader = pa.RecordBatchReader.from_batches(self.schema, self._batches())

    def _batches(self) -> Iterator[pa.RecordBatch]:
        try:
            while True:
                try:
                    batch = self._ipc.read_next_batch()
                except StopIteration:
                    break
                except BaseException as e:
                    raise self._failure(e) from e
                self.rows += batch.num_rows
                self.batches += 1
                yield batch
            try:
                self._read_trailing_parts()
            except StreamError:
                raise
            except BaseException as e:
                raise self._failure(e) from e
        finally:
            self.close()

    def _read_trailing_parts(self) -> None:
        self._body.read_exactly(len(self._delimiter))  # CRLF --boundary after the Arrow part
        while True:
            after = self._body.read_exactly(2)
            if after == b"--":
                break
            headers = _part_headers(self._body)
            kind = _media_type(headers.get("content-type"))
            try:
                content = self._body.read_until(self._delimiter)
            except _Cut as cut:
                if kind == p.JSON:
                    self._status_part(cut.args[0])
                raise
            if kind == "text/plain":
                self.footnotes = content.decode("utf-8", "replace")
            elif kind == p.JSON:
                self._status_part(content)
        # The close delimiter's CRLF, then the end of the body (HTTP's last chunk).
        self._body.read_exactly(2)
        if self._body.read(1):
            raise self._broken("Bytes after the close delimiter", None)
        if self._body.cut is not None:
            raise self._broken(f"The response was cut short before its last chunk: {self._body.cut}", None)
        self._body.ended = True
        self._finished = True

    def _status_part(self, content: bytes) -> None:
        try:
            status = json.loads(content)
        except ValueError:
            return  # a partial status part says nothing
        self.status = status
        if status.get("code") != p.STATUS_OK:
            raise StreamError(
                status.get("message") or f"The server reported {status.get('code')}",
                code=status.get("code") or "UNKNOWN",
                rows=self.rows,
                batches=self.batches,
                request_id=self.request_id,
                error_id=status.get("errorId"),
                stream_status=status,
            )

    def _failure(self, cause: BaseException) -> StreamError:
        """Why the stream broke: what the status part says when it arrived, else cut short."""
        if isinstance(cause, StreamError):
            return cause
        if isinstance(cause, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise cause
        # After the failure marker the server sends the status part, then drops the connection.
        rest = self._body.drain(_SMALL_PART_LIMIT)
        marker = b"--" + self._boundary.encode("ascii") + b"\r\n"
        at = rest.find(marker)
        while at >= 0:
            head_end = rest.find(b"\r\n\r\n", at)
            if head_end < 0:
                break
            headers = rest[at + len(marker):head_end].decode("latin-1").lower()
            end = rest.find(self._delimiter, head_end)
            content = bytes(rest[head_end + 4:end if end >= 0 else len(rest)])
            if "application/json" in headers:
                try:
                    self._status_part(content)
                except StreamError as reported:
                    return reported
            at = rest.find(marker, head_end)
        return self._broken(f"The response was cut short: {cause}", cause)

    def _broken(self, message: str, cause: Optional[BaseException]) -> StreamError:
        return StreamError(
            message,
            code="UNAVAILABLE",
            rows=self.rows,
            batches=self.batches,
            request_id=self.request_id,
        )

    @property
    def bytes_received(self) -> int:
        """Bytes of the response body received so far, after any content decoding."""
        return self._body.bytes_read

    def read_all(self) -> pa.Table:
        """Every batch, as one table."""
        return self.reader.read_all()

    def close(self) -> None:
        """Drops the connection if the response is not complete; returns it to the pool if it is."""
        with self._lock:
            if self._finished:
                self._body.close()
            else:
                self._body.abort()
            if self._on_close is not None:
                callback, self._on_close = self._on_close, None
                callback()

    def __enter__(self) -> "DatasetStream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
