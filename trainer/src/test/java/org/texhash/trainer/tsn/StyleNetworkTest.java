package org.texhash.trainer.tsn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StyleNetworkTest {

  @Test
  void randomNetworkIsSeededAndMultiScale() {
    try (NDManager m = TsnModel.engine().newBaseManager()) {
      NDArray x = m.randomUniform(-1, 1, new Shape(2, 3, 32, 32));
      List<NDArray> a = new RandomStyleNetwork(m, 3, 8, 5).features(x);
      List<NDArray> b = new RandomStyleNetwork(m, 3, 8, 5).features(x);
      assertEquals(3, a.size());
      for (int s = 0; s < 3; s++) {
        assertEquals(new Shape(2, 8, 32 >> s, 32 >> s), a.get(s).getShape());
        assertArrayEquals(a.get(s).toFloatArray(), b.get(s).toFloatArray());
      }
      float[] other = new RandomStyleNetwork(m, 3, 8, 6).features(x).get(0).toFloatArray();
      assertTrue(
          !java.util.Arrays.equals(other, a.get(0).toFloatArray()), "another seed, other filters");
    }
  }

  @Test
  void gramMatchesBruteForceAndDistanceVanishesOnItself() {
    try (NDManager m = TsnModel.engine().newBaseManager()) {
      float[] f = new float[2 * 3 * 4];
      for (int i = 0; i < f.length; i++) {
        f[i] = (i * 7 % 5) - 2f;
      }
      float[] g = GramStyle.gram(m.create(f, new Shape(2, 3, 2, 2))).toFloatArray();
      for (int n = 0; n < 2; n++) {
        for (int i = 0; i < 3; i++) {
          for (int j = 0; j < 3; j++) {
            double s = 0;
            for (int k = 0; k < 4; k++) {
              s += f[(n * 3 + i) * 4 + k] * f[(n * 3 + j) * 4 + k];
            }
            assertEquals(s / 4, g[(n * 3 + i) * 3 + j], 1e-5);
          }
        }
      }
      RandomStyleNetwork net = new RandomStyleNetwork(m, 2, 4, 1);
      NDArray x = m.randomUniform(-1, 1, new Shape(1, 3, 16, 16));
      assertEquals(0f, GramStyle.distance(net, x, x).getFloat(), 1e-9f);
      assertTrue(GramStyle.distance(net, x, x.mul(0.5f)).getFloat() > 0);
    }
  }

  @Test
  void aFileThatIsNotTorchScriptIsAClearError(@TempDir Path dir) throws Exception {
    Path bogus = dir.resolve("style.pt");
    Files.writeString(bogus, "not a model");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TorchScriptStyleNetwork.load(bogus));
    assertTrue(e.getMessage().contains("style.pt"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> TorchScriptStyleNetwork.load(dir.resolve("missing.pt")));
  }
}
