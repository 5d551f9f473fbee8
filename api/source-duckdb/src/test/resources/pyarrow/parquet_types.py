"""Parquet files written by pyarrow, and the server's tables of them compared with
pyarrow.parquet.read_table: types (and list/map child names as the file stores them), field
and schema metadata, values. Arrow C++ decodes the server's stream: no code shared with it.

  parquet_types.py write FOLDER
  parquet_types.py compare BASE_URL NAME=FILE[:PARTITIONS] ...
"""
import base64
import datetime
import decimal
import json
import sys
import urllib.request

import pyarrow as pa
import pyarrow.parquet as pq

ROWS = 5000


def every_type(rows):
    """rows rows of every type Parquet keeps, extremes and nulls included."""
    def cycle(values, type):
        return pa.array([values[i % len(values)] for i in range(rows)], type)

    ints = {
        "i8": (pa.int8(), [-128, 127, None, 0]), "i16": (pa.int16(), [-32768, 32767, None, 1]),
        "i32": (pa.int32(), [-2**31, 2**31 - 1, None, 2]), "i64": (pa.int64(), [-2**63, 2**63 - 1, None, 3]),
        "u8": (pa.uint8(), [0, 255, None, 4]), "u16": (pa.uint16(), [0, 65535, None, 5]),
        "u32": (pa.uint32(), [0, 2**32 - 1, None, 6]), "u64": (pa.uint64(), [0, 2**64 - 1, None, 7]),
    }
    columns = {name: cycle(values, type) for name, (type, values) in ints.items()}
    D = decimal.Decimal
    columns.update({
        "f16": cycle([1.5, None, -2.0, 65504.0, 0.0], pa.float16()),
        "f32": cycle([1.5, None, -3.4e38, 0.0], pa.float32()),
        "f64": cycle([1.5, None, -1.7e308, 5e-324], pa.float64()),
        "dec_10_2": cycle([D("185.90"), None, D("-99999999.99"), D("0.01")], pa.decimal128(10, 2)),
        "dec_38_0": cycle([D("9" * 38), None, D("-" + "9" * 38), D("0")], pa.decimal128(38, 0)),
        "dec256_30_4": cycle([D("12345678901234567890123456.7890"), None, D("-1.0001")], pa.decimal256(30, 4)),
        "flag": cycle([True, False, None], pa.bool_()),
        "text": cycle(["a", "", None, "snow \u2603"], pa.string()),
        "large_text": cycle(["a", "", None, "\u00e9t\u00e9"], pa.large_string()),
        "text_view": cycle(["short", None, "a string longer than twelve bytes"], pa.string_view()),
        "bytes": cycle([b"\x00\xff", b"", None], pa.binary()),
        "large_bytes": cycle([b"\x00\xff", b"", None], pa.large_binary()),
        "bytes_view": cycle([b"\x00", None, b"a binary longer than twelve bytes"], pa.binary_view()),
        "fixed_bytes": cycle([b"abcd", None, b"\x00\x01\x02\x03"], pa.binary(4)),
        "day": cycle([datetime.date(2024, 2, 29), None, datetime.date(1, 1, 1), datetime.date(9999, 12, 31)], pa.date32()),
        "day64": cycle([datetime.date(2024, 2, 29), None, datetime.date(1900, 1, 1)], pa.date64()),
        "time_s": cycle([0, None, 86399], pa.time32("s")),
        "time_ms": cycle([0, None, 86399999], pa.time32("ms")),
        "time_us": cycle([0, None, 86399999999], pa.time64("us")),
        "time_ns": cycle([0, None, 86399999999999], pa.time64("ns")),
        "ts_s": cycle([0, None, -1, 1700000000], pa.timestamp("s")),
        "ts_ms_new_york": cycle([0, None, -1, 1700000000123], pa.timestamp("ms", tz="America/New_York")),
        "ts_us_utc": cycle([0, None, -1, 1700000000123456], pa.timestamp("us", tz="UTC")),
        "ts_ns": cycle([0, None, -1, 1700000000123456789], pa.timestamp("ns")),
        "ts_ns_kolkata": cycle([0, None, -1, 1700000000123456789], pa.timestamp("ns", tz="+05:30")),
        "duration_s": cycle([0, None, -1, 10**9], pa.duration("s")),
        "duration_us": cycle([0, None, -1, 10**12], pa.duration("us")),
        "duration_ns": cycle([0, None, 10**15], pa.duration("ns")),
        "list_int": cycle([[1, 2], [], None, [None, 3]], pa.list_(pa.int32())),
        "large_list": cycle([[1, 2], [], None, [None, 3]], pa.large_list(pa.int64())),
        "fixed_list": cycle([[1, 2], [None, 5]], pa.list_(pa.int16(), 2)),
        "list_of_structs": cycle([[{"x": 1}], None, [None], [], [{"x": None}]], pa.list_(pa.struct([("x", pa.int8())]))),
        "struct": cycle([{"a": 1, "b": "x"}, None, {"a": None, "b": None}],
                        pa.struct([("a", pa.int32()), ("b", pa.large_string())])),
        "map": cycle([[("k", 1)], None, [], [("a", None), ("b", 2)]], pa.map_(pa.string(), pa.int32())),
        "nothing": pa.nulls(rows),
        # Values first seen in later batches: the dictionary grows as the stream goes.
        "category": pa.array([None if i % 11 == 0 else "c%d" % (i // 700) for i in range(rows)]).dictionary_encode(),
        "small_dictionary": pa.array([["x", "y"][i % 2] for i in range(rows)]).dictionary_encode()
                              .cast(pa.dictionary(pa.int8(), pa.string())),
    })
    table = pa.table(columns)
    fields = [f.with_metadata({"unit": "none", "source": "pyarrow"}) if f.name == "text" else f for f in table.schema]
    return table.cast(pa.schema(fields, metadata={"written_by": "parquet_types.py"}))


def write(folder):
    table = every_type(ROWS)
    pq.write_table(table, folder + "/types.parquet", row_group_size=ROWS)
    pq.write_table(table, folder + "/types-grouped.parquet", row_group_size=ROWS // 4)
    pq.write_table(table, folder + "/types-plain.parquet", store_schema=False)
    half = ROWS // 2
    pq.write_table(table.slice(0, half), folder + "/part-1.parquet")
    pq.write_table(table.slice(half), folder + "/part-2.parquet")


def decoded(column):
    """A column's values: a dictionary's as their value type (the order of its entries is free)."""
    return column.cast(column.type.value_type) if pa.types.is_dictionary(column.type) else column


def fetch(url):
    request = urllib.request.Request(url, headers={"Accept": "application/vnd.apache.arrow.stream"})
    with urllib.request.urlopen(request) as response:
        return pa.ipc.open_stream(response).read_all()


def compare(base, spec):
    name, files = spec.split("=", 1)
    files, _, partitions = files.partition(":")
    paths = files.split(",")
    reference = pa.concat_tables([pq.read_table(p) for p in paths])
    if partitions:
        served = pa.concat_tables([fetch("%s/datasets/%s?partition=%d" % (base, name, i))
                                   for i in range(int(partitions))])
    else:
        served = fetch("%s/datasets/%s" % (base, name))
    stored = pq.ParquetFile(paths[0]).metadata.metadata or {}
    stored_schema = (pa.ipc.read_schema(pa.py_buffer(base64.b64decode(stored[b"ARROW:schema"])))
                     if b"ARROW:schema" in stored else None)
    differences = []
    if served.schema.names != reference.schema.names:
        differences.append("names %s, pyarrow %s" % (served.schema.names, reference.schema.names))
    for field in reference.schema:
        got = served.schema.field(field.name)
        if got.type != field.type:
            differences.append("%s: %s, pyarrow %s" % (field.name, got.type, field.type))
        elif stored_schema is not None and str(got.type) != str(stored_schema.field(field.name).type) \
                and str(stored_schema.field(field.name).type).count("<") and not pa.types.is_map(field.type):
            differences.append("%s: child names %s, stored %s" % (field.name, got.type, stored_schema.field(field.name).type))
        if (got.metadata or {}) != (field.metadata or {}):
            differences.append("%s: metadata %s, pyarrow %s" % (field.name, got.metadata, field.metadata))
        if not decoded(served.column(field.name)).equals(decoded(reference.column(field.name))):
            differences.append("%s: values differ" % field.name)
    for key, value in (reference.schema.metadata or {}).items():
        if (served.schema.metadata or {}).get(key) != value:
            differences.append("schema metadata %s missing" % key)
    print(json.dumps({"dataset": name, "rows": served.num_rows, "columns": served.num_columns,
                      "differences": differences}))


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2])
    else:
        for spec in sys.argv[3:]:
            compare(sys.argv[2], spec)
