/**
 * Not API. What the library needs of the HTTP server under Jersey beyond JAX-RS, for Grizzly and
 * for servlet containers: buffer sizes, and aborting a response that fails after it has started.
 */
package io.arrowhttp.internal.container;
