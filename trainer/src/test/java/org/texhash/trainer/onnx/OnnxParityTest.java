package org.texhash.trainer.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.texhash.trainer.hashing.Backbone;
import org.texhash.trainer.hashing.BackboneKind;
import org.texhash.trainer.hashing.HashNetwork;
import org.texhash.trainer.hashing.PlainCnn;
import org.texhash.trainer.hashing.ProgressiveFusion;
import org.texhash.trainer.hashing.TsnTaps;
import org.texhash.trainer.hashing.TunedTsnTaps;
import org.texhash.trainer.nn.ChannelAttention;
import org.texhash.trainer.nn.ConvUnit;
import org.texhash.trainer.nn.GlobalPool;
import org.texhash.trainer.nn.LocalSigns;
import org.texhash.trainer.nn.ResidualUnit;
import org.texhash.trainer.nn.SignsStemUnit;
import org.texhash.trainer.nn.UpsampleUnit;
import org.texhash.trainer.tsn.TsnGenerator;
import org.texhash.trainer.tsn.TsnPreset;

/**
 * ONNX Runtime computes what DJL's forward pass computes in inference mode, block by block and for
 * the whole encoder: max abs difference under 1e-4, and the same signs wherever DJL's value is
 * farther than that from zero.
 */
class OnnxParityTest {
  private static final float TOLERANCE = 1e-4f;

  private static NDManager manager() {
    return Engine.getEngine("PyTorch").newBaseManager();
  }

  /** Random weights, and batch-norm statistics that are not the identity. */
  private static void initialize(Block b, NDManager m, long seed, Shape... in) {
    initialize(b, m, seed, 0.2f, in);
  }

  /**
   * The same with weights of deviation {@code sigma}: a deep stack needs a smaller one, or its
   * outputs grow by orders of magnitude and float32's rounding with them.
   */
  private static void initialize(Block b, NDManager m, long seed, float sigma, Shape... in) {
    Engine.getEngine("PyTorch").setRandomSeed((int) seed);
    b.setInitializer(new NormalInitializer(sigma), Parameter.Type.WEIGHT);
    b.setInitializer(new NormalInitializer(sigma), Parameter.Type.BIAS);
    b.initialize(m, DataType.FLOAT32, in);
    Random rnd = new Random(seed);
    for (var p : b.getParameters()) {
      String k = p.getKey();
      NDArray a = p.getValue().getArray();
      if (k.endsWith("runningMean") || k.endsWith("beta")) {
        a.set(uniform(rnd, (int) a.size(), -0.5f, 0.5f));
      } else if (k.endsWith("runningVar") || k.endsWith("gamma")) {
        a.set(uniform(rnd, (int) a.size(), 0.5f, 1.5f));
      }
    }
  }

  private static float[] uniform(Random rnd, int n, float lo, float hi) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = lo + (hi - lo) * rnd.nextFloat();
    }
    return f;
  }

  private static void assertParity(float[] djl, float[] ort) {
    assertEquals(djl.length, ort.length);
    float max = 0;
    for (int i = 0; i < djl.length; i++) {
      max = Math.max(max, Math.abs(djl[i] - ort[i]));
      if (Math.abs(djl[i]) > TOLERANCE) {
        assertEquals(djl[i] > 0, ort[i] > 0, "sign of element " + i);
      }
    }
    assertTrue(max < TOLERANCE, "max abs difference " + max);
  }

  private static void checkSingleInput(Block block, OnnxNodes nodes, Shape in, long seed)
      throws Exception {
    try (NDManager m = manager()) {
      initialize(block, m, seed, in);
      float[] x = uniform(new Random(seed + 1), (int) in.size(), -1, 1);
      NDArray y =
          block
              .forward(new ParameterStore(m, false), new NDList(m.create(x, in)), false)
              .singletonOrThrow();
      OnnxGraph g = new OnnxGraph("block");
      g.input("x", in.getShape());
      String out = nodes.emitOnnx(g, "x");
      float[] ort =
          OrtRunner.run(
              OrtRunner.model(g, out, y.getShape().getShape()),
              Map.of("x", new OrtRunner.Input(x, in.getShape())));
      assertParity(y.toFloatArray(), ort);
    }
  }

  @Test
  void convUnitsOfEveryKind() throws Exception {
    Shape in = new Shape(2, 3, 8, 8);
    check(new ConvUnit(5, 3, 1, ConvUnit.Norm.BATCH, ConvUnit.Act.RELU), in, 1);
    check(new ConvUnit(4, 5, 1, ConvUnit.Norm.NONE, ConvUnit.Act.TANH), in, 2);
    check(new ConvUnit(4, 4, 2, ConvUnit.Norm.INSTANCE, ConvUnit.Act.LEAKY_RELU), in, 3);
    check(new ConvUnit(6, 3, 2, ConvUnit.Norm.BATCH, ConvUnit.Act.NONE), in, 4);
    check(new ConvUnit(6, 1, 1, ConvUnit.Norm.BATCH, ConvUnit.Act.RELU), in, 5);
  }

  private static void check(Block block, Shape in, long seed) throws Exception {
    checkSingleInput(block, (OnnxNodes) block, in, seed);
  }

  @Test
  void residualUpsampleAndAttention() throws Exception {
    check(new ResidualUnit(4), new Shape(2, 4, 8, 8), 6);
    check(new UpsampleUnit(3), new Shape(2, 4, 4, 4), 7);
    check(new UpsampleUnit(5), new Shape(1, 3, 3, 6), 10); // odd, non-square: every border phase
    check(new LocalSigns(), new Shape(2, 3, 7, 9), 11); // borders on every side of a 5x5 kernel
    check(new SignsStemUnit(5, 5), new Shape(2, 3, 7, 9), 12);
    check(new ChannelAttention(3), new Shape(2, 6, 5, 5), 8);
    check(new ChannelAttention(5), new Shape(1, 16, 4, 4), 9);
  }

  @Test
  void globalPoolOfEveryKind() throws Exception {
    for (GlobalPool.Kind kind : GlobalPool.Kind.values()) {
      check(new GlobalPool(kind), new Shape(2, 6, 5, 5), 30 + kind.ordinal());
    }
    // a constant channel: the deviation is sqrt(epsilon), not NaN, on both sides
    float[] x = new float[18];
    java.util.Arrays.fill(x, 0.7f);
    float[][] pooled = poolBothWays(GlobalPool.Kind.MEAN_STD, x, new Shape(1, 2, 3, 3), 4);
    assertParity(pooled[0], pooled[1]);
    assertEquals(Math.sqrt(1e-5), pooled[0][3], 1e-4);
  }

  @Test
  void gramPoolIsTheSignedRootOfTheChannelsSecondMoments() throws Exception {
    // channel 0 is (1, 3), channel 1 is (2, -2) over two positions: second moments 5, -2, -2, 4
    float[][] pooled =
        poolBothWays(GlobalPool.Kind.GRAM, new float[] {1, 3, 2, -2}, new Shape(1, 2, 1, 2), 4);
    float[] expected = {(float) Math.sqrt(5), -(float) Math.sqrt(2), -(float) Math.sqrt(2), 2f};
    assertArrayEquals(expected, pooled[0], 1e-4f);
    assertArrayEquals(expected, pooled[1], 1e-4f);
  }

  @Test
  void gemPoolIsTheCubeRootOfTheMeanCubeOfTheFlooredMaps() throws Exception {
    // channel 0 is (1, 2): (4.5)^(1/3); channel 1 is (-3, 0): both floored, so about the floor
    float[][] pooled =
        poolBothWays(GlobalPool.Kind.GEM, new float[] {1, 2, -3, 0}, new Shape(1, 2, 1, 2), 4);
    float[] expected = {(float) Math.cbrt(4.5), 0f};
    assertArrayEquals(expected, pooled[0], 1e-4f);
    assertArrayEquals(expected, pooled[1], 1e-4f);
    // between the mean (1.5) and the maximum (2)
    assertTrue(pooled[0][0] > 1.5f && pooled[0][0] < 2f);
  }

  /** {@code x} pooled by {@code kind} through DJL's forward pass and through ONNX Runtime. */
  private static float[][] poolBothWays(GlobalPool.Kind kind, float[] x, Shape in, int width)
      throws Exception {
    GlobalPool pool = new GlobalPool(kind);
    try (NDManager m = manager()) {
      float[] djl =
          pool.forward(new ParameterStore(m, false), new NDList(m.create(x, in)), false)
              .singletonOrThrow()
              .toFloatArray();
      OnnxGraph g = new OnnxGraph("pool");
      g.input("x", in.getShape());
      String out = pool.emitOnnx(g, "x");
      float[] ort =
          OrtRunner.run(
              OrtRunner.model(g, out, (int) in.get(0), width),
              Map.of("x", new OrtRunner.Input(x, in.getShape())));
      return new float[][] {djl, ort};
    }
  }

  @Test
  void progressiveFusionWithAndWithoutAttentionForEachPooling() throws Exception {
    for (int variant = 0; variant < 2 * GlobalPool.Kind.values().length; variant++) {
      int kernel = variant % 2 == 0 ? 3 : 0;
      GlobalPool.Kind pooling = GlobalPool.Kind.values()[variant / 2];
      List<Integer> channels = List.of(8, 16, 16);
      ProgressiveFusion f = new ProgressiveFusion(channels, kernel, 12, pooling);
      int width = pooling.outputs(12);
      Shape[] taps = {new Shape(2, 8, 16, 16), new Shape(2, 16, 8, 8), new Shape(2, 16, 4, 4)};
      try (NDManager m = manager()) {
        initialize(f, m, 10 + variant, taps);
        NDList in = new NDList();
        Map<String, OrtRunner.Input> feed = new LinkedHashMap<>();
        OnnxGraph g = new OnnxGraph("fusion");
        List<String> names = new ArrayList<>();
        for (int l = 0; l < taps.length; l++) {
          float[] x = uniform(new Random(l), (int) taps[l].size(), 0, 2);
          in.add(m.create(x, taps[l]));
          feed.put("t" + l, new OrtRunner.Input(x, taps[l].getShape()));
          g.input("t" + l, taps[l].getShape());
          names.add("t" + l);
        }
        NDArray y = f.forward(new ParameterStore(m, false), in, false).singletonOrThrow();
        assertEquals(new Shape(2, width), y.getShape());
        String out = f.emitOnnx(g, names);
        assertParity(y.toFloatArray(), OrtRunner.run(OrtRunner.model(g, out, 2, width), feed));
      }
    }
  }

  @Test
  void wholeEncoderOnEveryBackbone() throws Exception {
    TsnPreset tiny = TsnPreset.of("tiny");
    List<String> backbones = new java.util.ArrayList<>(BackboneKind.ids());
    backbones.add("cnn-deeper"); // the plain CNN with three conv units per level
    backbones.add("cnn-signs"); // the plain CNN reading local signs beside the colour
    backbones.add("cnn-signs-1x1"); // the same signs through a 1x1 convolution
    backbones.add("cnn-gram"); // the plain CNN pooled by the Gram matrix
    backbones.add("cnn-gem"); // the plain CNN pooled by the generalised mean
    for (String backbone : backbones) {
      try (NDManager m = manager()) {
        Shape in = new Shape(3, 3, tiny.patchSize(), tiny.patchSize());
        HashNetwork net;
        if (!backbone.startsWith("cnn") && BackboneKind.of(backbone).readsTsn()) {
          TsnGenerator g = new TsnGenerator(tiny);
          initialize(g, m, 20, in);
          Backbone taps = backbone.equals("tsn") ? new TsnTaps(g) : new TunedTsnTaps(g);
          net = HashNetwork.builder().backbone(taps).bits(16).classes(5).dims(24).build();
        } else {
          int depth = backbone.equals("cnn-deeper") ? 3 : 1;
          PlainCnn.Stem stem =
              backbone.startsWith("cnn-signs")
                  ? PlainCnn.Stem.of(backbone.substring("cnn-".length()))
                  : PlainCnn.Stem.RGB;
          PlainCnn cnn = new PlainCnn(tiny.patchSize(), List.of(16, 32, 32), depth, stem);
          net =
              HashNetwork.builder()
                  .backbone(cnn)
                  .bits(16)
                  .classes(5)
                  .dims(24)
                  .pooling(
                      switch (backbone) {
                        case "cnn-gram" -> GlobalPool.Kind.GRAM;
                        case "cnn-gem" -> GlobalPool.Kind.GEM;
                        default -> GlobalPool.Kind.MEAN_STD;
                      })
                  .build();
        }
        initialize(net, m, 21, backbone.equals("cnn-deeper") ? 0.05f : 0.2f, in);
        float[] x = uniform(new Random(22), (int) in.size(), -1, 1);
        NDArray u = net.codes(new ParameterStore(m, false), m.create(x, in), false);
        var model =
            EncoderExport.build(
                net, tiny.patchSize(), 16, "test", Map.of("texhash.backbone", backbone));
        float[] ort = OrtRunner.run(model, Map.of("image", new OrtRunner.Input(x, in.getShape())));
        assertParity(u.toFloatArray(), ort);
      }
    }
  }

  @Test
  void viewAveragingInTheExportAndAroundAnExportedFile(@TempDir Path tmp) throws Exception {
    TsnPreset tiny = TsnPreset.of("tiny");
    try (NDManager m = manager()) {
      Shape in = new Shape(2, 3, tiny.patchSize(), tiny.patchSize());
      PlainCnn cnn = new PlainCnn(tiny.patchSize(), List.of(16, 32, 32));
      HashNetwork net = HashNetwork.builder().backbone(cnn).bits(16).classes(5).dims(24).build();
      initialize(net, m, 40, in);
      ParameterStore store = new ParameterStore(m, false);
      float[] x = uniform(new Random(41), (int) in.size(), -1, 1);
      NDArray patches = m.create(x, in);
      Path plain = tmp.resolve("plain.onnx");
      String plainId = EncoderExport.write(plain, net, tiny.patchSize(), 16, "cnn-test", Map.of());
      for (int views : List.of(2, 4, 8)) {
        NDArray djl =
            ViewAveraging.average(
                net.codes(store, ViewAveraging.stack(patches, views), false), views);
        Map<String, OrtRunner.Input> feed = Map.of("image", new OrtRunner.Input(x, in.getShape()));
        var built =
            EncoderExport.build(
                new ViewAveraging(net, views, 16), tiny.patchSize(), 16, "test", Map.of());
        assertParity(djl.toFloatArray(), OrtRunner.run(built, feed));
        Path wrapped = tmp.resolve("v" + views + ".onnx");
        String id = EncoderExport.writeWithViews(plain, views, wrapped);
        assertTrue(id.startsWith("cnn-test-v" + views + "-") && !id.equals(plainId), id);
        var model = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(Files.readAllBytes(wrapped));
        assertParity(djl.toFloatArray(), OrtRunner.run(model, feed));
        assertThrows(
            IllegalArgumentException.class,
            () -> EncoderExport.writeWithViews(wrapped, 2, tmp.resolve("twice.onnx")));
      }
      // eight views: a patch and its quarter turn get the same outputs
      NDArray turned = patches.transpose(0, 1, 3, 2).flip(3);
      float[] a =
          ViewAveraging.average(net.codes(store, ViewAveraging.stack(patches, 8), false), 8)
              .toFloatArray();
      float[] b =
          ViewAveraging.average(net.codes(store, ViewAveraging.stack(turned, 8), false), 8)
              .toFloatArray();
      assertParity(a, b);
    }
  }

  @Test
  void anEnsembleAveragesItsMembersUnitOutputsAndKeepsOnlyTheMetadataTheyShare(@TempDir Path tmp)
      throws Exception {
    TsnPreset tiny = TsnPreset.of("tiny");
    try (NDManager m = manager()) {
      Shape in = new Shape(3, 3, tiny.patchSize(), tiny.patchSize());
      float[] x = uniform(new Random(51), (int) in.size(), -1, 1);
      ParameterStore store = new ParameterStore(m, false);
      List<Path> members = new ArrayList<>();
      List<NDArray> unit = new ArrayList<>();
      for (int seed = 0; seed < 3; seed++) {
        PlainCnn cnn = new PlainCnn(tiny.patchSize(), List.of(16, 32, 32));
        HashNetwork net = HashNetwork.builder().backbone(cnn).bits(16).classes(5).dims(24).build();
        initialize(net, m, 60 + seed, in);
        NDArray u = net.codes(store, m.create(x, in), false);
        unit.add(u.div(u.norm(new int[] {1}, true)));
        Path file = tmp.resolve("member" + seed + ".onnx");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("texhash.objective", "cosine");
        meta.put("texhash.seed", Integer.toString(seed));
        EncoderExport.write(file, net, tiny.patchSize(), 16, "cnn-test", meta);
        members.add(file);
      }
      Path ensemble = tmp.resolve("ensemble.onnx");
      String id = EncoderExport.writeEnsemble(members, ensemble);
      assertTrue(id.startsWith("ensemble3-16-"), id);
      var model = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(Files.readAllBytes(ensemble));
      Map<String, OrtRunner.Input> feed = Map.of("image", new OrtRunner.Input(x, in.getShape()));
      NDArray mean = unit.get(0).add(unit.get(1)).add(unit.get(2)).div(3);
      assertParity(mean.toFloatArray(), OrtRunner.run(model, feed));

      Map<String, String> meta = new LinkedHashMap<>();
      model.getMetadataPropsList().forEach(e -> meta.put(e.getKey(), e.getValue()));
      assertEquals("cosine", meta.get("texhash.objective"));
      assertTrue(!meta.containsKey("texhash.seed"), "the members' seeds differ: " + meta);
      assertEquals(3, meta.get(EncoderExport.META_MEMBERS).split(",").length);

      // views go around the ensemble, not inside it
      Path twoViews = tmp.resolve("v2.onnx");
      EncoderExport.writeWithViews(ensemble, 2, twoViews);
      assertThrows(
          IllegalArgumentException.class,
          () ->
              EncoderExport.writeEnsemble(
                  List.of(twoViews, members.get(0)), tmp.resolve("x.onnx")));
      // members of another code length are refused
      PlainCnn cnn = new PlainCnn(tiny.patchSize(), List.of(16, 32, 32));
      HashNetwork net8 = HashNetwork.builder().backbone(cnn).bits(8).classes(5).dims(24).build();
      initialize(net8, m, 70, in);
      Path eight = tmp.resolve("eight.onnx");
      EncoderExport.write(eight, net8, tiny.patchSize(), 8, "cnn-test", Map.of());
      var e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  EncoderExport.writeEnsemble(
                      List.of(members.get(0), eight), tmp.resolve("y.onnx")));
      assertTrue(e.getMessage().contains("texhash.bits"), e.getMessage());
      assertThrows(
          IllegalArgumentException.class,
          () -> EncoderExport.writeEnsemble(List.of(members.get(0)), tmp.resolve("z.onnx")));
    }
  }
}
