package org.texhash.trainer.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Collects the nodes and initializers of one ONNX graph while blocks emit themselves into it
 * ({@link OnnxNodes}). Names are made unique here; weights are written as little-endian float32
 * {@code raw_data}.
 */
public final class OnnxGraph {
  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final Map<String, Integer> used = new HashMap<>();
  private final Set<String> taken = new HashSet<>();

  public OnnxGraph(String name) {
    graph.setName(name);
  }

  /** {@code prefix}, or {@code prefix_2}, {@code prefix_3}... when taken. */
  public String fresh(String prefix) {
    while (true) {
      int n = used.merge(prefix, 1, Integer::sum);
      String name = n == 1 ? prefix : prefix + "_" + n;
      if (taken.add(name)) { // an inlined graph may already have used prefix_n verbatim
        return name;
      }
    }
  }

  /** A float32 initializer holding {@code value} (any float type is converted). */
  public String weight(String prefix, NDArray value) {
    float[] data = value.toType(DataType.FLOAT32, false).toFloatArray();
    return floats(prefix, data, value.getShape().getShape());
  }

  public String floats(String prefix, float[] data, long... dims) {
    String name = fresh(prefix);
    ByteBuffer b = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(data);
    graph.addInitializer(
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.FLOAT.getNumber())
            .addAllDims(box(dims))
            .setRawData(ByteString.copyFrom(b.array())));
    return name;
  }

  /** An int64 initializer (shapes, axes). */
  public String longs(String prefix, long... values) {
    String name = fresh(prefix);
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(values);
    graph.addInitializer(
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.INT64.getNumber())
            .addDims(values.length)
            .setRawData(ByteString.copyFrom(b.array())));
    return name;
  }

  /**
   * Adds node {@code op} with {@code inputs} (an empty string is an omitted optional input) and
   * attributes given as name/value pairs (Integer, Long, Float, String, long[] or float[]).
   *
   * @return the name of its single output
   */
  public String node(String op, String prefix, String[] inputs, Object... attributes) {
    if (attributes.length % 2 != 0) {
      throw new IllegalArgumentException("attributes come in name/value pairs");
    }
    String out = fresh(prefix);
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(out).addOutput(out);
    for (String in : inputs) {
      n.addInput(in);
    }
    for (int i = 0; i < attributes.length; i += 2) {
      n.addAttribute(attribute((String) attributes[i], attributes[i + 1]));
    }
    graph.addNode(n);
    return out;
  }

  /** Shorthand for single-input nodes. */
  public String node(String op, String prefix, String input, Object... attributes) {
    return node(op, prefix, new String[] {input}, attributes);
  }

  private static AttributeProto attribute(String name, Object v) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
    if (v instanceof Integer || v instanceof Long) {
      a.setType(AttributeProto.AttributeType.INT).setI(((Number) v).longValue());
    } else if (v instanceof Float || v instanceof Double) {
      a.setType(AttributeProto.AttributeType.FLOAT).setF(((Number) v).floatValue());
    } else if (v instanceof String s) {
      a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
    } else if (v instanceof long[] l) {
      a.setType(AttributeProto.AttributeType.INTS).addAllInts(box(l));
    } else if (v instanceof float[] f) {
      a.setType(AttributeProto.AttributeType.FLOATS);
      for (float x : f) {
        a.addFloats(x);
      }
    } else {
      throw new IllegalArgumentException("unsupported attribute " + name + ": " + v);
    }
    return a.build();
  }

  /** Declares a float32 graph input; a dimension below 0 is symbolic ({@code N}). */
  public void input(String name, long... dims) {
    taken.add(name);
    graph.addInput(valueInfo(name, dims));
  }

  /**
   * Declares a graph output; its name is reserved, so no node but the one renamed to it uses it.
   */
  public void output(String name, long... dims) {
    taken.add(name);
    graph.addOutput(valueInfo(name, dims));
  }

  private static ValueInfoProto valueInfo(String name, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(
          d < 0
              ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
              : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    TypeProto.Tensor.Builder t =
        TypeProto.Tensor.newBuilder()
            .setElemType(TensorProto.DataType.FLOAT.getNumber())
            .setShape(shape);
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(TypeProto.newBuilder().setTensorType(t))
        .build();
  }

  /**
   * Copies the nodes and initializers of {@code sub}, a graph of one input and one output, reading
   * {@code input} where {@code sub} reads its input; every other value gets a fresh name here.
   *
   * @return the name of the value holding {@code sub}'s output
   */
  public String inline(GraphProto sub, String input) {
    if (sub.getInputCount() != 1 || sub.getOutputCount() != 1) {
      throw new IllegalArgumentException(
          "can inline a graph of one input and one output, got "
              + sub.getInputCount()
              + " and "
              + sub.getOutputCount());
    }
    Map<String, String> names = new HashMap<>();
    names.put("", "");
    names.put(sub.getInput(0).getName(), input);
    for (TensorProto t : sub.getInitializerList()) {
      String name = fresh(t.getName());
      names.put(t.getName(), name);
      graph.addInitializer(t.toBuilder().setName(name));
    }
    for (NodeProto n : sub.getNodeList()) {
      NodeProto.Builder copy = n.toBuilder().clearInput().clearOutput();
      for (String in : n.getInputList()) {
        String mapped = names.get(in);
        if (mapped == null) {
          throw new IllegalArgumentException("node " + n.getName() + " reads undefined " + in);
        }
        copy.addInput(mapped);
      }
      for (String out : n.getOutputList()) {
        String name = fresh(out);
        names.put(out, name);
        copy.addOutput(name);
      }
      graph.addNode(copy.setName(copy.getOutput(0)));
    }
    return names.get(sub.getOutput(0).getName());
  }

  /** Renames the last node's output to {@code name} (graph outputs carry contract names). */
  public void renameLastOutput(String from, String to) {
    int last = graph.getNodeCount() - 1;
    NodeProto n = graph.getNode(last);
    if (!n.getOutput(0).equals(from)) {
      throw new IllegalStateException(from + " is not the last node's output");
    }
    graph.setNode(last, n.toBuilder().setOutput(0, to).build());
  }

  public GraphProto build() {
    return graph.build();
  }

  private static java.util.List<Long> box(long[] dims) {
    java.util.List<Long> l = new java.util.ArrayList<>(dims.length);
    for (long d : dims) {
      l.add(d);
    }
    return l;
  }
}
