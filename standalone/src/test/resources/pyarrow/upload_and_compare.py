"""Uploads tables pyarrow writes to an arrowhttp server, reads them back, and compares every value.

Usage: upload_and_compare.py BASE_URL
Prints one JSON line per case.
"""
import datetime
import decimal
import gzip
import json
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pyarrow as pa

ARROW = "application/vnd.apache.arrow.stream"


def table(first, rows):
    ids = list(range(first, first + rows))
    return pa.table({
        "id": pa.array(ids, pa.int64()),
        "price": pa.array([None if i % 11 == 0 else i / 4 for i in ids], pa.float64()),
        "label": pa.array(["row %d ü" % i for i in ids], pa.string()),
        "flag": pa.array([i % 3 == 0 for i in ids], pa.bool_()),
        "day": pa.array([datetime.date(2024, 1, 1) + datetime.timedelta(days=i % 366) for i in ids], pa.date32()),
        "at": pa.array([i * 1_000_003 for i in ids], pa.timestamp("us", tz="UTC")),
        "amount": pa.array([decimal.Decimal(i) / 100 for i in ids], pa.decimal128(12, 2)),
        "tags": pa.array([[i, i + 1] if i % 5 else [] for i in ids], pa.list_(pa.int32())),
    })


def stream(data, compression=None, chunk=5000):
    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression=compression)
    with pa.ipc.new_stream(sink, data.schema, options=options) as writer:
        writer.write_table(data, max_chunksize=chunk)
    return sink.getvalue().to_pybytes()


def send(method, url, body, headers):
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def fetch(url):
    request = urllib.request.Request(url, headers={"Accept": ARROW})
    with urllib.request.urlopen(request, timeout=60) as response:
        return pa.ipc.open_stream(response.read()).read_all()


def report(case, **fields):
    print(json.dumps(dict(case=case, **fields)), flush=True)


def main(base):
    url = urllib.parse.urljoin(base, "datasets/from_pyarrow")
    first = table(0, 20_000)
    status, answer = send("PUT", url, stream(first, "zstd"), {"Content-Type": ARROW})
    back = fetch(url)
    report("put-zstd", status=status, rows=answer["rows"], equal=back.equals(first))

    second = table(20_000, 7_000)
    coded = gzip.compress(stream(second, "lz4"))
    status, answer = send("POST", url, coded, {"Content-Type": ARROW, "Content-Encoding": "gzip"})
    both = pa.concat_tables([first, second])
    report("post-lz4-gzip", status=status, rows=answer["rows"], equal=fetch(url).equals(both))

    boundary = "pyarrow-boundary-7f3a"
    metadata = json.dumps({"description": "Written by pyarrow", "metadata": {"writer": "pyarrow"}}).encode()
    body = (b"--" + boundary.encode() + b"\r\nContent-Type: application/json\r\n\r\n" + metadata
            + b"\r\n--" + boundary.encode() + b"\r\nContent-Type: " + ARROW.encode() + b"\r\n\r\n"
            + stream(second) + b"\r\n--" + boundary.encode() + b"--\r\n")
    status, answer = send("PUT", url, body, {"Content-Type": "multipart/mixed; boundary=" + boundary})
    report("put-multipart", status=status, description=answer["dataset"]["description"],
           equal=fetch(url).equals(second))

    whole = stream(table(50_000, 40_000))
    parsed = urllib.parse.urlsplit(url)
    with socket.create_connection((parsed.hostname, parsed.port), timeout=30) as connection:
        connection.sendall(("PUT %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n"
                            % (parsed.path, parsed.netloc, ARROW, len(whole))).encode())
        connection.sendall(whole[: len(whole) // 2])
    time.sleep(1)
    report("aborted", equal=fetch(url).equals(second))

    status, answer = send("PUT", url, whole[:-8], {"Content-Type": ARROW})
    report("without-end", status=status, equal=fetch(url).equals(second))


if __name__ == "__main__":
    main(sys.argv[1])
