import time

import pyarrow as pa
import pytest

import arrowhttp
from conftest import PARTS, ROWS_PER_PART


def test_the_catalog_lists_every_dataset_with_its_endpoints_and_metadata(client):
    names = {d.name for d in client.datasets()}
    assert {"tickers", "parts", "small"} <= names
    parts = client.info("parts")
    assert parts.description == "Four Parquet files of consecutive ids"
    assert parts.columns == ["id", "label"]
    assert parts.total_records == PARTS * ROWS_PER_PART
    assert len(parts.endpoints) == PARTS
    assert [e.total_records for e in parts.endpoints] == [ROWS_PER_PART] * PARTS
    assert parts.endpoints[1].locations[0].endswith("/datasets/parts?partition=1")
    assert parts.compression == {"ipcCodecs": ["zstd", "lz4"], "contentCodings": ["zstd", "br", "gzip"]}


def test_the_schema_is_a_pyarrow_schema(client):
    assert client.schema("tickers") == pa.schema(
        [pa.field("ticker", pa.string(), False), pa.field("price", pa.int64(), False), pa.field("volume", pa.int64(), False)]
    )
    assert client.schema("parts").names == ["id", "label"]


def test_the_json_part_is_the_datasets_metadata(client):
    with client.open("parts", limit=10) as stream:
        assert stream.metadata["source"] == "tests"
        assert stream.metadata["columns"] == ["id", "label"]
        assert stream.read_all().num_rows == 10
        assert stream.status["code"] == "OK"


def test_an_unknown_dataset_is_not_found_with_the_servers_detail_and_request_id(client):
    with pytest.raises(arrowhttp.NotFound) as raised:
        client.info("nope")
    assert raised.value.status == 404
    assert raised.value.code == "NOT_FOUND"
    assert "tickers" in raised.value.message, "the detail lists the datasets there are"
    assert raised.value.request_id
    with pytest.raises(arrowhttp.NotFound):
        client.read("nope")


def test_a_bad_column_is_an_invalid_argument_naming_the_columns_there_are(client):
    with pytest.raises(arrowhttp.InvalidArgument) as raised:
        client.read("parts", columns=["nope"])
    assert raised.value.status == 400
    assert "label" in raised.value.message


def test_every_protocol_code_has_one_error_class():
    codes = ["INVALID_ARGUMENT", "NOT_FOUND", "ALREADY_EXISTS", "UNAUTHENTICATED", "UNAUTHORIZED",
             "UNIMPLEMENTED", "UNAVAILABLE", "TIMED_OUT", "CANCELLED", "TOO_LARGE", "RESOURCE_EXHAUSTED",
             "INTERNAL", "UNKNOWN"]
    assert sorted(arrowhttp.ERROR_CLASSES) == sorted(codes)
    assert arrowhttp.ERROR_CLASSES["UNAUTHORIZED"] is arrowhttp.PermissionDenied
    for code, cls in arrowhttp.ERROR_CLASSES.items():
        assert issubclass(cls, arrowhttp.ArrowHttpError) and cls.code == code


def test_a_server_that_is_not_there_is_unavailable():
    from conftest import free_port

    with pytest.raises(arrowhttp.Unavailable):
        arrowhttp.connect(f"http://127.0.0.1:{free_port()}/").datasets()


def test_connect_refuses_what_cannot_work():
    with pytest.raises(ValueError):
        arrowhttp.connect("ftp://example.org/")
    with pytest.raises(ValueError):
        arrowhttp.connect("http://127.0.0.1:1/", user="alice")


def test_headers_given_to_connect_go_with_every_request(server):
    # The server takes a sensible X-Request-Id from the request and echoes it, in errors too.
    client = arrowhttp.connect(server.url, headers={"X-Request-Id": "python-client-test-0001"})
    with pytest.raises(arrowhttp.NotFound) as raised:
        client.info("nope")
    assert raised.value.request_id == "python-client-test-0001"
    # The access log's line is written once the answer has gone: wait for it a little.
    deadline = time.monotonic() + 10
    while "id=python-client-test-0001" not in server.log_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "id=python-client-test-0001" in server.log_text()
