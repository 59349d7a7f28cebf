package org.texhash.cli.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.texhash.lucene.HashCode;

class CodeGeneratorTest {
  @Test
  void sameSeedSameCodes() {
    for (int bits : new int[] {32, 64, 72, 256}) {
      assertArrayEquals(
          CodeGenerator.clustered(bits, 7).database(500).words(),
          CodeGenerator.clustered(bits, 7).database(500).words());
      assertArrayEquals(
          CodeGenerator.uniform(bits, 7).queries(50).words(),
          CodeGenerator.uniform(bits, 7).queries(50).words());
    }
  }

  @Test
  void codeDependsOnItsIndexNotOnN() {
    long[] small = CodeGenerator.clustered(64, 1).database(100).words();
    long[] large = CodeGenerator.clustered(64, 1).database(5000).words();
    assertArrayEquals(small, Arrays.copyOf(large, small.length));
  }

  @Test
  void seedsAndStreamsDiffer() {
    assertFalse(
        Arrays.equals(
            CodeGenerator.clustered(64, 1).database(100).words(),
            CodeGenerator.clustered(64, 2).database(100).words()));
    assertFalse(
        Arrays.equals(
            CodeGenerator.clustered(64, 1).database(100).words(),
            CodeGenerator.clustered(64, 1).queries(100).words()));
  }

  @Test
  void paddingBitsStayZeroAndCodesRoundTrip() {
    PackedCodes codes = CodeGenerator.uniform(40, 3).database(200);
    for (int i = 0; i < codes.size(); i++) {
      assertEquals(
          0,
          codes.words()[i] & ((1L << 24) - 1),
          "low 24 bits of a 40-bit code's word are padding");
      HashCode c = codes.code(i);
      assertArrayEquals(codes.wordsOf(i), c.toLongs());
      assertArrayEquals(codes.bytesOf(i), c.bytes());
      byte[] v = codes.bitVectorOf(i);
      for (int b = 0; b < 40; b++) {
        assertEquals(c.bit(b) ? 1 : 0, v[b]);
      }
    }
  }

  @Test
  void clusteredQueriesHaveCloseNeighboursUniformOnesDoNot() {
    // 64 bits, 20 centres, flip 0.05: a query's nearest database code shares its centre (about
    // 2 * 0.05 * 0.95 * 64 = 6 bits away); uniform 64-bit codes are ~32 apart, the nearest of 2,000
    // ~20.
    CodeGenerator clustered = new CodeGenerator(64, false, 20, 0.05, 11);
    CodeGenerator uniform = CodeGenerator.uniform(64, 11);
    assertTrue(meanNearest(clustered.database(2000), clustered.queries(50)) < 5);
    assertTrue(meanNearest(uniform.database(2000), uniform.queries(50)) > 12);
  }

  @Test
  void flipRateMatchesTheParameter() {
    // With a single centre, two codes differ where exactly one of them flipped: ~2p(1-p)K bits.
    PackedCodes codes = new CodeGenerator(256, false, 1, 0.1, 5).database(400);
    double sum = 0;
    for (int i = 1; i < codes.size(); i++) {
      sum += codes.distance(i, codes.wordsOf(i - 1));
    }
    double mean = sum / (codes.size() - 1);
    assertEquals(2 * 0.1 * 0.9 * 256, mean, 3.0);
  }

  @Test
  void sortedByValueIsAnOrderedPermutation() {
    PackedCodes codes = CodeGenerator.uniform(128, 8).database(300);
    PackedCodes sorted = codes.sortedByValue();
    java.util.List<String> before = new java.util.ArrayList<>();
    java.util.List<String> after = new java.util.ArrayList<>();
    for (int i = 0; i < codes.size(); i++) {
      before.add(codes.code(i).toHex());
      after.add(sorted.code(i).toHex());
    }
    java.util.Collections.sort(before); // hex order of equal-length codes is unsigned value order
    assertEquals(before, after);
  }

  @Test
  void badParametersAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new CodeGenerator(60, false, 10, 0.05, 1));
    assertThrows(IllegalArgumentException.class, () -> new CodeGenerator(64, false, 0, 0.05, 1));
    assertThrows(IllegalArgumentException.class, () -> new CodeGenerator(64, false, 10, 0.5, 1));
    assertThrows(IllegalArgumentException.class, () -> CodeGenerator.uniform(64, 1).database(-1));
  }

  private static double meanNearest(PackedCodes db, PackedCodes queries) {
    double sum = 0;
    for (int q = 0; q < queries.size(); q++) {
      int best = Integer.MAX_VALUE;
      for (int i = 0; i < db.size(); i++) {
        best = Math.min(best, db.distance(i, queries.wordsOf(q)));
      }
      sum += best;
    }
    return sum / queries.size();
  }
}
