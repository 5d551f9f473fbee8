import { RecordBatchReader } from 'apache-arrow';
import { ByteReader } from './bytes.js';
import { ArrowHttpError, errorFromResponse } from './errors.js';
import { MultipartReader, boundaryOf } from './multipart.js';
import {
  CODE_OK,
  CODE_UNKNOWN,
  HEADER_REQUEST_ID,
  HEADER_REQUEST_TIMEOUT,
  MEDIA_ARROW_STREAM,
  MEDIA_JSON,
  MEDIA_MULTIPART,
  MEDIA_TEXT,
  PARAM_CODECS,
  PARAM_COLUMNS,
  PARAM_INCLUDE_FOOTNOTES,
  PARAM_INCLUDE_STATUS,
  PARAM_LIMIT,
} from './protocol.js';
import { WatchedStream } from './stream-end.js';

const MAX_JSON_PART = 64 * 1024 * 1024;

/**
 * @typedef {object} FetchOptions
 * @property {string[]|string} [columns] the columns to send, in this order
 * @property {number} [limit] at most this many rows
 * @property {string[]|string} [codecs] Arrow IPC codecs to ask for ('zstd', 'lz4'); register a
 *     decoder for each with apache-arrow's `compressionRegistry` first
 * @property {string[]|string} [contentCodings] HTTP content codings to offer in Node.js ('zstd',
 *     'gzip'), for slow links; none by default. Browsers choose their own.
 * @property {AbortSignal} [signal] stops the request and the stream
 * @property {string} [token] a bearer token (from `handshake`, or an API token)
 * @property {'multipart'|'stream'} [format] the multipart response (default: its JSON part is
 *     `metadata`) or the bare Arrow stream
 * @property {number} [timeoutSeconds] the deadline the server enforces (X-Request-Timeout)
 * @property {boolean} [footnotes] ask for the text part, kept as `footnotes`
 * @property {Record<string, string|number>} [params] any other query parameters (`rows`,
 *     `partition`, `start_batch`, ...)
 * @property {(progress: {bytes: number, rows: number, batches: number}) => void} [onProgress]
 *     called after each record batch
 * @property {typeof fetch} [fetch] the fetch to use, globalThis.fetch by default
 */

/** The URL of a request for a dataset: `url` with the options' query parameters. */
export function datasetUrl(url, options = {}) {
  const target = new URL(url, globalThis.location?.href);
  const set = (name, value) => {
    if (value !== undefined && value !== null && value !== '') target.searchParams.set(name, String(value));
  };
  set(PARAM_COLUMNS, Array.isArray(options.columns) ? options.columns.join(',') : options.columns);
  set(PARAM_LIMIT, options.limit);
  set(PARAM_CODECS, Array.isArray(options.codecs) ? options.codecs.join(',') : options.codecs);
  for (const [name, value] of Object.entries(options.params || {})) set(name, value);
  return target;
}

/** Request headers for the options. */
export function requestHeaders(options, accept) {
  // Node's fetch offers gzip on its own, and gzip costs the server far more CPU than the network
  // saves on fast links; so only the codings asked for, and those insisted on (identity;q=0), since
  // the server may leave a mere offer unanswered. Browsers ignore this header (they choose the
  // codings, zstd among them in current ones, and decode them natively).
  const codings = Array.isArray(options.contentCodings) ? options.contentCodings.join(', ') : options.contentCodings;
  const headers = { Accept: accept, 'Accept-Encoding': codings ? `${codings}, identity;q=0` : 'identity' };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.timeoutSeconds) headers[HEADER_REQUEST_TIMEOUT] = String(options.timeoutSeconds);
  return headers;
}

/**
 * Streams a dataset's record batches as they arrive: `for await (const batch of
 * fetchDataset(url, options))`. Each is an apache-arrow RecordBatch. The loop ends normally only
 * when the whole dataset has arrived; a response that fails or breaks off, at any point, throws an
 * ArrowHttpError instead, so a partial dataset is never taken for the whole.
 *
 * @param {string|URL} url a dataset's URL, such as `https://host/datasets/trades`
 * @param {FetchOptions} [options]
 */
export async function* fetchDataset(url, options = {}) {
  const response = await openDataset(url, options);
  yield* response;
}

/**
 * Starts fetching a dataset and reads up to its schema, for callers that want the schema and the
 * metadata before the batches. Iterate the result (once) for the batches.
 *
 * @param {string|URL} url
 * @param {FetchOptions} [options]
 * @returns {Promise<DatasetResponse>}
 */
export async function openDataset(url, options = {}) {
  const multipart = (options.format || 'multipart') === 'multipart';
  const target = datasetUrl(url, options);
  if (multipart) {
    target.searchParams.set(PARAM_INCLUDE_STATUS, 'true');
    if (options.footnotes) target.searchParams.set(PARAM_INCLUDE_FOOTNOTES, 'true');
  }
  const fetchImpl = options.fetch || globalThis.fetch;
  const response = await fetchImpl(target, {
    headers: requestHeaders(options, multipart ? MEDIA_MULTIPART : MEDIA_ARROW_STREAM),
    signal: options.signal,
  });
  if (!response.ok) throw await errorFromResponse(response);
  const dataset = new DatasetResponse(response, options);
  try {
    await dataset.open(multipart);
  } catch (error) {
    await dataset.cancel();
    throw error;
  }
  return dataset;
}

/**
 * One response for a dataset, being read. `metadata` is the JSON part (null for the bare stream),
 * `schema` the Arrow schema; iterating gives the record batches; after the last, `footnotes` and
 * `status` hold the closing parts when there were any.
 */
export class DatasetResponse {
  metadata = null;
  schema = null;
  footnotes = null;
  status = null;
  rows = 0;
  batches = 0;
  #response;
  #options;
  #bytes;
  #parts = null;
  #stream;
  #reader;

  constructor(response, options) {
    this.#response = response;
    this.#options = options;
    this.requestId = response.headers.get(HEADER_REQUEST_ID);
    this.url = response.url;
    this.#bytes = new ByteReader(response.body, this.requestId);
  }

  /** Bytes of the response body received so far. */
  get bytesReceived() {
    return this.#bytes.received;
  }

  /** Reads up to the schema. Called once, by openDataset. */
  async open(multipart) {
    const contentType = this.#response.headers.get('Content-Type') || '';
    if (multipart) {
      const boundary = boundaryOf(contentType);
      if (!contentType.toLowerCase().startsWith(MEDIA_MULTIPART) || !boundary) {
        throw new ArrowHttpError(`Expected a multipart/mixed response; got '${contentType}'`, {
          requestId: this.requestId,
        });
      }
      this.#parts = new MultipartReader(this.#bytes, boundary);
      let type = await this.#parts.next();
      if (type !== null && type.startsWith(MEDIA_JSON)) {
        this.metadata = JSON.parse(await this.#parts.text(MAX_JSON_PART));
        type = await this.#parts.next();
      }
      if (type === null || !type.startsWith(MEDIA_ARROW_STREAM)) {
        throw new ArrowHttpError(`The response has no Arrow part (found '${type}')`, { requestId: this.requestId });
      }
      this.#stream = new WatchedStream(this.#parts.body());
    } else {
      if (!contentType.toLowerCase().startsWith(MEDIA_ARROW_STREAM)) {
        throw new ArrowHttpError(`Expected an Arrow stream; got '${contentType}'`, { requestId: this.requestId });
      }
      this.#stream = new WatchedStream(bodyPieces(this.#bytes));
    }
    this.#reader = await (await RecordBatchReader.from(this.#stream)).open();
    this.schema = this.#reader.schema;
    if (this.schema == null) await this.#finish();
  }

  async *[Symbol.asyncIterator]() {
    let finished = false;
    try {
      if (this.schema != null) {
        for await (const batch of this.#reader) {
          this.rows += batch.numRows;
          this.batches += 1;
          this.#options.onProgress?.({ bytes: this.bytesReceived, rows: this.rows, batches: this.batches });
          yield batch;
        }
        await this.#finish();
      }
      finished = true;
    } finally {
      if (!finished) await this.cancel();
    }
  }

  /** Stops reading and releases the connection. */
  async cancel() {
    await this.#bytes.cancel();
  }

  /** Reads what follows the Arrow stream and throws unless the response is complete. */
  async #finish() {
    // The reader stops at the end-of-stream marker; whatever the stream still holds is read here,
    // so that its ending is known.
    await this.#stream.drain();
    if (this.#parts) {
      await this.#readClosingParts();
    } else if (this.#stream.ending === 'failed') {
      throw this.#failed(null);
    }
    if (this.#stream.ending === 'cut') throw this.#bytes.brokenOff('inside the Arrow stream');
  }

  async #readClosingParts() {
    if (this.#stream.ending === 'failed') {
      const type = await this.#parts.next().catch(() => null);
      let status = null;
      if (type !== null && type.startsWith(MEDIA_JSON)) {
        try {
          status = JSON.parse(await this.#parts.textUntilBroken(MAX_JSON_PART));
        } catch {
          // the explanation did not arrive whole; the failure stands without it
        }
      }
      this.status = status;
      throw this.#failed(status);
    }
    for (let type = await this.#parts.next(); type !== null; type = await this.#parts.next()) {
      if (type.startsWith(MEDIA_TEXT)) {
        this.footnotes = await this.#parts.text(MAX_JSON_PART);
      } else if (type.startsWith(MEDIA_JSON)) {
        this.status = JSON.parse(await this.#parts.text(MAX_JSON_PART));
        if (this.status.code !== CODE_OK) throw this.#failed(this.status);
      }
    }
    while (await this.#bytes.more()) {
      // the epilogue, if any: read to the end so that a body cut short is noticed
    }
  }

  #failed(status) {
    const code = status?.code || CODE_UNKNOWN;
    const reason = status?.message || 'the server reported a failure after the response had started';
    const where = [this.requestId && `request ${this.requestId}`, status?.errorId && `error ${status.errorId}`]
      .filter(Boolean)
      .join(', ');
    return new ArrowHttpError(
      `The dataset did not arrive whole: ${reason} (${code}${where ? ', ' + where : ''}, after ${this.rows} rows)`,
      { code, requestId: this.requestId, errorId: status?.errorId || null },
    );
  }
}

/**
 * The bytes of a dataset's bare Arrow stream, as they arrive, for saving as an `.arrows` file:
 * throws an ArrowHttpError, after the last piece, unless the stream arrived whole.
 *
 * @param {string|URL} url
 * @param {FetchOptions} [options]
 */
export async function* fetchStreamBytes(url, options = {}) {
  const fetchImpl = options.fetch || globalThis.fetch;
  const response = await fetchImpl(datasetUrl(url, options), {
    headers: requestHeaders(options, MEDIA_ARROW_STREAM),
    signal: options.signal,
  });
  if (!response.ok) throw await errorFromResponse(response);
  const requestId = response.headers.get(HEADER_REQUEST_ID);
  const bytes = new ByteReader(response.body, requestId);
  const stream = new WatchedStream(bodyPieces(bytes));
  let finished = false;
  try {
    for await (const piece of stream) {
      options.onProgress?.({ bytes: bytes.received, rows: 0, batches: 0 });
      yield piece;
    }
    finished = true;
  } finally {
    if (!finished) await bytes.cancel();
  }
  if (stream.ending === 'failed') {
    throw new ArrowHttpError(`The server reported a failure after the response had started (request ${requestId})`, {
      requestId,
    });
  }
  if (stream.ending === 'cut') throw bytes.brokenOff('inside the Arrow stream');
}

async function* bodyPieces(bytes) {
  for (;;) {
    if (bytes.buffered.length > 0) yield bytes.take(bytes.buffered.length);
    if (!(await bytes.more())) return;
  }
}
