"""read_table through the arrowhttp Python package against pyarrow + urllib on the bare stream and
pyarrow.flight DoGet of the same table.

    python benchmark/python/read_benchmark.py [--rows 42000000] [--parquet-rows 6000000] [--runs 5]

Starts the server jar (standalone/target/arrowhttp-server.jar, -Xmx256m) with a catalog of one
Parquet file of --parquet-rows rows (written here by pyarrow, one row group per 1M rows), and
the benchmark jar's Flight server (benchmark/target/arrowhttp-benchmark.jar flight-server, which
serves the example dataset with the row count as the ticket). The client CPU column is this
process's CPU time per read (pyarrow.flight's gRPC threads included), which a busy machine
disturbs less than wall time. Each round runs every client once,
in turn, so that the machine's load falls on all of them alike; the report gives the median, min
and max seconds and the package's rate relative to pyarrow + urllib.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pyarrow as pa
import pyarrow.compute  # noqa: F401
import pyarrow.csv  # noqa: F401
import pyarrow.flight as flight
import pyarrow.parquet as pq

import arrowhttp

from processes import start  # noqa: E402  (this folder, beside the script)

ROOT = Path(__file__).resolve().parents[2]


def bare(url, **headers):
    request = urllib.request.Request(url, headers={"Accept": "application/vnd.apache.arrow.stream", **headers})
    with urllib.request.urlopen(request) as response:
        return pa.ipc.open_stream(response).read_all()


def duckdb_local(query):
    import duckdb

    relation = duckdb.sql(query)
    fetch = getattr(relation, "to_arrow_table", None) or getattr(relation, "fetch_arrow_table", None) or relation.arrow
    return fetch()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=42_000_000)
    parser.add_argument("--parquet-rows", type=int, default=6_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--csv-rows", type=int, default=2_000_000)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="arrowhttp-python-bench"))
    n = args.parquet_rows
    ids = pa.array(range(n), pa.int64())
    table = pa.table({"id": ids, "price": pa.compute.multiply(ids, 3), "volume": pa.compute.bit_wise_and(ids, 1023),
                      "ticker": pa.compute.cast(pa.compute.bit_wise_and(ids, 4095), pa.string())})
    pq.write_table(table, work / "trades.parquet", row_group_size=1_000_000)
    csv_rows = min(n, args.csv_rows)
    pa.csv.write_csv(table.slice(0, csv_rows), work / "trades.csv")
    del table
    (work / "catalog.yaml").write_text(
        f"datasets:\n  - name: trades\n    file: {work}/trades.parquet\n"
        f"  - name: trades_csv\n    file: {work}/trades.csv\n"
    )
    java = "java"
    server, url = start([java, "-Xmx256m", f"-Darrowhttp.cache.directory={work / 'cache'}", "-jar",
                         str(ROOT / "standalone/target/arrowhttp-server.jar"), "--port", "0",
                         "--config", str(work / "catalog.yaml")],
                        r"arrowhttp listening on (http://127\.0\.0\.1:\d+/)", work / "server.log")
    processes = [server]
    flight_port = None
    benchmark_jar = ROOT / "benchmark/target/arrowhttp-benchmark.jar"
    try:
        if benchmark_jar.exists():
            flight_server, flight_port = start([java, "-Xmx256m", "-jar", str(benchmark_jar), "flight-server", "--port", "0"],
                                               r"flight listening on (\d+)", work / "flight.log")
            processes.append(flight_server)
        client = arrowhttp.connect(url)
        flight_client = flight.connect(f"grpc://127.0.0.1:{flight_port}") if flight_port else None
        cases = {
            f"tickers {args.rows:,} rows": {
                "arrowhttp package read_table": lambda: client.read_table("tickers", params={"rows": args.rows}),
                "pyarrow + urllib, bare stream": lambda: bare(f"{url}datasets/tickers?rows={args.rows}"),
            },
            f"Parquet {n:,} rows": {
                "arrowhttp package read_table": lambda: client.read_table("trades"),
                "pyarrow + urllib, bare stream": lambda: bare(f"{url}datasets/trades"),
                "pyarrow + urllib, bare stream, Cache-Control: no-cache (as a first read)": lambda: bare(
                    f"{url}datasets/trades", **{"Cache-Control": "no-cache"}),
                "arrowhttp package read_partitions(4)": lambda: client.read_partitions("trades", parallel=4).read_all(),
                "pyarrow.parquet.read_table, local file": lambda: pq.read_table(work / "trades.parquet"),
                "DuckDB read_parquet to Arrow, local file": lambda: duckdb_local(
                    f"SELECT * FROM read_parquet('{work / 'trades.parquet'}')"),
            },
            f"CSV {csv_rows:,} rows": {
                "arrowhttp package read_table": lambda: client.read_table("trades_csv"),
                "pyarrow + urllib, bare stream": lambda: bare(f"{url}datasets/trades_csv"),
                "pyarrow + urllib, bare stream, Cache-Control: no-cache (as a first read)": lambda: bare(
                    f"{url}datasets/trades_csv", **{"Cache-Control": "no-cache"}),
                "pyarrow.csv.read_csv, local file": lambda: pa.csv.read_csv(work / "trades.csv"),
                "DuckDB read_csv to Arrow, local file": lambda: duckdb_local(
                    f"SELECT * FROM read_csv('{work / 'trades.csv'}')"),
            },
        }
        if flight_client is not None:
            cases[f"tickers {args.rows:,} rows"]["pyarrow.flight DoGet"] = (
                lambda: flight_client.do_get(flight.Ticket(str(args.rows).encode())).read_all()
            )
        for title, clients in cases.items():
            times = {name: [] for name in clients}
            cpu = {name: [] for name in clients}
            rows = {}
            for run in range(args.warmup + args.runs):
                for name, read in clients.items():
                    started = time.perf_counter()
                    started_cpu = time.process_time()
                    result = read()
                    elapsed = time.perf_counter() - started
                    used = time.process_time() - started_cpu
                    rows[name] = result.num_rows
                    del result
                    if run >= args.warmup:
                        times[name].append(elapsed)
                        cpu[name].append(used)
            print(f"\n{title}: {args.runs} runs after {args.warmup} warm-up")
            print("| client | rows | median s | min s | max s | rows/s (median) | client CPU s (median) |")
            print("| --- | --- | --- | --- | --- | --- | --- |")
            for name, values in times.items():
                median = statistics.median(values)
                print(f"| {name} | {rows[name]:,} | {median:.3f} | {min(values):.3f} | {max(values):.3f} | {rows[name] / median:,.0f} | {statistics.median(cpu[name]):.3f} |")
            package = statistics.median(times["arrowhttp package read_table"])
            baseline = statistics.median(times["pyarrow + urllib, bare stream"])
            ratio = baseline / package
            print(f"package / pyarrow+urllib rate: {ratio:.3f} (target: at least 0.95;"
                  f" {'met' if ratio >= 0.95 else 'not met'} in this run, whose spreads are above)")
            for name in times:
                if "local file" in name:
                    local = statistics.median(times[name])
                    print(f"pyarrow + urllib (cache hit) / {name}: {local / baseline:.3f};"
                          f" package: {local / package:.3f}")
                    first = [k for k in times if "no-cache" in k]
                    if first:
                        print(f"  first read (no-cache) / {name}: {local / statistics.median(times[first[0]]):.3f}")
    finally:
        for process in processes:
            process.terminate()
            process.wait(30)


if __name__ == "__main__":
    sys.exit(main())
