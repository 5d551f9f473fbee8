import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fetchCatalog, fetchDataset, handshake } from '../src/index.js';
import { password, secured, user } from '../test-support/servers.js';

describe('a server with authentication on', () => {
  it('refuses a call without a token', async () => {
    await assert.rejects(fetchCatalog(secured()), { status: 401, code: 'UNAUTHENTICATED' });
  });

  it('refuses a wrong password', async () => {
    await assert.rejects(handshake(secured(), user(), `${password()}-wrong`), { status: 401 });
  });

  it('streams with the token of a handshake', async () => {
    const { token, expiresAt } = await handshake(secured(), user(), password());
    assert.ok(Date.parse(expiresAt) > Date.now());
    const names = (await fetchCatalog(secured(), { token })).map((dataset) => dataset.name);
    assert.ok(names.includes('tickers'));
    let rows = 0;
    for await (const batch of fetchDataset(new URL('datasets/tickers?rows=20000', secured()), { token })) {
      rows += batch.numRows;
    }
    assert.equal(rows, 20000);
  });
});
