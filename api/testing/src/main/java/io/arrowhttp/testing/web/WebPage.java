package io.arrowhttp.testing.web;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page at {@code /ui/} in Debian's headless Chromium, driven by Selenium as a user would
 * use it: click a dataset, set the controls, press a button, read what the page shows. One browser
 * per instance; {@link #close()} ends it.
 */
public final class WebPage implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(2);

    private final ChromeDriver driver;

    private WebPage(ChromeDriver driver) {
        this.driver = driver;
    }

    /**
     * A browser that saves downloads in {@code downloads} and has opened {@code url}. Without
     * Chromium the test is skipped, except under CI, where {@code .ci/run} installs it.
     */
    public static WebPage open(URI url, Path downloads) throws IOException {
        return open(url, downloads, List.of());
    }

    /**
     * As {@link #open(URI, Path)}, trusting HTTPS servers whose certificate holds one of these
     * public keys ({@link #spkiHash}): a test's own server, and no other.
     */
    public static WebPage open(URI url, Path downloads, List<String> trustedKeys) throws IOException {
        requireChromium();
        Files.createDirectories(downloads);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // The flags that keep Chromium from reaching for the network on its own: the tests talk
        // to 127.0.0.1 only.
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1400,1300",
                "--user-data-dir=" + Files.createTempDirectory("arrowhttp-chromium"));
        if (!trustedKeys.isEmpty()) {
            options.addArguments("--ignore-certificate-errors-spki-list=" + String.join(",", trustedKeys));
        }
        options.setExperimentalOption(
                "prefs",
                Map.of(
                        "download.default_directory",
                        downloads.toAbsolutePath().toString(),
                        "download.prompt_for_download",
                        false));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        driver.get(url.toString());
        return new WebPage(driver);
    }

    /** The SHA-256 of the first certificate's public key in a PEM chain, as Chromium names keys. */
    public static String spkiHash(Path chainPem) throws IOException {
        try (InputStream in = Files.newInputStream(chainPem)) {
            Certificate first = CertificateFactory.getInstance("X.509").generateCertificate(in);
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(first.getPublicKey().getEncoded());
            return Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("not a certificate chain: " + chainPem, e);
        }
    }

    /** Types into the "other parameters" field, such as {@code rows=200000}. */
    public void otherParameters(String query) {
        WebElement params = driver.findElement(By.id("params"));
        params.clear();
        params.sendKeys(query);
    }

    /** The declared parameters' fields, each as its label's text (name, type, default or required). */
    public List<String> parameterLabels() {
        return driver.findElements(By.cssSelector("#parameters label")).stream()
                .map(label -> label.getAttribute("textContent").trim())
                .toList();
    }

    /** Types into the field of the declared parameter {@code name}. */
    public void parameter(String name, String value) {
        WebElement field = driver.findElement(By.cssSelector("#parameters input[data-parameter='" + name + "']"));
        field.clear();
        field.sendKeys(value);
    }

    static void requireChromium() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && System.getenv("CI") != null) {
            throw new IllegalStateException(
                    "Chromium and chromedriver are not installed: .ci/run installs Debian's chromium and chromium-driver");
        }
        Assumptions.assumeTrue(present, "Debian's chromium and chromium-driver are not installed");
    }

    /** The names in the dataset list, once the catalog has loaded. */
    public List<String> datasetNames() {
        waitUntil(() -> !driver.findElements(By.cssSelector("#datasets li")).isEmpty(), Duration.ofSeconds(20));
        return driver.findElements(By.cssSelector("#datasets li")).stream()
                .map(item -> item.getAttribute("data-name"))
                .toList();
    }

    public void select(String dataset) {
        driver.findElement(By.cssSelector("#datasets li[data-name='" + dataset + "']"))
                .click();
        waitUntil(() -> text("dataset-name").equals(dataset), Duration.ofSeconds(10));
    }

    public boolean signInShown() {
        waitUntil(
                () -> driver.findElement(By.id("login")).isDisplayed()
                        || driver.findElement(By.id("workspace")).isDisplayed(),
                Duration.ofSeconds(20));
        return driver.findElement(By.id("login")).isDisplayed();
    }

    public void signIn(String user, String password) {
        WebElement name = driver.findElement(By.id("user"));
        name.clear();
        name.sendKeys(user);
        WebElement secret = driver.findElement(By.id("password"));
        secret.clear();
        secret.sendKeys(password);
        driver.executeScript("document.getElementById('login-error').textContent = ''");
        driver.findElement(By.id("login-submit")).click();
        waitUntil(
                () -> !text("login-error").isEmpty()
                        || driver.findElement(By.id("workspace")).isDisplayed(),
                Duration.ofSeconds(20));
    }

    public String loginError() {
        return text("login-error");
    }

    public void rowsToShow(int rows) {
        WebElement limit = driver.findElement(By.id("limit"));
        limit.clear();
        limit.sendKeys(Integer.toString(rows));
    }

    public void histogramOf(String column) {
        new Select(driver.findElement(By.id("chart-column"))).selectByValue(column);
    }

    /** Presses Show rows and waits for the transfer to end; returns its end state. */
    public String showRows() {
        return run("show-rows");
    }

    /** Presses Fetch all and waits for the transfer to end; returns its end state. */
    public String fetchAll() {
        return run("fetch-all");
    }

    /** Presses Save as .arrows and waits for the transfer to end; returns its end state. */
    public String save() {
        return run("save");
    }

    private String run(String button) {
        driver.executeScript("document.getElementById('transfer').dataset.state = ''");
        driver.findElement(By.id(button)).click();
        waitUntil(() -> List.of("done", "failed", "cancelled").contains(transferState()), TRANSFER_TIMEOUT);
        return transferState();
    }

    public String transferState() {
        Object state = driver.executeScript("return document.getElementById('transfer').dataset.state || ''");
        return String.valueOf(state);
    }

    /** The table's body, row by row, cell by cell. */
    public List<List<String>> tableRows() {
        return driver.findElements(By.cssSelector("#rows tbody tr")).stream()
                .map(row -> row.findElements(By.tagName("td")).stream()
                        .map(WebElement::getText)
                        .toList())
                .toList();
    }

    /** The schema table's rows: column name, type, nullable. */
    public List<List<String>> schemaRows() {
        return driver.findElements(By.cssSelector("#schema tbody tr")).stream()
                .map(row -> row.findElements(By.tagName("td")).stream()
                        .map(cell -> cell.getAttribute("textContent"))
                        .toList())
                .toList();
    }

    public List<String> tableHeader() {
        return driver.findElements(By.cssSelector("#rows thead th")).stream()
                .map(WebElement::getText)
                .toList();
    }

    /** The progress bar's value, 0 to 100. */
    public double progress() {
        return Double.parseDouble(driver.findElement(By.id("progress")).getAttribute("value"));
    }

    public String progressText() {
        return text("progress-text");
    }

    public String status() {
        return text("status");
    }

    /** How many values the histogram counted, nulls included. */
    public long histogramCount() {
        return Long.parseLong(driver.findElement(By.id("histogram-summary")).getAttribute("data-count"));
    }

    /** What the chart's bars add up to, and how many bars it draws. */
    public long[] chartTotalAndBars() {
        WebElement canvas = driver.findElement(By.id("histogram"));
        return new long[] {
            Long.parseLong(canvas.getAttribute("data-total")), Long.parseLong(canvas.getAttribute("data-bars"))
        };
    }

    /** Runs a script in the page and returns its result. */
    public Object script(String script) {
        return driver.executeScript(script);
    }

    public void screenshot(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, file, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The text of the element with this id. */
    public String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    /** Waits until the element with this id says {@code data-done}, as the test pages mark their ends. */
    public void waitForDone(String id) {
        waitUntil(() -> "true".equals(driver.findElement(By.id(id)).getAttribute("data-done")), TRANSFER_TIMEOUT);
    }

    private void waitUntil(BooleanSupplier condition, Duration timeout) {
        new WebDriverWait(driver, timeout).until(ignored -> condition.getAsBoolean());
    }

    @Override
    public void close() {
        driver.quit();
    }
}
