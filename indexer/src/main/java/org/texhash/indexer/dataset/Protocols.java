package org.texhash.indexer.dataset;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.texhash.indexer.image.ImageFiles;
import org.texhash.indexer.image.ImageLoader;
import org.texhash.indexer.image.Images;

/**
 * The evaluation protocols of the paper (section 4.2) plus {@code unseen}.
 *
 * <ul>
 *   <li>{@code vistex}: one image per class directly in the dataset folder (class = file name
 *       without extension). Each image is resized to R x R (default 512) and split into its 4
 *       quadrants. One quadrant per class, drawn from the seed and the class name, is the query
 *       region; the other 3 are training/database regions.
 *   <li>{@code alot}: one sub-folder per class holding its images. Per class, the images (sorted by
 *       name, then shuffled with the seed and the class name) are split 70 % training/database, 20
 *       % test (queries), 10 % validation; every class with at least 2 images gets at least one
 *       test image. Images are kept at their size unless a resize is asked for.
 *   <li>{@code unseen}: the classes (of either layout: sub-folders mean {@code alot}, otherwise
 *       {@code vistex}) are shuffled with the seed and split in two halves. The first half is the
 *       training set (encoders are fitted on its training regions); the second half is evaluated
 *       (database from its training regions, queries from its query regions), so no evaluated class
 *       was seen in fitting.
 *   <li>{@code unseen-SOURCE}, cross-package: the dataset is a {@link TexturePool} (one sub-folder
 *       per source, one image per class). The images of SOURCE are evaluated like {@code vistex}
 *       (resized to R x R, one quadrant per class drawn from the seed and the class name is its
 *       query region, the other 3 are the database); every other source's image is one training
 *       region, whole (R x R), so nothing of SOURCE is fitted on. Class names are {@code
 *       source/file-stem}. Example: {@code unseen-supertuxkart}.
 *   <li>{@code pool}, for training only: every image of every source of a {@link TexturePool} is
 *       one training region, whole (R x R); nothing is evaluated. The encoder that ships is trained
 *       this way, after the {@code unseen-SOURCE} runs have measured the recipe.
 * </ul>
 *
 * <p>Unreadable images are reported on stderr and skipped; a dataset with fewer than 2 usable
 * classes is an error.
 */
public final class Protocols {
  public static final List<String> NAMES = List.of("vistex", "alot", "unseen");

  /** Prefix of the cross-package protocols: {@code unseen-SOURCE} holds out pool source SOURCE. */
  public static final String CROSS_PACKAGE_PREFIX = "unseen-";

  /** The training-only protocol over a whole {@link TexturePool}. */
  public static final String WHOLE_POOL = "pool";

  public static final int DEFAULT_RESIZE = 512;

  private Protocols() {}

  /**
   * {@link #load(String, Path, long, int)} with the default resize (512 for vistex, none for alot).
   */
  public static DatasetSplit load(String protocol, Path dataset, long seed) {
    return load(protocol, dataset, seed, 0);
  }

  /**
   * Loads {@code dataset} under {@code protocol}.
   *
   * @param resize side R that images are resized to (R x R); 0 means the protocol's default (512
   *     for vistex-layout images, the original size for alot-layout images)
   */
  public static DatasetSplit load(String protocol, Path dataset, long seed, int resize) {
    if (!isKnown(protocol) && !protocol.equals(WHOLE_POOL)) {
      throw new IllegalArgumentException(
          "protocol must be one of "
              + NAMES
              + " or "
              + CROSS_PACKAGE_PREFIX
              + "SOURCE, got "
              + protocol);
    }
    if (resize < 0) {
      throw new IllegalArgumentException(
          "resize must be >= 0 (0 = protocol default), got " + resize);
    }
    if (dataset == null || !Files.isDirectory(dataset)) {
      throw new IllegalArgumentException("dataset must be a folder: " + dataset);
    }
    if (protocol.equals(WHOLE_POOL)) {
      return crossPackage(
          TexturePool.open(dataset), null, seed, resize == 0 ? DEFAULT_RESIZE : resize);
    }
    if (protocol.startsWith(CROSS_PACKAGE_PREFIX)) {
      return crossPackage(
          TexturePool.open(dataset),
          protocol.substring(CROSS_PACKAGE_PREFIX.length()),
          seed,
          resize == 0 ? DEFAULT_RESIZE : resize);
    }
    boolean folders = hasClassFolders(dataset);
    return switch (protocol) {
      case "vistex" -> {
        if (folders) {
          throw new IllegalArgumentException(
              "vistex expects one image per class directly in "
                  + dataset
                  + ", found class sub-folders (use --protocol alot)");
        }
        Split s = vistex(dataset, seed, resize == 0 ? DEFAULT_RESIZE : resize);
        yield new DatasetSplit("vistex", seed, s.classes, s.train, s.train, s.query, s.validation);
      }
      case "alot" -> {
        if (!folders) {
          throw new IllegalArgumentException(
              "alot expects one sub-folder of images per class in " + dataset);
        }
        Split s = alot(dataset, seed, resize);
        yield new DatasetSplit("alot", seed, s.classes, s.train, s.train, s.query, s.validation);
      }
      default ->
          unseen(
              folders
                  ? alot(dataset, seed, resize)
                  : vistex(dataset, seed, resize == 0 ? DEFAULT_RESIZE : resize),
              seed);
    };
  }

  /** True for {@link #NAMES} and {@code unseen-SOURCE} (SOURCE not empty). */
  public static boolean isKnown(String protocol) {
    return protocol != null
        && (NAMES.contains(protocol)
            || (protocol.startsWith(CROSS_PACKAGE_PREFIX)
                && protocol.length() > CROSS_PACKAGE_PREFIX.length()));
  }

  /** {@code heldOut} null: every source is training ({@link #WHOLE_POOL}). */
  private static DatasetSplit crossPackage(TexturePool pool, String heldOut, long seed, int side) {
    List<Path> evaluated = heldOut == null ? List.of() : pool.images(heldOut);
    List<String> classes = new ArrayList<>();
    List<Region> train = new ArrayList<>();
    List<Region> database = new ArrayList<>();
    List<Region> query = new ArrayList<>();
    for (String source : pool.sources()) {
      for (Path file : pool.images(source)) {
        BufferedImage img = readOrSkip(file);
        if (img == null) {
          continue;
        }
        String name = TexturePool.className(source, file);
        int label = classes.size();
        classes.add(name);
        BufferedImage square = Images.resize(img, side, side);
        String rel = pool.dir().relativize(file).toString();
        if (!source.equals(heldOut)) {
          train.add(new Region(rel, Region.WHOLE, new LabeledImage(label, name, square)));
          continue;
        }
        int half = side / 2;
        int queryQuadrant = queryQuadrant(seed, name);
        for (int q = 0; q < 4; q++) {
          BufferedImage part = square.getSubimage((q % 2) * half, (q / 2) * half, half, half);
          (q == queryQuadrant ? query : database)
              .add(new Region(rel, q, new LabeledImage(label, name, part)));
        }
      }
    }
    if (heldOut == null) {
      if (train.size() < 2) {
        throw new IllegalArgumentException(
            "the pool in " + pool.dir() + " needs at least 2 readable images, has " + train.size());
      }
      return new DatasetSplit(WHOLE_POOL, seed, classes, train, List.of(), List.of(), List.of());
    }
    if (query.size() < 2 || train.isEmpty()) {
      throw new IllegalArgumentException(
          "unseen-"
              + heldOut
              + " needs at least 2 readable images in "
              + heldOut
              + " (has "
              + query.size()
              + " of "
              + evaluated.size()
              + ") and at least 1 in another source (has "
              + train.size()
              + ")");
    }
    return new DatasetSplit(
        CROSS_PACKAGE_PREFIX + heldOut, seed, classes, train, database, query, List.of());
  }

  private record Split(
      List<String> classes, List<Region> train, List<Region> query, List<Region> validation) {}

  private static Split vistex(Path dataset, long seed, int side) {
    List<String> classes = new ArrayList<>();
    List<Region> train = new ArrayList<>();
    List<Region> query = new ArrayList<>();
    for (Path file : imageFiles(dataset)) {
      BufferedImage img = readOrSkip(file);
      if (img == null) {
        continue;
      }
      String name = stripExtension(file.getFileName().toString());
      int label = classes.size();
      classes.add(name);
      BufferedImage square = Images.resize(img, side, side);
      int half = side / 2;
      int queryQuadrant = queryQuadrant(seed, name);
      String rel = dataset.relativize(file).toString();
      for (int q = 0; q < 4; q++) {
        BufferedImage part = square.getSubimage((q % 2) * half, (q / 2) * half, half, half);
        Region r = new Region(rel, q, new LabeledImage(label, name, part));
        (q == queryQuadrant ? query : train).add(r);
      }
    }
    requireClasses(classes, dataset);
    return new Split(classes, train, query, List.of());
  }

  /**
   * Which quadrant of a vistex class is its query region: a function of seed and class name only.
   */
  public static int queryQuadrant(long seed, String className) {
    return (int) Math.floorMod(Seeds.derive(seed, "vistex-query-quadrant", className), 4L);
  }

  private static Split alot(Path dataset, long seed, int side) {
    List<String> classes = new ArrayList<>();
    List<Region> train = new ArrayList<>();
    List<Region> query = new ArrayList<>();
    List<Region> validation = new ArrayList<>();
    for (Path dir : classFolders(dataset)) {
      String name = dir.getFileName().toString();
      List<Path> files = new ArrayList<>(imageFiles(dir));
      Collections.shuffle(files, new Random(Seeds.derive(seed, "alot-split", name)));
      int n = files.size();
      int nTrain = (int) Math.round(0.7 * n);
      int nTest = (int) Math.round(0.2 * n);
      if (n >= 2 && nTest == 0) {
        nTest = 1;
      }
      if (nTrain + nTest > n) {
        nTrain = n - nTest;
      }
      int label = classes.size();
      List<Region> ownTrain = new ArrayList<>();
      List<Region> ownTest = new ArrayList<>();
      List<Region> ownVal = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        BufferedImage img = readOrSkip(files.get(i));
        if (img == null) {
          continue;
        }
        if (side > 0) {
          img = Images.resize(img, side, side);
        }
        Region r =
            new Region(
                dataset.relativize(files.get(i)).toString(),
                Region.WHOLE,
                new LabeledImage(label, name, img));
        (i < nTrain ? ownTrain : i < nTrain + nTest ? ownTest : ownVal).add(r);
      }
      if (ownTrain.isEmpty() || ownTest.isEmpty()) {
        System.err.printf(
            Locale.ROOT,
            "texhash: skipping class %s: %d usable images, need 2 or more%n",
            name,
            ownTrain.size() + ownTest.size() + ownVal.size());
        continue;
      }
      classes.add(name);
      train.addAll(ownTrain);
      query.addAll(ownTest);
      validation.addAll(ownVal);
    }
    requireClasses(classes, dataset);
    return new Split(classes, train, query, validation);
  }

  private static DatasetSplit unseen(Split all, long seed) {
    List<String> shuffled = new ArrayList<>(all.classes);
    Collections.shuffle(shuffled, new Random(Seeds.mix(seed ^ 0x756e7365656eL)));
    Set<String> fitClasses = Set.copyOf(shuffled.subList(0, shuffled.size() / 2));
    List<Region> fit = new ArrayList<>();
    List<Region> database = new ArrayList<>();
    List<Region> query = new ArrayList<>();
    for (Region r : all.train) {
      (fitClasses.contains(r.content().className()) ? fit : database).add(r);
    }
    for (Region r : all.query) {
      if (!fitClasses.contains(r.content().className())) {
        query.add(r);
      }
    }
    List<Region> validation =
        all.validation.stream().filter(r -> !fitClasses.contains(r.content().className())).toList();
    return new DatasetSplit("unseen", seed, all.classes, fit, database, query, validation);
  }

  private static void requireClasses(List<String> classes, Path dataset) {
    if (classes.size() < 2) {
      throw new IllegalArgumentException(
          "dataset " + dataset + " has " + classes.size() + " usable classes, need at least 2");
    }
  }

  private static boolean hasClassFolders(Path dataset) {
    return !classFolders(dataset).isEmpty();
  }

  private static List<Path> classFolders(Path dataset) {
    try (Stream<Path> s = Files.list(dataset)) {
      return s.filter(Files::isDirectory)
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .filter(p -> !imageFiles(p).isEmpty())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dataset, e);
    }
  }

  private static List<Path> imageFiles(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile).filter(ImageFiles::isReadable).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  private static BufferedImage readOrSkip(Path file) {
    try {
      return ImageLoader.load(file);
    } catch (IOException | RuntimeException e) {
      System.err.println("texhash: skipping " + file + ": " + e.getMessage());
      return null;
    }
  }

  private static String stripExtension(String name) {
    int dot = name.lastIndexOf('.');
    return dot <= 0 ? name : name.substring(0, dot);
  }
}
