package io.arrowhttp.call;

/**
 * {@code Expect: 100-continue} answered only after an upload has passed every check
 * (authentication, the writers, the dataset, the content type and coding, the concurrent
 * uploads), so that a refused client never sends its body.
 *
 * <p>A container that can send the interim {@code 100 Continue} on demand stores, under the
 * request property {@link #PROPERTY}, a {@link Runnable} that sends it; the server runs it just
 * before it reads an upload's body, and never for a request it refuses. The standalone server's
 * Grizzly handler does this. Servlet containers send it on their own: Tomcat before the
 * application runs unless its connector says {@code continueResponseTiming="onRead"}, which
 * sends it when the body is first read, after the checks too.
 */
public final class ContinueAfterChecks {

    /** The request property (a Grizzly request attribute) holding the {@link Runnable}. */
    public static final String PROPERTY = "io.arrowhttp.continue";

    private ContinueAfterChecks() {}
}
