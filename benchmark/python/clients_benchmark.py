"""Common HTTP clients, each with its own default headers, reading whole `/datasets/{name}.arrows`
URLs, against pyarrow reading urllib's response with `Accept-Encoding: identity`.

    python benchmark/python/clients_benchmark.py [--rows 6000000] [--parquet-rows 6000000]
        [--csv-rows 1000000] [--runs 5] [--warmup 1] [--postgres] [--work DIR] [--output FILE]

Needs pyarrow, polars, requests and urllib3 in this Python, the server jar
(standalone/target/arrowhttp-server.jar, `mvn package`), curl, and for the Node clients Node.js 20
with apache-arrow in api/web/node_modules (`mvn package` of api/web, or `npm ci` in api/web).
A client whose tool is missing is skipped, and the report says why.

Writes a Parquet file of --parquet-rows rows with pyarrow and a CSV file of the first --csv-rows
of them into a temporary folder (or --work), with a catalog serving: the example `tickers` (`?rows=--rows`),
the Parquet file and the CSV file (both through the server's Arrow cache, in that folder,
so that after the warm-up every read is a hit), and a DuckDB SQL dataset over the Parquet file
(read from DuckDB at every request). With --postgres, also a table of --postgres-rows rows in a
throwaway PostgreSQL cluster (Debian's binaries, initdb in a temporary folder) served over
JDBC. It starts the server (`-Xmx256m`) on 127.0.0.1 itself and stops everything at the end.

First every client reads a one-row stream from a listener in this script that records its
request, so that the report shows the `Accept-Encoding` each sends by default. Then, per dataset,
each round runs every client once in turn, starting one client later each round, so that the
machine's load falls on all alike; the warm-up rounds are not counted. The report gives million
rows per second, `median (min to max)`, and each median's ratio to urllib's median of the same
dataset, with the `Content-Encoding` the server chose and its `X-Arrowhttp-Cache` header as each
client received them. Python clients are timed in this process; curl by its own `time_total`;
Node (clients_fetch.mjs, one process per read) from its request to its last row, without Node's
start or its loading of fetch.
"""

from __future__ import annotations

import argparse
import http.client
import http.server
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv
import pyarrow.parquet as pq

from processes import start  # noqa: E402  (this folder, beside the script)

ROOT = Path(__file__).resolve().parents[2]
NODE_SCRIPT = Path(__file__).resolve().with_name("clients_fetch.mjs")
REFERENCE = "urllib, `Accept-Encoding: identity`, `open_stream(response)`"


class Read:
    """What one read gave: rows decoded (or None for byte counters), bytes when counted, seconds,
    and the response headers the client exposes (None where it exposes none)."""

    def __init__(self, rows, seconds, headers=None, nbytes=None):
        self.rows = rows
        self.seconds = seconds
        self.headers = headers
        self.nbytes = nbytes


def timed(read):
    started = time.perf_counter()
    rows, headers = read()
    return Read(rows, time.perf_counter() - started, headers)


def urllib_identity(url):
    def read():
        request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
        with urllib.request.urlopen(request) as response:
            table = pa.ipc.open_stream(response).read_all()
            return table.num_rows, dict(response.headers)

    return timed(read)


def http_client_bare(url):
    """http.client with no header at all but Host, which HTTP/1.1 requires: no Accept-Encoding (it
    would send `identity` itself), no User-Agent, no Accept."""
    parts = urllib.parse.urlsplit(url)

    def read():
        connection = http.client.HTTPConnection(parts.hostname, parts.port)
        try:
            connection.putrequest("GET", parts.path + ("?" + parts.query if parts.query else ""),
                                  skip_accept_encoding=True)
            connection.endheaders()
            response = connection.getresponse()
            if response.status != 200:
                raise RuntimeError(f"{url}: {response.status} {response.read()[:300]!r}")
            table = pa.ipc.open_stream(response).read_all()
            return table.num_rows, dict(response.headers)
        finally:
            connection.close()

    return timed(read)


def http10_bare(url):
    """A request with no header at all: HTTP/1.0 (HTTP/1.1 requires `Host`) on a plain socket, the
    response's head read line by line, then its body, delimited by the server's close, handed to
    pyarrow."""
    parts = urllib.parse.urlsplit(url)
    target = parts.path + ("?" + parts.query if parts.query else "")

    def read():
        with socket.create_connection((parts.hostname, parts.port)) as connection:
            connection.sendall(f"GET {target} HTTP/1.0\r\n\r\n".encode("ascii"))
            with connection.makefile("rb") as response:
                status = response.readline()
                if b" 200 " not in status:
                    raise RuntimeError(f"{url}: {status!r}")
                headers = {}
                while (line := response.readline().strip()):
                    name, _, value = line.decode("latin-1").partition(":")
                    headers[name.strip()] = value.strip()
                table = pa.ipc.open_stream(response).read_all()
                return table.num_rows, headers

    return timed(read)


def requests_stream(url):
    import requests

    def read():
        with requests.get(url, stream=True) as response:
            response.raise_for_status()
            table = pa.ipc.open_stream(response.raw).read_all()
            return table.num_rows, dict(response.headers)

    return timed(read)


def requests_content(url):
    import requests

    def read():
        response = requests.get(url)
        response.raise_for_status()
        table = pa.ipc.open_stream(response.content).read_all()
        return table.num_rows, dict(response.headers)

    return timed(read)


POOL = None


def urllib3_data(url):
    import urllib3

    global POOL
    if POOL is None:
        POOL = urllib3.PoolManager()

    def read():
        response = POOL.request("GET", url)
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")
        table = pa.ipc.open_stream(response.data).read_all()
        return table.num_rows, dict(response.headers)

    return timed(read)


def polars_url(url):
    import polars as pl

    def read():
        return pl.read_ipc_stream(url).height, None

    return timed(read)


def curl_bytes(url, work):
    headers_file = work / "curl-headers.txt"
    done = subprocess.run(["curl", "-s", "-f", "-o", "/dev/null", "-D", str(headers_file),
                           "-w", "%{size_download} %{time_total}", url],
                          capture_output=True, text=True, check=True)
    size, seconds = done.stdout.split()
    headers = {}
    for line in headers_file.read_text(errors="replace").splitlines()[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip()] = value.strip()
    return Read(None, float(seconds), headers, int(size))


def node_fetch(how, node_modules):
    def read(url):
        done = subprocess.run(["node", str(NODE_SCRIPT), url, how, str(node_modules)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"node {how} failed on {url}: {done.stderr[-2000:]}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        if result["status"] != 200:
            raise RuntimeError(f"node {how}: {result}")
        headers = {}
        if result["contentEncoding"]:
            headers["Content-Encoding"] = result["contentEncoding"]
        if result["cache"]:
            headers["X-Arrowhttp-Cache"] = result["cache"]
        return Read(result["rows"], result["nanos"] / 1e9, headers)

    return read


def clients(work, node_modules):
    """The clients, in the order of the report, and the reasons for those left out."""
    found = {
        REFERENCE: urllib_identity,
        "`http.client`, no header but `Host`, `open_stream(response)`": http_client_bare,
        "HTTP/1.0 on a socket, no header at all, `open_stream(body)`": http10_bare,
        "`requests.get(url, stream=True)`, `open_stream(response.raw)`": requests_stream,
        "`requests.get(url).content`, then `open_stream`": requests_content,
        "urllib3 `.data`, then `open_stream`": urllib3_data,
        "curl, its defaults, bytes only (`-o /dev/null`)": lambda url: curl_bytes(url, work),
        "Node `fetch`, apache-arrow `tableFromIPC(await fetch(url))`": None,
        "Node `fetch`, apache-arrow `RecordBatchReader.from(fetch(url))`": None,
        "polars `pl.read_ipc_stream(url)`": polars_url,
    }
    skipped = {}
    for module, names in (("requests", ("`requests.get(url, stream=True)`, `open_stream(response.raw)`",
                                        "`requests.get(url).content`, then `open_stream`")),
                          ("urllib3", ("urllib3 `.data`, then `open_stream`",)),
                          ("polars", ("polars `pl.read_ipc_stream(url)`",))):
        try:
            __import__(module)
        except ImportError:
            for name in names:
                del found[name]
                skipped[name] = f"{module} is not installed in this Python"
    if shutil.which("curl") is None:
        del found["curl, its defaults, bytes only (`-o /dev/null`)"]
        skipped["curl, its defaults, bytes only (`-o /dev/null`)"] = "curl is not on the PATH"
    node_names = [name for name in found if name.startswith("Node")]
    if shutil.which("node") is None or not (Path(node_modules) / "apache-arrow").is_dir():
        for name in node_names:
            del found[name]
            skipped[name] = (f"no `node` on the PATH or no apache-arrow in {node_modules}"
                             " (build api/web, or pass --node-modules)")
    else:
        found[node_names[0]] = node_fetch("table", node_modules)
        found[node_names[1]] = node_fetch("reader", node_modules)
    skipped["DuckDB on the URL"] = duckdb_reason()
    return found, skipped


def duckdb_reason():
    """Why DuckDB is not among the clients. It reads Arrow IPC only through its `nanoarrow`
    community extension and HTTP only through `httpfs`; the script loads them only if they are
    installed already, never downloads them."""
    try:
        import duckdb
    except ImportError:
        return "duckdb is not installed in this Python"
    connection = duckdb.connect()
    try:
        for extension in ("httpfs", "nanoarrow"):
            try:
                connection.execute(f"LOAD {extension}")
            except duckdb.Error:
                return (f"DuckDB {duckdb.__version__} reads an Arrow stream over HTTP only with its `httpfs` and "
                        f"`nanoarrow` extensions, and `{extension}` is not installed (the script downloads nothing)")
        return ("DuckDB's `httpfs` and `nanoarrow` extensions are installed, but this script does not measure "
                "`read_arrow` on the URL yet")
    finally:
        connection.close()


class Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every GET with a one-row Arrow stream and records the request's headers."""

    body = b""
    requests = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        Recorder.requests.append(dict(self.headers))
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.apache.arrow.stream")
        self.send_header("Content-Length", str(len(Recorder.body)))
        self.end_headers()
        self.wfile.write(Recorder.body)

    def log_message(self, *args):
        pass


def default_headers(found):
    """The `Accept-Encoding` each client sends by default, from a listener that records them."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, pa.schema([("x", pa.int64())])) as writer:
        writer.write_table(pa.table({"x": [1]}))
    Recorder.body = sink.getvalue().to_pybytes()
    listener = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=listener.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{listener.server_address[1]}/datasets/probe.arrows"
    sent = {}
    try:
        for name, read in found.items():
            Recorder.requests.clear()
            read(url)
            headers = {key.lower(): value for key, value in Recorder.requests[-1].items()}
            sent[name] = headers.get("accept-encoding", "none")
    finally:
        listener.shutdown()
        listener.server_close()
    return sent


class Postgres:
    """A throwaway PostgreSQL cluster from Debian's binaries, as api/testing's PostgresCluster:
    initdb in `folder`, 127.0.0.1 on a free port, password authentication; as root, it runs as the
    `postgres` user, since PostgreSQL refuses root."""

    def __init__(self):
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")) if Path("/usr/lib/postgresql").is_dir() else []
        if not versions:
            raise SystemExit("--postgres needs PostgreSQL's server: apt-get install postgresql")
        self.bin = versions[-1].parent
        # A folder of its own under /tmp, not in the script's (mode 700), so that `postgres` can enter it.
        self.folder = folder = Path(tempfile.mkdtemp(prefix="arrowhttp-clients-postgres"))
        self.password = os.urandom(12).hex()
        self.as_postgres = os.geteuid() == 0
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        (folder / "password").write_text(self.password)
        if self.as_postgres:
            subprocess.run(["chown", "-R", "postgres:postgres", str(folder)], check=True)
        self.run("initdb", "-D", str(folder / "data"), "-U", "arrowhttp", "--auth=scram-sha-256",
                 f"--pwfile={folder / 'password'}", "-E", "UTF8", "--locale=C")
        self.run("pg_ctl", "-D", str(folder / "data"), "-l", str(folder / "postgres.log"), "-w", "-t", "60", "-o",
                 f"-p {self.port} -c listen_addresses=127.0.0.1 -k {folder} -c fsync=off -c timezone=UTC", "start")

    def run(self, tool, *arguments):
        command = ([] if not self.as_postgres else ["runuser", "-u", "postgres", "--"]) + [str(self.bin / tool), *arguments]
        done = subprocess.run(command, capture_output=True, text=True,
                              env={**os.environ, "PGPASSWORD": self.password})
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: {done.stdout}{done.stderr}")
        return done.stdout

    def psql(self, sql):
        return self.run("psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port),
                        "-U", "arrowhttp", "-d", "postgres", "-c", sql)

    def stop(self):
        try:
            if (self.folder / "data" / "postmaster.pid").exists():
                self.run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def write_data(work, args):
    n = args.parquet_rows
    ids = pa.array(range(n), pa.int64())
    table = pa.table({
        "id": ids,
        "price": pc.divide(pc.cast(pc.multiply(ids, 37), pa.float64()), 100.0),
        "volume": pc.bit_wise_and(ids, 1023),
        "ticker": pc.cast(pc.bit_wise_and(ids, 4095), pa.string()),
    })
    pq.write_table(table, work / "trades.parquet", row_group_size=1_000_000)
    pa.csv.write_csv(table.slice(0, args.csv_rows), work / "trades.csv")
    sql_rows = pc.sum(pc.less(table["volume"], 512)).as_py()
    return {"trades": n, "trades_csv": min(n, args.csv_rows), "trades_sql": sql_rows}


def catalog(work, postgres):
    text = (f"cache:\n  directory: {work / 'cache'}\n  max_bytes: 8GiB\n"
            "datasets:\n"
            f"  - name: trades\n    file: {work / 'trades.parquet'}\n"
            f"  - name: trades_csv\n    file: {work / 'trades.csv'}\n"
            "  - name: trades_sql\n"
            f"    sql: \"SELECT id, price, volume, ticker FROM read_parquet('{work / 'trades.parquet'}') WHERE volume < 512\"\n")
    if postgres is not None:
        text += ("  - name: trades_pg\n"
                 f"    jdbc: {{url: \"jdbc:postgresql://127.0.0.1:{postgres.port}/postgres\", user: arrowhttp,"
                 f" password: \"{postgres.password}\"}}\n"
                 "    sql: \"SELECT id, price, volume, ticker FROM trades\"\n")
    (work / "catalog.yaml").write_text(text)


def measure(title, url, found, args, expected_rows):
    names = list(found)
    reads = {name: [] for name in names}
    reference_bytes = None
    for round_number in range(args.warmup + args.runs):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            read = found[name](url)
            if read.rows is not None and expected_rows is not None and read.rows != expected_rows:
                raise SystemExit(f"{title}: {name} read {read.rows:,} rows, not {expected_rows:,}")
            if read.nbytes is not None:
                reference_bytes = read.nbytes  # the example's batches vary a little in size from read to read
            if round_number >= args.warmup:
                reads[name].append(read)
    return reads, reference_bytes


def seen(reads, header):
    values = []
    for read in reads:
        if read.headers is None:
            return "not shown"
        value = next((v for k, v in read.headers.items() if k.lower() == header.lower()), "none")
        if value not in values:
            values.append(value)
    return ", ".join(values)


def report(title, reads, rows, nbytes, sent, args):
    lines = [f"\n### {title}: {rows:,} rows" + (f", about {nbytes / 1e6:,.0f} MB" if nbytes else "")
             + f", {args.runs} run{'s' if args.runs != 1 else ''} after {args.warmup} warm-up\n",
             "| client | `Accept-Encoding` sent | `Content-Encoding` | `X-Arrowhttp-Cache` | M rows/s, median (min to max) | / urllib |",
             "| --- | --- | --- | --- | --- | --- |"]
    reference = statistics.median(rows / read.seconds for read in reads[REFERENCE])
    for name, measured in reads.items():
        rates = [rows / read.seconds / 1e6 for read in measured]
        median = statistics.median(rates)
        lines.append(f"| {name} | {sent.get(name, '?')} | {seen(measured, 'Content-Encoding')} | "
                     f"{seen(measured, 'X-Arrowhttp-Cache')} | {median:.2f} ({min(rates):.2f} to {max(rates):.2f}) | "
                     f"{median * 1e6 / reference:.2f} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=6_000_000, help="rows of the example dataset tickers")
    parser.add_argument("--parquet-rows", type=int, default=6_000_000)
    parser.add_argument("--csv-rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", action="store_true", help="also a PostgreSQL table over JDBC")
    parser.add_argument("--postgres-rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--server-jar", default=str(ROOT / "standalone/target/arrowhttp-server.jar"))
    parser.add_argument("--node-modules", default=str(ROOT / "api/web/node_modules"))
    parser.add_argument("--work", help="the folder for the data, the catalog, the cache and the server's log, kept"
                        " afterwards (default: a temporary folder, deleted at the end)")
    parser.add_argument("--output", help="also write the report, as Markdown, to this file")
    args = parser.parse_args()
    if not Path(args.server_jar).is_file():
        raise SystemExit(f"No server jar at {args.server_jar}: run mvn package first, or pass --server-jar")
    if args.work:
        work = Path(args.work).resolve()
        shutil.rmtree(work / "cache", ignore_errors=True)
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="arrowhttp-clients-bench"))
    server = postgres = None
    try:
        expected = write_data(work, args)
        if args.postgres:
            postgres = Postgres()
            postgres.psql("CREATE TABLE trades (id bigint, price double precision, volume bigint, ticker text);"
                          f" INSERT INTO trades SELECT i, i * 37 / 100.0, i & 1023, (i & 4095)::text"
                          f" FROM generate_series(0, {args.postgres_rows - 1}) AS i")
            expected["trades_pg"] = args.postgres_rows
        catalog(work, postgres)
        server, base = start(["java", "-Xmx256m", "-jar", args.server_jar, "--port", "0",
                              "--config", str(work / "catalog.yaml")],
                             r"arrowhttp listening on (http://127\.0\.0\.1:\d+/)", work / "server.log")
        found, skipped = clients(work, args.node_modules)
        sent = default_headers(found)
        datasets = [(f"the example, `tickers.arrows?rows={args.rows}`", f"datasets/tickers.arrows?rows={args.rows}", args.rows),
                    ("a Parquet file, `trades.arrows`", "datasets/trades.arrows", expected["trades"]),
                    ("a CSV file, `trades_csv.arrows`", "datasets/trades_csv.arrows", expected["trades_csv"]),
                    ("DuckDB SQL over the Parquet file, `trades_sql.arrows`", "datasets/trades_sql.arrows",
                     expected["trades_sql"])]
        if postgres is not None:
            datasets.append(("a PostgreSQL table over JDBC, `trades_pg.arrows`", "datasets/trades_pg.arrows",
                             expected["trades_pg"]))
        sections = ["## Common clients on the `.arrows` URL\n",
                    f"Server: `java -Xmx256m -jar {Path(args.server_jar).name}` on 127.0.0.1, the Arrow cache on "
                    "for the files; every client on the same machine (loopback). M rows/s is rows over each "
                    "read's time, `median (min to max)`; / urllib compares medians of the same dataset. "
                    "curl counts bytes only; its rate uses the dataset's rows."]
        for title, path, rows in datasets:
            reads, nbytes = measure(title, base + path, found, args, rows)
            section = report(title, reads, rows, nbytes, sent, args)
            print(section, flush=True)
            sections.append(section)
        if skipped:
            sections.append("\nNot measured:\n")
            sections.extend(f"- {name}: {reason}" for name, reason in skipped.items())
            print("\n".join(sections[-len(skipped) - 1:]))
        if args.output:
            Path(args.output).write_text("\n".join(sections) + "\n")
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if postgres is not None:
            postgres.stop()
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
