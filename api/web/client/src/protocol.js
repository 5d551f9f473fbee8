// The words of the arrowhttp protocol (docs/protocol.md) that this client speaks, in one place.
// They mirror the Java package io.arrowhttp.protocol.

export const MEDIA_MULTIPART = 'multipart/mixed';
export const MEDIA_ARROW_STREAM = 'application/vnd.apache.arrow.stream';
export const MEDIA_JSON = 'application/json';
export const MEDIA_TEXT = 'text/plain';

export const PATH_DATASETS = 'datasets';
export const PATH_INFO = 'info';
export const PATH_HANDSHAKE = 'auth/handshake';

export const PARAM_COLUMNS = 'columns';
export const PARAM_LIMIT = 'limit';
export const PARAM_CODECS = 'codecs';
export const PARAM_PARTITION = 'partition';
export const PARAM_START_BATCH = 'start_batch';
export const PARAM_INCLUDE_STATUS = 'include_status';
export const PARAM_INCLUDE_FOOTNOTES = 'include_footnotes';

export const HEADER_REQUEST_ID = 'X-Request-Id';
export const HEADER_REQUEST_TIMEOUT = 'X-Request-Timeout';

export const CODE_OK = 'OK';
export const CODE_UNAVAILABLE = 'UNAVAILABLE';
export const CODE_UNKNOWN = 'UNKNOWN';

/** The end-of-stream marker; a complete Arrow stream ends with it. */
export const END_OF_STREAM = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00);
/** Last byte of the failure marker, which is the end-of-stream marker with 0x80 as its last byte. */
export const FAILURE_MARKER_LAST_BYTE = 0x80;
