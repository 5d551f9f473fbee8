import { HEADER_REQUEST_ID } from './protocol.js';

/**
 * Every failure of an arrowhttp call: an error answer (with the problem body's code), a response
 * that failed after it started (with the status part's code when there was one), or a response
 * that broke off. `code` is one of Arrow Flight's status codes, as the server uses them.
 */
export class ArrowHttpError extends Error {
  /**
   * @param {string} message what happened and what to do
   * @param {{code?: string, status?: number, requestId?: string|null, errorId?: string|null, cause?: unknown}} [details]
   */
  constructor(message, { code = 'UNKNOWN', status = 0, requestId = null, errorId = null, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ArrowHttpError';
    this.code = code;
    this.status = status;
    this.requestId = requestId;
    this.errorId = errorId;
  }
}

/** Turns an error answer (4xx, 5xx) into an ArrowHttpError carrying its problem body's words. */
export async function errorFromResponse(response) {
  const requestId = response.headers.get(HEADER_REQUEST_ID);
  let problem = {};
  try {
    problem = await response.json();
  } catch {
    // Not every error comes from the server itself (a proxy's 502 page, say): keep the status.
  }
  const detail = problem.detail || problem.title || response.statusText || 'the server refused the request';
  const suffix = requestId ? `, request ${requestId}` : '';
  return new ArrowHttpError(`${detail} (HTTP ${response.status}${suffix})`, {
    code: problem.code || 'UNKNOWN',
    status: response.status,
    requestId,
    errorId: problem.errorId || null,
  });
}
