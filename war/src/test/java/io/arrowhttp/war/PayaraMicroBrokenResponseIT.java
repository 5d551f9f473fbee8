package io.arrowhttp.war;

import io.arrowhttp.war.containers.LogTailOnFailure;
import io.arrowhttp.war.containers.PayaraMicroContainer;
import io.arrowhttp.war.containers.ServletContainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Payara Micro too drops the connection under a response that fails after it has started. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(LogTailOnFailure.class)
class PayaraMicroBrokenResponseIT implements LogTailOnFailure.RunsInContainer {

    private PayaraMicroContainer payara;

    @BeforeAll
    void startPayara() {
        payara = new PayaraMicroContainer(
                Path.of("target", "it", "payara-micro-broken"),
                Map.of("ARROWHTTP_RESPONSE_MEMORY_LIMIT", BrokenResponses.TOO_SMALL_RESPONSE_MEMORY));
        payara.start();
    }

    @AfterAll
    void stopPayara() {
        payara.close();
    }

    @Override
    public ServletContainer container() {
        return payara;
    }

    @Test
    void failureAfterTheStatusLineIsVisibleToTheClient() throws IOException {
        BrokenResponses.assertFailureIsVisible(payara.baseUri());
    }
}
