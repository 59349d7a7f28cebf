package org.texhash.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;

class MultiIndexHashingTest {
  @Test
  void substringsTileTheCodeWithLengthsDifferingByAtMostOne() {
    for (int bits = 8; bits <= 512; bits += 8) {
      for (int m = (bits + 63) / 64; m <= Math.min(bits, 255); m++) {
        int next = 0;
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int j = 0; j < m; j++) {
          assertEquals(next, MultiIndexHashing.start(bits, m, j));
          int length = MultiIndexHashing.length(bits, m, j);
          next += length;
          min = Math.min(min, length);
          max = Math.max(max, length);
        }
        assertEquals(bits, next);
        assertTrue(max - min <= 1 && max <= 64 && min >= 1);
      }
    }
  }

  @Test
  void termsEncodeCountIndexAndLeftAlignedBits() {
    // 24 bits 11110000 11110000 11110000 in 5 substrings of 5, 5, 5, 5 and 4 bits
    List<BytesRef> terms = MultiIndexHashing.substringTerms(HashCode.fromHex("f0f0f0"), 5);
    int[][] expected = {{5, 0, 0xF0}, {5, 1, 0x18}, {5, 2, 0xC0}, {5, 3, 0x78}, {5, 4, 0x00}};
    assertEquals(5, terms.size());
    for (int j = 0; j < 5; j++) {
      BytesRef term = terms.get(j);
      assertEquals(3, term.length);
      for (int b = 0; b < 3; b++) {
        assertEquals(
            expected[j][b], term.bytes[term.offset + b] & 0xFF, "term " + j + " byte " + b);
      }
    }
    // 64-bit substrings fill 8 bytes exactly
    List<BytesRef> whole =
        MultiIndexHashing.substringTerms(HashCode.fromHex("0123456789abcdef"), 1);
    assertEquals(
        new BytesRef(
            new byte[] {
              1, 0, 0x01, 0x23, 0x45, 0x67, (byte) 0x89, (byte) 0xab, (byte) 0xcd, (byte) 0xef
            }),
        whole.get(0));
  }

  @Test
  void substringsMatchTheCodeBits() {
    Random random = new Random(3);
    for (int t = 0; t < 100; t++) {
      int bits = 8 * (1 + random.nextInt(32));
      byte[] bytes = new byte[bits / 8];
      random.nextBytes(bytes);
      HashCode code = HashCode.fromBytes(bytes);
      int m = (bits + 63) / 64 + random.nextInt(Math.min(bits, 255) - (bits + 63) / 64 + 1);
      for (int j = 0; j < m; j++) {
        int start = MultiIndexHashing.start(bits, m, j);
        int length = MultiIndexHashing.length(bits, m, j);
        long value = MultiIndexHashing.substring(code.words(), start, length);
        for (int i = 0; i < length; i++) {
          assertEquals(code.bit(start + i), ((value >>> (length - 1 - i)) & 1) == 1);
        }
      }
      Set<BytesRef> distinct = new HashSet<>(MultiIndexHashing.substringTerms(code, m));
      assertEquals(m, distinct.size(), "the substring index keeps equal substrings apart");
    }
  }

  @Test
  void pigeonholeBoundHolds() {
    // any two codes at distance d have a substring within floor(d / m)
    Random random = new Random(5);
    for (int t = 0; t < 500; t++) {
      HashCode a = randomCode(random, 64);
      HashCode b = randomCode(random, 64);
      int m = 1 + random.nextInt(16);
      int d = a.distance(b);
      int best = Integer.MAX_VALUE;
      for (int j = 0; j < m; j++) {
        int start = MultiIndexHashing.start(64, m, j);
        int length = MultiIndexHashing.length(64, m, j);
        best =
            Math.min(
                best,
                Long.bitCount(
                    MultiIndexHashing.substring(a.words(), start, length)
                        ^ MultiIndexHashing.substring(b.words(), start, length)));
      }
      assertTrue(best <= d / m);
    }
  }

  @Test
  void combinationsAreCountedByTheBinomial() {
    for (int n = 1; n <= 12; n++) {
      for (int r = 0; r <= n; r++) {
        int[] positions = new int[n + 1];
        for (int i = 0; i < r; i++) {
          positions[i] = i;
        }
        long count = 1;
        Set<Long> masks = new HashSet<>();
        do {
          long mask = 0;
          for (int i = 0; i < r; i++) {
            mask |= 1L << positions[i];
          }
          assertEquals(r, Long.bitCount(mask));
          assertTrue(masks.add(mask));
        } while (MultiIndexSearch.nextCombination(positions, r, n) && ++count > 0);
        assertEquals(MultiIndexSearch.binomial(n, r), masks.size());
      }
    }
    assertEquals(Long.MAX_VALUE, MultiIndexSearch.binomial(4000, 2000));
  }

  @Test
  void recommendedSubstringsFollowLog2N() {
    assertEquals(4, MultiIndexHashing.recommendedSubstrings(64, 1 << 16));
    assertEquals(3, MultiIndexHashing.recommendedSubstrings(64, 1_000_000));
    assertEquals(13, MultiIndexHashing.recommendedSubstrings(256, 1_000_000));
    assertFalse(MultiIndexHashing.recommendedSubstrings(4096, 2) > 255);
    assertThrows(IllegalArgumentException.class, () -> MultiIndexHashing.checkSubstrings(128, 1));
    assertThrows(IllegalArgumentException.class, () -> MultiIndexHashing.checkSubstrings(8, 9));
  }

  private static HashCode randomCode(Random random, int bits) {
    byte[] b = new byte[bits / 8];
    random.nextBytes(b);
    return HashCode.fromBytes(b);
  }
}
