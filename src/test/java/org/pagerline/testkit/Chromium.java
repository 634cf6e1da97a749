package org.pagerline.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium driven through Selenium and Debian's chromedriver, headless, with the flags
 * this machine needs (no background networking: the network is closed) and a fresh profile.
 * Selenium Manager never runs (both paths are given), so nothing is downloaded. Where chromium
 * or chromedriver is not installed, the browser tests are skipped with one WARNING line.
 */
public final class Chromium {
    public static final Path BROWSER = Path.of("/usr/bin/chromium");
    public static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private Chromium() {}

    /** Skips the calling test (one loud line, once per JVM) when Chromium is not installed. */
    public static void assumeInstalled() {
        boolean there = Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
        if (!there && WARNED.compareAndSet(false, true)) {
            System.err.println("WARNING: no /usr/bin/chromium or /usr/bin/chromedriver: the browser tests are SKIPPED"
                    + " (apt-get install chromium chromium-driver; .ci/run does it when CI=true)");
        }
        Assumptions.assumeTrue(there, "chromium and chromium-driver are not installed");
    }

    public static ChromeDriver start(Path profile) {
        assumeInstalled();
        ChromeOptions o = new ChromeOptions();
        o.setBinary(BROWSER.toFile());
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required", "--window-size=1280,900",
                "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver d = new ChromeDriver(service, o);
        d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
        return d;
    }

    /** Saves a screenshot as target/screenshots/NAME.png. */
    public static void screenshot(ChromeDriver d, String name) {
        try {
            Path dir = Path.of("target/screenshots");
            Files.createDirectories(dir);
            File f = d.getScreenshotAs(OutputType.FILE);
            Files.copy(f.toPath(), dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            System.err.println("screenshot " + name + " not saved: " + e);
        }
    }

}
