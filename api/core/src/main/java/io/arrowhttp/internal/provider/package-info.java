/**
 * Not API. The JAX-RS providers the feature registers: the Arrow stream body writer, the filters
 * (boundary, authentication, CORS, middleware, memory release), the streaming interceptor and the
 * exception mappers that turn every failure into a problem body.
 */
package io.arrowhttp.internal.provider;
