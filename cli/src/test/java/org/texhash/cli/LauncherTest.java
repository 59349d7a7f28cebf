package org.texhash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ./texhash launcher script, run as a user runs it, in a copy of the checkout whose cli/target
 * holds this test's own classes (a jar whose manifest names the test class path) and whose Maven is
 * a stand-in script: no real build, and the process's whole stderr is seen.
 */
class LauncherTest {
  @TempDir Path tmp;
  private Path checkout;
  private Path fakeBin;

  @BeforeEach
  void checkout() throws IOException {
    checkout = Files.createDirectories(tmp.resolve("checkout"));
    Path script = Files.copy(Path.of("..", "texhash"), checkout.resolve("texhash"));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path target = Files.createDirectories(checkout.resolve("cli/target/lib"));
    writeClassPathJar(checkout.resolve("cli/target/texhash-cli.jar"));
    Files.writeString(checkout.resolve("cli/target/.texhash-built"), "");
    fakeBin = Files.createDirectories(tmp.resolve("fake-bin"));
    fakeMaven("echo 'mvn was called, no build expected' >&2; exit 1");
    assertTrue(Files.isDirectory(target));
  }

  @Test
  void runsThroughASymlinkFromAnotherFolder() throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("home/bin"));
    Files.createSymbolicLink(bin.resolve("texhash"), checkout.resolve("texhash"));
    Path other = Files.createDirectories(tmp.resolve("home/tools"));
    Files.createSymbolicLink(
        other.resolve("th"), Path.of("../bin/texhash")); // a relative link to the link

    for (Path link : List.of(bin.resolve("texhash"), other.resolve("th"))) {
      Result r = launch(List.of(), link.toString(), "--version");
      assertEquals(0, r.exit, link + ": " + r.err);
      assertTrue(r.out.startsWith("texhash "), r.out);
      assertEquals("", r.err);
    }
  }

  @Test
  void theBuildPrintsNoColourCodes() throws Exception {
    fakeMaven("printf '\\033[0m\\033[0m'; printf '\\033[0m\\033[1mbuilt\\033[m\\n' >&2; exit 0");
    Result r =
        launch(List.of("TEXHASH_REBUILD=1"), checkout.resolve("texhash").toString(), "--version");
    assertEquals(0, r.exit, r.err);
    assertTrue(r.err.contains("texhash: building the CLI") && r.err.contains("built"), r.err);
    assertFalse(r.err.contains("\u001b"), "escape codes on stderr: " + r.err);
    assertTrue(r.out.startsWith("texhash "), r.out);
  }

  @Test
  void aFakeOnnxEncoderIsAUsageErrorWithOneLineAndNoLoggingNoise() throws Exception {
    Path images = tmp.resolve("images");
    CliRun.texture(images.resolve("a.png"), 1);
    Path fake = Files.writeString(tmp.resolve("fake.onnx"), "not a model");
    Path index = tmp.resolve("idx");
    Result r =
        launch(
            List.of(),
            checkout.resolve("texhash").toString(),
            "index",
            images.toString(),
            "--index",
            index.toString(),
            "--encoder",
            fake.toString());
    assertEquals(2, r.exit, r.err);
    assertFalse(r.err.contains("SLF4J"), r.err);
    assertEquals(1, r.err.strip().lines().count(), r.err);
    assertTrue(r.err.startsWith("texhash: " + fake + " is not an ONNX model"), r.err);
    assertFalse(Files.exists(index));
  }

  @Test
  void runningOutOfHeapSaysWhichSettingToRaise() throws Exception {
    // fifty million 64-bit codes are 400 MB, more than a 48 MB heap holds
    Result r =
        launch(
            List.of("TEXHASH_XMX=48m"),
            checkout.resolve("texhash").toString(),
            "bench",
            "search",
            "--n",
            "50000000",
            "--bits",
            "64");
    assertEquals(1, r.exit, r.err);
    assertTrue(
        r.err.matches(
            "(?s).*texhash: out of memory with a \\d+ MiB Java heap; .* TEXHASH_XMX=\\d+m .*"),
        r.err);
    assertFalse(r.err.contains("\tat "), "a stack trace: " + r.err);
    assertEquals(
        "texhash: out of memory with a 6 GiB Java heap; run it again with a larger one, e.g."
            + " TEXHASH_XMX=12g ./texhash ...",
        TexhashCommand.outOfMemory(6L * 1024 * 1024 * 1024 - 170L * 1024 * 1024));
  }

  @Test
  void anImageTooLargeForTheHeapIsSkippedAsSuchNotAsCorrupt() throws Exception {
    // 4000 x 4000 pixels decode to 64 MB; ImageIO's PNG reader wraps the OutOfMemoryError
    Path images = Files.createDirectories(tmp.resolve("images"));
    ImageIO.write(
        new BufferedImage(4000, 4000, BufferedImage.TYPE_INT_RGB),
        "png",
        images.resolve("big.png").toFile());
    CliRun.texture(images.resolve("small.png"), 1);
    Path index = tmp.resolve("idx");
    Result r =
        launch(
            List.of("TEXHASH_XMX=48m"),
            checkout.resolve("texhash").toString(),
            "index",
            images.toString(),
            "--index",
            index.toString(),
            "--encoder",
            "lbp-lsh-64");
    assertEquals(0, r.exit, r.err);
    assertTrue(r.out.contains("1 indexed") && r.out.contains("1 skipped"), r.out + r.err);
    assertTrue(
        (r.out + r.err).contains("big.png: not enough memory to decode this PNG"), r.out + r.err);
    assertFalse((r.out + r.err).contains("corrupt"), r.out + r.err);
  }

  private record Result(int exit, String out, String err) {}

  private Result launch(List<String> env, String... command)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
    pb.environment().put("PATH", fakeBin + File.pathSeparator + System.getenv("PATH"));
    pb.environment()
        .put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    pb.environment().put("TEXHASH_XMX", "512m");
    pb.environment().put("TMPDIR", tmp.toString());
    pb.environment().remove("JAVA_OPTS");
    pb.environment().remove("TEXHASH_BUILD_DIR");
    pb.environment().remove("TEXHASH_REBUILD");
    for (String kv : env) {
      pb.environment().put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
    }
    Path out = tmp.resolve("stdout");
    Path err = tmp.resolve("stderr");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    int exit = p.waitFor();
    return new Result(exit, Files.readString(out), Files.readString(err));
  }

  private void fakeMaven(String body) throws IOException {
    Path mvn = fakeBin.resolve("mvn");
    Files.writeString(mvn, "#!/usr/bin/env bash\n" + body + "\n");
    Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** A jar holding nothing but a manifest that names every entry of this JVM's class path. */
  private static void writeClassPathJar(Path jar) throws IOException {
    List<String> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        urls.add(Path.of(entry).toAbsolutePath().toUri().toString());
      }
    }
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", urls));
    try (OutputStream os = Files.newOutputStream(jar);
        JarOutputStream j = new JarOutputStream(os, m)) {
      j.flush();
    }
    assertTrue(new String(Files.readAllBytes(jar), StandardCharsets.ISO_8859_1).length() > 0);
  }
}
