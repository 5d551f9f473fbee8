import { indexOf, partialMatchAtEnd } from './bytes.js';

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();
const CRLF = ENCODER.encode('\r\n');
const HEADERS_END = ENCODER.encode('\r\n\r\n');
const MAX_HEADER_BYTES = 16 * 1024;

/** The `boundary` parameter of a multipart Content-Type, or null. */
export function boundaryOf(contentType) {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType || '');
  return match ? match[1] || match[2] : null;
}

/**
 * Reads a multipart body (RFC 2046) part by part as it arrives, without holding a part in memory:
 * `next()` gives the next part's Content-Type, `body()` its content in pieces. The boundary is
 * looked for as `CRLF--boundary`; the server's boundaries are 224 random bits, so content never
 * holds one by chance.
 */
export class MultipartReader {
  #bytes;
  #delimiter;
  #opened = false;
  #inBody = false;
  #closed = false;

  /** @param {import('./bytes.js').ByteReader} bytes @param {string} boundary */
  constructor(bytes, boundary) {
    this.#bytes = bytes;
    this.#delimiter = ENCODER.encode(`\r\n--${boundary}`);
  }

  /** Whether the close delimiter has been read: the body ended as it should. */
  get closed() {
    return this.#closed;
  }

  /** The next part's Content-Type (lower case, '' without one), or null after the last part. */
  async next() {
    if (this.#closed) return null;
    if (this.#inBody) {
      for await (const ignored of this.body()) void ignored;
    }
    if (!this.#opened) {
      await this.#findFirstDelimiter();
      this.#opened = true;
    }
    if (!(await this.#bytes.fill(2))) throw this.#bytes.brokenOff('after a boundary');
    const after = this.#bytes.buffered;
    if (after[0] === 0x2d && after[1] === 0x2d) {
      this.#bytes.take(2);
      this.#closed = true;
      return null;
    }
    const headers = await this.#readHeaders();
    this.#inBody = true;
    return headers.get('content-type') || '';
  }

  /** The current part's content, piece by piece, up to the next delimiter. */
  async *body() {
    const delimiter = this.#delimiter;
    while (this.#inBody) {
      const buffered = this.#bytes.buffered;
      const at = indexOf(buffered, delimiter);
      if (at !== -1) {
        const content = this.#bytes.take(at);
        this.#bytes.take(delimiter.length);
        this.#inBody = false;
        if (content.length > 0) yield content;
        return;
      }
      const safe = buffered.length - partialMatchAtEnd(buffered, delimiter);
      if (safe > 0) yield this.#bytes.take(safe);
      if (!(await this.#bytes.more())) throw this.#bytes.brokenOff('inside a part, before its boundary');
    }
  }

  /** The current part's content as text, refusing more than `limit` bytes. */
  async text(limit) {
    let text = '';
    let length = 0;
    for await (const piece of this.body()) {
      length += piece.length;
      if (length > limit) throw new Error(`A part of the response is longer than ${limit} bytes`);
      text += DECODER.decode(piece, { stream: true });
    }
    return text + DECODER.decode();
  }

  /**
   * What the current part holds before the body ends, with or without a delimiter: the status part
   * after a failure, which the server follows by dropping the connection.
   */
  async textUntilBroken(limit) {
    const pieces = [];
    try {
      for await (const piece of this.body()) {
        pieces.push(piece);
        if (pieces.reduce((sum, p) => sum + p.length, 0) > limit) break;
      }
    } catch {
      // Expected: the connection drops after this part.
    }
    return pieces.map((piece) => DECODER.decode(piece, { stream: true })).join('') + DECODER.decode();
  }

  async #findFirstDelimiter() {
    // The body starts with --boundary (the delimiter without its CRLF); a preamble may come first.
    const dashBoundary = this.#delimiter.subarray(2);
    for (;;) {
      const buffered = this.#bytes.buffered;
      if (buffered.length >= dashBoundary.length && startsWith(buffered, dashBoundary)) {
        this.#bytes.take(dashBoundary.length);
        return;
      }
      const at = indexOf(buffered, this.#delimiter);
      if (at !== -1) {
        this.#bytes.take(at + this.#delimiter.length);
        return;
      }
      if (!(await this.#bytes.more())) throw this.#bytes.brokenOff('before the first part');
    }
  }

  async #readHeaders() {
    // The delimiter line ends with CRLF (after optional padding), then come header lines and an
    // empty line; without headers the empty line follows at once, and CRLF CRLF is found there.
    for (;;) {
      const buffered = this.#bytes.buffered;
      const lineEnd = indexOf(buffered, CRLF);
      const end = lineEnd === -1 ? -1 : indexOf(buffered, HEADERS_END, lineEnd);
      if (end !== -1) {
        const block = this.#bytes.take(end + HEADERS_END.length);
        return parseHeaders(DECODER.decode(block.subarray(Math.min(lineEnd + 2, end), end)));
      }
      if (buffered.length > MAX_HEADER_BYTES) throw new Error('The headers of a part are too long');
      if (!(await this.#bytes.more())) throw this.#bytes.brokenOff('inside the headers of a part');
    }
  }
}

function startsWith(bytes, prefix) {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

function parseHeaders(block) {
  const headers = new Map();
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim().toLowerCase());
  }
  return headers;
}
