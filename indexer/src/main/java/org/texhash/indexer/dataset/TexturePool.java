package org.texhash.indexer.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.texhash.indexer.image.ImageFiles;

/**
 * A texture pool on disk: one sub-folder per source (a Debian package, say), one image per texture,
 * as {@code bench/datasets/texture-pool.sh} builds it. Each image is its own class.
 *
 * <p>A training program that must not see one source asks for the others' images:
 *
 * <pre>
 * List&lt;Path&gt; files = TexturePool.open(poolDir).imagesExcept("supertuxkart");
 * </pre>
 *
 * or, decoded and resized like the evaluation does, {@code Protocols.load("unseen-supertuxkart",
 * poolDir, seed).trainRegions()}.
 */
public final class TexturePool {
  private final Path dir;
  private final Map<String, List<Path>> imagesBySource;

  private TexturePool(Path dir, Map<String, List<Path>> imagesBySource) {
    this.dir = dir;
    this.imagesBySource = imagesBySource;
  }

  /** Reads the layout of {@code dir}: its sub-folders holding images, sorted by name. */
  public static TexturePool open(Path dir) {
    if (dir == null || !Files.isDirectory(dir)) {
      throw new IllegalArgumentException("texture pool must be a folder: " + dir);
    }
    Map<String, List<Path>> sources = new LinkedHashMap<>();
    for (Path sub : list(dir).stream().filter(Files::isDirectory).toList()) {
      String name = sub.getFileName().toString();
      List<Path> images =
          list(sub).stream().filter(Files::isRegularFile).filter(ImageFiles::isReadable).toList();
      if (!name.startsWith(".") && !images.isEmpty()) {
        sources.put(name, images);
      }
    }
    if (sources.isEmpty()) {
      throw new IllegalArgumentException(
          dir + " holds no source sub-folders with images (a texture pool has one per source)");
    }
    return new TexturePool(dir, sources);
  }

  public Path dir() {
    return dir;
  }

  /** The source names (sub-folders with images), sorted. */
  public List<String> sources() {
    return List.copyOf(imagesBySource.keySet());
  }

  /** The images of one source, sorted by file name. */
  public List<Path> images(String source) {
    List<Path> images = imagesBySource.get(source);
    if (images == null) {
      throw new IllegalArgumentException(
          "texture pool " + dir + " has no source '" + source + "'; it has " + sources());
    }
    return images;
  }

  /**
   * The images of every source but {@code heldOut}: what may be trained on when it is evaluated.
   */
  public List<Path> imagesExcept(String heldOut) {
    images(heldOut);
    List<Path> out = new ArrayList<>();
    imagesBySource.forEach(
        (source, images) -> {
          if (!source.equals(heldOut)) {
            out.addAll(images);
          }
        });
    return out;
  }

  /** The class name of a pool image: {@code source/file-name-without-extension}. */
  public static String className(String source, Path image) {
    String file = image.getFileName().toString();
    int dot = file.lastIndexOf('.');
    return source + "/" + (dot <= 0 ? file : file.substring(0, dot));
  }

  private static List<Path> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }
}
