import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ArrowHttpError, fetchDataset, fetchStreamBytes } from '../src/index.js';
import { broken, numberRows, plain } from '../test-support/servers.js';

async function drain(iterable) {
  let rows = 0;
  for await (const batch of iterable) rows += batch.numRows ?? 0;
  return rows;
}

function isBrokenOff(error) {
  assert.ok(error instanceof ArrowHttpError, String(error));
  assert.equal(error.code, 'UNAVAILABLE');
  assert.match(error.message, /incomplete/);
  return true;
}

describe('a response that fails after it started', () => {
  it('throws with the status part explaining it', async () => {
    await assert.rejects(drain(fetchDataset(new URL('datasets/tickers?rows=100000', broken()))), (error) => {
      assert.ok(error instanceof ArrowHttpError, String(error));
      assert.notEqual(error.code, 'OK');
      assert.match(error.message, /did not arrive whole/);
      return true;
    });
  });

  it('throws for the bare stream too', async () => {
    await assert.rejects(
      drain(fetchDataset(new URL('datasets/tickers?rows=100000', broken()), { format: 'stream' })),
      ArrowHttpError,
    );
  });
});

/**
 * A stand-in server that replays a real response of the arrowhttp server but stops it early, the
 * way a dropped connection or a proxy that gives up does.
 */
describe('a response cut short', () => {
  let server;
  let replay;
  const cuts = new Map();

  before(async () => {
    const multipart = await fetch(new URL('datasets/numbers?include_status', plain()), {
      headers: { 'Accept-Encoding': 'identity' },
    });
    const stream = await fetch(new URL('datasets/numbers', plain()), {
      headers: { Accept: 'application/vnd.apache.arrow.stream', 'Accept-Encoding': 'identity' },
    });
    replay = {
      multipart: { type: multipart.headers.get('content-type'), body: new Uint8Array(await multipart.arrayBuffer()) },
      stream: { type: stream.headers.get('content-type'), body: new Uint8Array(await stream.arrayBuffer()) },
    };
    server = http.createServer((request, response) => {
      const { kind, keep, close } = cuts.get(new URL(request.url, 'http://replay').pathname);
      const { type, body } = replay[kind];
      response.writeHead(200, { 'Content-Type': type });
      response.write(body.subarray(0, keep(body)));
      // A chunked body that ends without its last chunk: the connection just goes.
      setTimeout(() => (close ? response.end() : response.socket.destroy()), 50);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });

  after(() => {
    // fetch keeps its connections open for reuse; close would wait for them.
    server.closeAllConnections();
    server.close();
  });

  const url = (name) => `http://127.0.0.1:${server.address().port}/${name}`;

  it('throws when the multipart body breaks off inside the Arrow part', async () => {
    cuts.set('/mid-arrow', { kind: 'multipart', keep: (body) => Math.floor(body.length / 2) });
    await assert.rejects(drain(fetchDataset(url('mid-arrow'))), isBrokenOff);
  });

  it('throws when the body ends cleanly but without the close delimiter', async () => {
    // Everything up to the status part, then a proper end of the body: an HTTP/1.0 proxy's view.
    cuts.set('/no-close', {
      kind: 'multipart',
      keep: (body) => new TextDecoder().decode(body).lastIndexOf('\r\n--'),
      close: true,
    });
    await assert.rejects(drain(fetchDataset(url('no-close'))), isBrokenOff);
  });

  it('throws when the bare stream breaks off between batches', async () => {
    cuts.set('/stream-cut', { kind: 'stream', keep: (body) => body.length - 8, close: true });
    await assert.rejects(drain(fetchDataset(url('stream-cut'), { format: 'stream' })), isBrokenOff);
  });

  it('throws when a saved stream breaks off', async () => {
    cuts.set('/save-cut', { kind: 'stream', keep: (body) => body.length - 100 });
    await assert.rejects(drain(fetchStreamBytes(url('save-cut'))), isBrokenOff);
  });

  it('reads the replay whole when nothing is cut', async () => {
    cuts.set('/whole', { kind: 'multipart', keep: (body) => body.length, close: true });
    assert.equal(await drain(fetchDataset(url('whole'))), numberRows());
  });
});
