// The .arrows URL read as the clients of Arrow's get_simple example read it: apache-arrow's
// tableFromIPC on a plain fetch, with nothing but Node's own headers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { broken, numberRows, plain, untilIdle } from '../test-support/servers.js';

describe('the .arrows URL of a dataset', () => {
  it('is a bare Arrow stream that tableFromIPC(fetch(url)) reads, uncompressed though Node offers gzip', async () => {
    const response = await fetch(new URL('datasets/numbers.arrows', plain()));
    assert.equal(response.headers.get('content-type'), 'application/vnd.apache.arrow.stream');
    assert.equal(response.headers.get('content-encoding'), null);
    const table = await tableFromIPC(response);
    assert.equal(table.numRows, numberRows());
    const ids = table.getChild('id');
    assert.equal(Number(ids.get(numberRows() - 1)), numberRows() - 1);
    await untilIdle(plain());
  });

  it('takes the same parameters as the dataset', async () => {
    const table = await tableFromIPC(fetch(new URL('datasets/numbers.arrows?columns=id&limit=7', plain())));
    assert.equal(table.numRows, 7);
    assert.deepEqual(table.schema.fields.map((field) => field.name), ['id']);
  });

  it('rejects a stream that failed after it started', async () => {
    await assert.rejects(tableFromIPC(fetch(new URL('datasets/tickers.arrows?rows=100000', broken()))));
  });
});
