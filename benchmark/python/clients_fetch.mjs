// One measured read by Node's fetch with its default headers, for clients_benchmark.py:
//   node clients_fetch.mjs URL HOW NODE_MODULES
// HOW is "table" (apache-arrow's tableFromIPC(await fetch(url)), the whole table) or "reader"
// (apache-arrow's RecordBatchReader.from(fetch(url)), batch by batch). NODE_MODULES is the folder
// holding apache-arrow (api/web/node_modules once api/web is built). Prints one JSON line:
// {"rows", "nanos", "status", "contentEncoding", "cache"}; the time runs from the request to the
// last row decoded, without Node's start or its loading of fetch.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [url, how, nodeModules] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(nodeModules), 'clients-benchmark.cjs'));
const { RecordBatchReader, tableFromIPC } = await import(pathToFileURL(require.resolve('apache-arrow')).href);

// Node loads fetch (undici) at its first call: a data: URL loads it here, before the clock, without
// touching the server.
await (await fetch('data:,')).arrayBuffer();

const started = process.hrtime.bigint();
let rows = 0;
let headers;
let status;
if (how === 'table') {
  const response = await fetch(url);
  ({ headers, status } = response);
  rows = (await tableFromIPC(response)).numRows;
} else if (how === 'reader') {
  const responded = fetch(url).then((response) => {
    ({ headers, status } = response);
    return response;
  });
  const reader = await RecordBatchReader.from(responded);
  for await (const batch of reader) {
    rows += batch.numRows;
  }
} else {
  throw new Error(`HOW must be table or reader, not ${how}`);
}
const nanos = process.hrtime.bigint() - started;
console.log(
  JSON.stringify({
    rows,
    nanos: Number(nanos),
    status,
    contentEncoding: headers.get('content-encoding'),
    cache: headers.get('x-arrowhttp-cache'),
  }),
);
