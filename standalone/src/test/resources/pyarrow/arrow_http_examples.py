"""Clients of the Arrow project's HTTP examples (apache/arrow-experiments, http/), as they behave,
pointed at an arrowhttp server: each command prints one JSON line per check for the Java test.

  write FOLDER     an Arrow file holding every type the server can serve, three batches
  validate BASE    ?limit, ?columns and both on that file's .arrows URL: pyarrow's full validation
  simple BASE      get_simple's Python client: urllib, no headers at all
  compressed BASE  get_compressed's client strategies: four content codings, two IPC codec lists
  indirect BASE    get_indirect's client: requests, a JSON listing of .arrows URIs, then GETs
  polars BASE      polars.read_ipc_stream on the .arrows URL
  decode FILE CODING  the rows of a saved body (get_compressed's curl client), decoded as it says
"""
import datetime
import decimal
import json
import sys
import urllib.request

import pyarrow as pa
import pyarrow.ipc as ipc

ARROW = "application/vnd.apache.arrow.stream"
ROWS = 900
BATCH = 300


def text(i):
    return None if i % 7 == 0 else ("t%d-" % i * 24)[: 1 + i % 24]


def columns():
    n = ROWS
    strings = [text(i) for i in range(n)]
    return {
        "id": pa.array(range(n), pa.int64()),
        "utf8": pa.array(strings, pa.string()),
        "large_utf8": pa.array(strings, pa.large_string()),
        "utf8_view": pa.array(strings, pa.string_view()),
        "binary_view": pa.array([None if s is None else s.encode() for s in strings], pa.binary_view()),
        "large_binary": pa.array([None if s is None else s.encode() for s in strings], pa.large_binary()),
        "dictionary": pa.array([None if i % 11 == 0 else "k%d" % (i % 13) for i in range(n)]).dictionary_encode(),
        "list": pa.array([None if i % 9 == 0 else list(range(i % 4)) for i in range(n)], pa.list_(pa.int32())),
        "large_list": pa.array([None if i % 9 == 0 else ["a"] * (i % 3) for i in range(n)], pa.large_list(pa.string())),
        "list_of_views": pa.array(
            [None if i % 9 == 0 else [text(i + k) or "" for k in range(i % 4)] for i in range(n)],
            pa.list_(pa.string_view())),
        "fixed_size_list": pa.array([[i, -i] for i in range(n)], pa.list_(pa.int16(), 2)),
        "struct": pa.array(
            [None if i % 5 == 0 else {"n": i, "s": strings[i]} for i in range(n)],
            pa.struct([("n", pa.int64()), ("s", pa.string())])),
        "map": pa.array([None if i % 6 == 0 else [("k", i)] for i in range(n)], pa.map_(pa.string(), pa.int64())),
        "run_end": pa.RunEndEncodedArray.from_arrays(
            pa.array(range(10, n + 1, 10), pa.int32()), pa.array(["r%d" % i for i in range(n // 10)])),
        "dense_union": pa.UnionArray.from_dense(
            pa.array([i % 2 for i in range(n)], pa.int8()),
            pa.array([i // 2 for i in range(n)], pa.int32()),
            [pa.array(range(n), pa.int64()), pa.array(["u%d" % i for i in range(n)])],
            ["int", "str"]),
        "sparse_union": pa.UnionArray.from_sparse(
            pa.array([i % 2 for i in range(n)], pa.int8()),
            [pa.array(range(n), pa.int64()), pa.array(["u%d" % i for i in range(n)])],
            ["int", "str"]),
        "decimal": pa.array([decimal.Decimal(i) / 100 for i in range(n)], pa.decimal128(10, 2)),
        "timestamp": pa.array(
            [datetime.datetime(2024, 1, 1) + datetime.timedelta(seconds=i) for i in range(n)],
            pa.timestamp("us", tz="UTC")),
        "bool": pa.array([None if i % 3 == 0 else i % 2 == 0 for i in range(n)]),
    }


def write(folder):
    table = pa.table(columns())
    with ipc.new_file(folder + "/types.arrow", table.schema) as writer:
        for batch in table.to_batches(max_chunksize=BATCH):
            writer.write_batch(batch)
    # A second dataset, for the listing of get_indirect.
    with ipc.new_stream(folder + "/ids.arrows", table.select(["id"]).schema) as writer:
        writer.write_table(table.select(["id"]), max_chunksize=BATCH)


def emit(**fields):
    print(json.dumps(fields, sort_keys=True), flush=True)


def validate(base):
    names = list(columns())
    queries = ["", "?limit=5", "?limit=301", "?limit=899"]
    queries += ["?columns=%s" % name for name in names[1:]]
    queries += ["?columns=%s,id&limit=7" % name for name in names[1:]]
    queries += ["?columns=%s&limit=350" % ",".join(reversed(names))]
    for query in queries:
        with urllib.request.urlopen(base + "datasets/types.arrows" + query) as response:
            table = ipc.open_stream(response).read_all()
        problems = []
        for index, batch in enumerate(table.to_batches()):
            try:
                batch.validate(full=True)
            except pa.ArrowInvalid as invalid:
                problems.append("batch %d: %s" % (index, invalid))
        emit(check="validate", query=query, rows=table.num_rows, problems=problems)


def simple(base):
    # get_simple: urlopen on the URL alone; the response is read as an Arrow stream.
    with urllib.request.urlopen(base + "datasets/types.arrows") as response:
        content_type = response.headers["Content-Type"]
        coding = response.headers["Content-Encoding"]
        table = ipc.open_stream(response).read_all()
    emit(check="simple", contentType=content_type, contentEncoding=coding, rows=table.num_rows)


def compressed(base):
    url = base + "datasets/types.arrows"
    for coding in ["identity", "zstd", "br", "gzip"]:
        # get_compressed: the coding, and nothing else (*;q=0); the body decoded as the header says.
        request = urllib.request.Request(url, headers={"Accept-Encoding": "%s, *;q=0" % coding})
        with urllib.request.urlopen(request) as response:
            content_type = response.headers["Content-Type"]
            sent = response.headers["Content-Encoding"]
            body = response if sent is None else pa.CompressedInputStream(
                response, "brotli" if sent == "br" else sent)
            rows = ipc.open_stream(body).read_all().num_rows
        emit(check="compressed", asked=coding, contentType=content_type, contentEncoding=sent, rows=rows)
    for codecs in ['"zstd, lz4"', "lz4"]:
        request = urllib.request.Request(url, headers={"Accept": "%s; codecs=%s" % (ARROW, codecs)})
        with urllib.request.urlopen(request) as response:
            content_type = response.headers["Content-Type"]
            rows = ipc.open_stream(response).read_all().num_rows
        emit(check="compressed", asked=codecs, contentType=content_type, contentEncoding=None, rows=rows)


def indirect(base):
    try:
        import requests
    except ImportError:
        emit(check="indirect", missing="requests")
        return
    listing = requests.get(base + "datasets")
    if listing.status_code != 200 or "application/json" not in listing.headers.get("Content-Type", ""):
        raise ValueError("Unexpected listing: %s %s" % (listing.status_code, listing.headers))
    # Every listed dataset but the built-in example, whose default is 42 million rows.
    uris = [entry["streamLocation"] for entry in listing.json()["datasets"] if entry["name"] != "tickers"]
    for uri in uris:
        # requests' own headers: Accept: */*, Accept-Encoding: gzip, deflate (and br, zstd when installed).
        response = requests.get(uri)
        if response.status_code != 200 or ARROW not in response.headers.get("Content-Type", ""):
            raise ValueError("Unexpected response from %s: %s" % (uri, response.headers))
        rows = ipc.open_stream(response.content).read_all().num_rows
        emit(check="indirect", uri=uri[len(base):], contentEncoding=response.headers.get("Content-Encoding"),
             rows=rows)


def polars(base):
    try:
        import polars
    except ImportError:
        emit(check="polars", missing="polars")
        return
    frame = polars.read_ipc_stream(base + "datasets/types.arrows?columns=id,utf8,utf8_view,large_list,struct")
    emit(check="polars", rows=frame.height, columns=frame.columns)


def decode(path, coding):
    source = pa.OSFile(path)
    if coding not in ("", "identity"):
        source = pa.CompressedInputStream(source, "brotli" if coding == "br" else coding)
    emit(check="decode", rows=ipc.open_stream(source).read_all().num_rows)


if __name__ == "__main__":
    {"write": write, "validate": validate, "simple": simple, "compressed": compressed,
     "indirect": indirect, "polars": polars, "decode": decode}[sys.argv[1]](*sys.argv[2:])
