package org.texhash.trainer.tsn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.texhash.trainer.nn.Chw;

/**
 * How well G expands held-out textures, against two naive expansions. For each held-out region and
 * sample: a random 2S x 2S crop is the truth, its centre S x S crop the input; each method expands
 * the input to 2S x 2S and is scored against the truth by
 *
 * <ul>
 *   <li>{@code l1}: mean absolute difference over all pixels (values in [-1, 1]);
 *   <li>{@code l1Inside}: the same over the centre S x S, where the input sits (the naive methods
 *       copy it exactly, so theirs is 0; G must reproduce its input there);
 *   <li>{@code l1Outside}: the same over the pixels outside the centre S x S (what was
 *       synthesised);
 *   <li>{@code style}: the Gram distance ({@link GramStyle}) under a random multi-scale network
 *       with a fixed evaluation seed, different from any training seed, so this is not the training
 *       loss.
 * </ul>
 *
 * Methods: {@code tsn} (G), {@code tile} (periodic extension of the input, centred), {@code mirror}
 * (reflection padding of the input).
 */
public final class ExpansionEvaluation {
  public static final long STYLE_SEED = 20_181_203L;
  public static final List<String> METHODS = List.of("tsn", "tile", "mirror");

  /** Mean scores of one method. */
  public record Score(double l1, double l1Inside, double l1Outside, double style) {}

  public record Result(int regions, int samples, Map<String, Score> scores) {
    public String table() {
      StringBuilder sb =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "%-8s %10s %10s %12s %12s%n",
                  "method",
                  "L1",
                  "L1 inside",
                  "L1 outside",
                  "Gram style"));
      scores.forEach(
          (m, s) ->
              sb.append(
                  String.format(
                      Locale.ROOT,
                      "%-8s %10.4f %10.4f %12.4f %12.4f%n",
                      m,
                      s.l1(),
                      s.l1Inside(),
                      s.l1Outside(),
                      s.style())));
      return sb.toString();
    }

    public String json() {
      StringBuilder sb =
          new StringBuilder(
              String.format(
                  Locale.ROOT, "{\"regions\":%d,\"samples\":%d,\"scores\":{", regions, samples));
      int i = 0;
      for (var e : scores.entrySet()) {
        sb.append(i++ > 0 ? "," : "")
            .append(
                String.format(
                    Locale.ROOT,
                    "\"%s\":{\"l1\":%.6f,\"l1Inside\":%.6f,\"l1Outside\":%.6f,\"style\":%.6f}",
                    e.getKey(),
                    e.getValue().l1(),
                    e.getValue().l1Inside(),
                    e.getValue().l1Outside(),
                    e.getValue().style()));
      }
      return sb.append("}}").toString();
    }
  }

  /** One evaluated sample: input, the three expansions (METHODS order) and the truth. */
  public record Sample(Chw input, List<Chw> expansions, Chw truth) {}

  private final TsnModel model;

  public ExpansionEvaluation(TsnModel model) {
    this.model = model;
  }

  /**
   * The evaluation samples: {@code perRegion} random crops of each region, drawn from {@code seed}.
   */
  public List<Sample> samples(List<BufferedImage> regions, int perRegion, long seed) {
    List<Sample> out = new ArrayList<>();
    forEachSample(regions, perRegion, seed, out::add);
    return out;
  }

  /**
   * Draws the samples one at a time (all of them at once would not fit in memory for large sets).
   */
  private void forEachSample(
      List<BufferedImage> regions, int perRegion, long seed, Consumer<Sample> action) {
    int s = model.preset().patchSize();
    if (perRegion <= 0) {
      throw new IllegalArgumentException("perRegion must be > 0, got " + perRegion);
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = 0; i < regions.size(); i++) {
      Chw region = Chw.of(regions.get(i));
      if (region.height() < 2 * s || region.width() < 2 * s) {
        throw new IllegalArgumentException(
            "held-out region " + i + " is smaller than " + 2 * s + "x" + 2 * s);
      }
      for (int k = 0; k < perRegion; k++) {
        Chw truth =
            region.crop(
                rnd.nextInt(region.height() - 2 * s + 1),
                rnd.nextInt(region.width() - 2 * s + 1),
                2 * s,
                2 * s);
        Chw input = truth.centerCrop(s, s);
        action.accept(
            new Sample(
                input,
                List.of(
                    model.expand(input), input.tileTo(2 * s, 2 * s), input.mirrorTo(2 * s, 2 * s)),
                truth));
      }
    }
  }

  public Result evaluate(List<BufferedImage> regions, int perRegion, long seed) {
    int s = model.preset().patchSize();
    double[][] sums = new double[METHODS.size()][4];
    int[] count = new int[1];
    try (NDManager scope = model.manager().newSubManager()) {
      RandomStyleNetwork style = new RandomStyleNetwork(scope, 3, 32, STYLE_SEED);
      forEachSample(
          regions,
          perRegion,
          seed,
          sample -> {
            try (NDManager perSample =
                scope.newSubManager()) { // frees the feature maps of every sample
              NDArray truth = tensor(perSample, sample.truth());
              for (int m = 0; m < METHODS.size(); m++) {
                Chw e = sample.expansions().get(m);
                sums[m][0] += e.l1(sample.truth());
                sums[m][1] += l1Centre(e, sample.truth(), s, true);
                sums[m][2] += l1Centre(e, sample.truth(), s, false);
                sums[m][3] += GramStyle.distance(style, tensor(perSample, e), truth).getFloat();
              }
            }
            count[0]++;
          });
    }
    Map<String, Score> scores = new LinkedHashMap<>();
    int n = count[0];
    for (int m = 0; m < METHODS.size(); m++) {
      scores.put(
          METHODS.get(m),
          new Score(sums[m][0] / n, sums[m][1] / n, sums[m][2] / n, sums[m][3] / n));
    }
    return new Result(regions.size(), n, scores);
  }

  private static NDArray tensor(NDManager m, Chw c) {
    return m.create(c.data(), new Shape(1, 3, c.height(), c.width()));
  }

  /**
   * Mean absolute difference over the pixels inside (or outside) the centred {@code s x s} square.
   */
  static double l1Centre(Chw a, Chw b, int s, boolean inside) {
    int h = a.height();
    int w = a.width();
    int y0 = (h - s) / 2;
    int x0 = (w - s) / 2;
    double sum = 0;
    long count = 0;
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          if ((y >= y0 && y < y0 + s && x >= x0 && x < x0 + s) != inside) {
            continue;
          }
          int i = (c * h + y) * w + x;
          sum += Math.abs(a.data()[i] - b.data()[i]);
          count++;
        }
      }
    }
    return sum / count;
  }
}
