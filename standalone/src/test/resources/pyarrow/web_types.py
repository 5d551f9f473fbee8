"""Writes DIR/types.arrow, an Arrow IPC file of two rows: a value of every type the web page shows,
then nulls. Usage: web_types.py DIR"""
import datetime as dt
import decimal
import sys
import uuid

import pyarrow as pa


def column(arrow_type, value):
    return pa.array([value, None], type=arrow_type)


def extension(arrow_type, storage):
    return pa.ExtensionArray.from_storage(arrow_type, storage)


at = dt.datetime(2024, 3, 10, 12, 30, 0, 123456, tzinfo=dt.timezone.utc)
columns = {
    "int8": column(pa.int8(), -128),
    "uint8": column(pa.uint8(), 255),
    "int64": column(pa.int64(), -(2**63)),
    "uint64": column(pa.uint64(), 2**64 - 1),
    "float16": pa.array([1.5, None], type=pa.float16()) if hasattr(pa, "float16") else column(pa.float32(), 1.5),
    "float64": column(pa.float64(), -2.25),
    "decimal": column(pa.decimal128(10, 2), decimal.Decimal("185.90")),
    "negative": column(pa.decimal128(10, 3), decimal.Decimal("-0.005")),
    "wide": column(pa.decimal256(40, 4), decimal.Decimal("123456789012345678901234567890.1234")),
    "bool": column(pa.bool_(), True),
    "string": column(pa.string(), "héllo"),
    "large_string": column(pa.large_string(), "big"),
    "binary": column(pa.binary(), bytes(range(40))),
    "fixed": column(pa.binary(4), b"\xde\xad\xbe\xef"),
    "date32": column(pa.date32(), dt.date(2024, 2, 29)),
    "date64": column(pa.date64(), dt.date(1969, 12, 31)),
    "time32": column(pa.time32("ms"), dt.time(13, 14, 15, 500000)),
    "time64": column(pa.time64("ns"), 3723000000123),
    "ts_utc": column(pa.timestamp("us", "UTC"), at),
    "ts_zone": column(pa.timestamp("ms", "America/New_York"), at.replace(microsecond=0)),
    "ts_ns": column(pa.timestamp("ns"), 1700000000123456789),
    "ts_s": column(pa.timestamp("s"), -1),
    "duration": column(pa.duration("us"), 90061000001),
    "interval": column(pa.month_day_nano_interval(), pa.MonthDayNano([14, 3, 4000000000])),
    "list": column(pa.list_(pa.int32()), [1, None, 3]),
    "struct": column(pa.struct([("a", pa.int32()), ("b", pa.string())]), {"a": 1, "b": "x"}),
    "map": column(pa.map_(pa.string(), pa.int64()), [("k", 7)]),
    "dictionary": pa.array(["red", None]).dictionary_encode(),
    "null": pa.nulls(2),
    "uuid": extension(pa.uuid(), pa.array([uuid.UUID("12345678-1234-5678-1234-567812345678").bytes, None], pa.binary(16))),
    "json": extension(pa.json_(), pa.array(['{"a": 1}', None])),
}
table = pa.table(columns)
with pa.ipc.new_file(sys.argv[1] + "/types.arrow", table.schema) as writer:
    writer.write_table(table)
print(len(columns))
