package org.texhash.trainer.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.texhash.indexer.encoder.OnnxEncoder;
import org.texhash.trainer.nn.AtomicFiles;

/**
 * Writes an encoder under the texhash encoder contract (docs/ARCHITECTURE.md): input {@value
 * OnnxEncoder#INPUT} {@code [N, 3, S, S]}, output {@value OnnxEncoder#OUTPUT} {@code [N, K]}, IR
 * version 8, opset 17, and the {@code texhash.*} metadata, whose model id is a hash of the graph
 * (weights included) and the other metadata.
 */
public final class EncoderExport {
  public static final long IR_VERSION = 8;
  public static final long OPSET = 17;
  public static final String META_TRAINING_DATA = "texhash.training_data";
  public static final String META_VIEWS = "texhash.views";
  public static final String META_MEMBERS = "texhash.members";

  private EncoderExport() {}

  /**
   * @param encoder the block whose nodes compute the pre-sign codes
   * @param metadata extra {@code metadata_props} (objective, backbone, training data...); bits,
   *     input size and model id are added here
   * @return the model id
   */
  public static String write(
      Path file,
      OnnxNodes encoder,
      int inputSize,
      int bits,
      String idPrefix,
      Map<String, String> metadata)
      throws IOException {
    return writeModel(file, build(encoder, inputSize, bits, idPrefix, metadata));
  }

  public static ModelProto build(
      OnnxNodes encoder, int inputSize, int bits, String idPrefix, Map<String, String> metadata) {
    OnnxGraph g = new OnnxGraph("texhash_encoder");
    g.input(OnnxEncoder.INPUT, -1, 3, inputSize, inputSize);
    g.output(OnnxEncoder.OUTPUT, -1, bits);
    String out = encoder.emitOnnx(g, OnnxEncoder.INPUT);
    g.renameLastOutput(out, OnnxEncoder.OUTPUT);
    GraphProto graph = g.build();
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put(OnnxEncoder.META_BITS, Integer.toString(bits));
    meta.put(OnnxEncoder.META_INPUT_SIZE, Integer.toString(inputSize));
    meta.putAll(metadata);
    meta.put(OnnxEncoder.META_MODEL_ID, idPrefix + "-" + contentHash(graph, meta));
    ModelProto.Builder m =
        ModelProto.newBuilder()
            .setIrVersion(IR_VERSION)
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
            .setProducerName("texhash-trainer")
            .setGraph(graph);
    meta.forEach(
        (k, v) -> m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    return m.build();
  }

  /**
   * Writes {@code in}'s encoder averaged over {@code views} views of each patch ({@link
   * ViewAveraging}) to {@code out}, with {@code in}'s metadata and a new model id.
   *
   * @return the new model id
   */
  public static String writeWithViews(Path in, int views, Path out) throws IOException {
    ModelProto model = readPlain(in);
    Map<String, String> meta = metadata(model);
    String id = meta.remove(OnnxEncoder.META_MODEL_ID);
    int k = Integer.parseInt(meta.remove(OnnxEncoder.META_BITS));
    int size = Integer.parseInt(meta.remove(OnnxEncoder.META_INPUT_SIZE));
    meta.put(META_VIEWS, Integer.toString(views));
    OnnxNodes plain = (g, input) -> g.inline(model.getGraph(), input);
    String prefix = ViewAveraging.idPrefix(idPrefixOf(id), views);
    return writeModel(out, build(new ViewAveraging(plain, views, k), size, k, prefix, meta));
  }

  /**
   * Writes the ensemble of the {@code members} ({@link MemberAveraging}) to {@code out}: the
   * metadata the members agree on, their model ids under {@value #META_MEMBERS}, and a new model
   * id. The members must have the same bits and input size and average no views (add views to the
   * ensemble afterwards).
   *
   * @return the new model id
   */
  public static String writeEnsemble(List<Path> members, Path out) throws IOException {
    if (members.size() < 2) {
      throw new IllegalArgumentException(
          "an ensemble needs at least two members, got " + members.size());
    }
    List<ModelProto> models = new ArrayList<>();
    for (Path member : members) {
      models.add(readPlain(member));
    }
    Map<String, String> shared = metadata(models.get(0));
    List<String> ids = new ArrayList<>();
    for (int m = 0; m < models.size(); m++) {
      Map<String, String> meta = metadata(models.get(m));
      for (String key : List.of(OnnxEncoder.META_BITS, OnnxEncoder.META_INPUT_SIZE)) {
        if (!meta.get(key).equals(shared.get(key))) {
          throw new IllegalArgumentException(
              members.get(m)
                  + " has "
                  + key
                  + " "
                  + meta.get(key)
                  + " but "
                  + members.get(0)
                  + " has "
                  + shared.get(key)
                  + "; ensemble members must agree on it");
        }
      }
      ids.add(meta.get(OnnxEncoder.META_MODEL_ID));
      shared.entrySet().removeIf(e -> !e.getValue().equals(meta.get(e.getKey())));
    }
    shared.remove(OnnxEncoder.META_MODEL_ID);
    int k = Integer.parseInt(shared.remove(OnnxEncoder.META_BITS));
    int size = Integer.parseInt(shared.remove(OnnxEncoder.META_INPUT_SIZE));
    shared.put(META_MEMBERS, String.join(",", ids));
    MemberAveraging ensemble =
        new MemberAveraging(models.stream().map(ModelProto::getGraph).toList());
    return writeModel(out, build(ensemble, size, k, "ensemble" + models.size() + "-" + k, shared));
  }

  /** An encoder file that averages no views yet, with its contract metadata checked. */
  private static ModelProto readPlain(Path in) throws IOException {
    ModelProto model;
    try (var stream = Files.newInputStream(in)) {
      model = ModelProto.parseFrom(stream);
    }
    Map<String, String> meta = metadata(model);
    if (!meta.getOrDefault(META_VIEWS, "1").equals("1")) {
      throw new IllegalArgumentException(
          in
              + " already averages "
              + meta.get(META_VIEWS)
              + " views; start from the plain encoder");
    }
    if (!meta.containsKey(OnnxEncoder.META_MODEL_ID)
        || !meta.containsKey(OnnxEncoder.META_BITS)
        || !meta.containsKey(OnnxEncoder.META_INPUT_SIZE)) {
      throw new IllegalArgumentException(
          in + " is not a texhash encoder (no model id, bits or input size in its metadata)");
    }
    return model;
  }

  private static Map<String, String> metadata(ModelProto model) {
    Map<String, String> meta = new LinkedHashMap<>();
    model.getMetadataPropsList().forEach(e -> meta.put(e.getKey(), e.getValue()));
    return meta;
  }

  /** The model id without its content hash: {@code cnn-cosine-64-noaug} of {@code ...-<hash>}. */
  private static String idPrefixOf(String id) {
    return id.substring(0, Math.max(0, id.lastIndexOf('-')));
  }

  private static String writeModel(Path out, ModelProto model) throws IOException {
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    AtomicFiles.write(out, o -> model.writeTo(o));
    return modelId(model);
  }

  public static String modelId(ModelProto model) {
    return model.getMetadataPropsList().stream()
        .filter(e -> e.getKey().equals(OnnxEncoder.META_MODEL_ID))
        .findFirst()
        .orElseThrow()
        .getValue();
  }

  /** First 12 hex digits of SHA-256 over the serialised graph and the sorted metadata. */
  private static String contentHash(GraphProto graph, Map<String, String> meta) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(graph.toByteArray());
      new java.util.TreeMap<>(meta)
          .forEach(
              (k, v) ->
                  d.update((k + "=" + v + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      return HexFormat.of().formatHex(d.digest()).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
