package org.texhash.cli.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.texhash.cli.bench.CodeGenerator;
import org.texhash.cli.bench.PackedCodes;
import org.texhash.cli.bench.RawScan;

/**
 * The raw inner loops over a flat {@code long[]} of N codes: the popcount distance alone (a sum, so
 * nothing is optimised away), and the exact top-k scan that {@code texhash bench search} uses as
 * its reference. Time per full pass over the N codes; divide by N for ns per code.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PopcountBenchmark {
  @Param({"64", "256"})
  public int bits;

  @Param({"1000000"})
  public int n;

  @Param({"10"})
  public int k;

  private PackedCodes codes;
  private PackedCodes queries;
  private long[] flat;
  private long[] query;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    CodeGenerator generator = CodeGenerator.clustered(bits, 42);
    codes = generator.database(n);
    queries = generator.queries(64);
    flat = codes.words();
  }

  @Setup(Level.Invocation)
  public void nextQuery() {
    query = queries.wordsOf(next++ & 63);
  }

  /** Sum of all N distances: the bare popcount loop, memory bandwidth and bitCount. */
  @Benchmark
  public long distanceSum() {
    int words = codes.wordsPerCode();
    long sum = 0;
    for (int i = 0, base = 0; i < n; i++, base += words) {
      for (int w = 0; w < words; w++) {
        sum += Long.bitCount(flat[base + w] ^ query[w]);
      }
    }
    return sum;
  }

  /** The reference exact top-k scan (distance, then a heap check per code). */
  @Benchmark
  public int[] rawTopK() {
    return RawScan.topK(codes, query, k);
  }
}
