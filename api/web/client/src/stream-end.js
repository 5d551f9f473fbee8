import { concat } from './bytes.js';
import { END_OF_STREAM, FAILURE_MARKER_LAST_BYTE } from './protocol.js';

/** How many bytes at the end of `bytes` could be the start of, or all of, an end marker. */
function markerLikeEnd(bytes) {
  for (let k = Math.min(END_OF_STREAM.length, bytes.length); k > 0; k--) {
    let matches = true;
    for (let j = 0; j < k && matches; j++) {
      const byte = bytes[bytes.length - k + j];
      matches = byte === END_OF_STREAM[j] || (j === END_OF_STREAM.length - 1 && byte === FAILURE_MARKER_LAST_BYTE);
    }
    if (matches) return k;
  }
  return 0;
}

/**
 * The bytes of one Arrow IPC stream on their way to an Arrow reader, watched for how the stream
 * ends. A complete stream ends with the end-of-stream marker; a stream the server failed ends with
 * the failure marker, which is held back from the reader (Arrow's JavaScript reader would take it
 * for a message); a stream cut short ends with neither. Bytes that might be a marker wait for the
 * next bytes, so the reader gets every batch as soon as it can be decoded.
 */
export class WatchedStream {
  /** 'complete', 'failed' or 'cut' once the bytes have ended; null before. */
  ending = null;
  #pieces;
  #bytes;

  /** @param {AsyncIterable<Uint8Array>} pieces */
  constructor(pieces) {
    this.#pieces = pieces;
    this.#bytes = this.#watch();
  }

  /**
   * The bytes, once. A reader that stops early (at the end-of-stream marker) does not end the
   * iteration: `drain()` reads the rest, so that the ending is known.
   */
  [Symbol.asyncIterator]() {
    const bytes = this.#bytes;
    return {
      next: () => bytes.next(),
      return: async () => ({ done: true, value: undefined }),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /** Reads whatever the reader left, and returns the ending. */
  async drain() {
    while (!(await this.#bytes.next()).done) {
      // only the ending is wanted
    }
    return this.ending;
  }

  async *#watch() {
    let held = new Uint8Array(0);
    for await (const piece of this.#pieces) {
      const bytes = concat(held, piece);
      const hold = markerLikeEnd(bytes);
      if (bytes.length > hold) yield bytes.subarray(0, bytes.length - hold);
      held = bytes.subarray(bytes.length - hold);
    }
    if (held.length === END_OF_STREAM.length && held[END_OF_STREAM.length - 1] === 0) {
      this.ending = 'complete';
      yield held;
    } else if (held.length === END_OF_STREAM.length) {
      this.ending = 'failed';
    } else {
      this.ending = 'cut';
      if (held.length > 0) yield held;
    }
  }
}
