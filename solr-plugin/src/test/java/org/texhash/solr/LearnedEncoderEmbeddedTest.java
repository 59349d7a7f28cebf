package org.texhash.solr;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.io.file.PathUtils;
import org.apache.solr.SolrTestCaseJ4;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.embedded.EmbeddedSolrServer;
import org.apache.solr.common.SolrDocumentList;
import org.apache.solr.common.SolrInputDocument;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.texhash.indexer.encoder.Encoders;
import org.texhash.indexer.encoder.ShippedEncoders;
import org.texhash.lucene.HashCode;

/**
 * The update processor with the shipped learned encoder: sample textures posted as image bytes are
 * encoded by {@code learned-64}, and a search with one half of a pair finds the other half first.
 */
public class LearnedEncoderEmbeddedTest extends SolrTestCaseJ4 {
  private static final Path SAMPLES = Path.of("..", "samples", "textures");
  private static final String[] FILES = {
    "carpet025_a.png",
    "carpet025_b.png",
    "bumpy_surface_a.png",
    "bumpy_surface_b.png",
    "blackrock.jpg",
    "Tizeta_grey1.png"
  };
  private static SolrClient client;

  @BeforeClass
  public static void startCore() throws Exception {
    Path home = createTempDir("solr-home");
    Files.createDirectories(home.resolve("collection1"));
    PathUtils.copyDirectory(CodeFixtures.configDir(), home.resolve("collection1").resolve("conf"));
    System.setProperty("texhash.encoder", ShippedEncoders.LEARNED_64);
    useFactory("solr.NRTCachingDirectoryFactory");
    initCore("solrconfig.xml", "schema.xml", home.toString());
    client = new EmbeddedSolrServer(h.getCoreContainer(), h.coreName);
  }

  @AfterClass
  public static void stop() throws Exception {
    client = null;
    System.clearProperty("texhash.encoder");
    resetFactory();
  }

  @Test
  public void aPostedImageFindsItsSiblingFirst() throws Exception {
    assertEquals(
        "the learned encoder is the default of texhash index too",
        ShippedEncoders.LEARNED_64,
        Encoders.DEFAULT_ID);
    for (String f : FILES) {
      SolrInputDocument doc = new SolrInputDocument("id", f);
      doc.setField("image", Files.readAllBytes(SAMPLES.resolve(f)));
      client.add(doc);
    }
    client.commit();
    for (String[] pair :
        new String[][] {
          {"carpet025_a.png", "carpet025_b.png"}, {"bumpy_surface_b.png", "bumpy_surface_a.png"}
        }) {
      HashCode code =
          HashCode.fromHex(CodeFixtures.hex(client.getById(pair[0]).getFirstValue("code")));
      SolrQuery q =
          new SolrQuery("{!hamming f=code code=" + code.toHex() + " k=2}")
              .setRows(2)
              .setFields("id", "score");
      SolrDocumentList hits = client.query(q).getResults();
      // the two halves may share a code; then either may come first
      assertEquals(
          pair[0] + ": itself and its sibling before the other samples",
          java.util.Set.of(pair[0], pair[1]),
          java.util.Set.of(hits.get(0).getFirstValue("id"), hits.get(1).getFirstValue("id")));
    }
  }
}
