package org.texhash.lucene;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.Collector;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.LeafCollector;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreMode;

/**
 * Ranks the hits of any query by Hamming distance to a code and keeps the k nearest (ties by the
 * lower doc id). Hits without a code are not ranked. The result carries each hit's int distance
 * (and {@link HammingHits#topDocs()} the scores {@link HammingScores#score(int) 1 / (1 +
 * distance)}); its total hit count is the number of hits that had a code. Works with concurrent
 * searchers (one collector per slice, merged in {@link #reduce}).
 *
 * <pre>
 *   HammingHits nearest = searcher.search(textQuery, new HammingCollectorManager("code", code, 10));
 * </pre>
 */
public final class HammingCollectorManager
    implements CollectorManager<HammingCollectorManager.HammingCollector, HammingHits> {
  private final String field;
  private final HashCode code;
  private final int k;

  public HammingCollectorManager(String field, HashCode code, int k) {
    this.field = CodeFields.checkField(field);
    this.code = CodeFields.checkCode(field, code);
    if (k < 1) {
      throw new IllegalArgumentException(
          "k must be at least 1 for field '" + field + "', got " + k);
    }
    this.k = k;
  }

  @Override
  public HammingCollector newCollector() {
    return new HammingCollector();
  }

  @Override
  public HammingHits reduce(Collection<HammingCollector> collectors) {
    List<HammingHits> perCollector = new ArrayList<>(collectors.size());
    long total = 0;
    boolean sawDocs = false;
    boolean sawField = false;
    for (HammingCollector c : collectors) {
      perCollector.add(c.top.hits());
      total += c.collected;
      sawDocs |= c.sawDocs;
      sawField |= c.sawField;
    }
    if (sawDocs && !sawField) {
      throw new IllegalArgumentException(
          "unknown field '"
              + field
              + "': no searched segment has a hash code in it;"
              + " expected BINARY doc values of "
              + code.bits() / 8
              + " bytes");
    }
    return TopHits.merge(perCollector, k, total);
  }

  /** Collects the hits of the segments of one slice. */
  public final class HammingCollector implements Collector {
    private final TopHits top = new TopHits(k);
    private long collected;
    private boolean sawDocs;
    private boolean sawField;

    private HammingCollector() {}

    @Override
    public LeafCollector getLeafCollector(LeafReaderContext context) throws IOException {
      sawDocs |= context.reader().numDocs() > 0;
      SegmentCodes codes = SegmentCodes.forQuery(context.reader(), field, code);
      sawField |= context.reader().getFieldInfos().fieldInfo(field) != null;
      long[] query = code.words();
      int docBase = context.docBase;
      return new LeafCollector() {
        @Override
        public void setScorer(Scorable scorer) {}

        @Override
        public void collect(int doc) {
          if (codes != null && codes.has(doc)) {
            collected++;
            top.offer(codes.distance(doc, query), docBase + doc);
          }
        }
      };
    }

    @Override
    public ScoreMode scoreMode() {
      return ScoreMode.COMPLETE_NO_SCORES;
    }
  }
}
