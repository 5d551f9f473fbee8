package io.arrowhttp.war;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.testing.web.ForeignOrigin;
import io.arrowhttp.testing.web.NumbersFile;
import io.arrowhttp.testing.web.WebPage;
import io.arrowhttp.war.containers.LogTailOnFailure;
import io.arrowhttp.war.containers.ServletContainer;
import io.arrowhttp.war.containers.TomcatContainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The web page of the war in Tomcat 10.1, in Debian's headless Chromium: the root deployment serves
 * a folder of a million rows and lets one other origin read; {@code /closed} serves the same folder
 * to its own origin only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(LogTailOnFailure.class)
class TomcatWebPageIT implements LogTailOnFailure.RunsInContainer {

    private static final long MILLION = 1_000_000;
    private static final Path FOLDER = Path.of("target", "it", "web").toAbsolutePath();

    private ForeignOrigin site;
    private TomcatContainer tomcat;

    @BeforeAll
    void startTomcat() throws IOException {
        site = ForeignOrigin.start();
        String data = NumbersFile.write(FOLDER.resolve("data"), MILLION).toString();
        tomcat = new TomcatContainer(
                        Path.of("target", "it", "tomcat-web"),
                        Map.of("arrowhttp.data-dir", data, "arrowhttp.cors-origins", site.origin()),
                        true,
                        null)
                .alsoDeploy("/closed", Map.of("arrowhttp.data-dir", data));
        tomcat.start();
    }

    @AfterAll
    void stopTomcat() {
        if (tomcat != null) {
            tomcat.close();
        }
        if (site != null) {
            site.close();
        }
    }

    @Override
    public ServletContainer container() {
        return tomcat;
    }

    @Test
    void thePageStreamsAMillionRowsThroughTomcatToAFullProgressBarAndHistogram() throws IOException {
        try (WebPage page = WebPage.open(tomcat.baseUri(), FOLDER.resolve("downloads"))) {
            assertEquals(
                    List.of(NumbersFile.DATASET, "tickers"),
                    page.datasetNames().stream().sorted().toList());
            page.select(NumbersFile.DATASET);
            page.rowsToShow(20);
            assertEquals("done", page.showRows(), page.status());
            List<List<String>> rows = page.tableRows();
            assertEquals(20, rows.size());
            assertEquals(List.of("19", "row 19", "59.4"), rows.get(19));
            page.histogramOf("value");
            assertEquals("done", page.fetchAll(), page.status());
            assertEquals(100.0, page.progress());
            assertTrue(page.progressText().startsWith("1,000,000 of 1,000,000 rows (100 %)"), page.progressText());
            assertEquals(MILLION, page.histogramCount());
            assertEquals(MILLION, page.chartTotalAndBars()[0]);
        }
    }

    @Test
    void aPageOnAnotherOriginReadsOnlyFromTheDeploymentThatAllowsIt() throws IOException {
        try (WebPage page = WebPage.open(
                site.page(
                        tomcat.baseUri().resolve("/datasets/numbers?limit=1000"),
                        tomcat.baseUri().resolve("/closed/datasets/numbers?limit=1000")),
                FOLDER.resolve("downloads"))) {
            page.waitForDone("refused");
            assertEquals("rows 1000", page.text("allowed"));
            assertTrue(page.text("refused").startsWith("error TypeError"), page.text("refused"));
        }
    }
}
