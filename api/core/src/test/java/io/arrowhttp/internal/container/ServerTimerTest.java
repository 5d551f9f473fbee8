package io.arrowhttp.internal.container;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The timer leaves no thread behind its application, whatever is scheduled while it stops. */
class ServerTimerTest {

    private static boolean timerThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.isAlive() && thread.getName().equals("arrowhttp-timer"));
    }

    @Test
    void aTaskScheduledAfterTheStopNeverRunsNorStartsAThread() throws InterruptedException {
        ServerTimer timer = new ServerTimer();
        AtomicBoolean ran = new AtomicBoolean();
        timer.schedule(() -> ran.set(true), Duration.ofSeconds(5));
        timer.stop();
        assertFalse(timerThreadAlive(), "the stop waits for its thread");

        ScheduledFuture<?> late = timer.schedule(() -> ran.set(true), Duration.ZERO);
        ScheduledFuture<?> periodic = timer.every(Duration.ofMillis(10), () -> ran.set(true));
        Thread.sleep(100);
        assertTrue(late.isCancelled() && periodic.isCancelled());
        assertFalse(ran.get());
        assertFalse(timerThreadAlive(), "a task after the stop made a thread");
    }
}
