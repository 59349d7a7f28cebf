import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.texhash.indexer.encoder.ImageCodes;
import org.texhash.indexer.encoder.classic.LbpColorDescriptor;
import org.texhash.indexer.encoder.classic.LbpLshEncoder;
import org.texhash.indexer.image.ImageLoader;

/**
 * Probe: how well does each candidate centre {@code mu} of LBP + LSH split real textures? Describes
 * the {@link ImageCodes#crops} of every image in a folder and reports, over the bits of {@code
 * sign(r_i . (x - mu))}, how far each bit's frequency is from one half and the mean bit entropy,
 * for four centres: none, uniform histograms, the procedural textures {@code lbp-lsh} uses, and the
 * folder's own mean (an oracle an encoder without training data cannot have).
 *
 * <p>The hyperplanes and the procedural centre are the encoder's own ({@link
 * LbpLshEncoder#hyperplanes}, {@link LbpLshEncoder#referenceMean}); the probe checks that its bits
 * for that centre equal the encoder's on every patch.
 *
 * <p>java -cp "cli/target/texhash-cli.jar:cli/target/lib/*" bench/probes/LshCentring.java DATA_DIR
 * [BITS, default 64]
 */
public class LshCentring {
  private static final int PATCH = LbpLshEncoder.DEFAULT_INPUT_SIZE;

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: DATA_DIR [BITS]");
      System.exit(2);
    }
    int bits = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    LbpLshEncoder encoder = new LbpLshEncoder(bits);
    List<BufferedImage> patches = new ArrayList<>();
    List<Path> images;
    try (Stream<Path> files = Files.list(Path.of(args[0]))) {
      images = files.filter(p -> p.toString().endsWith(".png")).sorted().toList();
    }
    for (Path image : images) {
      patches.addAll(ImageCodes.crops(ImageLoader.load(image), PATCH));
    }
    float[][] x =
        patches.parallelStream().map(LbpColorDescriptor::describe).toArray(float[][]::new);
    float[][] r = LbpLshEncoder.hyperplanes(bits, LbpColorDescriptor.DIMENSIONS);
    float[] synthetic = LbpLshEncoder.referenceMean(PATCH);
    checkAgainstEncoder(encoder, patches, x, r, synthetic);

    System.out.printf(
        Locale.ROOT,
        "%d images, %d patches of %d x %d, %d bits%n",
        images.size(),
        x.length,
        PATCH,
        PATCH,
        bits);
    System.out.println("centre\tmean |P(bit) - 1/2|\tmin P(bit)\tmax P(bit)\tmean bit entropy");
    report("0 (no centring)", x, r, new float[LbpColorDescriptor.DIMENSIONS]);
    report("uniform histograms", x, r, uniformHistograms());
    report("synthetic textures (used)", x, r, synthetic);
    report("the folder's own mean (oracle)", x, r, mean(x));
  }

  private static void report(String name, float[][] x, float[][] r, float[] mu) {
    double[] p = new double[r.length];
    for (float[] xi : x) {
      for (int b = 0; b < r.length; b++) {
        if (project(r[b], xi, mu) > 0) {
          p[b] += 1.0 / x.length;
        }
      }
    }
    double dev = 0, min = 1, max = 0, entropy = 0;
    for (double pb : p) {
      dev += Math.abs(pb - 0.5) / p.length;
      min = Math.min(min, pb);
      max = Math.max(max, pb);
      entropy += binaryEntropy(pb) / p.length;
    }
    System.out.printf(Locale.ROOT, "%s\t%.3f\t%.3f\t%.3f\t%.3f%n", name, dev, min, max, entropy);
  }

  private static double binaryEntropy(double p) {
    return p <= 0 || p >= 1 ? 0 : -(p * Math.log(p) + (1 - p) * Math.log(1 - p)) / Math.log(2);
  }

  private static double project(float[] r, float[] x, float[] mu) {
    double s = 0;
    for (int d = 0; d < x.length; d++) {
      s += r[d] * (x[d] - mu[d]);
    }
    return s;
  }

  private static void checkAgainstEncoder(
      LbpLshEncoder encoder, List<BufferedImage> patches, float[][] x, float[][] r, float[] mu) {
    float[][] f = encoder.features(patches);
    for (int i = 0; i < f.length; i++) {
      for (int b = 0; b < r.length; b++) {
        // The encoder sums in float, the probe in double: only a feature at zero could differ.
        if (Math.abs(f[i][b]) > 1e-4 && (f[i][b] > 0) != (project(r[b], x[i], mu) > 0)) {
          throw new IllegalStateException(
              "bit " + b + " of patch " + i + " differs from " + encoder.id() + "'s");
        }
      }
    }
  }

  /** Each block's histogram uniform over its bins, square-rooted as the descriptor is. */
  private static float[] uniformHistograms() {
    float[] mu = new float[LbpColorDescriptor.DIMENSIONS];
    int d = 0;
    for (int bins : LbpColorDescriptor.BLOCKS) {
      for (int i = 0; i < bins; i++) {
        mu[d++] = (float) Math.sqrt(1.0 / bins);
      }
    }
    return mu;
  }

  private static float[] mean(float[][] x) {
    double[] sum = new double[x[0].length];
    for (float[] xi : x) {
      for (int d = 0; d < sum.length; d++) {
        sum[d] += xi[d];
      }
    }
    float[] mu = new float[sum.length];
    for (int d = 0; d < mu.length; d++) {
      mu[d] = (float) (sum[d] / x.length);
    }
    return mu;
  }
}
