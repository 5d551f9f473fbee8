"""Arrow C++ (through pyarrow) as an independent client of arrowhttp's compressed streams.

Usage: check_compressed_streams.py write FILE
       check_compressed_streams.py read BASE_URL FILE
'write' stores a table as an Arrow IPC file with zstd-compressed buffers; 'read' fetches it, and
the example dataset, asking for each IPC codec and for none, and prints one JSON line per fetch.
"""
import json
import sys
import urllib.request

import pyarrow as pa
import pyarrow.ipc as ipc

ARROW = "application/vnd.apache.arrow.stream"


def table():
    rows = 50_000
    return pa.table({
        "id": pa.array(range(rows), pa.int64()),
        "name": pa.array([f"name-{i % 977}" for i in range(rows)], pa.string()),
        "price": pa.array([i * 0.25 for i in range(rows)], pa.float64()),
    })


def write(path):
    options = ipc.IpcWriteOptions(compression="zstd")
    with pa.OSFile(path, "wb") as sink, ipc.new_file(sink, table().schema, options=options) as writer:
        for batch in table().to_batches(max_chunksize=8_192):
            writer.write_batch(batch)


def fetch(url, accept):
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=60) as response:
        content_type = response.headers.get("Content-Type")
        body = response.read()
    reader = ipc.open_stream(pa.py_buffer(body))
    return content_type, reader.read_all()


def read(base, path):
    stored = ipc.open_file(path).read_all()
    for codec in ("zstd", "lz4", None):
        accept = ARROW if codec is None else f'{ARROW}; codecs="{codec}"'
        content_type, fetched = fetch(base + "datasets/stored", accept)
        print(json.dumps({
            "dataset": "stored", "asked": codec, "contentType": content_type,
            "rows": fetched.num_rows, "equal": fetched.equals(stored),
        }))
        content_type, example = fetch(base + "datasets/tickers?rows=100000", accept)
        print(json.dumps({
            "dataset": "tickers", "asked": codec, "contentType": content_type,
            "rows": example.num_rows, "columns": example.column_names,
        }))


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2])
    else:
        read(sys.argv[2], sys.argv[3])
