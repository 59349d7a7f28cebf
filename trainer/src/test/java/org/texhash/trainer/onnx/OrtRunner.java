package org.texhash.trainer.onnx;

import ai.djl.engine.Engine;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs a model with ONNX Runtime (DJL's engine is started first, so both share one environment).
 */
final class OrtRunner {
  private OrtRunner() {}

  record Input(float[] data, long[] shape) {}

  static float[] run(ModelProto model, Map<String, Input> inputs) throws OrtException {
    Engine.getEngine("OnnxRuntime");
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session =
        env.createSession(model.toByteArray(), new OrtSession.SessionOptions())) {
      Map<String, OnnxTensor> feed = new LinkedHashMap<>();
      try {
        for (var e : inputs.entrySet()) {
          feed.put(
              e.getKey(),
              OnnxTensor.createTensor(
                  env, FloatBuffer.wrap(e.getValue().data()), e.getValue().shape()));
        }
        try (OrtSession.Result r = session.run(feed)) {
          OnnxTensor out = (OnnxTensor) r.get(0);
          FloatBuffer b = out.getFloatBuffer();
          float[] f = new float[b.remaining()];
          b.get(f);
          return f;
        }
      } finally {
        feed.values().forEach(OnnxTensor::close);
      }
    }
  }

  /** A one-output model of the nodes {@code graph} holds, {@code output} renamed to "y". */
  static ModelProto model(OnnxGraph graph, String output, long... outShape) {
    graph.renameLastOutput(output, "y");
    graph.output("y", outShape);
    return ModelProto.newBuilder()
        .setIrVersion(EncoderExport.IR_VERSION)
        .addOpsetImport(
            ai.onnx.proto.OnnxMl.OperatorSetIdProto.newBuilder()
                .setDomain("")
                .setVersion(EncoderExport.OPSET))
        .setGraph(graph.build())
        .build();
  }
}
