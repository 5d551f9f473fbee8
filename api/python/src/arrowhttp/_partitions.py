"""A dataset's endpoints fetched on several connections at once, with failover between locations."""

from __future__ import annotations

import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, Iterator, List, Mapping, Optional

import pyarrow as pa

from . import _protocol as p
from ._errors import ArrowHttpError, StreamError

#: Batches an endpoint may have read ahead of the consumer.
QUEUED_BATCHES = 2

_END = object()


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def fetch_partitions(
    client: Any,
    endpoints: List[List[str]],
    *,
    parallel: int,
    ordered: bool,
    query: Mapping[str, Any],
    compression: Optional[str],
    deadline: Optional[float],
) -> pa.RecordBatchReader:
    """The batches of every endpoint as one reader; see :meth:`arrowhttp.Client.read_partitions`."""
    if parallel < 1:
        raise ValueError(f"parallel must be at least 1, got {parallel}")
    if not endpoints:
        raise ValueError("The catalog entry lists no endpoint")
    stopped = threading.Event()
    shared: "queue.Queue[Any]" = queue.Queue(QUEUED_BATCHES * parallel)
    queues = [queue.Queue(QUEUED_BATCHES) if ordered else shared for _ in endpoints]
    schema_ready = threading.Event()
    first: Dict[str, Any] = {}

    def put(q: "queue.Queue[Any]", item: Any) -> None:
        while not stopped.is_set():
            try:
                q.put(item, timeout=0.1)
                return
            except queue.Full:
                continue
        raise _Stopped()

    def fetch(index: int, locations: List[str]) -> None:
        handed = 0
        last: Optional[BaseException] = None
        try:
            for location in locations:
                if stopped.is_set():
                    return
                resumed = dict(query)
                if handed:
                    resumed[p.START_BATCH] = str(handed)
                try:
                    with client.open_url(location, resumed, compression, deadline=deadline) as stream:
                        if "schema" not in first:
                            first.setdefault("schema", stream.schema)
                            schema_ready.set()
                        for batch in stream.reader:
                            put(queues[index], (index, batch))
                            handed += 1
                    put(queues[index], (index, _END))
                    return
                except _Stopped:
                    return
                except (ArrowHttpError, OSError) as e:
                    last = e
            error = StreamError(
                f"Endpoint {index} failed at every location, {locations}, after {handed} batches: {last}",
                code=getattr(last, "code", "UNAVAILABLE"),
                rows=0,
                batches=handed,
            )
            error.__cause__ = last
            schema_ready.set()
            put(queues[index], (index, _Failed(error)))
        except _Stopped:
            return
        except BaseException as e:  # a bug here must reach the consumer, not vanish in a thread
            schema_ready.set()
            try:
                put(queues[index], (index, _Failed(e)))
            except _Stopped:
                pass

    pool = ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="arrowhttp-partition")
    for index, locations in enumerate(endpoints):
        pool.submit(fetch, index, locations)

    def stop() -> None:
        stopped.set()
        pool.shutdown(wait=False, cancel_futures=True)

    # The reader's schema is the first stream's; wait for it, or for the first failure.
    while not schema_ready.wait(0.1):
        pass
    if "schema" not in first:
        try:
            for q in dict.fromkeys(queues):
                while not q.empty():
                    _, item = q.get_nowait()
                    if isinstance(item, _Failed):
                        raise item.error
        finally:
            stop()
        stop()
        raise StreamError("No endpoint could be fetched", code="UNAVAILABLE", rows=0, batches=0)
    schema = first["schema"]

    def batches() -> Iterator[pa.RecordBatch]:
        rows = 0
        handed = 0
        try:
            ended = 0
            current = 0
            while ended < len(endpoints):
                _, item = queues[current].get()
                if item is _END:
                    ended += 1
                    if ordered:
                        current += 1
                    continue
                if isinstance(item, _Failed):
                    if isinstance(item.error, StreamError):
                        item.error.rows = rows
                    raise item.error
                rows += item.num_rows
                handed += 1
                yield item
        finally:
            stop()

    return pa.RecordBatchReader.from_batches(schema, batches())


class _Stopped(Exception):
    """The consumer stopped: the fetcher gives up quietly."""
