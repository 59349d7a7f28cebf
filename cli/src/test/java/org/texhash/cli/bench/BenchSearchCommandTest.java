package org.texhash.cli.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.texhash.cli.TexhashCommand;
import picocli.CommandLine;
import picocli.CommandLine.ExitCode;

class BenchSearchCommandTest {
  private record Result(int exit, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = TexhashCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  /** {@code texhash bench search ARGS} without the warm-up time (the test times nothing). */
  private static Result bench(String... args) {
    List<String> all =
        new ArrayList<>(List.of("bench", "search", "--warmup-seconds", "0", "--passes", "1"));
    all.addAll(List.of(args));
    return run(all.toArray(String[]::new));
  }

  @Test
  void jsonHasTheDocumentedFieldsAndMihEqualsTheScan() {
    Result r = bench("--n", "600", "--bits", "64", "--k", "10", "--queries", "15", "--json");
    assertEquals(0, r.exit, r.err);
    JsonObject j = JsonParser.parseString(r.out).getAsJsonObject();
    assertEquals(600, j.get("n").getAsInt());
    assertEquals(64, j.get("bits").getAsInt());
    assertEquals(10, j.get("k").getAsInt());
    assertEquals(15, j.get("queries").getAsInt());
    for (String f :
        new String[] {"raw_ms", "scan_ms", "mih_ms", "weighted_ms", "weighted_own_ms", "hnsw_ms"}) {
      assertTrue(j.get(f).getAsDouble() >= 0, f);
    }
    double recall = j.get("hnsw_recall").getAsDouble();
    assertTrue(recall >= 0 && recall <= 1, "recall " + recall);
    assertTrue(j.get("mih_identical").getAsBoolean());
    assertTrue(j.get("weighted_identical_to_scan").getAsBoolean());
    assertTrue(j.get("scan_identical_to_raw").getAsBoolean());
    assertTrue(j.get("raw_exact").getAsBoolean());
    assertTrue(r.err.contains("median"), "progress goes to stderr");
  }

  @Test
  void uniformLongCodesSeveralSegmentsAndThreadsStayExact() {
    // 8-bit substrings: with 16-bit ones, uniform 256-bit codes need radius ~7 probes (slow, not
    // wrong)
    Result r =
        bench(
            "--n",
            "1500",
            "--bits",
            "256",
            "--k",
            "50",
            "--queries",
            "5",
            "--mih-substrings",
            "32",
            "--uniform",
            "--sorted",
            "--segments",
            "3",
            "--threads",
            "2",
            "--hnsw-max-n",
            "0",
            "--json");
    assertEquals(0, r.exit, r.err);
    JsonObject j = JsonParser.parseString(r.out).getAsJsonObject();
    assertTrue(j.get("mih_identical").getAsBoolean());
    assertTrue(j.get("weighted_identical_to_scan").getAsBoolean());
    assertTrue(j.get("scan_identical_to_raw").getAsBoolean());
    assertTrue(j.get("hnsw_ms").isJsonNull());
    assertTrue(j.get("hnsw_note").getAsString().contains("--hnsw-max-n"));
    assertEquals(3, j.get("segments").getAsInt());
    assertEquals(32, j.get("mih_substrings").getAsInt());
    assertTrue(j.get("sorted").getAsBoolean());
  }

  @Test
  void exportWritesNpyArraysTheRawScanAgreesWith(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("codes.npz");
    Result r =
        bench(
            "--n",
            "500",
            "--bits",
            "32",
            "--k",
            "4",
            "--queries",
            "3",
            "--hnsw-max-n",
            "0",
            "--seed",
            "5",
            "--export",
            file.toString());
    assertEquals(0, r.exit, r.err);
    assertTrue(r.out.contains("lucene MIH"), r.out);
    try (ZipFile zip = new ZipFile(file.toFile())) {
      List<String> names = new ArrayList<>();
      zip.stream().forEach(e -> names.add(e.getName()));
      assertEquals(
          List.of("database.npy", "queries.npy", "exact_ids.npy", "exact_distances.npy"), names);
      PackedCodes db = CodeGenerator.clustered(32, 5).database(500);
      PackedCodes queries = CodeGenerator.clustered(32, 5).queries(3);
      ByteBuffer dbBytes = npy(zip, "database.npy", "'|u1'", "(500, 4)");
      byte[] first = new byte[4];
      dbBytes.get(first);
      assertArrayEquals(db.bytesOf(0), first);
      ByteBuffer ids = npy(zip, "exact_ids.npy", "'<i4'", "(3, 4)");
      for (int q = 0; q < 3; q++) {
        int[] row = new int[4];
        for (int i = 0; i < 4; i++) {
          row[i] = ids.getInt();
        }
        assertArrayEquals(RawScan.topK(db, queries.wordsOf(q), 4), row);
      }
    }
  }

  @Test
  void badOptionsAreUsageErrors() {
    assertEquals(ExitCode.USAGE, bench("--bits", "60", "--n", "10").exit);
    assertEquals(ExitCode.USAGE, bench("--k", "0", "--n", "10").exit);
    Result r = bench("--n", "-1");
    assertEquals(ExitCode.USAGE, r.exit);
    assertTrue(r.err.contains("--n"), r.err);
  }

  /** Checks an .npy header's dtype and shape and returns its data, little-endian. */
  private static ByteBuffer npy(ZipFile zip, String name, String dtype, String shape)
      throws IOException {
    ZipEntry e = zip.getEntry(name);
    try (InputStream in = zip.getInputStream(e)) {
      byte[] all = in.readAllBytes();
      ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
      assertEquals((byte) 0x93, b.get(0));
      int headerLength = b.getShort(8) & 0xFFFF;
      String header = new String(all, 10, headerLength, StandardCharsets.US_ASCII);
      assertTrue(header.contains("'descr': " + dtype), header);
      assertTrue(header.contains("'shape': " + shape), header);
      assertEquals(0, (10 + headerLength) % 64, "data is 64-byte aligned");
      b.position(10 + headerLength);
      return b.slice().order(ByteOrder.LITTLE_ENDIAN);
    }
  }
}
