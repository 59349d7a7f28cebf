package org.texhash.solr;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.client.solrj.response.QueryResponse;
import org.apache.solr.cloud.SolrCloudTestCase;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrException;
import org.apache.solr.common.SolrInputDocument;
import org.apache.solr.common.cloud.DocCollection;
import org.apache.solr.common.cloud.Slice;
import org.junit.BeforeClass;
import org.junit.Test;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.Encoders;
import org.texhash.indexer.encoder.ImageCodes;
import org.texhash.lucene.BitWeights;
import org.texhash.lucene.HashCode;

/**
 * A 2-shard collection on 2 nodes: each shard answers its exact top k, the coordinator merges by
 * score, and the merged first k rows must be the exact global top k (under the tie rule of {@link
 * CodeFixtures#assertTopK}), by the Hamming and the weighted distance, with filters, after updates
 * and deletes.
 */
public class HammingCloudTest extends SolrCloudTestCase {
  private static final String COLLECTION = "textures";

  @BeforeClass
  public static void startCluster() throws Exception {
    configureCluster(2).addConfig("texhash", CodeFixtures.configDir()).configure();
    CollectionAdminRequest.createCollection(COLLECTION, "texhash", 2, 1)
        .process(cluster.getSolrClient());
    cluster.waitForActiveCollection(COLLECTION, 2, 2);
  }

  private static SolrClient client() {
    return cluster.getSolrClient();
  }

  private static QueryResponse query(String q, int rows, String... fqs) throws Exception {
    SolrQuery query = new SolrQuery(q).setRows(rows).setFields("id", "code", "score");
    query.setFilterQueries(fqs);
    return client().query(COLLECTION, query);
  }

  private static String knn(HashCode code, int k) {
    return "{!hamming f=code code=" + code.toHex() + " k=" + k + "}";
  }

  @Test
  public void shardedResultsEqualBruteForce() throws Exception {
    client().deleteByQuery(COLLECTION, "*:*"); // the other test's documents
    CodeFixtures data = new CodeFixtures(random().nextLong(), 4);
    List<SolrInputDocument> docs = new ArrayList<>();
    for (int i = 0; i < 240; i++) {
      docs.add(data.newDoc("c" + i));
    }
    client().add(COLLECTION, docs.subList(0, 120));
    client().commit(COLLECTION);
    client().add(COLLECTION, docs.subList(120, docs.size()));
    client().commit(COLLECTION);
    assertBothShardsHoldCodes();
    checkQueries(data);

    for (int i = 0; i < 30; i++) {
      client().add(COLLECTION, data.newDoc("c" + (i * 5))); // moved codes
    }
    for (int i = 0; i < 15; i++) {
      String id = "c" + (2 + i * 13);
      client().deleteById(COLLECTION, id);
      data.delete(id);
    }
    client().deleteByQuery(COLLECTION, "id:c239");
    data.delete("c239");
    client().commit(COLLECTION);
    checkQueries(data);
  }

  private void assertBothShardsHoldCodes() throws Exception {
    DocCollection collection =
        cluster.getZkStateReader().getClusterState().getCollection(COLLECTION);
    for (Slice slice : collection.getSlices()) {
      SolrQuery q = new SolrQuery("code:*").setRows(0);
      q.set("distrib", "false");
      String url = slice.getLeader().getCoreUrl();
      try (SolrClient shard = getHttpSolrClient(url)) {
        assertTrue(
            slice.getName() + " has no codes", shard.query(q).getResults().getNumFound() > 0);
      }
    }
  }

  private void checkQueries(CodeFixtures data) throws Exception {
    int tiesBefore = data.boundaryTies;
    for (int q = 0; q < 3; q++) {
      HashCode query = data.nearCentre(4);
      for (int k : new int[] {1, 7, 30}) {
        QueryResponse first = query(knn(query, k), k);
        data.assertTopK(query, id -> true, k, first);
        if (k == 30) { // the merge is deterministic: the same request gives the same order
          assertEquals(ids(first), ids(query(knn(query, k), k)));
        }
        String category = CodeFixtures.CATEGORIES[q % CodeFixtures.CATEGORIES.length];
        data.assertTopK(
            query, data.inCategory(category), k, query(knn(query, k), k, "category:" + category));
        Predicate<String> notBrick = id -> !"brick".equals(data.categories.get(id));
        data.assertTopK(query, notBrick, k, query(knn(query, k), k, "-category:brick"));
      }
      // the weighted distance: each shard's exact top k under the query's weights, merged by score
      BitWeights weights = data.weightsFor(query);
      for (int k : new int[] {1, 7, 30}) {
        String weighted = knn(query, k).replace("}", " weights=" + weights.toHex() + "}");
        data.assertTopK(query, weights, id -> true, k, query(weighted, k));
        String category = CodeFixtures.CATEGORIES[(q + 1) % CodeFixtures.CATEGORIES.length];
        data.assertTopK(
            query,
            weights,
            data.inCategory(category),
            k,
            query(weighted, k, "category:" + category));
      }
      for (int r : new int[] {2, 6}) {
        String radius = "{!hamming f=code code=" + query.toHex() + " radius=" + r + "}";
        data.assertRadius(query, id -> true, r, query(radius, 1000));
        data.assertRadius(
            query, data.inCategory("grass"), r, query(radius, 1000, "category:grass"));
      }
      // For a total order across shards, sort by the distance function and then by id.
      String fn = "hamming(code," + query.toHex() + ")";
      SolrQuery sorted = new SolrQuery("*:*").setRows(25).setFields("id");
      sorted.set("sort", fn + " asc, id asc");
      List<String> expected =
          data.ranking(query, id -> true).stream().limit(25).map(CodeFixtures.Hit::id).toList();
      assertEquals(expected, ids(client().query(COLLECTION, sorted)));
    }
    // The clustered codes must really put ties across the k-th place, or the tie rule went
    // untested.
    assertTrue("no query had ties at the k-th distance", data.boundaryTies > tiesBefore);
  }

  private static List<String> ids(QueryResponse rsp) {
    List<String> ids = new ArrayList<>();
    for (SolrDocument doc : rsp.getResults()) {
      ids.add((String) doc.getFirstValue("id"));
    }
    return ids;
  }

  @Test
  public void errorsAre400ThroughTheCoordinatorAndImagesAreEncodedBeforeDistribution()
      throws Exception {
    String hex = "0123456789abcdef";
    for (String q :
        new String[] {
          "{!hamming f=code code=0123 k=3}",
          "{!hamming f=title code=" + hex + " k=3}",
          "{!hamming f=code code=" + hex + " k=0}",
          "{!hamming code=" + hex + " k=3}"
        }) {
      SolrException e = expectThrows(SolrException.class, () -> query(q, 5));
      assertEquals(q + ": " + e.getMessage(), 400, e.code());
    }

    java.awt.image.BufferedImage good = HammingEmbeddedTest.texture(7, 72);
    List<SolrInputDocument> batch = new ArrayList<>();
    for (String id : new String[] {"img-1", "img-2"}) {
      SolrInputDocument doc = new SolrInputDocument("id", id);
      doc.setField("image", HammingEmbeddedTest.png(good));
      batch.add(doc);
    }
    SolrInputDocument broken = new SolrInputDocument("id", "img-broken");
    broken.setField("image", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0});
    batch.add(broken);
    SolrException e = expectThrows(SolrException.class, () -> client().add(COLLECTION, batch));
    assertEquals(e.getMessage(), 400, e.code());
    assertTrue(e.getMessage(), e.getMessage().contains("id=img-broken"));
    client().commit(COLLECTION);
    HashCode expected;
    try (Encoder encoder = Encoders.open("lbp-lsh-64")) {
      expected = ImageCodes.code(encoder, good);
    }
    for (String id : new String[] {"img-1", "img-2"}) {
      SolrDocument doc = client().getById(COLLECTION, id);
      assertNotNull(id + " must be kept", doc);
      assertEquals(expected.toHex(), CodeFixtures.hex(doc.getFirstValue("code")));
    }
    assertNull(client().getById(COLLECTION, "img-broken"));
  }
}
