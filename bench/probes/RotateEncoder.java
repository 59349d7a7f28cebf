import ai.onnx.proto.OnnxMl.ModelProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.texhash.indexer.dataset.DatasetSplit;
import org.texhash.indexer.dataset.Manifest;
import org.texhash.indexer.dataset.PatchSampler;
import org.texhash.indexer.dataset.PatchSpec;
import org.texhash.indexer.dataset.Protocols;
import org.texhash.indexer.encoder.Encoders;
import org.texhash.indexer.encoder.OnnxEncoder;
import org.texhash.indexer.encoder.classic.ItqEncoder;
import org.texhash.trainer.onnx.EncoderExport;
import org.texhash.trainer.onnx.MemberAveraging;
import org.texhash.trainer.onnx.OnnxNodes;

/**
 * Probe: would the codes be better if their last rotation were fitted on the collection being
 * indexed? Fits ITQ ({@link ItqEncoder#fitProjection}, the classic baseline's fit) on the
 * unit-length outputs of a learned encoder for the database patches of a patch manifest (no labels,
 * never a query's pixels), and writes an encoder that computes {@code (unit(outputs) - mean) R}
 * before the sign ({@link MemberAveraging#unitLength}, {@code Sub}, {@code MatMul}). Evaluate the
 * file with {@code texhash eval --encoder OUT.onnx --manifest MANIFEST.tsv}. Not an encoder texhash
 * ships (docs/RESULTS.md, "Rotating the codes to the collection": it helps single patches, not
 * whole images).
 *
 * <p>java -cp "cli/target/texhash-cli.jar:cli/target/lib/*" bench/probes/RotateEncoder.java DATASET
 * MANIFEST.tsv ENCODER OUT.onnx [SEED [MAX_PATCHES]]
 */
public class RotateEncoder {
  public static void main(String[] args) throws Exception {
    if (args.length < 4 || args.length > 6) {
      System.err.println("usage: DATASET MANIFEST.tsv ENCODER OUT.onnx [SEED [MAX_PATCHES]]");
      System.exit(2);
    }
    long seed = args.length > 4 ? Long.parseLong(args[4]) : 1;
    int maxPatches = args.length > 5 ? Integer.parseInt(args[5]) : 20_000;
    Manifest manifest = Manifest.read(Path.of(args[1]));
    DatasetSplit split =
        Protocols.load(manifest.protocol(), Path.of(args[0]), manifest.seed(), manifest.resize());
    List<PatchSpec> rows = new ArrayList<>(manifest.patches(PatchSpec.Role.DATABASE));
    Collections.shuffle(rows, new Random(seed));
    rows = rows.subList(0, Math.min(maxPatches, rows.size()));
    Path encoderFile;
    int bits;
    List<double[]> unit = new ArrayList<>();
    try (var opened = Encoders.open(args[2])) {
      if (!(opened instanceof OnnxEncoder e)) {
        throw new IllegalArgumentException(args[2] + " is not a learned (.onnx) encoder");
      }
      encoderFile = e.file();
      bits = e.bits();
      for (int from = 0; from < rows.size(); from += 256) {
        List<PatchSpec> batch = rows.subList(from, Math.min(rows.size(), from + 256));
        for (float[] f : e.features(PatchSampler.crop(split, batch, e.inputSize()))) {
          unit.add(unitLength(f));
        }
      }
    }
    ItqEncoder.Fit fit = ItqEncoder.fitProjection(unit.toArray(double[][]::new), bits, seed);
    ModelProto model;
    try (var in = Files.newInputStream(encoderFile)) {
      model = ModelProto.parseFrom(in);
    }
    Map<String, String> meta = new LinkedHashMap<>();
    model.getMetadataPropsList().forEach(p -> meta.put(p.getKey(), p.getValue()));
    String id = meta.remove(OnnxEncoder.META_MODEL_ID);
    meta.remove(OnnxEncoder.META_BITS);
    int size = Integer.parseInt(meta.remove(OnnxEncoder.META_INPUT_SIZE));
    meta.put("texhash.probe_rotated_from", id);
    meta.put("texhash.probe_rotated_on", rows.size() + " database patches of " + args[1]);
    float[] mean = new float[bits];
    float[] matrix = new float[bits * bits];
    double[][] projection = fit.projection();
    for (int i = 0; i < bits; i++) {
      mean[i] = (float) fit.mean()[i];
      for (int j = 0; j < bits; j++) {
        matrix[i * bits + j] = (float) projection[i][j];
      }
    }
    OnnxNodes nodes =
        (g, input) -> {
          String epsilon = g.floats("member_epsilon", new float[] {MemberAveraging.EPSILON});
          String u = MemberAveraging.unitLength(g, g.inline(model.getGraph(), input), epsilon);
          String centred =
              g.node(
                  "Sub",
                  "rotation_centred",
                  new String[] {u, g.floats("rotation_mean", mean, bits)});
          String r = g.floats("rotation_matrix", matrix, bits, bits);
          return g.node("MatMul", "rotation", new String[] {centred, r});
        };
    String prefix = "rot-" + id.substring(0, Math.max(0, id.lastIndexOf('-')));
    ModelProto built = EncoderExport.build(nodes, size, bits, prefix, meta);
    try (var out = Files.newOutputStream(Path.of(args[3]))) {
      built.writeTo(out);
    }
    System.out.println(EncoderExport.modelId(built) + " fitted on " + rows.size() + " patches");
  }

  /** As the graph's unit step: the outputs over their length plus MemberAveraging.EPSILON. */
  private static double[] unitLength(float[] f) {
    double norm = 0;
    for (float v : f) {
      norm += (double) v * v;
    }
    double scale = 1 / (Math.sqrt(norm) + MemberAveraging.EPSILON);
    double[] u = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      u[i] = f[i] * scale;
    }
    return u;
  }
}
