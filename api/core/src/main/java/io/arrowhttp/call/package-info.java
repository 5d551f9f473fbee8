/**
 * One call as the server and its datasets both see it: {@link io.arrowhttp.call.CallContext}
 * (cancellation and deadline), {@link io.arrowhttp.call.RequestHeaders}, the id that ties an error
 * to its log line ({@link io.arrowhttp.call.ErrorIds}), and how a stream ended
 * ({@link io.arrowhttp.call.StreamOutcome}, {@link io.arrowhttp.call.StreamStatistics}). Depends on
 * nothing of the server, so the dataset SPI can use it.
 */
package io.arrowhttp.call;
