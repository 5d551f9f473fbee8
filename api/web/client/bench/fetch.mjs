// One measured fetch for the benchmark harness (JavaScriptBenchmark): node fetch.mjs URL HOW,
// where HOW is multipart or stream (this client) or arrow (apache-arrow's reader on the bare
// stream, no client). Prints {"bytes", "rows", "nanos", "firstBatchNanos"} as one JSON line; the
// time runs from the request to the last batch, without Node's start.
import { RecordBatchReader } from 'apache-arrow';
import { openDataset } from '../src/index.js';

const [url, how] = process.argv.slice(2);
const started = process.hrtime.bigint();
let rows = 0;
let firstBatchNanos = 0n;
let bytes = 0;
const first = () => {
  if (firstBatchNanos === 0n) firstBatchNanos = process.hrtime.bigint() - started;
};
if (how === 'arrow') {
  const response = await fetch(url, {
    headers: { Accept: 'application/vnd.apache.arrow.stream', 'Accept-Encoding': 'identity' },
  });
  async function* counted() {
    for await (const chunk of response.body) {
      bytes += chunk.length;
      yield chunk;
    }
  }
  const reader = await (await RecordBatchReader.from(counted())).open();
  for await (const batch of reader) {
    first();
    rows += batch.numRows;
  }
} else {
  const response = await openDataset(url, { format: how });
  for await (const batch of response) {
    first();
    rows += batch.numRows;
  }
  bytes = response.bytesReceived;
}
const nanos = process.hrtime.bigint() - started;
console.log(JSON.stringify({ bytes, rows, nanos: Number(nanos), firstBatchNanos: Number(firstBatchNanos) }));
