package org.texhash.indexer.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.texhash.indexer.image.Images;
import org.texhash.indexer.image.SyntheticTextures;
import org.texhash.lucene.HashCode;

class OnnxEncoderTest {
  @TempDir Path dir;

  @Test
  void readsTheContractFromMetadata() throws Exception {
    TinyOnnxModel tiny = new TinyOnnxModel(16, 8, 1);
    Path file = tiny.write(dir.resolve("tiny.onnx"), tiny.metadata("tiny-16-abc"));
    try (OnnxEncoder e = OnnxEncoder.open(file)) {
      assertEquals("tiny-16-abc", e.id());
      assertEquals(16, e.bits());
      assertEquals(8, e.inputSize());
      assertEquals("dsdh", e.objective());
      assertEquals("cnn", e.backbone());
      assertEquals("8", e.metadata().get("texhash.input_size"));
    }
    try (Encoder e = Encoders.open(file.toString())) {
      assertEquals(file.toAbsolutePath().normalize().toString(), Encoders.source(e));
    }
  }

  @Test
  void featuresMatchAJavaReferenceInEveryBatchSize() throws Exception {
    TinyOnnxModel tiny = new TinyOnnxModel(16, 8, 2);
    Path file = tiny.write(dir.resolve("tiny.onnx"), tiny.metadata("tiny"));
    List<BufferedImage> patches = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      patches.add(SyntheticTextures.generate(300 + i, 8, 8));
    }
    for (int batch : new int[] {1, 2, 32}) {
      try (OnnxEncoder e = OnnxEncoder.open(file, batch)) {
        float[][] f = e.features(patches);
        assertEquals(5, f.length);
        for (int i = 0; i < 5; i++) {
          float[] expected = tiny.reference(scaled(patches.get(i)));
          for (int k = 0; k < 16; k++) {
            assertEquals(
                expected[k], f[i][k], 1e-4, "batch " + batch + " patch " + i + " feature " + k);
          }
          assertEquals(HashCode.fromSigns(expected), e.encode(List.of(patches.get(i))).get(0));
        }
      }
    }
  }

  @Test
  void planesGiveTheFeaturesOfTheImagesTheyCameFrom() throws Exception {
    TinyOnnxModel tiny = new TinyOnnxModel(16, 8, 5);
    Path file = tiny.write(dir.resolve("tiny.onnx"), tiny.metadata("tiny"));
    List<BufferedImage> patches = new ArrayList<>();
    float[] planes = new float[5 * 3 * 8 * 8];
    for (int i = 0; i < 5; i++) {
      patches.add(SyntheticTextures.generate(400 + i, 8, 8));
      float[][][] x = scaled(patches.get(i));
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < 8; y++) {
          System.arraycopy(x[c][y], 0, planes, ((i * 3 + c) * 8 + y) * 8, 8);
        }
      }
    }
    try (OnnxEncoder e = OnnxEncoder.open(file, 2)) { // batches of 2: 2 + 2 + 1
      float[][] fromImages = e.features(patches);
      float[][] fromPlanes = e.featuresOfPlanes(planes, 5);
      for (int i = 0; i < 5; i++) {
        assertArrayEquals(fromImages[i], fromPlanes[i], 1e-6f, "patch " + i);
      }
      assertThrows(IllegalArgumentException.class, () -> e.featuresOfPlanes(planes, 4));
    }
  }

  @Test
  void aModelWithoutTheContractKeysIsRefused() throws Exception {
    TinyOnnxModel tiny = new TinyOnnxModel(16, 8, 3);
    Path file = tiny.write(dir.resolve("plain.onnx"), Map.of("texhash.input_size", "8"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> OnnxEncoder.open(file));
    assertTrue(e.getMessage().contains("texhash.bits"), e.getMessage());
  }

  @Test
  void patchesOfTheWrongSizeAreRefused() throws Exception {
    TinyOnnxModel tiny = new TinyOnnxModel(16, 8, 4);
    try (OnnxEncoder e = OnnxEncoder.open(tiny.write(dir.resolve("t.onnx"), tiny.metadata("t")))) {
      IllegalArgumentException x =
          assertThrows(
              IllegalArgumentException.class,
              () -> e.features(List.of(SyntheticTextures.generate(1, 9, 8))));
      assertEquals("patch 0 is 9 x 8, encoder t expects 8 x 8", x.getMessage());
    }
  }

  /** The contract's input scaling: RGB planes, value / 127.5 - 1. */
  private static float[][][] scaled(BufferedImage patch) {
    int s = patch.getWidth();
    int[] px = Images.rgbPixels(patch);
    float[][][] x = new float[3][s][s];
    for (int i = 0; i < px.length; i++) {
      for (int c = 0; c < 3; c++) {
        x[c][i / s][i % s] = ((px[i] >>> (16 - 8 * c)) & 0xFF) / 127.5f - 1f;
      }
    }
    return x;
  }
}
