package org.texhash.indexer.encoder;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A tiny encoder under the ONNX encoder contract, written by the tests themselves: Conv 3x3 (3 to C
 * channels, zero padding 1) + Relu + GlobalAveragePool + Flatten + Gemm (C to K). {@link
 * #reference} computes the same function in plain Java.
 */
public final class TinyOnnxModel {
  static final int CHANNELS = 4;

  final int bits;
  final int inputSize;
  final float[] convWeight; // [C, 3, 3, 3]
  final float[] convBias; // [C]
  final float[] gemmWeight; // [C, K]
  final float[] gemmBias; // [K]

  public TinyOnnxModel(int bits, int inputSize, long seed) {
    this.bits = bits;
    this.inputSize = inputSize;
    Random rnd = new Random(seed);
    convWeight = gaussian(rnd, CHANNELS * 3 * 3 * 3);
    convBias = gaussian(rnd, CHANNELS);
    gemmWeight = gaussian(rnd, CHANNELS * bits);
    gemmBias = gaussian(rnd, bits);
  }

  /** The contract's metadata_props for this model. */
  public Map<String, String> metadata(String modelId) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("texhash.bits", Integer.toString(bits));
    m.put("texhash.input_size", Integer.toString(inputSize));
    m.put("texhash.model_id", modelId);
    m.put("texhash.objective", "dsdh");
    m.put("texhash.backbone", "cnn");
    return m;
  }

  /** Writes the model with {@code metadata} as its metadata_props; returns {@code file}. */
  public Path write(Path file, Map<String, String> metadata) throws IOException {
    GraphProto.Builder g = GraphProto.newBuilder().setName("tiny");
    g.addInput(floatInput("image", -1, 3, inputSize, inputSize));
    g.addOutput(floatInput("features", -1, bits));
    g.addInitializer(tensor("conv_w", convWeight, CHANNELS, 3, 3, 3));
    g.addInitializer(tensor("conv_b", convBias, CHANNELS));
    g.addInitializer(tensor("gemm_w", gemmWeight, CHANNELS, bits));
    g.addInitializer(tensor("gemm_b", gemmBias, bits));
    g.addNode(
        NodeProto.newBuilder()
            .setOpType("Conv")
            .addInput("image")
            .addInput("conv_w")
            .addInput("conv_b")
            .addOutput("conv")
            .addAttribute(ints("kernel_shape", 3, 3))
            .addAttribute(ints("pads", 1, 1, 1, 1)));
    g.addNode(NodeProto.newBuilder().setOpType("Relu").addInput("conv").addOutput("relu"));
    g.addNode(
        NodeProto.newBuilder().setOpType("GlobalAveragePool").addInput("relu").addOutput("pool"));
    g.addNode(
        NodeProto.newBuilder()
            .setOpType("Flatten")
            .addInput("pool")
            .addOutput("flat")
            .addAttribute(
                AttributeProto.newBuilder()
                    .setName("axis")
                    .setType(AttributeProto.AttributeType.INT)
                    .setI(1)));
    g.addNode(
        NodeProto.newBuilder()
            .setOpType("Gemm")
            .addInput("flat")
            .addInput("gemm_w")
            .addInput("gemm_b")
            .addOutput("features"));
    ModelProto.Builder model =
        ModelProto.newBuilder()
            .setIrVersion(8)
            .setProducerName("texhash-test")
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
            .setGraph(g);
    metadata.forEach(
        (k, v) ->
            model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    return Files.write(file, model.build().toByteArray());
  }

  /** The model's output for one patch given as [3][S][S] values in [-1, 1]. */
  float[] reference(float[][][] x) {
    int s = inputSize;
    float[] pooled = new float[CHANNELS];
    for (int c = 0; c < CHANNELS; c++) {
      double sum = 0;
      for (int y = 0; y < s; y++) {
        for (int xx = 0; xx < s; xx++) {
          double v = convBias[c];
          for (int ci = 0; ci < 3; ci++) {
            for (int ky = 0; ky < 3; ky++) {
              for (int kx = 0; kx < 3; kx++) {
                int sy = y + ky - 1;
                int sx = xx + kx - 1;
                if (sy >= 0 && sy < s && sx >= 0 && sx < s) {
                  v += convWeight[((c * 3 + ci) * 3 + ky) * 3 + kx] * x[ci][sy][sx];
                }
              }
            }
          }
          sum += Math.max(0, v);
        }
      }
      pooled[c] = (float) (sum / (s * s));
    }
    float[] out = new float[bits];
    for (int k = 0; k < bits; k++) {
      double v = gemmBias[k];
      for (int c = 0; c < CHANNELS; c++) {
        v += pooled[c] * gemmWeight[c * bits + k];
      }
      out[k] = (float) v;
    }
    return out;
  }

  private static float[] gaussian(Random rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rnd.nextGaussian() * 0.5);
    }
    return v;
  }

  private static TensorProto tensor(String name, float[] values, long... dims) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      raw.putFloat(v);
    }
    TensorProto.Builder t =
        TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber());
    for (long d : dims) {
      t.addDims(d);
    }
    return t.setRawData(ByteString.copyFrom(raw.array())).build();
  }

  private static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  /** A float tensor value; a negative dimension is the symbolic batch dimension N. */
  private static ValueInfoProto floatInput(String name, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(
          d < 0
              ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
              : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT.getNumber())
                        .setShape(shape)))
        .build();
  }
}
