/** Hooks around every call, like Flight's server middleware, with request ids and an access log built in. */
package io.arrowhttp.server.middleware;
