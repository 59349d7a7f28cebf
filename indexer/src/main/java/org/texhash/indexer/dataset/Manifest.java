package org.texhash.indexer.dataset;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The exact patches of an evaluation run, so that it can be repeated: a TSV file with a few {@code
 * # key=value} header lines (protocol, seed, resize, patch size) and one row per patch:
 *
 * <pre>
 * image	region	x	y	size	label	class	role
 * bricks.png	2	17	140	64	0	bricks	database
 * </pre>
 *
 * <p>Encoders are fitted on the {@code train} rows; a protocol whose training regions are its
 * database regions (vistex, alot) writes no train rows and fits on the database rows.
 *
 * <p>The {@code unit} header says what a database or query row is ({@link Unit}); a manifest
 * without it is one of patches.
 */
public final class Manifest {
  /** What is indexed and searched for: patches, or whole regions hashed like images. */
  public enum Unit {
    /** S x S patches, each encoded once (the paper's protocol). */
    PATCH,
    /**
     * Whole regions (a quadrant, or an image), each hashed as {@code texhash index} hashes an image
     * ({@link org.texhash.indexer.encoder.ImageCodes}): what a user's search does. Train rows stay
     * S x S patches.
     */
    REGION;

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The tag's plural, for counts in messages: patches, regions. */
    public String plural() {
      return this == PATCH ? "patches" : tag() + "s";
    }

    static Unit parse(String s) {
      for (Unit u : values()) {
        if (u.tag().equals(s)) {
          return u;
        }
      }
      throw new IllegalArgumentException("manifest unit must be patch or region, got " + s);
    }
  }

  /** The header key of {@link #unit()}. */
  public static final String UNIT_KEY = "unit";

  private static final String MAGIC = "# texhash eval manifest v1";
  private static final String COLUMNS = "image\tregion\tx\ty\tsize\tlabel\tclass\trole";

  private final Map<String, String> header;
  private final List<PatchSpec> patches;

  public Manifest(Map<String, String> header, List<PatchSpec> patches) {
    this.header = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(header));
    this.patches = List.copyOf(patches);
  }

  public Map<String, String> header() {
    return header;
  }

  public List<PatchSpec> patches() {
    return patches;
  }

  public List<PatchSpec> patches(PatchSpec.Role role) {
    return patches.stream().filter(p -> p.role() == role).toList();
  }

  /** The patches an encoder is fitted on: train rows, or the database rows when there are none. */
  public List<PatchSpec> fitPatches() {
    List<PatchSpec> train = patches(PatchSpec.Role.TRAIN);
    return train.isEmpty() ? patches(PatchSpec.Role.DATABASE) : train;
  }

  public String protocol() {
    return require("protocol");
  }

  public long seed() {
    return Long.parseLong(require("seed"));
  }

  public int resize() {
    return Integer.parseInt(require("resize"));
  }

  public int patchSize() {
    return Integer.parseInt(require("patch_size"));
  }

  public Unit unit() {
    String u = header.get(UNIT_KEY);
    return u == null ? Unit.PATCH : Unit.parse(u);
  }

  private String require(String key) {
    String v = header.get(key);
    if (v == null) {
      throw new IllegalArgumentException("manifest header lacks '" + key + "'");
    }
    return v;
  }

  public void write(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(MAGIC);
      w.newLine();
      for (Map.Entry<String, String> e : header.entrySet()) {
        w.write("# " + e.getKey() + "=" + e.getValue());
        w.newLine();
      }
      w.write(COLUMNS);
      w.newLine();
      for (PatchSpec p : patches) {
        w.write(
            String.format(
                Locale.ROOT,
                "%s\t%d\t%d\t%d\t%d\t%d\t%s\t%s",
                p.image(),
                p.region(),
                p.x(),
                p.y(),
                p.size(),
                p.label(),
                p.className(),
                p.role().tag()));
        w.newLine();
      }
    }
  }

  /** Reads a manifest {@link #write} wrote; a malformed line is an error naming file and line. */
  public static Manifest read(Path file) throws IOException {
    Map<String, String> header = new LinkedHashMap<>();
    List<PatchSpec> patches = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line = r.readLine();
      if (!MAGIC.equals(line)) {
        throw new IllegalArgumentException(
            file + " is not a texhash eval manifest (first line must be '" + MAGIC + "')");
      }
      int n = 1;
      boolean columns = false;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        if (line.startsWith("# ")) {
          int eq = line.indexOf('=');
          if (eq > 2) {
            header.put(line.substring(2, eq), line.substring(eq + 1));
          }
          continue;
        }
        if (!columns) {
          if (!COLUMNS.equals(line)) {
            throw new IllegalArgumentException(
                file + ":" + n + ": expected the column line '" + COLUMNS + "'");
          }
          columns = true;
          continue;
        }
        String[] f = line.split("\t", -1);
        if (f.length != 8) {
          throw new IllegalArgumentException(
              file + ":" + n + ": expected 8 tab-separated fields, got " + f.length);
        }
        try {
          patches.add(
              new PatchSpec(
                  f[0],
                  Integer.parseInt(f[1]),
                  Integer.parseInt(f[2]),
                  Integer.parseInt(f[3]),
                  Integer.parseInt(f[4]),
                  Integer.parseInt(f[5]),
                  f[6],
                  PatchSpec.Role.parse(f[7])));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(file + ":" + n + ": " + e.getMessage(), e);
        }
      }
    }
    Manifest m = new Manifest(header, patches);
    m.protocol();
    m.seed();
    m.resize();
    m.patchSize();
    m.unit();
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Manifest m && header.equals(m.header) && patches.equals(m.patches);
  }

  @Override
  public int hashCode() {
    return 31 * header.hashCode() + patches.hashCode();
  }
}
