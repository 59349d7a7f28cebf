package org.texhash.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.texhash.cli.CliRun;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.Encoders;

/**
 * The search page in a real browser: Debian's chromium driven by its chromedriver, both given by
 * path (nothing is downloaded). Skipped where they are not installed ({@code apt-get install
 * chromium chromium-driver}); CHROMIUM and CHROMEDRIVER name other locations.
 *
 * <p>Over an index of the shipped samples: uploads carpet025_a.png and expects its sibling
 * carpet025_b.png as the first hit after the image itself; clicks a hit and expects a grid led by
 * that image; uploads a text file and expects the server's reason on the page. Screenshots of the
 * page (laptop and phone widths) go to target/serve-page.png and target/serve-phone.png.
 */
class ServeBrowserTest {
  private static final String CHROMIUM =
      System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
  private static final String CHROMEDRIVER =
      System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver");

  @TempDir Path tmp;

  @Test
  void uploadClickAndErrorInChromium() throws IOException {
    assumeTrue(
        new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute(),
        "chromium and chromedriver are not installed");
    Path samples = Files.createDirectories(tmp.resolve("samples/textures"));
    try (Stream<Path> files = Files.list(Path.of("..", "samples", "textures"))) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(
            f, samples.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Path index = tmp.resolve("idx");
    CliRun cli = new CliRun();
    assertEquals(0, cli.run("index", samples, "--index", index), cli.err());
    Path text = Files.writeString(tmp.resolve("notes.txt"), "not an image");

    try (LiveIndex live = LiveIndex.open(index);
        Encoder encoder = Encoders.open(Encoders.DEFAULT_ID);
        SearchServer server =
            SearchServer.start(
                new SearchApi(live, encoder, ServeLimits.defaults()), "127.0.0.1", 0)) {
      WebDriver driver = chromium();
      try {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
        wait.ignoring(StaleElementReferenceException.class);
        driver.get(server.uri().toString());
        wait.until(d -> d.findElement(By.id("info")).getText().contains("images"));
        assertTrue(
            driver.findElement(By.id("info")).getText().contains(encoder.id() + " \u00b7 64 bits"),
            driver.findElement(By.id("info")).getText());

        driver.findElement(By.id("file")).sendKeys(samples.resolve("carpet025_a.png").toString());
        wait.until(d -> !hitPaths(d).isEmpty());
        List<String> hits = hitPaths(driver);
        String first = hits.get(0);
        String sibling = samples.resolve("carpet025_b.png").toString();
        boolean siblingFirst = first.equals(sibling);
        boolean selfThenSibling =
            first.equals(samples.resolve("carpet025_a.png").toString())
                && hits.get(1).equals(sibling);
        assertTrue(siblingFirst || selfThenSibling, "hits: " + hits);
        wait.until(ServeBrowserTest::visibleThumbnailsLoaded);
        screenshot(driver, Path.of("target", "serve-page.png"));
        driver.manage().window().setSize(new Dimension(390, 844));
        wait.until(ServeBrowserTest::visibleThumbnailsLoaded);
        screenshot(driver, Path.of("target", "serve-phone.png"));
        driver.manage().window().setSize(new Dimension(1280, 900));

        String clicked = hits.get(2);
        driver.findElements(By.cssSelector("#hits li a")).get(2).click();
        wait.until(
            d ->
                d.getCurrentUrl().contains("path=")
                    && !hitPaths(d).isEmpty()
                    && hitPaths(d).get(0).equals(clicked));
        assertEquals(clicked, driver.findElement(By.id("query-name")).getText());
        // The address is shareable: loading it again shows the same grid.
        String shared = driver.getCurrentUrl();
        driver.get("about:blank");
        driver.get(shared);
        wait.until(d -> !hitPaths(d).isEmpty() && hitPaths(d).get(0).equals(clicked));

        driver.findElement(By.id("file")).sendKeys(text.toString());
        wait.until(d -> d.findElement(By.id("error")).isDisplayed());
        String error = driver.findElement(By.id("error")).getText();
        assertTrue(error.contains("unsupported format"), error);
        assertTrue(hitPaths(driver).isEmpty(), "the old grid is cleared");
      } finally {
        driver.quit();
      }
    }
  }

  private WebDriver chromium() {
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER))
            .usingAnyFreePort()
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--user-data-dir=" + tmp.resolve("chromium-profile"),
        "--window-size=1280,900");
    return new ChromeDriver(service, options);
  }

  /**
   * The grid's paths, read in one script call: the grid may be replaced between two element
   * look-ups.
   */
  @SuppressWarnings("unchecked")
  private static List<String> hitPaths(WebDriver driver) {
    return (List<String>)
        ((JavascriptExecutor) driver)
            .executeScript(
                "return [...document.querySelectorAll('#hits li a')].map(a => a.dataset.path);");
  }

  /** Every thumbnail in the window has arrived and decoded (lazy ones below the fold may wait). */
  private static boolean visibleThumbnailsLoaded(WebDriver driver) {
    return Boolean.TRUE.equals(
        ((JavascriptExecutor) driver)
            .executeScript(
                "return [...document.querySelectorAll('#hits img')]"
                    + ".filter(i => i.getBoundingClientRect().top < window.innerHeight)"
                    + ".every(i => i.complete && i.naturalWidth > 0);"));
  }

  private static void screenshot(WebDriver driver, Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
  }
}
