package io.arrowhttp.internal.provider;

import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.jersey.server.monitoring.ApplicationEvent;
import org.glassfish.jersey.server.monitoring.ApplicationEventListener;
import org.glassfish.jersey.server.monitoring.RequestEvent;
import org.glassfish.jersey.server.monitoring.RequestEventListener;

/**
 * Counts the requests inside the application, from Jersey's start of a request to its end, so
 * that a stop can wait until the threads that served them have left it: a container that stops
 * the application next looks at those threads, and finds what a request in progress still holds.
 */
public final class RequestsInFlight implements ApplicationEventListener {

    /** What a thread still does after Jersey's end of a request: leave its request scope. */
    private static final long SETTLE_MILLIS = 100;

    private final AtomicInteger inFlight = new AtomicInteger();

    @Override
    public void onEvent(ApplicationEvent event) {}

    @Override
    public RequestEventListener onRequest(RequestEvent start) {
        inFlight.incrementAndGet();
        return event -> {
            if (event.getType() == RequestEvent.Type.FINISHED) {
                inFlight.decrementAndGet();
            }
        };
    }

    /** Waits until no request is inside the application, for at most {@code timeoutNanos}. */
    public void awaitNone(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            while (inFlight.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(SETTLE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Requests inside the application now. */
    public int count() {
        return inFlight.get();
    }
}
