package org.texhash.lucene;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HashCodeTest {
  @Test
  void roundTripsThroughHexBytesLongsAndSigns() {
    Random random = new Random(42);
    for (int bits = 8; bits <= 512; bits += 8) {
      byte[] bytes = new byte[bits / 8];
      random.nextBytes(bytes);
      HashCode code = HashCode.fromBytes(bytes);
      assertEquals(bits, code.bits());
      assertEquals(code, HashCode.fromHex(code.toHex()));
      assertEquals(code, HashCode.fromLongs(code.toLongs(), bits));
      assertArrayEquals(bytes, code.bytes());
      float[] signs = new float[bits];
      for (int i = 0; i < bits; i++) {
        signs[i] = code.bit(i) ? 0.5f : -0.5f;
      }
      assertEquals(code, HashCode.fromSigns(signs));
    }
  }

  @Test
  void bitZeroIsTheMostSignificantBitOfByteZero() {
    float[] signs = new float[16];
    signs[0] = 1;
    signs[15] = 1;
    assertEquals("8001", HashCode.fromSigns(signs).toHex());
  }

  @Test
  void distanceIsPopcountOfXor() {
    Random random = new Random(7);
    for (int t = 0; t < 200; t++) {
      int bits = 8 * (1 + random.nextInt(40));
      byte[] a = new byte[bits / 8];
      byte[] b = new byte[bits / 8];
      random.nextBytes(a);
      random.nextBytes(b);
      int expected = 0;
      for (int i = 0; i < a.length; i++) {
        expected += Integer.bitCount((a[i] ^ b[i]) & 0xFF);
      }
      assertEquals(expected, HashCode.fromBytes(a).distance(HashCode.fromBytes(b)));
    }
  }

  @Test
  void refusesBadLengthsAndText() {
    assertThrows(IllegalArgumentException.class, () -> HashCode.fromBytes(new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> HashCode.fromBytes(new byte[513]));
    assertThrows(IllegalArgumentException.class, () -> HashCode.fromHex("abc"));
    assertThrows(IllegalArgumentException.class, () -> HashCode.fromHex("zz"));
    assertThrows(IllegalArgumentException.class, () -> HashCode.fromSigns(new float[12]));
    assertThrows(IllegalArgumentException.class, () -> HashCode.fromLongs(new long[2], 64));
    assertThrows(
        IllegalArgumentException.class,
        () -> HashCode.fromHex("00").distance(HashCode.fromHex("0000")));
  }
}
