import { ArrowHttpError } from './errors.js';
import { CODE_UNAVAILABLE } from './protocol.js';

const EMPTY = new Uint8Array(0);

/** Joins two byte arrays into a new one. */
export function concat(a, b) {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}

/** Where `pattern` starts in `bytes` at or after `from`, or -1. */
export function indexOf(bytes, pattern, from = 0) {
  const first = pattern[0];
  const last = bytes.length - pattern.length;
  for (let i = bytes.indexOf(first, from); i !== -1 && i <= last; i = bytes.indexOf(first, i + 1)) {
    let k = 1;
    while (k < pattern.length && bytes[i + k] === pattern[k]) k++;
    if (k === pattern.length) return i;
  }
  return -1;
}

/**
 * How many bytes at the end of `bytes` could be the start of `pattern`: those must wait for the
 * next bytes before anyone may have them.
 */
export function partialMatchAtEnd(bytes, pattern) {
  const longest = Math.min(pattern.length - 1, bytes.length);
  for (let k = longest; k > 0; k--) {
    let matches = true;
    for (let j = 0; j < k && matches; j++) matches = bytes[bytes.length - k + j] === pattern[j];
    if (matches) return k;
  }
  return 0;
}

/**
 * The bytes of a response body, read as they arrive and handed out by the caller's measure. A body
 * that breaks off (a dropped connection, a chunked body without its last chunk) becomes an
 * ArrowHttpError saying so; an abort by the caller's signal stays the AbortError it is.
 */
export class ByteReader {
  #reader;
  #buffer = EMPTY;
  #done = false;
  #received = 0;
  #requestId;

  /** @param {ReadableStream<Uint8Array>} stream @param {string|null} requestId for messages */
  constructor(stream, requestId) {
    this.#reader = stream.getReader();
    this.#requestId = requestId;
  }

  /** The bytes read and not yet taken. */
  get buffered() {
    return this.#buffer;
  }

  /** Bytes of the body received so far. */
  get received() {
    return this.#received;
  }

  /** Reads the next bytes into the buffer; false at the end of the body. */
  async more() {
    if (this.#done) return false;
    let next;
    try {
      next = await this.#reader.read();
    } catch (error) {
      if (error?.name === 'AbortError') throw error;
      throw this.brokenOff('the connection broke', error);
    }
    if (next.done) {
      this.#done = true;
      return false;
    }
    this.#received += next.value.length;
    this.#buffer = concat(this.#buffer, next.value);
    return true;
  }

  /** Takes the first `n` buffered bytes. */
  take(n) {
    const taken = this.#buffer.subarray(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return taken;
  }

  /** Reads until at least `n` bytes are buffered; false if the body ends first. */
  async fill(n) {
    while (this.#buffer.length < n) {
      if (!(await this.more())) return false;
    }
    return true;
  }

  /** Stops reading: the rest of the body is not wanted. */
  async cancel() {
    try {
      await this.#reader.cancel();
    } catch {
      // The body may already have failed; there is nothing left to release.
    }
  }

  /** An error for a body that ended where it must not. */
  brokenOff(where, cause) {
    const request = this.#requestId ? ` (request ${this.#requestId})` : '';
    return new ArrowHttpError(
      `The response broke off after ${this.#received} bytes: ${where}${request}. ` +
        'It is incomplete; fetch it again (start_batch resumes at a batch).',
      { code: CODE_UNAVAILABLE, requestId: this.#requestId, cause },
    );
  }
}
