import ai.onnx.proto.OnnxMl.ModelProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.texhash.indexer.encoder.OnnxEncoder;
import org.texhash.trainer.onnx.EncoderExport;
import org.texhash.trainer.onnx.MemberAveraging;
import org.texhash.trainer.onnx.OnnxNodes;

/**
 * Probe: does a texture's code gain from the patch seen at other scales too? Writes an encoder that
 * runs a plain (one-view) encoder on the patch rescaled by each of {@code SCALES} (0.5: a 2 x 2
 * average pool; any other factor but 1: a bilinear {@code Resize}; the network is convolutional up
 * to its global pooling, so it takes any size) and averages the unit-length outputs before the
 * sign, as {@code texhash train ensemble} averages members ({@link MemberAveraging#unitLength}).
 * Evaluate the file with {@code texhash eval --encoder OUT.onnx}. Not an encoder texhash ships: a
 * question about the learned features.
 *
 * <p>java -cp "cli/target/texhash-cli.jar:cli/target/lib/*" bench/probes/ScaleViews.java IN.onnx
 * OUT.onnx SCALES
 *
 * <p>SCALES: comma-separated factors, e.g. {@code 1,0.5}. Prints the new model id.
 */
public class ScaleViews {
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: IN.onnx OUT.onnx SCALES");
      System.exit(2);
    }
    ModelProto plain;
    try (var in = Files.newInputStream(Path.of(args[0]))) {
      plain = ModelProto.parseFrom(in);
    }
    Map<String, String> meta = new LinkedHashMap<>();
    plain.getMetadataPropsList().forEach(e -> meta.put(e.getKey(), e.getValue()));
    if (!meta.getOrDefault(EncoderExport.META_VIEWS, "1").equals("1")) {
      throw new IllegalArgumentException(
          args[0] + " averages views already; start from the plain encoder");
    }
    String id = meta.remove(OnnxEncoder.META_MODEL_ID);
    int bits = Integer.parseInt(meta.remove(OnnxEncoder.META_BITS));
    int size = Integer.parseInt(meta.remove(OnnxEncoder.META_INPUT_SIZE));
    List<Float> scales = new ArrayList<>();
    for (String s : args[2].split(",")) {
      scales.add(Float.parseFloat(s));
    }
    meta.put("texhash.probe_scales", args[2]);
    OnnxNodes nodes =
        (g, input) -> {
          String epsilon = g.floats("member_epsilon", new float[] {MemberAveraging.EPSILON});
          List<String> unit = new ArrayList<>();
          for (float s : scales) {
            String x = input;
            if (s == 0.5f) {
              x =
                  g.node(
                      "AveragePool",
                      "half",
                      input,
                      "kernel_shape",
                      new long[] {2, 2},
                      "strides",
                      new long[] {2, 2});
            } else if (s != 1f) {
              String factors = g.floats("scale_factors", new float[] {1f, 1f, s, s}, 4);
              x = g.node("Resize", "rescale", new String[] {input, "", factors}, "mode", "linear");
            }
            unit.add(MemberAveraging.unitLength(g, g.inline(plain.getGraph(), x), epsilon));
          }
          return unit.size() == 1
              ? unit.get(0)
              : g.node("Mean", "scale_mean", unit.toArray(String[]::new));
        };
    String prefix = "scales-" + id.substring(0, Math.max(0, id.lastIndexOf('-')));
    ModelProto built = EncoderExport.build(nodes, size, bits, prefix, meta);
    try (var out = Files.newOutputStream(Path.of(args[1]))) {
      built.writeTo(out);
    }
    System.out.println(EncoderExport.modelId(built));
  }
}
