package org.texhash.solr;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import javax.imageio.ImageIO;
import org.apache.commons.io.file.PathUtils;
import org.apache.solr.SolrTestCaseJ4;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.embedded.EmbeddedSolrServer;
import org.apache.solr.client.solrj.response.QueryResponse;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrException;
import org.apache.solr.common.SolrInputDocument;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.Encoders;
import org.texhash.indexer.encoder.ImageCodes;
import org.texhash.lucene.BitWeights;
import org.texhash.lucene.HammingKnnQuery;
import org.texhash.lucene.HammingScores;
import org.texhash.lucene.HashCode;

/** The plugin in one embedded core: queries against brute force, the function, updates, errors. */
public class HammingEmbeddedTest extends SolrTestCaseJ4 {
  private static SolrClient client;
  private static Path images;

  @BeforeClass
  public static void startCore() throws Exception {
    Path home = createTempDir("solr-home");
    Files.createDirectories(home.resolve("collection1"));
    PathUtils.copyDirectory(CodeFixtures.configDir(), home.resolve("collection1").resolve("conf"));
    images = createTempDir("images");
    System.setProperty("texhash.imageRoot", images.toString());
    useFactory(
        "solr.NRTCachingDirectoryFactory"); // the update log cannot live in the harness's RAM
    // directory
    initCore("solrconfig.xml", "schema.xml", home.toString());
    client = new EmbeddedSolrServer(h.getCoreContainer(), h.coreName);
  }

  @AfterClass
  public static void stop() throws Exception {
    client = null; // the container is the harness's; deleteCore shuts it down
    System.clearProperty("texhash.imageRoot");
    resetFactory();
  }

  private static QueryResponse query(String q, int rows, String... fqs) throws Exception {
    SolrQuery query = new SolrQuery(q).setRows(rows).setFields("id", "code", "score");
    query.setFilterQueries(fqs);
    return client.query(query);
  }

  private static String knn(HashCode code, int k) {
    return "{!hamming f=code code=" + code.toHex() + " k=" + k + "}";
  }

  @Test
  public void topKRadiusFiltersUpdatesAndDeletesMatchBruteForce() throws Exception {
    client.deleteByQuery("*:*");
    CodeFixtures data = new CodeFixtures(random().nextLong(), 4);
    List<SolrInputDocument> docs = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      docs.add(data.newDoc("d" + i));
      if (i % 50 == 49) { // several segments
        client.add(docs);
        client.commit();
        docs.clear();
      }
    }
    docs.add(new SolrInputDocument("id", "no-code", "category", "brick")); // never a hit
    client.add(docs);
    client.commit();
    checkQueries(data, 4);

    // Updates move codes, deletes remove documents; the results follow.
    for (int i = 0; i < 20; i++) {
      client.add(data.newDoc("d" + (i * 7)));
    }
    for (int i = 0; i < 10; i++) {
      String id = "d" + (3 + i * 11);
      client.deleteById(id);
      data.delete(id);
    }
    client.commit();
    checkQueries(data, 4);

    // An atomic update re-indexes the document from its stored fields: the code must survive and
    // its multi-index hashing terms must be rewritten (they are not stored).
    SolrInputDocument atomic = new SolrInputDocument("id", "d1");
    atomic.setField("category", java.util.Map.of("set", "grass"));
    client.add(atomic);
    client.commit();
    data.categories.put("d1", "grass");
    checkQueries(data, 2);
    assertMultiIndexTermsAgreeWithScan(data);
  }

  /**
   * The {@code _mih} terms the field type wrote are right: forcing multi-index hashing on the
   * core's own index gives the same distances as a scan.
   */
  private void assertMultiIndexTermsAgreeWithScan(CodeFixtures data) throws Exception {
    h.getCore()
        .withSearcher(
            searcher -> {
              for (int q = 0; q < 5; q++) {
                HashCode query = data.nearCentre(4);
                for (int k : new int[] {1, 10, 40}) {
                  org.apache.lucene.search.TopDocs mih =
                      searcher.search(
                          new HammingKnnQuery("code", query, k)
                              .withStrategy(HammingKnnQuery.Strategy.MULTI_INDEX),
                          k);
                  org.apache.lucene.search.TopDocs scan =
                      searcher.search(
                          new HammingKnnQuery("code", query, k)
                              .withStrategy(HammingKnnQuery.Strategy.SCAN),
                          k);
                  assertEquals(
                      java.util.Arrays.toString(scan.scoreDocs),
                      scan.scoreDocs.length,
                      mih.scoreDocs.length);
                  for (int i = 0; i < scan.scoreDocs.length; i++) {
                    assertEquals(scan.scoreDocs[i].doc, mih.scoreDocs[i].doc);
                    assertEquals(scan.scoreDocs[i].score, mih.scoreDocs[i].score, 0f);
                  }
                }
              }
              return null;
            });
  }

  private void checkQueries(CodeFixtures data, int queries) throws Exception {
    int tiesBefore = data.boundaryTies;
    for (int q = 0; q < queries; q++) {
      HashCode query = data.nearCentre(4);
      for (int k : new int[] {1, 5, 17}) {
        data.assertTopK(query, id -> true, k, query(knn(query, k), k));
        String category = CodeFixtures.CATEGORIES[q % CodeFixtures.CATEGORIES.length];
        // The filter applies before the top k: k results from the category, not fewer.
        data.assertTopK(
            query, data.inCategory(category), k, query(knn(query, k), k, "category:" + category));
        // Two filters combined (a negation and an existence query).
        Predicate<String> notBrick = id -> !"brick".equals(data.categories.get(id));
        data.assertTopK(query, notBrick, k, query(knn(query, k), k, "-category:brick", "id:*"));
        // preFilter names the filter explicitly, as for {!knn}.
        String pre =
            "{!hamming f=code code="
                + query.toHex()
                + " k="
                + k
                + " preFilter=category:"
                + category
                + "}";
        data.assertTopK(query, data.inCategory(category), k, query(pre, k));
      }
      for (int r : new int[] {0, 3, 8}) {
        String radius = "{!hamming f=code code=" + query.toHex() + " radius=" + r + "}";
        data.assertRadius(query, id -> true, r, query(radius, 1000));
        data.assertRadius(query, data.inCategory("wood"), r, query(radius, 1000, "category:wood"));
      }
    }
    // The clustered codes must really put ties across the k-th place, or the tie rule went
    // untested.
    assertTrue("no query had ties at the k-th distance", data.boundaryTies > tiesBefore);
  }

  @Test
  public void weightedTopKMatchesBruteForceAndRefusesARadiusOrWrongWeights() throws Exception {
    client.deleteByQuery("*:*");
    CodeFixtures data = new CodeFixtures(random().nextLong(), 4);
    List<SolrInputDocument> docs = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      docs.add(data.newDoc("w" + i));
      if (i % 40 == 39) { // several segments
        client.add(docs);
        client.commit();
        docs.clear();
      }
    }
    for (int q = 0; q < 4; q++) {
      HashCode query = data.nearCentre(4);
      BitWeights weights = data.weightsFor(query);
      for (int k : new int[] {1, 5, 17}) {
        String q1 = knn(query, k).replace("}", " weights=" + weights.toHex() + "}");
        data.assertTopK(query, weights, id -> true, k, query(q1, k));
        String category = CodeFixtures.CATEGORIES[q % CodeFixtures.CATEGORIES.length];
        data.assertTopK(
            query, weights, data.inCategory(category), k, query(q1, k, "category:" + category));
      }
    }
    String hex = data.nearCentre(4).toHex();
    String w = "00".repeat(64);
    assertBadRequest("{!hamming f=code code=" + hex + " radius=2 weights=" + w + "}", "'k'");
    assertBadRequest(
        "{!hamming f=code code=" + hex + " k=3 weights=" + "00".repeat(32) + "}",
        "one weight per bit");
    assertBadRequest("{!hamming f=code code=" + hex + " k=3 weights=zz}", "bad 'weights'");
  }

  @Test
  public void functionSortsReturnsAndBoostsByDistance() throws Exception {
    client.deleteByQuery("*:*");
    CodeFixtures data = new CodeFixtures(random().nextLong(), 3);
    List<SolrInputDocument> docs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      docs.add(data.newDoc("f" + i));
    }
    docs.add(new SolrInputDocument("id", "f-none", "category", "wood"));
    client.add(docs);
    client.commit();
    HashCode query = data.nearCentre(3);
    String fn = "hamming(code," + query.toHex() + ")";

    SolrQuery sorted = new SolrQuery("*:*").setRows(100).setFields("id", "d:" + fn);
    sorted.set("sort", fn + " asc, id asc");
    List<String> ids = new ArrayList<>();
    for (SolrDocument doc : client.query(sorted).getResults()) {
      String id = (String) doc.getFirstValue("id");
      ids.add(id);
      if (id.equals("f-none")) { // no code: no distance to show (sorting sees K + 1)
        assertNull(doc.getFirstValue("d"));
      } else {
        assertEquals(
            id, data.codes.get(id).distance(query), ((Number) doc.getFirstValue("d")).intValue());
      }
    }
    List<String> expectedOrder =
        new ArrayList<>(
            data.ranking(query, id -> true).stream().map(CodeFixtures.Hit::id).toList());
    expectedOrder.add("f-none"); // no code: K + 1, after every real code
    assertEquals(expectedOrder, ids);

    // As a boost: recip(d,1,1,1) = 1/(1+d), the query parser's score.
    SolrQuery boosted =
        new SolrQuery("{!func}recip(" + fn + ",1,1,1)").setRows(100).setFields("id", "score");
    for (SolrDocument doc : client.query(boosted).getResults()) {
      String id = (String) doc.getFirstValue("id");
      int d = id.equals("f-none") ? CodeFixtures.BITS + 1 : data.codes.get(id).distance(query);
      assertEquals(
          id, HammingScores.score(d), ((Number) doc.getFirstValue("score")).floatValue(), 1e-7f);
    }
  }

  @Test
  public void plainBinaryFieldWorksWithTheCodeLengthFromTheIndex() throws Exception {
    client.deleteByQuery("*:*");
    CodeFixtures data = new CodeFixtures(random().nextLong(), 2);
    List<SolrInputDocument> docs = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      SolrInputDocument doc = data.newDoc("p" + i);
      doc.setField(
          "alt_bin", java.util.Base64.getEncoder().encodeToString(data.codes.get("p" + i).bytes()));
      docs.add(doc);
    }
    client.add(docs);
    client.commit();
    HashCode query = data.nearCentre(3);
    for (int k : new int[] {1, 8}) {
      data.assertTopK(
          query,
          id -> true,
          k,
          query("{!hamming f=alt_bin code=" + query.toHex() + " k=" + k + "}", k));
    }
    data.assertRadius(
        query,
        id -> true,
        4,
        query("{!hamming f=alt_bin code=" + query.toHex() + " radius=4}", 100));
    assertBadRequest("{!hamming f=alt_bin code=00112233 k=3}", "holds 64-bit codes");
  }

  @Test
  public void badParametersAre400WithAClearMessage() throws Exception {
    client.add(new SolrInputDocument("id", "x", "code", "00112233445566ff"));
    client.commit();
    String hex = "00112233445566ff";
    assertBadRequest("{!hamming code=" + hex + " k=3}", "the code field is missing");
    assertBadRequest("{!hamming f=nope code=" + hex + " k=3}", "undefined field 'nope'");
    assertBadRequest(
        "{!hamming f=title code=" + hex + " k=3}",
        "field 'title' must be a single-valued binary field");
    assertBadRequest("{!hamming f=code code=0011 k=3}", "holds 64-bit codes");
    assertBadRequest("{!hamming f=code code=" + hex + "00 k=3}", "holds 64-bit codes");
    assertBadRequest("{!hamming f=code code=zz112233445566ff k=3}", "bad query code");
    assertBadRequest("{!hamming f=code k=3}", "'code' (hex) is missing");
    assertBadRequest("{!hamming f=code code=" + hex + " k=0}", "'k' must be at least 1");
    assertBadRequest("{!hamming f=code code=" + hex + " k=ten}", "'k' must be an integer");
    assertBadRequest("{!hamming f=code code=" + hex + " radius=-1}", "'radius' must be at least 0");
    assertBadRequest("{!hamming f=code code=" + hex + "}", "exactly one of 'k'");
    assertBadRequest("{!hamming f=code code=" + hex + " k=2 radius=2}", "exactly one of 'k'");
    assertBadRequest(
        "{!func}hamming(title," + hex + ")", "field 'title' must be a single-valued binary field");
    assertBadRequest("{!func}hamming(code,0011)", "holds 64-bit codes");
    assertBadRequest("{!func}hamming(code)", "'code' (hex) is missing");
    assertBadRequest("{!func}hamming(code," + hex + ",3)", "takes two arguments");

    // Indexing a code of the wrong length names the field and the expected length.
    SolrException e =
        expectThrows(
            SolrException.class,
            () -> client.add(new SolrInputDocument("id", "y", "code", "0011")));
    assertEquals(400, e.code());
    assertTrue(e.getMessage(), e.getMessage().contains("field 'code' holds 64-bit codes"));
  }

  private static void assertBadRequest(String q, String expected) {
    SolrException e = expectThrows(SolrException.class, () -> query(q, 10));
    assertEquals(q + ": " + e.getMessage(), 400, e.code());
    assertTrue(q + ": " + e.getMessage(), e.getMessage().contains(expected));
  }

  static byte[] png(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  static BufferedImage texture(long seed, int size) {
    java.util.Random r = new java.util.Random(seed);
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    int period = 3 + r.nextInt(6);
    int tint = r.nextInt(0xFFFFFF);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int v = ((x / period + y / period) % 2 == 0 ? 200 : 40) + r.nextInt(30);
        image.setRGB(x, y, (v << 16 | v << 8 | v) ^ tint);
      }
    }
    return image;
  }

  @Test
  public void imagesAreEncodedAndBadImagesRejectedWhileTheBatchIsKept() throws Exception {
    client.deleteByQuery("*:*");
    client.commit();
    BufferedImage a = texture(1, 96);
    BufferedImage b = texture(2, 64);
    BufferedImage c = texture(3, 80);
    Files.write(images.resolve("c.png"), png(c));

    List<SolrInputDocument> batch = new ArrayList<>();
    batch.add(imageDoc("img-a", png(a))); // raw bytes (javabin)
    batch.add(imageDoc("broken", new byte[] {1, 2, 3, 4, 5}));
    batch.add(
        new SolrInputDocument(
            "id", "img-b", "image", java.util.Base64.getEncoder().encodeToString(png(b))));
    batch.add(
        new SolrInputDocument("id", "img-c", "image_path", "c.png")); // a file below imageRoot
    batch.add(new SolrInputDocument("id", "escape", "image_path", "../../etc/passwd"));
    batch.add(new SolrInputDocument("id", "plain", "code", "ffffffffffffffff")); // no image: as is
    // a re-sent document: its code stands, its path is display data
    batch.add(
        new SolrInputDocument("id", "resent", "code", "0f0f0f0f0f0f0f0f", "image_path", "c.png"));
    SolrException e = expectThrows(SolrException.class, () -> client.add(batch));
    assertEquals(400, e.code());
    String message = e.getMessage();
    assertTrue(message, message.contains("2 of 7 documents were rejected"));
    assertTrue(message, message.contains("id=broken"));
    assertTrue(
        message, message.contains("id=escape") && message.contains("outside the image root"));
    client.commit();

    try (Encoder encoder = Encoders.open("lbp-lsh-64")) {
      assertStoredCode("img-a", ImageCodes.code(encoder, a));
      assertStoredCode("img-b", ImageCodes.code(encoder, b));
      assertStoredCode("img-c", ImageCodes.code(encoder, c));
    }
    assertStoredCode("plain", HashCode.fromHex("ffffffffffffffff"));
    assertStoredCode("resent", HashCode.fromHex("0f0f0f0f0f0f0f0f"));
    assertEquals(
        0, client.query(new SolrQuery("id:broken OR id:escape")).getResults().getNumFound());
    SolrDocument kept = client.getById("img-c");
    assertEquals("the path stays in the document", "c.png", kept.getFirstValue("image_path"));
  }

  private static SolrInputDocument imageDoc(String id, byte[] image) {
    SolrInputDocument doc = new SolrInputDocument("id", id);
    doc.setField("image", image);
    return doc;
  }

  private static void assertStoredCode(String id, HashCode expected) throws Exception {
    SolrDocument doc = client.getById(id);
    assertNotNull(id + " was not indexed", doc);
    assertEquals(id, expected.toHex(), CodeFixtures.hex(doc.getFirstValue("code")));
    // and the query parser finds it at distance 0 (MIH terms were written for it)
    QueryResponse rsp = query(knn(expected, 1), 1);
    assertEquals(
        HammingScores.score(0),
        ((Number) rsp.getResults().get(0).getFirstValue("score")).floatValue(),
        0f);
  }
}
