// The servers these tests talk to, started by the Java test JavaScriptClientTest (standalone
// module) on 127.0.0.1 and handed over in the environment.
import assert from 'node:assert/strict';

function required(name) {
  const value = process.env[name];
  assert.ok(value, `${name} is not set: run these tests through 'mvn verify' (JavaScriptClientTest), which starts the servers`);
  return value;
}

export const plain = () => required('ARROWHTTP_URL');
export const broken = () => required('ARROWHTTP_BROKEN_URL');
export const secured = () => required('ARROWHTTP_SECURED_URL');
export const user = () => required('ARROWHTTP_USER');
export const password = () => required('ARROWHTTP_PASSWORD');
/** Rows of the `numbers` dataset, whose column `id` holds 0 to rows - 1 in order. */
export const numberRows = () => Number(required('ARROWHTTP_NUMBER_ROWS'));

/** The server's /status, to see that it holds no stream and no Arrow memory. */
export async function serverStatus(base) {
  const response = await fetch(new URL('status', base), { headers: { Accept: 'application/json' } });
  return response.json();
}

/** Waits, a bounded number of times, until the server has no stream running. */
export async function untilIdle(base) {
  let status;
  for (let i = 0; i < 100; i++) {
    status = await serverStatus(base);
    if (status.activeStreams === 0 && status.allocatedBytes === 0) return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`the server still holds a stream: ${JSON.stringify(status)}`);
}
