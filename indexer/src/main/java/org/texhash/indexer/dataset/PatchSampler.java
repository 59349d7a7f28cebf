package org.texhash.indexer.dataset;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.texhash.indexer.image.Images;

/**
 * Draws the patches of a run from a {@link DatasetSplit}: per class, each patch picks one of the
 * class's regions of its role uniformly, then a uniform top-left corner inside it. The random
 * stream of a (role, class) pair is derived from the seed and the class name only, so adding a
 * class does not move the patches of the others.
 */
public final class PatchSampler {
  /** Defaults sized for a few-minute 300-class run on 2 cores; the paper used 2,000 and 200. */
  public static final int DEFAULT_DATABASE_PER_CLASS = 40;

  public static final int DEFAULT_QUERIES_PER_CLASS = 10;
  public static final int DEFAULT_PATCH_SIZE = 64;

  private PatchSampler() {}

  /**
   * Samples {@code databasePerClass} database patches and {@code queriesPerClass} query patches of
   * side {@code patchSize} per evaluated class (and, for protocols that fit on other classes,
   * {@code databasePerClass} training patches per fitting class).
   *
   * @param resize the resize the split was loaded with (recorded in the manifest header)
   */
  public static Manifest sample(
      DatasetSplit split, int databasePerClass, int queriesPerClass, int patchSize, int resize) {
    return sample(split, databasePerClass, queriesPerClass, databasePerClass, patchSize, resize);
  }

  /**
   * As {@link #sample(DatasetSplit, int, int, int, int)}, with {@code trainPerClass} training
   * patches per fitting class (a texture pool has thousands of fitting classes with one image each,
   * where a few patches per class are enough to fit on).
   */
  public static Manifest sample(
      DatasetSplit split,
      int databasePerClass,
      int queriesPerClass,
      int trainPerClass,
      int patchSize,
      int resize) {
    if (databasePerClass < 1 || queriesPerClass < 1 || trainPerClass < 1) {
      throw new IllegalArgumentException(
          "patches per class must be >= 1, got database "
              + databasePerClass
              + ", queries "
              + queriesPerClass
              + ", train "
              + trainPerClass);
    }
    if (patchSize < 1) {
      throw new IllegalArgumentException("patch size must be >= 1, got " + patchSize);
    }
    Map<String, String> header = header(split, patchSize, resize);
    header.put("database_per_class", Integer.toString(databasePerClass));
    header.put("queries_per_class", Integer.toString(queriesPerClass));
    header.put("train_per_class", Integer.toString(trainPerClass));
    List<PatchSpec> patches = new ArrayList<>();
    if (!split.train().equals(split.database())) {
      patches.addAll(
          draw(split.train(), PatchSpec.Role.TRAIN, trainPerClass, patchSize, split.seed()));
    }
    patches.addAll(
        draw(split.database(), PatchSpec.Role.DATABASE, databasePerClass, patchSize, split.seed()));
    patches.addAll(
        draw(split.query(), PatchSpec.Role.QUERY, queriesPerClass, patchSize, split.seed()));
    return new Manifest(header, patches);
  }

  /**
   * A manifest of whole regions ({@link Manifest.Unit#REGION}): one database row per database
   * region and one query row per query region, each the largest centred square of its region (the
   * whole quadrant for square images), plus {@code trainPerClass} S x S training patches per
   * fitting class, drawn as {@link #sample} draws them, which are what a fitted encoder (ITQ) is
   * fitted on.
   */
  public static Manifest sampleRegions(
      DatasetSplit split, int trainPerClass, int patchSize, int resize) {
    if (trainPerClass < 1 || patchSize < 1) {
      throw new IllegalArgumentException(
          "need train patches per class >= 1 and patch size >= 1, got "
              + trainPerClass
              + " and "
              + patchSize);
    }
    Map<String, String> header = header(split, patchSize, resize);
    header.put(Manifest.UNIT_KEY, Manifest.Unit.REGION.tag());
    header.put("train_per_class", Integer.toString(trainPerClass));
    List<PatchSpec> rows =
        new ArrayList<>(
            draw(split.train(), PatchSpec.Role.TRAIN, trainPerClass, patchSize, split.seed()));
    rows.addAll(wholeRegions(split.database(), PatchSpec.Role.DATABASE, patchSize));
    rows.addAll(wholeRegions(split.query(), PatchSpec.Role.QUERY, patchSize));
    return new Manifest(header, rows);
  }

  /** The header lines every manifest has: what a run needs to load the same split again. */
  private static Map<String, String> header(DatasetSplit split, int patchSize, int resize) {
    Map<String, String> header = new LinkedHashMap<>();
    header.put("protocol", split.protocol());
    header.put("seed", Long.toString(split.seed()));
    header.put("resize", Integer.toString(resize));
    header.put("patch_size", Integer.toString(patchSize));
    return header;
  }

  private static List<PatchSpec> wholeRegions(
      List<Region> regions, PatchSpec.Role role, int patchSize) {
    List<PatchSpec> out = new ArrayList<>(regions.size());
    for (Region r : regions) {
      int w = r.pixels().getWidth();
      int h = r.pixels().getHeight();
      int side = Math.min(w, h);
      if (side < patchSize) {
        throw new IllegalArgumentException(
            r.content().className()
                + ": a "
                + w
                + "x"
                + h
                + " "
                + role.tag()
                + " region is smaller than a "
                + patchSize
                + "-pixel patch; lower --patch-size or raise --resize");
      }
      out.add(
          new PatchSpec(
              r.image(),
              r.index(),
              (w - side) / 2,
              (h - side) / 2,
              side,
              r.label(),
              r.content().className(),
              role));
    }
    return out;
  }

  private static List<PatchSpec> draw(
      List<Region> regions, PatchSpec.Role role, int perClass, int size, long seed) {
    Map<Integer, List<Region>> byLabel = new TreeMap<>();
    for (Region r : regions) {
      byLabel.computeIfAbsent(r.label(), l -> new ArrayList<>()).add(r);
    }
    List<PatchSpec> out = new ArrayList<>();
    for (List<Region> own : byLabel.values()) {
      List<Region> usable =
          own.stream()
              .filter(r -> r.pixels().getWidth() >= size && r.pixels().getHeight() >= size)
              .toList();
      String className = own.get(0).content().className();
      if (usable.isEmpty()) {
        BufferedImage p = own.get(0).pixels();
        throw new IllegalArgumentException(
            "class "
                + className
                + ": no "
                + role.tag()
                + " region holds a "
                + size
                + "x"
                + size
                + " patch (regions are "
                + p.getWidth()
                + "x"
                + p.getHeight()
                + "); lower --patch-size or raise --resize");
      }
      Random rnd = new Random(Seeds.derive(seed, "patches-" + role.tag(), className));
      for (int i = 0; i < perClass; i++) {
        Region r = usable.get(rnd.nextInt(usable.size()));
        int x = rnd.nextInt(r.pixels().getWidth() - size + 1);
        int y = rnd.nextInt(r.pixels().getHeight() - size + 1);
        out.add(new PatchSpec(r.image(), r.index(), x, y, size, r.label(), className, role));
      }
    }
    return out;
  }

  /**
   * The pixels of {@code patches} from the regions of {@code split}, scaled to {@code outputSize}
   * when that differs from the sampled size. Fails clearly when the manifest names a region the
   * split does not have (a manifest made for another dataset, protocol or seed).
   */
  public static List<BufferedImage> crop(
      DatasetSplit split, List<PatchSpec> patches, int outputSize) {
    return crop(split, patches, outputSize, QueryTransform.IDENTITY);
  }

  /** {@link #crop(DatasetSplit, List, int)} with {@code transform} applied to every patch. */
  public static List<BufferedImage> crop(
      DatasetSplit split, List<PatchSpec> patches, int outputSize, QueryTransform transform) {
    Map<String, Region> regions = split.regionsByKey();
    List<BufferedImage> out = new ArrayList<>(patches.size());
    for (PatchSpec p : patches) {
      Region r = regions.get(p.regionKey());
      if (r == null) {
        throw new IllegalArgumentException(
            "manifest patch in "
                + p.image()
                + " region "
                + p.region()
                + " names no region of this "
                + split.protocol()
                + " split (other dataset, protocol, seed or resize?)");
      }
      if (r.label() != p.label()) {
        throw new IllegalArgumentException(
            "manifest patch in "
                + p.image()
                + " has label "
                + p.label()
                + " but the dataset's class there is "
                + r.label()
                + " ("
                + r.content().className()
                + ")");
      }
      if (transform.kind() != QueryTransform.Kind.IDENTITY) {
        out.add(transform.apply(r.pixels(), p, outputSize));
        continue;
      }
      BufferedImage img = Images.crop(r.pixels(), p.x(), p.y(), p.size());
      out.add(p.size() == outputSize ? img : Images.resize(img, outputSize, outputSize));
    }
    return out;
  }
}
