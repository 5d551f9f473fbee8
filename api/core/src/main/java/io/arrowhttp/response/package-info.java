/**
 * What a resource method returns: {@link io.arrowhttp.response.ArrowStream}, an Arrow IPC stream
 * read lazily from an {@code ArrowReader}, and {@link io.arrowhttp.response.ArrowMultipart}, the
 * protocol's {@code multipart/mixed} response around one.
 */
package io.arrowhttp.response;
