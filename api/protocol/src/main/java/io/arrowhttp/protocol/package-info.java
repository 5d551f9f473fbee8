/**
 * The words of the arrowhttp protocol, the one copy servers and clients share: media types,
 * paths, query parameters and headers, error codes with their HTTP statuses, and the JSON records
 * (catalog entries, problem bodies, the status part, the handshake answer). {@code docs/protocol.md}
 * describes the same for client authors in any language.
 */
package io.arrowhttp.protocol;
