/**
 * Not API. The JAX-RS resources: the catalog and datasets, {@code GET /}, the handshake and
 * {@code /status}, with what serves them (the responder, deadlines, metrics).
 */
package io.arrowhttp.internal.resource;
