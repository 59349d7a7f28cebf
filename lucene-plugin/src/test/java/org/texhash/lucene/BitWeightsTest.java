package org.texhash.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BitWeightsTest {
  @Test
  void featuresGiveTheirMagnitudesScaledToTheLargest() {
    float[] f = new float[8];
    f[0] = -2f;
    f[1] = 1f;
    f[2] = 0.5f;
    f[7] = -0.001f;
    BitWeights w = BitWeights.fromFeatures(f);
    assertEquals(255, w.weight(0));
    assertEquals(128, w.weight(1)); // 127.5 rounds up
    assertEquals(64, w.weight(2));
    assertEquals(0, w.weight(3));
    assertEquals(0, w.weight(7));
  }

  @Test
  void featuresWithoutConfidenceGiveThePlainHammingDistance() {
    BitWeights w = BitWeights.fromFeatures(new float[16]);
    HashCode a = HashCode.fromHex("ff00");
    HashCode b = HashCode.fromHex("0f01");
    assertEquals(a.distance(b), w.distance(a, b));
  }

  @Test
  void theDistanceSumsTheWeightsOfTheDifferingBitsInBothForms() {
    int[] weights = new int[72];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = (i * 37) % 256;
    }
    BitWeights w = BitWeights.of(weights);
    HashCode a = HashCode.fromHex("8000000000000001ff");
    HashCode b = HashCode.fromHex("0000000000000000f0");
    // bits 0 and 63 differ, and bits 68-71 of the last byte
    int expected = weights[0] + weights[63] + weights[68] + weights[69] + weights[70] + weights[71];
    assertEquals(expected, w.distance(a, b));
    assertEquals(expected, w.distance(a.words(), b.toLongs(), 0, Integer.MAX_VALUE));
    // below the bound the distance is exact; from the bound on, any value at least the bound
    assertEquals(expected, w.distance(a.words(), b.toLongs(), 0, expected + 1));
    assertTrue(w.distance(a.words(), b.toLongs(), 0, expected - 1) >= expected - 1);
    assertEquals(0, w.distance(a, a));
  }

  @Test
  void hexHoldsOneByteABitInBitOrder() {
    int[] w = new int[16];
    w[0] = 255;
    w[1] = 16;
    w[15] = 1;
    BitWeights weights = BitWeights.of(w);
    assertEquals("ff10" + "00".repeat(13) + "01", weights.toHex());
    assertEquals(weights, BitWeights.fromHex(weights.toHex()));
    assertEquals(weights, BitWeights.fromHex(weights.toHex().toUpperCase(java.util.Locale.ROOT)));
    assertThrows(IllegalArgumentException.class, () -> BitWeights.fromHex("ff1"));
    assertThrows(IllegalArgumentException.class, () -> BitWeights.fromHex("zz" + "00".repeat(7)));
    assertThrows(IllegalArgumentException.class, () -> BitWeights.fromHex("00".repeat(7)));
  }

  @Test
  void badWeightsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> BitWeights.of(new int[7]));
    int[] negative = new int[8];
    negative[3] = -1;
    assertThrows(IllegalArgumentException.class, () -> BitWeights.of(negative));
    int[] large = new int[8];
    large[3] = 256;
    assertThrows(IllegalArgumentException.class, () -> BitWeights.of(large));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new HammingKnnQuery("code", HashCode.fromHex("ff"), 1)
                .withBitWeights(BitWeights.of(new int[16])));
    assertThrows(
        IllegalArgumentException.class,
        () -> BitWeights.of(new int[8]).distance(HashCode.fromHex("ff"), HashCode.fromHex("ffff")));
  }

  @Test
  void aValue() {
    int[] w = new int[8];
    Arrays.fill(w, 3);
    assertEquals(BitWeights.of(w), BitWeights.of(w.clone()));
    assertEquals(BitWeights.of(w).hashCode(), BitWeights.of(w.clone()).hashCode());
    HammingKnnQuery q = new HammingKnnQuery("code", HashCode.fromHex("ff"), 1);
    assertNotEquals(q, q.withBitWeights(BitWeights.of(w)));
    assertEquals(q.withBitWeights(BitWeights.of(w)), q.withBitWeights(BitWeights.of(w.clone())));
  }
}
