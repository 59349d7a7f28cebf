package org.texhash.cli.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Comparator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RawScanTest {
  /** Sort every id by (distance, id): the definition of the exact answer. */
  private static int[] bruteForce(PackedCodes db, long[] query, int k) {
    return IntStream.range(0, db.size())
        .boxed()
        .sorted(
            Comparator.<Integer>comparingInt(i -> db.distance(i, query)).thenComparingInt(i -> i))
        .limit(k)
        .mapToInt(Integer::intValue)
        .toArray();
  }

  @Test
  void equalsBruteForceWithTiesByIdForManyLengthsAndK() {
    for (int bits : new int[] {8, 32, 64, 128, 192, 256}) {
      // Few centres and a low flip rate: many exact duplicates and ties.
      CodeGenerator gen = new CodeGenerator(bits, false, 5, 0.02, bits);
      PackedCodes db = gen.database(700);
      PackedCodes queries = gen.queries(10);
      for (int k : new int[] {1, 3, 10, 100, 700, 1000}) {
        for (int q = 0; q < queries.size(); q++) {
          long[] query = queries.wordsOf(q);
          assertArrayEquals(
              bruteForce(db, query, k), RawScan.topK(db, query, k), "bits=" + bits + " k=" + k);
        }
      }
    }
  }

  @Test
  void splitScanMergesToTheSameAnswer() {
    PackedCodes db = CodeGenerator.uniform(64, 9).database(1001);
    long[] query = CodeGenerator.uniform(64, 9).queries(1).wordsOf(0);
    long[][] parts = {
      RawScan.topKPacked(db, query, 25, 0, 300),
      RawScan.topKPacked(db, query, 25, 300, 301),
      RawScan.topKPacked(db, query, 25, 301, 1001)
    };
    assertArrayEquals(RawScan.topK(db, query, 25), RawScan.ids(RawScan.merge(parts, 25)));
  }

  @Test
  void badInput() {
    PackedCodes db = CodeGenerator.uniform(64, 9).database(10);
    assertThrows(IllegalArgumentException.class, () -> RawScan.topK(db, new long[1], 0));
    assertThrows(IllegalArgumentException.class, () -> RawScan.topK(db, new long[2], 5));
  }
}
