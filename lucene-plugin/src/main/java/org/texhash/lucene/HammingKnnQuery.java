package org.texhash.lucene;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;

/**
 * The exact k nearest documents to a code by Hamming distance, ties broken by the lower doc id.
 *
 * <p>Like Lucene's {@code KnnFloatVectorQuery}, the search happens in {@link #rewrite}: every
 * segment is searched (in parallel through the searcher's task executor, when it has one), the
 * per-segment top-k lists are merged, and the query rewrites to a fixed list of documents and
 * scores. Deleted documents, documents without a code and documents the optional filter rejects are
 * never hits. The score is {@link HammingScores#score(int) 1 / (1 + distance)} (times the boost);
 * {@link #hits} gives the same list with int distances.
 *
 * <p>Each segment is searched by a scan of its cached codes or, when the segment has the substring
 * terms of {@link HashCodeField} ({@code mihSubstrings > 0}), by multi-index hashing; both give
 * exactly the same list. {@link Strategy} chooses.
 *
 * <p>With {@link #withBitWeights bit weights} the distance is the weighted one of {@link
 * BitWeights} (the query's confidence in each bit), by the same two paths.
 */
public final class HammingKnnQuery extends Query {

  /** How each segment is searched; every strategy returns exactly the same hits. */
  public enum Strategy {
    /**
     * Multi-index hashing in segments with substring terms, abandoned for a scan as soon as its
     * probing would cost more than scanning the segment (or the filter's documents).
     */
    AUTO,
    /** Always scan the cached codes. */
    SCAN,
    /**
     * Multi-index hashing in every segment with substring terms, abandoned for a scan only when its
     * probing would cost over a thousand scans (segments without terms are scanned). For benchmarks
     * and tests: with long substrings and far-away data the probing can cost far more than a scan.
     */
    MULTI_INDEX
  }

  /**
   * What a weighted scan costs per code word, in plain-scan popcounts: measured 6.7-10x with each
   * query's own weights (docs/BENCHMARKS.md).
   */
  static final long WEIGHTED_SCAN_COST = 8;

  private final String field;
  private final HashCode code;
  private final int k;
  private final Query filter;
  private final Strategy strategy;
  private final BitWeights weights; // null: the plain Hamming distance

  public HammingKnnQuery(String field, HashCode code, int k) {
    this(field, code, k, null);
  }

  /**
   * @param filter restricts the hits to the documents it matches; null for none
   */
  public HammingKnnQuery(String field, HashCode code, int k, Query filter) {
    this(field, code, k, filter, Strategy.AUTO, null);
  }

  private HammingKnnQuery(
      String field, HashCode code, int k, Query filter, Strategy strategy, BitWeights weights) {
    this.field = CodeFields.checkField(field);
    this.code = CodeFields.checkCode(field, code);
    if (k < 1) {
      throw new IllegalArgumentException(
          "k must be at least 1 for field '" + field + "', got " + k);
    }
    if (strategy == null) {
      throw new IllegalArgumentException("a strategy is required for field '" + field + "'");
    }
    if (weights != null && weights.bits() != code.bits()) {
      throw new IllegalArgumentException(
          weights.bits() + " bit weights for a code of " + code.bits() + " bits");
    }
    this.k = k;
    this.filter = filter;
    this.strategy = strategy;
    this.weights = weights;
  }

  /** This query searched with another strategy. */
  public HammingKnnQuery withStrategy(Strategy strategy) {
    return new HammingKnnQuery(field, code, k, filter, strategy, weights);
  }

  /**
   * This query ranking by the weighted distance of {@code weights} ({@link BitWeights}; null for
   * the plain Hamming distance). Weighted queries scan every segment: multi-index hashing finds
   * codes within a number of differing bits, which bounds no weighted distance.
   */
  public HammingKnnQuery withBitWeights(BitWeights weights) {
    return new HammingKnnQuery(field, code, k, filter, strategy, weights);
  }

  public String getField() {
    return field;
  }

  public HashCode getCode() {
    return code;
  }

  public int getK() {
    return k;
  }

  public Query getFilter() {
    return filter;
  }

  public Strategy getStrategy() {
    return strategy;
  }

  /** The bit weights, or null for the plain Hamming distance. */
  public BitWeights getBitWeights() {
    return weights;
  }

  @Override
  public Query rewrite(IndexSearcher searcher) throws IOException {
    HammingHits hits = hits(searcher);
    if (hits.isEmpty()) {
      return new MatchNoDocsQuery("no document with a code in field '" + field + "'");
    }
    return HammingHitsQuery.of(searcher.getIndexReader(), this, hits);
  }

  /**
   * The k nearest documents of the searcher's index with their int distances (what {@link #rewrite}
   * turns into a query). Segments are searched in parallel through the searcher's task executor,
   * when it has one; {@link HammingHits#totalHits()} is the number of hits returned.
   */
  public HammingHits hits(IndexSearcher searcher) throws IOException {
    IndexReader reader = searcher.getIndexReader();
    CodeFields.checkIndex(reader, field, code);
    Weight filterWeight = null;
    if (filter != null) {
      Query rewritten = searcher.rewrite(filter);
      filterWeight = searcher.createWeight(rewritten, ScoreMode.COMPLETE_NO_SCORES, 1f);
    }
    List<Callable<HammingHits>> tasks = new ArrayList<>(reader.leaves().size());
    for (LeafReaderContext context : reader.leaves()) {
      Weight w = filterWeight;
      tasks.add(() -> searchLeaf(context, w));
    }
    List<HammingHits> perLeaf = searcher.getTaskExecutor().invokeAll(tasks);
    long found = 0;
    for (HammingHits leafHits : perLeaf) {
      found += leafHits.size();
    }
    return TopHits.merge(perLeaf, k, Math.min(found, k));
  }

  /** The segment's k nearest hits, with global doc ids. */
  private HammingHits searchLeaf(LeafReaderContext context, Weight filterWeight)
      throws IOException {
    SegmentCodes codes = SegmentCodes.forQuery(context.reader(), field, code);
    if (codes == null) {
      return HammingHits.empty(); // no document of the segment has a code in this field
    }
    return getLeafResults(context, codes, filterWeight).withDocBase(context.docBase);
  }

  /** The segment's k nearest hits among the documents the filter accepts (segment doc ids). */
  private HammingHits getLeafResults(
      LeafReaderContext context, SegmentCodes codes, Weight filterWeight) throws IOException {
    if (filterWeight == null) {
      // every live document is a candidate
      return search(context.reader(), codes, null, codes.count);
    }
    Scorer scorer = filterWeight.scorer(context);
    if (scorer == null) {
      return HammingHits.empty(); // the filter matches nothing in this segment
    }
    FixedBitSet accepted =
        acceptedDocs(scorer.iterator(), context.reader().getLiveDocs(), context.reader().maxDoc());
    int candidates = accepted.cardinality();
    if (candidates == 0) {
      return HammingHits.empty(); // the filter matches only deleted documents
    }
    return search(context.reader(), codes, accepted, candidates);
  }

  /**
   * Multi-index hashing where the strategy and the segment allow it and it stays within budget,
   * otherwise the exact scan; both give the same hits.
   *
   * @param accepted the live documents the filter accepts, or null for every live document
   * @param candidates how many documents a scan would visit
   */
  private HammingHits search(
      LeafReader reader, SegmentCodes codes, FixedBitSet accepted, long candidates)
      throws IOException {
    int m = substringsToProbe(reader, codes);
    if (m > 0) {
      HammingHits hits = multiIndexSearch(reader, codes, m, accepted, candidates);
      if (hits != null) {
        return hits;
      }
      // probing would have cost more than the budget: the scan is cheaper and just as exact
    }
    return exactSearch(codes, reader.getLiveDocs(), accepted);
  }

  /** The number of substrings to probe in this segment, or 0 to scan it. */
  private int substringsToProbe(LeafReader reader, SegmentCodes codes) throws IOException {
    if (strategy == Strategy.SCAN) {
      return 0; // the caller asked for a scan
    }
    int m = MultiIndexSearch.segmentSubstrings(reader, field, codes);
    if (m == 0) {
      return 0; // no substring terms, or none that cover the codes exactly
    }
    if (strategy == Strategy.AUTO && !codes.cached()) {
      // uncached codes would need a fresh substring table per query, which costs more than a scan
      return 0;
    }
    return m;
  }

  /** Multi-index hashing within this strategy's budget; null when the budget runs out first. */
  private HammingHits multiIndexSearch(
      LeafReader reader, SegmentCodes codes, int m, FixedBitSet accepted, long candidates) {
    // a weighted scan looks codes up byte by byte where a plain one counts bits: it costs more,
    // so probing may spend more before the scan is the cheaper way
    long scanCost = candidates * codes.words * (weights == null ? 1 : WEIGHTED_SCAN_COST);
    // AUTO gives up as soon as probing costs more than a scan; MULTI_INDEX only when it is absurd
    long budget =
        strategy == Strategy.AUTO ? scanCost : MultiIndexSearch.multiIndexBudget(scanCost);
    Bits accept = accepted != null ? accepted : reader.getLiveDocs();
    int acceptable = acceptableCount(codes, reader, accepted);
    return MultiIndexSearch.search(
        reader, field, m, codes, code, weights, k, accept, acceptable, budget);
  }

  /** The scan of every candidate's code: exact, and the fallback of every other path. */
  private HammingHits exactSearch(SegmentCodes codes, Bits liveDocs, FixedBitSet accepted) {
    if (weights != null) {
      return HammingScan.searchWeighted(codes, code.words(), weights, k, liveDocs, accepted);
    }
    return HammingScan.search(codes, code.words(), k, liveDocs, accepted);
  }

  /**
   * How many documents have a code and may be hits, when that is cheap to know (word-wise bit set
   * intersections); -1 otherwise.
   */
  private static int acceptableCount(SegmentCodes codes, LeafReader reader, FixedBitSet accepted) {
    Bits liveDocs = reader.getLiveDocs();
    if (accepted != null) {
      return codes.present == null
          ? accepted.cardinality()
          : (int) FixedBitSet.intersectionCount(accepted, codes.present);
    }
    if (codes.present == null) {
      return reader.numDocs();
    }
    if (liveDocs == null) {
      return codes.count;
    }
    return liveDocs instanceof FixedBitSet live
        ? (int) FixedBitSet.intersectionCount(live, codes.present)
        : -1;
  }

  private static FixedBitSet acceptedDocs(DocIdSetIterator it, Bits liveDocs, int maxDoc)
      throws IOException {
    FixedBitSet bits = new FixedBitSet(maxDoc);
    for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
      if (liveDocs == null || liveDocs.get(doc)) {
        bits.set(doc);
      }
    }
    return bits;
  }

  @Override
  public void visit(QueryVisitor visitor) {
    if (visitor.acceptField(field)) {
      visitor.visitLeaf(this);
    }
    if (filter != null) {
      filter.visit(visitor.getSubVisitor(BooleanClause.Occur.FILTER, this));
    }
  }

  @Override
  public String toString(String defaultField) {
    StringBuilder sb = new StringBuilder();
    if (!field.equals(defaultField)) {
      sb.append(field).append(':');
    }
    sb.append("hamming_knn(").append(code.toHex()).append(", k=").append(k);
    if (strategy != Strategy.AUTO) {
      sb.append(", strategy=").append(strategy);
    }
    if (weights != null) {
      sb.append(", weighted");
    }
    if (filter != null) {
      sb.append(", filter=").append(filter.toString(defaultField));
    }
    return sb.append(')').toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!sameClassAs(o)) {
      return false;
    }
    HammingKnnQuery other = (HammingKnnQuery) o;
    return k == other.k
        && field.equals(other.field)
        && code.equals(other.code)
        && Objects.equals(filter, other.filter)
        && strategy == other.strategy
        && Objects.equals(weights, other.weights);
  }

  @Override
  public int hashCode() {
    return Objects.hash(classHash(), field, code, k, filter, strategy, weights);
  }
}
