"""Upload bodies: an Arrow IPC stream written one batch at a time, as the request is sent."""

from __future__ import annotations

import json
import secrets
import zlib
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional

import pyarrow as pa
import pyarrow.ipc

from . import _protocol as p

_IPC = {"zstd": "zstd", "lz4": "lz4_frame"}
_CODINGS = {"http-zstd": "zstd", "gzip": "gzip", "br": "br"}


def as_reader(data: Any) -> pa.RecordBatchReader:
    """The batches of a pyarrow Table, RecordBatch, RecordBatchReader, pandas or polars DataFrame,
    an object with ``__arrow_c_stream__``, or an iterable of RecordBatches (read lazily)."""
    if isinstance(data, pa.RecordBatchReader):
        return data
    if isinstance(data, pa.Table):
        return data.to_reader()
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data]).to_reader()
    module = type(data).__module__.split(".", 1)[0]
    if module == "pandas":
        return pa.Table.from_pandas(data, preserve_index=False).to_reader()
    if module == "polars":
        return data.to_arrow().to_reader()
    if hasattr(data, "__arrow_c_stream__"):
        return pa.RecordBatchReader.from_stream(data)
    try:
        iterator = iter(data)
    except TypeError:
        raise TypeError(
            "data must be a pyarrow Table, RecordBatch or RecordBatchReader, a pandas or polars "
            f"DataFrame, or an iterable of RecordBatches; got {type(data).__name__}"
        ) from None
    first = next(iterator, None)
    if first is None:
        raise ValueError("An iterable of record batches must hold at least one batch, for the schema")

    def all_batches() -> Iterator[pa.RecordBatch]:
        yield first
        yield from iterator

    return pa.RecordBatchReader.from_batches(first.schema, all_batches())


class _Sink:
    """Where pyarrow's IPC writer writes: bytes kept until the body generator takes them."""

    def __init__(self) -> None:
        self.parts: List[bytes] = []
        self.closed = False

    def write(self, data: Any) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def writable(self) -> bool:
        return True

    def close(self) -> None:
        self.closed = True

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def _coder(coding: Optional[str]) -> Optional[tuple]:
    """(code, flush, finish) for a content coding, each flush making all so far decodable."""
    if coding is None:
        return None
    if coding == "gzip":
        gz = zlib.compressobj(6, zlib.DEFLATED, 31)
        return (gz.compress, lambda: gz.flush(zlib.Z_SYNC_FLUSH), gz.flush)
    if coding == "zstd":
        import zstandard

        z = zstandard.ZstdCompressor().compressobj()
        return (z.compress, lambda: z.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK), z.flush)
    if coding == "br":
        import brotli

        b = brotli.Compressor()
        return (b.process, b.flush, b.finish)
    raise ValueError(coding)


class UploadBody:
    """The request body of an upload, produced by :meth:`chunks` one record batch at a time.

    When reading the data fails half-way, the generator stops without Arrow's end-of-stream
    marker (and without the last HTTP chunk), so the server sees a body that broke off and writes
    nothing; the exception is kept in :attr:`failure` for the caller to raise.
    """

    def __init__(
        self,
        data: Any,
        *,
        description: Optional[str] = None,
        metadata: Optional[Mapping[str, Any]] = None,
        compression: Optional[str] = None,
        on_batch: Optional[Callable[[int, int], None]] = None,
    ) -> None:
        self._reader = as_reader(data)
        self._ipc = None
        self.content_encoding: Optional[str] = None
        if compression is not None:
            wanted = compression.strip().lower()
            if wanted in _IPC:
                self._ipc = _IPC[wanted]
            elif wanted in _CODINGS:
                self.content_encoding = _CODINGS[wanted]
            else:
                raise ValueError(f"compression must be one of {sorted(_IPC) + sorted(_CODINGS)}, got {compression!r}")
        self._meta: Optional[bytes] = None
        if description is not None or metadata is not None:
            part: Dict[str, Any] = {}
            if description is not None:
                part["description"] = description
            if metadata is not None:
                part["metadata"] = dict(metadata)
            self._meta = json.dumps(part).encode("utf-8")
        self._boundary = secrets.token_urlsafe(28) if self._meta is not None else None
        self.content_type = (
            p.ARROW_STREAM if self._boundary is None else f"{p.MULTIPART_MIXED}; boundary={self._boundary}"
        )
        self._on_batch = on_batch
        self.failure: Optional[BaseException] = None
        self.rows = 0
        self.batches = 0

    def chunks(self) -> Iterator[bytes]:
        coder = _coder(self.content_encoding)
        for data in self._plain_chunks():
            if coder is None:
                if data:
                    yield data
            else:
                coded = coder[0](data) + coder[1]()
                if coded:
                    yield coded
        if coder is not None:
            tail = coder[2]()
            if tail:
                yield tail

    def _plain_chunks(self) -> Iterator[bytes]:
        if self._boundary is not None and self._meta is not None:
            yield (
                f"--{self._boundary}\r\nContent-Type: {p.JSON}\r\n\r\n".encode("ascii")
                + self._meta
                + f"\r\n--{self._boundary}\r\nContent-Type: {p.ARROW_STREAM}\r\n\r\n".encode("ascii")
            )
        sink = _Sink()
        options = pa.ipc.IpcWriteOptions(compression=self._ipc) if self._ipc else None
        writer = pa.ipc.new_stream(sink, self._reader.schema, options=options)
        while True:
            try:
                batch = self._reader.read_next_batch()
            except StopIteration:
                break
            except BaseException as e:
                # Not closed: closing the writer would end the stream as if it were whole.
                self.failure = e
                if hasattr(e, "add_note"):  # Python 3.11 and later
                    e.add_note(f"Reading record batch {self.batches + 1} to upload failed; the server wrote nothing")
                raise _SourceFailed() from e
            writer.write_batch(batch)
            self.rows += batch.num_rows
            self.batches += 1
            if self._on_batch is not None:
                self._on_batch(self.rows, self.batches)
            yield sink.take()
        writer.close()  # the end-of-stream marker, only after the last batch
        tail = sink.take()
        if self._boundary is not None:
            tail += f"\r\n--{self._boundary}--\r\n".encode("ascii")
        yield tail


class _SourceFailed(Exception):
    """Stops the request body when the data to upload failed; the cause is the data's error."""
