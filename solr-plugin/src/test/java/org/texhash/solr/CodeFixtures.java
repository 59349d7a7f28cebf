package org.texhash.solr;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import org.apache.solr.client.solrj.response.QueryResponse;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrInputDocument;
import org.texhash.lucene.BitWeights;
import org.texhash.lucene.HammingScores;
import org.texhash.lucene.HashCode;

/**
 * Test data and the brute-force reference the Solr results are checked against. Codes are clustered
 * (a few centres, each document a few bit flips away) so that many documents share a distance to
 * the query: ties are the normal case, not a corner case.
 */
final class CodeFixtures {
  static final int BITS = 64;
  static final String[] CATEGORIES = {"brick", "wood", "grass"};

  /** The documents the index should hold: id -> code and id -> category. */
  final Map<String, HashCode> codes = new HashMap<>();

  final Map<String, String> categories = new HashMap<>();

  /** How many checked top-k queries had more documents at the k-th distance than places left. */
  int boundaryTies;

  private final Random random;
  private final HashCode[] centres;

  CodeFixtures(long seed, int centreCount) {
    random = new Random(seed);
    centres = new HashCode[centreCount];
    for (int i = 0; i < centreCount; i++) {
      centres[i] = HashCode.fromLongs(new long[] {random.nextLong()}, BITS);
    }
  }

  static Path configDir() {
    try {
      return Path.of(
              CodeFixtures.class.getResource("/configsets/texhash/conf/solrconfig.xml").toURI())
          .getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A code a few bits (0..maxFlips) away from a random centre. */
  HashCode nearCentre(int maxFlips) {
    return flip(centres[random.nextInt(centres.length)], random.nextInt(maxFlips + 1));
  }

  /**
   * Weights a query encoder would give {@code query}: features whose signs are the query's bits and
   * whose magnitudes are |normal|, as an encoder's outputs are ({@link BitWeights#fromFeatures}).
   */
  BitWeights weightsFor(HashCode query) {
    float[] features = new float[query.bits()];
    for (int i = 0; i < features.length; i++) {
      float magnitude = (float) Math.abs(random.nextGaussian());
      features[i] = query.bit(i) ? magnitude + 1e-3f : -magnitude;
    }
    return BitWeights.fromFeatures(features);
  }

  HashCode flip(HashCode code, int flips) {
    byte[] b = code.bytes();
    for (int i = 0; i < flips; i++) {
      int bit = random.nextInt(code.bits());
      b[bit >>> 3] ^= (byte) (0x80 >>> (bit & 7));
    }
    return HashCode.fromBytes(b);
  }

  Random random() {
    return random;
  }

  /** A new document (recorded in the expected state) with a clustered code. */
  SolrInputDocument newDoc(String id) {
    HashCode code = nearCentre(6);
    String category = CATEGORIES[random.nextInt(CATEGORIES.length)];
    codes.put(id, code);
    categories.put(id, category);
    SolrInputDocument doc = new SolrInputDocument();
    doc.setField("id", id);
    doc.setField("code", code.toHex());
    doc.setField("category", category);
    return doc;
  }

  void delete(String id) {
    codes.remove(id);
    categories.remove(id);
  }

  record Hit(String id, int distance) {}

  /** Every document passing {@code filter}, nearest first (ties by id, for a stable listing). */
  List<Hit> ranking(HashCode query, Predicate<String> filter) {
    return ranking(code -> code.distance(query), filter);
  }

  /** The brute-force ranking by any {@code distance} to the query. */
  List<Hit> ranking(ToIntFunction<HashCode> distance, Predicate<String> filter) {
    return codes.entrySet().stream()
        .filter(e -> filter.test(e.getKey()))
        .map(e -> new Hit(e.getKey(), distance.applyAsInt(e.getValue())))
        .sorted(Comparator.comparingInt(Hit::distance).thenComparing(Hit::id))
        .collect(Collectors.toList());
  }

  Predicate<String> inCategory(String category) {
    return id -> category.equals(categories.get(id));
  }

  /**
   * The tie rule a sharded top k can guarantee: the k results have exactly the reference's k
   * smallest distances (as a multiset), the documents strictly nearer than the k-th distance are
   * exactly the reference's, every result is a real document at the distance its score says, and
   * scores never increase down the list. Which documents at the k-th distance fill the last places
   * is decided by each shard's doc order and the shard order, not by id.
   */
  void assertTopK(HashCode query, Predicate<String> filter, int k, QueryResponse rsp) {
    assertTopK(query.toString(), code -> code.distance(query), filter, k, rsp);
  }

  /** The same for the distance weighted by {@code weights} ({@link BitWeights}). */
  void assertTopK(
      HashCode query, BitWeights weights, Predicate<String> filter, int k, QueryResponse rsp) {
    assertTopK(
        query + " weights " + weights.toHex(), c -> weights.distance(query, c), filter, k, rsp);
  }

  private void assertTopK(
      String query,
      ToIntFunction<HashCode> distance,
      Predicate<String> filter,
      int k,
      QueryResponse rsp) {
    List<Hit> reference = ranking(distance, filter);
    int n = Math.min(k, reference.size());
    List<Hit> actual = hits(distance, rsp);
    String context =
        "k="
            + k
            + " query="
            + query
            + " got "
            + actual
            + " reference head "
            + reference.subList(0, Math.min(reference.size(), k + 5));
    assertEquals(context, n, actual.size());
    if (n == 0) {
      return;
    }
    assertEquals(context, n, actual.stream().map(Hit::id).distinct().count());
    for (Hit hit : actual) {
      assertTrue(context + ": " + hit.id() + " must pass the filter", filter.test(hit.id()));
    }
    List<Integer> expectedDistances =
        reference.subList(0, n).stream().map(Hit::distance).sorted().toList();
    assertEquals(context, expectedDistances, actual.stream().map(Hit::distance).sorted().toList());
    int kth = reference.get(n - 1).distance();
    if (reference.size() > n && reference.get(n).distance() == kth) {
      boundaryTies++;
    }
    assertEquals(context, idsNearerThan(reference, kth), idsNearerThan(actual, kth));
    for (int i = 1; i < actual.size(); i++) {
      assertTrue(context, actual.get(i - 1).distance() <= actual.get(i).distance());
    }
  }

  /** Radius results are a set: exactly the reference's documents within the radius. */
  void assertRadius(HashCode query, Predicate<String> filter, int radius, QueryResponse rsp) {
    Set<String> expected =
        ranking(query, filter).stream()
            .filter(h -> h.distance() <= radius)
            .map(Hit::id)
            .collect(Collectors.toSet());
    List<Hit> actual = hits(query, rsp);
    assertEquals("radius " + radius + " count", expected.size(), rsp.getResults().getNumFound());
    assertEquals(
        "radius " + radius, expected, actual.stream().map(Hit::id).collect(Collectors.toSet()));
  }

  private static Set<String> idsNearerThan(List<Hit> hits, int distance) {
    Set<String> ids = new HashSet<>();
    for (Hit h : hits) {
      if (h.distance() < distance) {
        ids.add(h.id());
      }
    }
    return ids;
  }

  /** A stored code as hex: text responses show hex, javabin carries the bytes. */
  static String hex(Object stored) {
    if (stored instanceof byte[] b) {
      return HashCode.fromBytes(b).toHex();
    }
    if (stored instanceof java.nio.ByteBuffer buffer) {
      byte[] b = new byte[buffer.remaining()];
      buffer.duplicate().get(b);
      return HashCode.fromBytes(b).toHex();
    }
    return stored == null ? null : stored.toString().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * The response as hits, each checked: its code is the one the reference holds for its id, and its
   * score is exactly {@link HammingScores#score(int)} of its true distance.
   */
  List<Hit> hits(HashCode query, QueryResponse rsp) {
    return hits(code -> code.distance(query), rsp);
  }

  /** The response's hits, each checked and at its {@code distance} to the query. */
  List<Hit> hits(ToIntFunction<HashCode> distance, QueryResponse rsp) {
    List<Hit> hits = new ArrayList<>();
    for (SolrDocument doc : rsp.getResults()) {
      String id = (String) doc.getFirstValue("id");
      HashCode expected = codes.get(id);
      assertTrue("returned a deleted or unknown document " + id, expected != null);
      assertEquals("stored code of " + id, expected.toHex(), hex(doc.getFirstValue("code")));
      int d = distance.applyAsInt(expected);
      Object score = doc.getFirstValue("score");
      assertEquals(
          "score of " + id + " at distance " + d,
          HammingScores.score(d),
          ((Number) score).floatValue(),
          0f);
      hits.add(new Hit(id, d));
    }
    return hits;
  }
}
