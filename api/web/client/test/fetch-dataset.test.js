import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompressionType, compressionRegistry } from 'apache-arrow';
import { decompress } from 'fzstd';
import { ArrowHttpError, fetchCatalog, fetchDataset, fetchInfo, openDataset } from '../src/index.js';
import { numberRows, plain, untilIdle } from '../test-support/servers.js';

const numbers = () => new URL('datasets/numbers', plain());

async function sumOfIds(iterable) {
  let rows = 0;
  let sum = 0n;
  for await (const batch of iterable) {
    const ids = batch.getChild('id');
    for (let i = 0; i < batch.numRows; i++) sum += BigInt(ids.get(i));
    rows += batch.numRows;
  }
  return { rows, sum };
}

function expectedSum(rows) {
  return (BigInt(rows) * BigInt(rows - 1)) / 2n;
}

describe('fetchDataset', () => {
  it('streams every row of the multipart response, with its metadata and status', async () => {
    const response = await openDataset(numbers());
    assert.equal(response.metadata.name, 'numbers');
    assert.deepEqual(
      response.schema.fields.map((field) => field.name),
      ['id', 'label', 'value'],
    );
    const { rows, sum } = await sumOfIds(response);
    assert.equal(rows, numberRows());
    assert.equal(sum, expectedSum(numberRows()));
    assert.equal(response.status.code, 'OK');
    assert.equal(response.status.rows, numberRows());
    await untilIdle(plain());
  });

  it('streams the bare Arrow stream just the same', async () => {
    const { rows, sum } = await sumOfIds(fetchDataset(numbers(), { format: 'stream' }));
    assert.equal(rows, numberRows());
    assert.equal(sum, expectedSum(numberRows()));
  });

  it('sends only the columns and rows asked for', async () => {
    const response = await openDataset(numbers(), { columns: ['label', 'id'], limit: 1000 });
    assert.deepEqual(response.metadata.columns, ['label', 'id']);
    const batches = [];
    for await (const batch of response) batches.push(batch);
    assert.deepEqual(
      batches[0].schema.fields.map((field) => field.name),
      ['label', 'id'],
    );
    assert.equal(
      batches.reduce((sum, batch) => sum + batch.numRows, 0),
      1000,
    );
    assert.equal(batches[0].getChild('label').get(7), 'row 7');
  });

  it('decodes zstd-compressed batches with a codec registered in apache-arrow', async () => {
    // Arrow's reader views the decoded bytes as 64-bit values: they must start 8-byte aligned.
    compressionRegistry.set(CompressionType.ZSTD, { decode: (bytes) => decompress(bytes).slice() });
    const plainResponse = await openDataset(numbers());
    await sumOfIds(plainResponse);
    const compressed = await openDataset(numbers(), { codecs: ['zstd'] });
    const { rows, sum } = await sumOfIds(compressed);
    assert.equal(rows, numberRows());
    assert.equal(sum, expectedSum(numberRows()));
    assert.ok(
      compressed.bytesReceived < plainResponse.bytesReceived / 2,
      `${compressed.bytesReceived} compressed bytes against ${plainResponse.bytesReceived}`,
    );
  });

  it('reports progress after every batch, ending at the total', async () => {
    const seen = [];
    const response = await openDataset(numbers(), { onProgress: (progress) => seen.push(progress) });
    await sumOfIds(response);
    assert.ok(seen.length > 1);
    assert.equal(seen.at(-1).rows, numberRows());
    assert.ok(seen.every((progress, i) => i === 0 || progress.bytes >= seen[i - 1].bytes));
  });

  it('stops the server side too when the caller aborts', async () => {
    const controller = new AbortController();
    let batches = 0;
    await assert.rejects(
      async () => {
        for await (const batch of fetchDataset(new URL('datasets/tickers?rows=42000000', plain()), {
          signal: controller.signal,
        })) {
          void batch;
          if (++batches === 3) controller.abort();
        }
      },
      { name: 'AbortError' },
    );
    await untilIdle(plain());
  });

  it('says which datasets there are when the name is unknown', async () => {
    await assert.rejects(fetchDataset(new URL('datasets/missing', plain())).next(), (error) => {
      assert.ok(error instanceof ArrowHttpError);
      assert.equal(error.status, 404);
      assert.equal(error.code, 'NOT_FOUND');
      assert.match(error.message, /numbers/);
      assert.ok(error.requestId);
      return true;
    });
  });

  it('passes on a bad parameter as the server words it', async () => {
    await assert.rejects(fetchDataset(numbers(), { limit: -1 }).next(), (error) => {
      assert.equal(error.status, 400);
      assert.equal(error.code, 'INVALID_ARGUMENT');
      assert.match(error.message, /limit/);
      return true;
    });
  });
});

describe('the catalog', () => {
  it('lists the datasets with their schemas and row counts', async () => {
    const datasets = await fetchCatalog(plain());
    const entry = datasets.find((dataset) => dataset.name === 'numbers');
    assert.ok(entry, JSON.stringify(datasets.map((dataset) => dataset.name)));
    assert.equal(entry.totalRecords, numberRows());
    assert.deepEqual(
      entry.schema.fields.map((field) => field.name),
      ['id', 'label', 'value'],
    );
    const info = await fetchInfo(plain(), 'numbers');
    assert.equal(info.location, entry.location);
  });
});
