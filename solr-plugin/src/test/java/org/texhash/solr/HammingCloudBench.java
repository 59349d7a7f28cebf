package org.texhash.solr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.client.solrj.response.QueryResponse;
import org.apache.solr.cloud.SolrCloudTestCase;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrInputDocument;
import org.junit.Test;
import org.texhash.lucene.HammingKnnQuery;
import org.texhash.lucene.HammingScores;
import org.texhash.lucene.HashCode;
import org.texhash.lucene.HashCodeField;

/**
 * Query latency of {@code {!hamming k=10}} in the 2-shard, 2-node in-process SolrCloud against
 * {@link HammingKnnQuery} on a single Lucene index of the same codes, in the same JVM, queries
 * interleaved so that machine noise hits both alike. Not part of {@code mvn test} (the name matches
 * no Surefire include); run it with
 *
 * <pre>mvn -B -o -f solr-plugin/pom.xml test -Dtest=HammingCloudBench [-Dbench.docs=100000]</pre>
 *
 * It asserts only that both sides return the same distances; the timings are printed and written to
 * target/solr-bench.md.
 */
public class HammingCloudBench extends SolrCloudTestCase {
  private static final String COLLECTION = "bench";
  private static final int K = 10;

  @Test
  public void cloudVersusSingleIndex() throws Exception {
    System.out.println("bench: docs=" + Integer.getInteger("bench.docs", 100_000));
    int docs = Integer.getInteger("bench.docs", 100_000);
    int queries = Integer.getInteger("bench.queries", 300);
    int warmup = Integer.getInteger("bench.warmup", 100);
    // Plain file-system directories on both sides (the test framework's default wraps Solr's in
    // checking mocks that would only slow the cloud down).
    System.setProperty("solr.directoryFactory", "solr.NRTCachingDirectoryFactory");
    configureCluster(2).addConfig("texhash", CodeFixtures.configDir()).configure();
    CollectionAdminRequest.createCollection(COLLECTION, "texhash", 2, 1)
        .process(cluster.getSolrClient());
    cluster.waitForActiveCollection(COLLECTION, 2, 2);

    // Clustered 64-bit codes, as texture codes are (classes of similar images): 1,000 centres,
    // each document 0..8 bit flips from one.
    Random random = new Random(42);
    CodeFixtures data = new CodeFixtures(42, 1000);
    Path luceneDir = Files.createTempDirectory(createTempDir(), "lucene");
    try (Directory dir = FSDirectory.open(luceneDir);
        IndexWriter writer = new IndexWriter(dir, new IndexWriterConfig())) {
      List<SolrInputDocument> batch = new ArrayList<>();
      for (int i = 0; i < docs; i++) {
        HashCode code = data.nearCentre(8);
        SolrInputDocument sdoc = new SolrInputDocument("id", "b" + i);
        sdoc.setField("code", code.toHex());
        batch.add(sdoc);
        Document doc = new Document();
        doc.add(new StringField("id", "b" + i, Field.Store.YES));
        HashCodeField.addTo(doc, "code", code, 4); // the configset's mihSubstrings
        writer.addDocument(doc);
        if (batch.size() == 5000) {
          cluster.getSolrClient().add(COLLECTION, batch);
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        cluster.getSolrClient().add(COLLECTION, batch);
      }
      cluster.getSolrClient().commit(COLLECTION);
      writer.commit();
    }

    HashCode[] codes = new HashCode[warmup + queries];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = data.nearCentre(6); // distinct codes: no query result cache hits
    }
    try (Directory dir = FSDirectory.open(luceneDir);
        DirectoryReader reader = DirectoryReader.open(dir)) {
      IndexSearcher searcher = new IndexSearcher(reader);
      long[] solrNanos = new long[queries];
      long[] solrQTimes = new long[queries];
      long[] matchAllNanos = new long[queries];
      long[] luceneNanos = new long[queries];
      long[] coreNanos = new long[queries];
      String coreUrl =
          cluster
              .getZkStateReader()
              .getClusterState()
              .getCollection(COLLECTION)
              .getSlices()
              .iterator()
              .next()
              .getLeader()
              .getCoreUrl();
      SolrClient core = getHttpSolrClient(coreUrl);
      for (int i = 0; i < codes.length; i++) {
        boolean solrFirst = random.nextBoolean();
        long s = 0;
        long l = 0;
        long qtime = 0;
        int[] solrDistances = null;
        int[] luceneDistances = null;
        for (int side = 0; side < 2; side++) {
          if ((side == 0) == solrFirst) {
            long t0 = System.nanoTime();
            QueryResponse rsp =
                cluster
                    .getSolrClient()
                    .query(
                        COLLECTION,
                        new SolrQuery("{!hamming f=code code=" + codes[i].toHex() + " k=" + K + "}")
                            .setRows(K)
                            .setFields("id", "score"));
            s = System.nanoTime() - t0;
            qtime = rsp.getQTime();
            solrDistances = rsp.getResults().stream().mapToInt(d -> distance(d)).sorted().toArray();
          } else {
            long t0 = System.nanoTime();
            TopDocs top = searcher.search(new HammingKnnQuery("code", codes[i], K), K);
            l = System.nanoTime() - t0;
            luceneDistances =
                Arrays.stream(top.scoreDocs)
                    .mapToInt(d -> HammingScores.distance(d.score))
                    .sorted()
                    .toArray();
          }
        }
        assertArrayEquals("query " + i, luceneDistances, solrDistances);
        // Solr's own cost of a distributed request: the same rows of a match-all query.
        long t0 = System.nanoTime();
        cluster
            .getSolrClient()
            .query(
                COLLECTION,
                new SolrQuery("*:*").setRows(K).setFields("id", "score").setStart(i % 50));
        long m = System.nanoTime() - t0;
        // One shard core over HTTP without the fan-out: the same query, distrib=false.
        SolrQuery local =
            new SolrQuery("{!hamming f=code code=" + codes[i].toHex() + " k=" + K + "}")
                .setRows(K)
                .setFields("id", "score");
        local.set("distrib", "false");
        t0 = System.nanoTime();
        core.query(local);
        long c = System.nanoTime() - t0;
        if (i >= warmup) {
          solrNanos[i - warmup] = s;
          solrQTimes[i - warmup] = qtime * 1_000_000L;
          matchAllNanos[i - warmup] = m;
          luceneNanos[i - warmup] = l;
          coreNanos[i - warmup] = c;
        }
      }
      core.close();
      report(
          docs,
          queries,
          reader.leaves().size(),
          solrNanos,
          solrQTimes,
          matchAllNanos,
          coreNanos,
          luceneNanos);
    }
  }

  private static int distance(SolrDocument doc) {
    return HammingScores.distance(((Number) doc.getFirstValue("score")).floatValue());
  }

  private static double percentile(long[] nanos, double p) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
  }

  private static void report(
      int docs,
      int queries,
      int luceneSegments,
      long[] solr,
      long[] qtimes,
      long[] matchAll,
      long[] core,
      long[] lucene)
      throws Exception {
    double solrMedian = percentile(solr, 0.5);
    double luceneMedian = percentile(lucene, 0.5);
    String header =
        "| data | Lucene `HammingKnnQuery`, one index | SolrCloud `{!hamming}` (client) | Solr"
            + " QTime | SolrCloud `*:*` same rows (client) | one shard core, `distrib=false`"
            + " (client) | cloud / Lucene |\n"
            + "|---|---|---|---|---|---|---|\n";
    String row =
        String.format(
            Locale.ROOT,
            "| %,d clustered 64-bit codes, k=%d, %d queries | %.3f ms (p90 %.3f), %d segment(s) |"
                + " %.2f ms (p90 %.2f) | %.0f ms | %.2f ms | %.2f ms | %.0fx |",
            docs,
            K,
            queries,
            luceneMedian,
            percentile(lucene, 0.9),
            luceneSegments,
            solrMedian,
            percentile(solr, 0.9),
            percentile(qtimes, 0.5),
            percentile(matchAll, 0.5),
            percentile(core, 0.5),
            solrMedian / luceneMedian);
    System.out.println(header + row);
    Files.writeString(Path.of("target", "solr-bench.md"), header + row + "\n");
  }
}
