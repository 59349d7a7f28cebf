import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.texhash.indexer.dataset.DatasetSplit;
import org.texhash.indexer.dataset.Manifest;
import org.texhash.indexer.dataset.PatchSampler;
import org.texhash.indexer.dataset.PatchSpec;
import org.texhash.indexer.dataset.Protocols;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.ImageCodes;
import org.texhash.indexer.eval.EvalEncoders;

/**
 * Probe: writes an encoder's pre-sign features for every item of an evaluation manifest, one file
 * per role ({@code OUT.TRAIN.f32}, {@code OUT.DATABASE.f32}, {@code OUT.QUERY.f32}), for analyses
 * outside texhash (bench/probes/rotation_fits.py reads them). Big-endian: the row count, K, then
 * per row its class label (int) and K floats. For a region manifest ({@code texhash eval --unit
 * region}) a row is a region's pooled features, as {@code texhash index} pools an image's crops,
 * and {@code OUT.ROLE.unit.f32} holds the mean of its crops' unit-length features instead.
 *
 * <p>java -cp "cli/target/texhash-cli.jar:cli/target/lib/*" bench/probes/FeatureDump.java DATASET
 * MANIFEST.tsv ENCODER OUT
 */
public class FeatureDump {
  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: DATASET MANIFEST.tsv ENCODER OUT");
      System.exit(2);
    }
    Manifest manifest = Manifest.read(Path.of(args[1]));
    DatasetSplit split =
        Protocols.load(manifest.protocol(), Path.of(args[0]), manifest.seed(), manifest.resize());
    try (Encoder e = new EvalEncoders(split, manifest, System.err).open(args[2]).encoder()) {
      for (PatchSpec.Role role : PatchSpec.Role.values()) {
        List<PatchSpec> rows = manifest.patches(role);
        if (rows.isEmpty()) {
          continue;
        }
        Path file = Path.of(args[3] + "." + role + ".f32");
        if (manifest.unit() == Manifest.Unit.REGION) {
          writeRegions(e, split, rows, file, Path.of(args[3] + "." + role + ".unit.f32"));
        } else {
          writePatches(e, split, rows, file);
        }
        System.err.println(role + ": " + rows.size() + " rows -> " + file);
      }
    }
  }

  private static void writePatches(Encoder e, DatasetSplit split, List<PatchSpec> rows, Path file)
      throws IOException {
    try (DataOutputStream out = open(file, rows.size(), e.bits())) {
      for (int from = 0; from < rows.size(); from += 128) {
        int to = Math.min(rows.size(), from + 128);
        List<BufferedImage> pixels =
            PatchSampler.crop(split, rows.subList(from, to), e.inputSize());
        float[][] features = e.features(pixels);
        for (int i = 0; i < features.length; i++) {
          write(out, rows.get(from + i).label(), features[i]);
        }
      }
    }
  }

  private static void writeRegions(
      Encoder e, DatasetSplit split, List<PatchSpec> rows, Path pooledFile, Path unitFile)
      throws IOException {
    try (DataOutputStream pooled = open(pooledFile, rows.size(), e.bits());
        DataOutputStream unit = open(unitFile, rows.size(), e.bits())) {
      for (PatchSpec row : rows) {
        BufferedImage region = PatchSampler.crop(split, List.of(row), row.size()).get(0);
        float[][] crops = e.features(ImageCodes.crops(region, e.inputSize()));
        float[] meanUnit = new float[e.bits()];
        for (float[] c : crops) {
          double norm = 0;
          for (float v : c) {
            norm += (double) v * v;
          }
          for (int j = 0; j < c.length; j++) {
            meanUnit[j] += (float) (c[j] / (Math.sqrt(norm) + 1e-6) / crops.length);
          }
        }
        write(pooled, row.label(), ImageCodes.pool(crops));
        write(unit, row.label(), meanUnit);
      }
    }
  }

  private static DataOutputStream open(Path file, int rows, int k) throws IOException {
    DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)));
    out.writeInt(rows);
    out.writeInt(k);
    return out;
  }

  private static void write(DataOutputStream out, int label, float[] features) throws IOException {
    out.writeInt(label);
    for (float v : features) {
      out.writeFloat(v);
    }
  }
}
