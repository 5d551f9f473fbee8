import time

import duckdb
import pandas
import polars
import pyarrow as pa
import pytest

import arrowhttp
from conftest import PARTS, ROWS_PER_PART, status


def test_a_read_is_a_record_batch_reader_whose_first_batch_arrives_while_the_server_still_sends(client):
    before = status(client)
    with client.open("tickers", params={"rows": 500_000_000}) as stream:
        assert isinstance(stream.reader, pa.RecordBatchReader)
        batch = stream.reader.read_next_batch()
        assert batch.num_rows == 6144
        assert batch.schema.names == ["ticker", "price", "volume"]
        assert status(client)["activeStreams"] >= 1, "the server is still sending"
    deadline = time.monotonic() + 10
    while status(client)["cancelledStreams"] == before["cancelledStreams"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert status(client)["cancelledStreams"] == before["cancelledStreams"] + 1, "closing early dropped the stream"


def test_read_table_takes_columns_limit_and_the_datasets_own_parameters(client):
    table = client.read_table("parts", columns=["label", "id"], limit=12_345)
    assert table.schema.names == ["label", "id"]
    assert table.num_rows == 12_345
    assert table.column("id").to_pylist() == list(range(12_345))
    assert client.read_table("tickers", params={"rows": 100_000}).num_rows == 100_000


def test_the_whole_partitioned_dataset_in_one_read(client):
    table = client.read_table("parts")
    assert table.column("id").to_pylist() == list(range(PARTS * ROWS_PER_PART))


def test_polars_and_pandas_get_the_same_rows(client):
    frame = client.read_polars("small")
    assert isinstance(frame, polars.DataFrame)
    assert frame["id"].to_list() == list(range(1000))
    df = client.read_pandas("small", columns=["label"])
    assert isinstance(df, pandas.DataFrame)
    assert list(df["label"][:3]) == ["0", "1", "2"]


def test_duckdb_queries_a_dataset_in_one_line(client):
    assert client.duckdb("parts").aggregate("sum(id)").fetchone()[0] == sum(range(PARTS * ROWS_PER_PART))
    reader = client.read("small")  # noqa: F841 (DuckDB finds it by its name)
    assert duckdb.sql("SELECT count(*), max(id) FROM reader").fetchone() == (1000, 999)


@pytest.mark.parametrize(
    "compression, chosen",
    [("zstd", ("ipc", "zstd")), ("lz4", ("ipc", "lz4")), ("http-zstd", ("content", "zstd")),
     ("br", ("content", "br")), ("gzip", ("content", "gzip"))],
)
def test_each_compression_is_asked_for_and_decoded(client, compression, chosen):
    expected = client.read_table("parts")
    with client.open("parts", compression=compression) as stream:
        assert stream.compression == chosen
        assert stream.read_all().equals(expected)
        if chosen[0] == "ipc":
            assert stream.bytes_received < expected.nbytes * 0.8, "compressed batches as they came"
        else:
            assert stream.bytes_received > expected.nbytes / 2, "the body as decoded"
    plain = client._request("GET", client._dataset_url("tickers") + "?rows=50000", accept="multipart/mixed")
    assert "Content-Encoding" not in plain.headers, "nothing is compressed unless asked"


def test_content_codings_offered_are_those_this_python_decodes():
    assert arrowhttp.content_codings() == ["zstd", "br", "gzip"]


def test_an_unknown_compression_is_refused_before_the_request(client):
    with pytest.raises(ValueError, match="compression must be one of"):
        client.read("tickers", compression="snappy")


def test_a_deadline_that_passes_mid_stream_is_a_stream_error_with_the_servers_code(client):
    reader = client.read("tickers", params={"rows": 1_000_000_000}, deadline=1.0)
    rows = 0
    with pytest.raises(arrowhttp.StreamError) as raised:
        for batch in reader:
            rows += batch.num_rows
            time.sleep(0.001)
    assert raised.value.code == "TIMED_OUT"
    assert raised.value.rows == rows > 0
    assert raised.value.stream_status["code"] == "TIMED_OUT"


def test_the_failure_marker_alone_is_a_stream_error_not_a_shorter_dataset(client):
    # Without the status part, the failure marker is all the client gets.
    with client.open_url(client._dataset_url("tickers"), {"rows": 1_000_000_000, "include_status": "false"},
                         deadline=1.0) as stream:
        with pytest.raises(arrowhttp.StreamError) as raised:
            stream.read_all()
    assert raised.value.code == "UNAVAILABLE"
    assert "cut short" in raised.value.message
    assert raised.value.batches > 0
