import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.texhash.indexer.dataset.DatasetSplit;
import org.texhash.indexer.dataset.Manifest;
import org.texhash.indexer.dataset.PatchSampler;
import org.texhash.indexer.dataset.Protocols;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.Encoders;
import org.texhash.indexer.encoder.classic.ItqEncoder;
import org.texhash.indexer.encoder.classic.LbpColorDescriptor;
import org.texhash.indexer.eval.Evaluator;

/**
 * Probe: does the classic LBP + colour descriptor know something the learned codes miss? Fits ITQ
 * to {@code bits} on the manifest's training patches described by [w * u / |u|, d / 2], where u is
 * a learned encoder's pre-sign output and d the 106-float {@link LbpColorDescriptor} (four unit
 * blocks, so d / 2 has unit norm), and evaluates it on the manifest through the Lucene path, beside
 * the learned codes alone (their signs) and ITQ on u alone. Not an encoder texhash ships: a
 * question about the learned features.
 *
 * <p>java -cp "cli/target/texhash-cli.jar:cli/target/lib/*" bench/probes/LbpBesideLearned.java
 * DATA_DIR MANIFEST ENCODER [WEIGHTS, default 1]
 *
 * <p>MANIFEST: a patch manifest of {@code texhash eval} (its protocol, seeds and patches are used);
 * WEIGHTS: comma-separated values of w. Output: one line per code, "name MAP".
 */
public class LbpBesideLearned {
  private static final int BITS = 64;

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: DATA_DIR MANIFEST ENCODER [WEIGHTS]");
      System.exit(2);
    }
    Manifest manifest = Manifest.read(Path.of(args[1]));
    DatasetSplit split =
        Protocols.load(manifest.protocol(), Path.of(args[0]), manifest.seed(), manifest.resize());
    Evaluator evaluator = new Evaluator(split, manifest, Evaluator.Options.defaults(), null);
    try (Encoder learned = Encoders.open(args[2])) {
      List<BufferedImage> fit =
          PatchSampler.crop(split, manifest.fitPatches(), learned.inputSize());
      float[][] fitFeatures = learned.features(fit);
      float[][] fitLbp = new float[fit.size()][];
      for (int i = 0; i < fitLbp.length; i++) {
        fitLbp[i] = LbpColorDescriptor.describe(fit.get(i));
      }
      long seed = manifest.seed(); // ITQ's rotation seed, as texhash eval's itq-K
      report("learned (signs)", evaluator.evaluate(learned, 0).map());
      Encoder itqLearned = fused(learned, fitFeatures, fitLbp, -1, seed);
      report("itq on learned", evaluator.evaluate(itqLearned, 0).map());
      String weights = args.length > 3 ? args[3] : "1";
      for (String w : weights.split(",")) {
        double weight = Double.parseDouble(w);
        Encoder fused = fused(learned, fitFeatures, fitLbp, weight, seed);
        report("itq on learned x " + w + " + lbp", evaluator.evaluate(fused, 0).map());
      }
    }
  }

  private static void report(String name, double map) {
    System.out.println(String.format(Locale.ROOT, "%-32s %.4f", name, map));
  }

  /** ITQ over the joint descriptor; {@code weight} < 0: the learned part alone. */
  private static Encoder fused(
      Encoder learned, float[][] fitFeatures, float[][] fitLbp, double weight, long seed) {
    double[][] x = new double[fitFeatures.length][];
    for (int i = 0; i < x.length; i++) {
      x[i] = toDouble(joint(fitFeatures[i], fitLbp[i], weight));
    }
    // ITQ describes each patch with this function; features() below fills in the learned part.
    Map<BufferedImage, float[]> batch = new IdentityHashMap<>();
    ItqEncoder itq =
        ItqEncoder.fit(
            x,
            BITS,
            learned.inputSize(),
            seed,
            p -> joint(batch.get(p), weight < 0 ? null : LbpColorDescriptor.describe(p), weight));
    return new Encoder() {
      @Override
      public String id() {
        return "itq-joint-" + weight;
      }

      @Override
      public int bits() {
        return BITS;
      }

      @Override
      public int inputSize() {
        return learned.inputSize();
      }

      @Override
      public synchronized float[][] features(List<BufferedImage> patches) {
        float[][] u = learned.features(patches);
        batch.clear();
        for (int i = 0; i < u.length; i++) {
          batch.put(patches.get(i), u[i]);
        }
        return itq.features(patches);
      }
    };
  }

  /** [w * u / |u|, lbp / 2]; {@code weight} < 0: u / |u| alone (lbp is then not read). */
  private static float[] joint(float[] u, float[] lbpDescriptor, double weight) {
    double norm = 1e-12;
    for (float v : u) {
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    float[] lbp = weight < 0 ? new float[0] : lbpDescriptor;
    float[] out = new float[u.length + lbp.length];
    double scale = weight < 0 ? 1 : weight;
    for (int j = 0; j < u.length; j++) {
      out[j] = (float) (scale * u[j] / norm);
    }
    for (int j = 0; j < lbp.length; j++) {
      out[u.length + j] = lbp[j] / 2f;
    }
    return out;
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
