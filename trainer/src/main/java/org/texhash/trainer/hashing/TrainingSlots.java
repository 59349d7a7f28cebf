package org.texhash.trainer.hashing;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.texhash.indexer.dataset.LabeledImage;
import org.texhash.indexer.image.Images;
import org.texhash.trainer.nn.Chw;

/**
 * The training set of stage 2 as n fixed slots: per class, {@code real} slots of real patches and
 * {@code aug} slots of G-expanded patches. A slot keeps its class and its row of U and B; its
 * pixels are a fresh random S x S crop of one of the class's training regions at every visit. Each
 * epoch visits the slots in a shuffled order; the batch of step t is a function of (seed, t) only,
 * so a resumed run sees the batches an uninterrupted one would.
 *
 * <p>For the label-free objective, {@link #pairs} gives two augmented views ({@link
 * ViewAugmentation}) of each of {@code batch} different classes instead.
 *
 * <p>With {@code channelOrders} above 1, each labelled class also stands for classes of its own
 * regions with the colour channels reordered (RGB, then GBR, BRG, RBG, BGR, GRB): a texture with
 * another palette is another texture, so the training set has that many times the classes, which
 * differ from their siblings only in colour and from the rest also in structure.
 *
 * <p>With {@code sourceBalance} T above 0, a class of a source (the part of its name before the
 * first '/', as the texture pool names them) with n classes gets {@code (n_max / n)^T} times the
 * slots of a class of the largest source: at T = 1 every source is seen as often, at T = 0 every
 * class is (the default). Sources are what the cross-package protocols hold out, so a training set
 * that one large source dominates teaches that source's look.
 */
public final class TrainingSlots {
  private final int patchSize;
  private final int batchSize;
  private final long seed;

  /** The channel orders a class may be recoloured by, the identity first. */
  private static final int[][] CHANNEL_ORDERS = {
    {0, 1, 2}, {1, 2, 0}, {2, 0, 1}, {0, 2, 1}, {2, 1, 0}, {1, 0, 2}
  };

  private static final String[] ORDER_NAMES = {"rgb", "gbr", "brg", "rbg", "bgr", "grb"};

  /** The most classes one labelled class may stand for: every order of three channels. */
  public static final int MAX_CHANNEL_ORDERS = CHANNEL_ORDERS.length;

  private final int channelOrders;
  private final List<List<BufferedImage>> regionsByClass = new ArrayList<>();
  private final List<String> classNames = new ArrayList<>();
  private final int[] labels;
  private final boolean[] augmented;
  private final int[] firstSlot; // of each class

  /**
   * A batch: slots, their labels, inputs {@code [N, 3, S, S]} and, for augmented slots, the crop
   * offset in G's 2S output.
   */
  public record Batch(
      int[] slots,
      int[] labels,
      float[] inputs,
      boolean[] augmented,
      int[] offsetX,
      int[] offsetY) {
    public int size() {
      return slots.length;
    }
  }

  public TrainingSlots(
      List<LabeledImage> regions, int patchSize, int real, int aug, int batchSize, long seed) {
    this(regions, patchSize, real, aug, batchSize, seed, 1, 0f);
  }

  /**
   * Slots whose classes are each labelled class under each of its first {@code channelOrders}
   * channel orders (1: the labelled classes only), each class's slots multiplied by {@code (n_max /
   * n)^sourceBalance} for a source of n classes (0: as many for every class).
   */
  public TrainingSlots(
      List<LabeledImage> regions,
      int patchSize,
      int real,
      int aug,
      int batchSize,
      long seed,
      int channelOrders,
      float sourceBalance) {
    if (real < 1 || aug < 0 || batchSize < 1) {
      throw new IllegalArgumentException("need real >= 1, aug >= 0, batch >= 1");
    }
    requireChannelOrders(channelOrders);
    requireSourceBalance(sourceBalance);
    this.channelOrders = channelOrders;
    this.patchSize = patchSize;
    this.batchSize = batchSize;
    this.seed = seed;
    Map<Integer, List<LabeledImage>> byLabel = new TreeMap<>();
    for (LabeledImage r : regions) {
      if (r.image().getWidth() < patchSize || r.image().getHeight() < patchSize) {
        throw new IllegalArgumentException(
            r.className() + ": a training region is smaller than " + patchSize + " pixels");
      }
      byLabel.computeIfAbsent(r.label(), l -> new ArrayList<>()).add(r);
    }
    if (byLabel.size() < 2) {
      throw new IllegalArgumentException(
          "stage 2 needs at least 2 classes with training regions, got " + byLabel.size());
    }
    Map<String, Integer> classesOfSource = new TreeMap<>();
    for (List<LabeledImage> own : byLabel.values()) {
      for (int k = 0; k < channelOrders; k++) {
        classNames.add(own.get(0).className() + (k == 0 ? "" : "~" + ORDER_NAMES[k]));
      }
      regionsByClass.add(own.stream().map(LabeledImage::image).toList());
      classesOfSource.merge(source(own.get(0).className()), 1, Integer::sum);
    }
    int largest = classesOfSource.values().stream().max(Integer::compare).orElse(1);
    int[] realOf = new int[classNames.size()];
    int[] augOf = new int[classNames.size()];
    int total = 0;
    for (int c = 0; c < classNames.size(); c++) {
      int n = classesOfSource.get(source(classNames.get(c)));
      double times = Math.pow((double) largest / n, sourceBalance);
      realOf[c] = (int) Math.round(real * times);
      augOf[c] = (int) Math.round(aug * times);
      total += realOf[c] + augOf[c];
    }
    labels = new int[total];
    augmented = new boolean[total];
    firstSlot = new int[classNames.size()];
    int slot = 0;
    for (int c = 0; c < classNames.size(); c++) {
      firstSlot[c] = slot;
      for (int j = 0; j < realOf[c] + augOf[c]; j++, slot++) {
        labels[slot] = c;
        augmented[slot] = j >= realOf[c];
      }
    }
  }

  /** The source of a class named {@code source/stem} (the texture pool's names), else "". */
  static String source(String className) {
    int slash = className.indexOf('/');
    return slash < 0 ? "" : className.substring(0, slash);
  }

  /** The largest {@code sourceBalance}: every source seen as often. */
  public static final float MAX_SOURCE_BALANCE = 1f;

  /** Throws unless {@code t} is 0 to {@link #MAX_SOURCE_BALANCE}. */
  public static void requireSourceBalance(float t) {
    if (!(t >= 0 && t <= MAX_SOURCE_BALANCE)) {
      throw new IllegalArgumentException(
          "source balance must be 0 to " + MAX_SOURCE_BALANCE + ", got " + t);
    }
  }

  /** Throws unless {@code n} is 1 to {@link #MAX_CHANNEL_ORDERS}. */
  public static void requireChannelOrders(int n) {
    if (n < 1 || n > MAX_CHANNEL_ORDERS) {
      throw new IllegalArgumentException(
          "channel orders must be 1 to " + MAX_CHANNEL_ORDERS + ", got " + n);
    }
  }

  public int size() {
    return labels.length;
  }

  public int classes() {
    return classNames.size();
  }

  public List<String> classNames() {
    return List.copyOf(classNames);
  }

  /** Slot labels (dense, 0 .. classes - 1). */
  public int[] labels() {
    return labels.clone();
  }

  public int stepsPerEpoch() {
    return (labels.length + batchSize - 1) / batchSize;
  }

  /** The batch of {@code step}, plain crops. */
  public Batch batch(long step) {
    return batch(step, null);
  }

  /**
   * The batch of {@code step}; each slot's pixels a view of its region drawn by {@code views}, or a
   * plain crop if {@code views} is null.
   */
  public Batch batch(long step, ViewAugmentation views) {
    long epoch = step / stepsPerEpoch();
    int[] order = permutation(epoch);
    int start = (int) (step % stepsPerEpoch()) * batchSize;
    int n = Math.min(batchSize, labels.length);
    Random rnd = new Random(mix(seed, step));
    int[] slots = new int[n];
    int[] ls = new int[n];
    boolean[] aug = new boolean[n];
    int[] ox = new int[n];
    int[] oy = new int[n];
    int plane = 3 * patchSize * patchSize;
    float[] x = new float[n * plane];
    for (int i = 0; i < n; i++) {
      int slot = order[(start + i) % labels.length];
      slots[i] = slot;
      ls[i] = labels[slot];
      aug[i] = augmented[slot];
      List<BufferedImage> own = regionsByClass.get(labels[slot] / channelOrders);
      BufferedImage region = own.get(rnd.nextInt(own.size()));
      Chw patch = views == null ? crop(region, rnd) : views.view(region, rnd);
      copyReordered(patch, labels[slot] % channelOrders, x, i * plane);
      ox[i] = rnd.nextInt(patchSize + 1);
      oy[i] = rnd.nextInt(patchSize + 1);
    }
    return new Batch(slots, ls, x, aug, ox, oy);
  }

  private Chw crop(BufferedImage region, Random rnd) {
    int top = rnd.nextInt(region.getHeight() - patchSize + 1);
    int left = rnd.nextInt(region.getWidth() - patchSize + 1);
    return Chw.of(Images.crop(region, left, top, patchSize));
  }

  /** Steps per epoch of {@link #pairs}: every class once. */
  public int pairStepsPerEpoch() {
    return (classes() + batchSize - 1) / batchSize;
  }

  /**
   * Two views each of {@code min(batch, classes)} different classes, rows {@code [A; B]}: row i and
   * row i + n are views of class i's regions. Slots are each class's first slot.
   */
  public Batch pairs(long step, ViewAugmentation views) {
    int classes = classes();
    int n = Math.min(batchSize, classes);
    int[] order = permutation(step / pairStepsPerEpoch(), classes);
    int start = (int) (step % pairStepsPerEpoch()) * batchSize;
    Random rnd = new Random(mix(seed ^ 0x9a125L, step));
    int plane = 3 * patchSize * patchSize;
    int[] slots = new int[2 * n];
    int[] ls = new int[2 * n];
    float[] x = new float[2 * n * plane];
    for (int i = 0; i < n; i++) {
      int c = order[(start + i) % classes];
      List<BufferedImage> own = regionsByClass.get(c / channelOrders);
      for (int v = 0; v < 2; v++) {
        int row = v * n + i;
        slots[row] = firstSlot[c];
        ls[row] = c;
        Chw view = views.view(own.get(rnd.nextInt(own.size())), rnd);
        copyReordered(view, c % channelOrders, x, row * plane);
      }
    }
    return new Batch(slots, ls, x, new boolean[2 * n], new int[2 * n], new int[2 * n]);
  }

  /** Copies {@code patch}'s planes into {@code x} at {@code at}, in channel order {@code k}. */
  private static void copyReordered(Chw patch, int k, float[] x, int at) {
    int plane = patch.height() * patch.width();
    for (int c = 0; c < 3; c++) {
      System.arraycopy(patch.data(), CHANNEL_ORDERS[k][c] * plane, x, at + c * plane, plane);
    }
  }

  private int[] permutation(long epoch) {
    return permutation(epoch, labels.length);
  }

  private int[] permutation(long epoch, int length) {
    int[] p = new int[length];
    for (int i = 0; i < p.length; i++) {
      p[i] = i;
    }
    Random rnd = new Random(mix(seed ^ 0x5107_5L, epoch));
    for (int i = p.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** A seed for step {@code b} of stream {@code a} (SplitMix64's finaliser). */
  static long mix(long a, long b) {
    long z = a * 0x9e3779b97f4a7c15L + b;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
