package org.texhash.cli.jmh;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.texhash.cli.bench.CodeGenerator;
import org.texhash.cli.bench.PackedCodes;
import org.texhash.cli.bench.RawScan;
import org.texhash.lucene.HammingKnnQuery;
import org.texhash.lucene.HashCode;
import org.texhash.lucene.HashCodeField;

/**
 * One exact top-k query against a one-segment in-memory index: the Lucene segment scan (the cached
 * codes, a popcount loop) and the multi-index hashing probe (term lookups at growing radii plus
 * verification), beside the raw array scan of the same codes. Queries cycle through 64 generated
 * ones (never database codes).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LuceneKnnBenchmark {
  @Param({"64", "256"})
  public int bits;

  @Param({"200000"})
  public int n;

  @Param({"10"})
  public int k;

  @Param({"false"})
  public boolean uniform;

  private Directory directory;
  private DirectoryReader reader;
  private IndexSearcher searcher;
  private PackedCodes codes;
  private PackedCodes queries;
  private HashCode[] queryCodes;
  private int next;
  private int current;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    CodeGenerator generator =
        uniform ? CodeGenerator.uniform(bits, 42) : CodeGenerator.clustered(bits, 42);
    codes = generator.database(n);
    queries = generator.queries(64);
    queryCodes = new HashCode[64];
    for (int i = 0; i < 64; i++) {
      queryCodes[i] = queries.code(i);
    }
    directory = new ByteBuffersDirectory();
    try (IndexWriter writer =
        new IndexWriter(directory, new IndexWriterConfig().setRAMBufferSizeMB(256))) {
      for (int i = 0; i < n; i++) {
        Document doc = new Document();
        HashCodeField.addTo(doc, "code", codes.code(i), bits / 16);
        writer.addDocument(doc);
      }
      writer.forceMerge(1);
    }
    reader = DirectoryReader.open(directory);
    searcher = new IndexSearcher(reader);
  }

  @Setup(Level.Invocation)
  public void nextQuery() {
    current = next++ & 63;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    reader.close();
    directory.close();
  }

  @Benchmark
  public int[] rawScan() {
    return RawScan.topK(codes, queries.wordsOf(current), k);
  }

  @Benchmark
  public TopDocs luceneScan() throws IOException {
    return searcher.search(
        new HammingKnnQuery("code", queryCodes[current], k)
            .withStrategy(HammingKnnQuery.Strategy.SCAN),
        k);
  }

  @Benchmark
  public TopDocs multiIndexProbe() throws IOException {
    return searcher.search(
        new HammingKnnQuery("code", queryCodes[current], k)
            .withStrategy(HammingKnnQuery.Strategy.MULTI_INDEX),
        k);
  }
}
