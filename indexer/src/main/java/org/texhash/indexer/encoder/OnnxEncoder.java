package org.texhash.indexer.encoder;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.onnxruntime.engine.OrtSymbolBlock;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.texhash.indexer.image.Images;
import org.texhash.lucene.HashCode;

/**
 * An encoder in an ONNX file that follows the encoder contract (docs/ARCHITECTURE.md), run by DJL's
 * ONNX Runtime engine.
 *
 * <p>Input {@value #INPUT}: float32 {@code [N, 3, S, S]}, RGB scaled to [-1, 1]. Output {@value
 * #OUTPUT}: float32 {@code [N, K]}, the pre-sign code. K, S and the id come from the model's {@code
 * metadata_props} ({@value #META_BITS}, {@value #META_INPUT_SIZE}, {@value #META_MODEL_ID});
 * nothing about a model is configured twice. A model without the {@code texhash.*} keys is refused
 * with the key it lacks.
 *
 * <p>Patches are run in batches of {@link #batchSize()}; {@link #features} is synchronized (a DJL
 * predictor is not thread-safe; ONNX Runtime parallelises inside each batch).
 */
public final class OnnxEncoder implements Encoder {
  public static final String ENGINE = "OnnxRuntime";
  public static final String INPUT = "image";
  public static final String OUTPUT = "features";
  public static final String META_BITS = "texhash.bits";
  public static final String META_INPUT_SIZE = "texhash.input_size";
  public static final String META_MODEL_ID = "texhash.model_id";
  public static final String META_OBJECTIVE = "texhash.objective";
  public static final String META_BACKBONE = "texhash.backbone";
  public static final int DEFAULT_BATCH_SIZE = 32;

  private final Path file;
  private final ZooModel<NDList, NDList> model;
  private final Predictor<NDList, NDList> predictor;
  private final Map<String, String> metadata;
  private final String id;
  private final int bits;
  private final int inputSize;
  private final int batchSize;

  private OnnxEncoder(
      Path file, ZooModel<NDList, NDList> model, Map<String, String> metadata, int batchSize) {
    this.file = file;
    this.model = model;
    this.metadata = metadata;
    this.bits = HashCode.checkBits(positiveInt(metadata, META_BITS));
    this.inputSize = positiveInt(metadata, META_INPUT_SIZE);
    this.id = required(metadata, META_MODEL_ID);
    this.batchSize = batchSize;
    this.predictor = model.newPredictor();
  }

  /** {@link #open(Path, int)} with batches of {@value #DEFAULT_BATCH_SIZE}. */
  public static OnnxEncoder open(Path file) throws IOException {
    return open(file, DEFAULT_BATCH_SIZE);
  }

  /**
   * Loads {@code file} with the ONNX Runtime engine and checks it against the contract.
   *
   * @throws IllegalArgumentException when the file is missing, is not a model ONNX Runtime can
   *     load, or is not a texhash encoder (the message says which): the caller named a bad encoder
   * @throws IOException when the model cannot be loaded for another reason
   */
  public static OnnxEncoder open(Path file, int batchSize) throws IOException {
    return open(file, batchSize, 0);
  }

  /**
   * {@link #open(Path, int)} with {@code intraOpThreads} ONNX Runtime threads per operator (0: ONNX
   * Runtime's default, one per core; 1 measures one core).
   */
  public static OnnxEncoder open(Path file, int batchSize, int intraOpThreads) throws IOException {
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException("intraOpThreads must be >= 0, got " + intraOpThreads);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("encoder file not found: " + file);
    }
    Criteria.Builder<NDList, NDList> builder =
        Criteria.builder()
            .setTypes(NDList.class, NDList.class)
            .optModelPath(file.toAbsolutePath())
            .optEngine(ENGINE);
    if (intraOpThreads > 0) {
      builder.optOption("intraOpNumThreads", Integer.toString(intraOpThreads));
    }
    Criteria<NDList, NDList> criteria = builder.build();
    ZooModel<NDList, NDList> model;
    try {
      model = criteria.loadModel();
    } catch (MalformedModelException | RuntimeException e) {
      throw new IllegalArgumentException(
          file + " is not an ONNX model that ONNX Runtime can load (" + rootMessage(e) + ")", e);
    } catch (ModelNotFoundException e) {
      throw new IOException("ONNX Runtime cannot load " + file + ": " + e.getMessage(), e);
    }
    try {
      if (!(model.getBlock() instanceof OrtSymbolBlock block)) {
        throw new IllegalStateException("engine " + ENGINE + " did not give an ONNX Runtime block");
      }
      List<String> inputs = block.describeInput().keys();
      if (!inputs.contains(INPUT)) {
        throw new IllegalArgumentException(
            file
                + " is not a texhash encoder: it has inputs "
                + inputs
                + ", the contract needs '"
                + INPUT
                + "'");
      }
      Map<String, String> metadata = new TreeMap<>(block.getCustomMetadata());
      return new OnnxEncoder(file, model, metadata, batchSize);
    } catch (RuntimeException e) {
      model.close();
      if (e instanceof IllegalArgumentException) {
        throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
      }
      throw e;
    }
  }

  /** ONNX Runtime's own reason, under DJL's generic "cannot be loaded". */
  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public int bits() {
    return bits;
  }

  @Override
  public int inputSize() {
    return inputSize;
  }

  public int batchSize() {
    return batchSize;
  }

  public Path file() {
    return file;
  }

  /** All {@code metadata_props} of the model (sorted by key). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** {@value #META_OBJECTIVE}, or "unknown". */
  public String objective() {
    return metadata.getOrDefault(META_OBJECTIVE, "unknown");
  }

  /** {@value #META_BACKBONE}, or "unknown". */
  public String backbone() {
    return metadata.getOrDefault(META_BACKBONE, "unknown");
  }

  @Override
  public synchronized float[][] features(List<BufferedImage> patches) {
    float[][] out = new float[patches.size()][];
    for (int from = 0; from < patches.size(); from += batchSize) {
      List<BufferedImage> batch = patches.subList(from, Math.min(patches.size(), from + batchSize));
      float[][] rows = run(batch, from);
      System.arraycopy(rows, 0, out, from, rows.length);
    }
    return out;
  }

  private float[][] run(List<BufferedImage> batch, int firstIndex) {
    int n = batch.size();
    int plane = inputSize * inputSize;
    float[] input = new float[n * 3 * plane];
    for (int i = 0; i < n; i++) {
      BufferedImage p = batch.get(i);
      if (p.getWidth() != inputSize || p.getHeight() != inputSize) {
        throw new IllegalArgumentException(
            "patch "
                + (firstIndex + i)
                + " is "
                + p.getWidth()
                + " x "
                + p.getHeight()
                + ", encoder "
                + id
                + " expects "
                + inputSize
                + " x "
                + inputSize);
      }
      int[] px = Images.rgbPixels(p);
      int base = i * 3 * plane;
      for (int j = 0; j < plane; j++) {
        input[base + j] = ((px[j] >>> 16) & 0xFF) / 127.5f - 1f;
        input[base + plane + j] = ((px[j] >>> 8) & 0xFF) / 127.5f - 1f;
        input[base + 2 * plane + j] = (px[j] & 0xFF) / 127.5f - 1f;
      }
    }
    return run(input, n);
  }

  /**
   * Features of {@code n} patches already in the contract's input form: {@code [n, 3, S, S]} planes
   * in [-1, 1], row-major (a trainer's batch, which may hold pixels no image has).
   */
  public synchronized float[][] featuresOfPlanes(float[] planes, int n) {
    if (planes.length != n * 3 * inputSize * inputSize) {
      throw new IllegalArgumentException(
          "expected "
              + n
              + " x 3 x "
              + inputSize
              + " x "
              + inputSize
              + " values for encoder "
              + id
              + ", got "
              + planes.length);
    }
    float[][] out = new float[n][];
    int per = 3 * inputSize * inputSize;
    for (int from = 0; from < n; from += batchSize) {
      int m = Math.min(n, from + batchSize) - from;
      float[][] rows = run(Arrays.copyOfRange(planes, from * per, (from + m) * per), m);
      System.arraycopy(rows, 0, out, from, m);
    }
    return out;
  }

  private float[][] run(float[] input, int n) {
    try (NDManager manager = model.getNDManager().newSubManager()) {
      NDArray x = manager.create(input, new Shape(n, 3, inputSize, inputSize));
      x.setName(INPUT);
      NDList result = predictor.predict(new NDList(x));
      NDArray y = result.get(OUTPUT);
      if (y == null) {
        List<String> names = new ArrayList<>();
        result.forEach(a -> names.add(a.getName()));
        throw new IllegalStateException(
            "encoder " + id + " has no output '" + OUTPUT + "' (outputs: " + names + ")");
      }
      Shape shape = y.getShape();
      if (shape.dimension() != 2 || shape.get(0) != n || shape.get(1) != bits) {
        throw new IllegalStateException(
            "encoder "
                + id
                + " output '"
                + OUTPUT
                + "' has shape "
                + shape
                + ", the contract needs ("
                + n
                + ", "
                + bits
                + ") for "
                + META_BITS
                + "="
                + bits);
      }
      float[] flat = y.toType(DataType.FLOAT32, false).toFloatArray();
      float[][] rows = new float[n][bits];
      for (int i = 0; i < n; i++) {
        System.arraycopy(flat, i * bits, rows[i], 0, bits);
      }
      result.close();
      return rows;
    } catch (TranslateException e) {
      throw new IllegalStateException("encoder " + id + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    predictor.close();
    model.close();
  }

  @Override
  public String toString() {
    return id + " (" + file + ")";
  }

  private static String required(Map<String, String> metadata, String key) {
    String v = metadata.get(key);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(
          "not a texhash encoder: metadata_props lacks '"
              + key
              + "' (has "
              + metadata.keySet()
              + ")");
    }
    return v.strip();
  }

  private static int positiveInt(Map<String, String> metadata, String key) {
    String v = required(metadata, key);
    try {
      int n = Integer.parseInt(v);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "metadata_props '" + key + "' must be a positive integer, got '" + v + "'");
  }
}
