import pandas
import polars
import pyarrow as pa
import pytest

import arrowhttp
from conftest import ids_table, unique


def test_put_then_append_then_delete_a_table(client):
    name = unique("trades")
    result = client.put(name, ids_table(0, 3000))
    assert result.created and result.rows == 3000 and result.dataset.name == name
    again = client.append(name, ids_table(3000, 1000).to_reader())
    assert not again.created and again.rows == 1000
    assert client.read_table(name).column("id").to_pylist() == list(range(4000))
    client.delete(name)
    with pytest.raises(arrowhttp.NotFound):
        client.info(name)


def test_pandas_polars_batches_and_iterables_upload(client):
    name = unique("frames")
    client.put(name, polars.DataFrame({"id": [0, 1], "label": ["0", "1"]}).with_columns(
        polars.col("label")).to_arrow().cast(ids_table(0, 1).schema))
    client.append(name, pandas.DataFrame({"id": [2], "label": ["2"]}).astype({"label": object}))
    client.append(name, ids_table(3, 2).to_batches()[0])
    client.append(name, iter(ids_table(5, 5).to_batches(max_chunksize=2)))
    assert client.read_table(name).column("id").to_pylist() == list(range(10))
    client.delete(name)
    frame = polars.DataFrame({"id": [7, 8], "label": ["a", "b"]})
    client.put(name, frame)
    assert client.read_polars(name).equals(frame)
    client.delete(name)


@pytest.mark.parametrize("compression", ["zstd", "lz4", "http-zstd", "gzip", "br"])
def test_uploads_compressed_arrive_whole(client, compression):
    name = unique("compressed")
    table = ids_table(0, 20_000)
    result = client.put(name, table.to_reader(max_chunksize=4096), compression=compression)
    assert result.rows == 20_000 and result.batches == 5
    assert client.read_table(name).equals(table)
    client.delete(name)


def test_a_description_and_metadata_go_in_a_multipart_upload(client):
    name = unique("described")
    client.put(name, ids_table(0, 10), description="Ten ids", metadata={"origin": "pytest"})
    assert client.info(name).description == "Ten ids"
    with client.open(name) as stream:
        assert stream.metadata["origin"] == "pytest"
        stream.read_all()
    client.delete(name)


def test_an_upload_whose_data_fails_half_way_writes_nothing(client):
    name = unique("halfway")
    client.put(name, ids_table(0, 100))

    def batches():
        for batch in ids_table(1000, 40_000).to_batches(max_chunksize=4096):
            yield batch
        raise OSError("the source disk went away")

    failing = pa.RecordBatchReader.from_batches(ids_table(0, 1).schema, batches())
    with pytest.raises(OSError, match="the source disk went away"):
        client.put(name, failing)
    with pytest.raises(OSError, match="the source disk went away"):
        client.append(name, pa.RecordBatchReader.from_batches(ids_table(0, 1).schema, batches()))
    assert client.read_table(name).column("id").to_pylist() == list(range(100)), "the dataset is as it was"
    fresh = unique("never")
    with pytest.raises(OSError):
        client.put(fresh, pa.RecordBatchReader.from_batches(ids_table(0, 1).schema, batches()))
    with pytest.raises(arrowhttp.NotFound):
        client.info(fresh)
    client.delete(name)


def test_an_append_of_another_schema_is_invalid_and_writes_nothing(client):
    name = unique("schema")
    client.put(name, ids_table(0, 10))
    with pytest.raises(arrowhttp.InvalidArgument) as raised:
        client.append(name, pa.table({"other": [1.5]}))
    assert "id" in raised.value.message
    assert client.read_table(name).num_rows == 10
    client.delete(name)


def test_configured_datasets_cannot_be_deleted_or_overwritten(client):
    with pytest.raises(arrowhttp.InvalidArgument) as raised:
        client.delete("parts")
    assert raised.value.status == 405
    with pytest.raises(arrowhttp.InvalidArgument):
        client.put("small", ids_table(0, 1))
    with pytest.raises(arrowhttp.NotFound):
        client.append(unique("absent"), ids_table(0, 1))


def test_the_upload_body_is_written_one_batch_at_a_time_as_it_is_sent():
    from arrowhttp._upload import UploadBody

    taken = []

    def batches():
        for index, batch in enumerate(ids_table(0, 100_000).to_batches(max_chunksize=10_000)):
            taken.append(index)
            yield batch

    body = UploadBody(pa.RecordBatchReader.from_batches(ids_table(0, 1).schema, batches()))
    chunks = body.chunks()
    first = next(chunks)
    assert first.startswith(b"\xff\xff\xff\xff"), "the schema message, then the first batch"
    assert len(taken) == 1, "one batch read for the first chunk, not the whole source"
    rest = list(chunks)
    assert len(taken) == 10 and len(rest) == 10
    assert rest[-1].endswith(b"\xff\xff\xff\xff\x00\x00\x00\x00"), "the end-of-stream marker comes last"
    assert sum(map(len, rest[:-1])) < 2 * len(first) * 10
    assert pa.ipc.open_stream(first + b"".join(rest)).read_all().equals(ids_table(0, 100_000))
