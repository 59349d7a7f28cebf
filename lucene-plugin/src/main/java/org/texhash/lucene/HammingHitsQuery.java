package org.texhash.lucene;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;

/**
 * What a {@link HammingKnnQuery} rewrites to: the fixed top-k documents of one reader with their
 * distances (the search already happened in {@code rewrite}).
 *
 * <p>On the reader it was computed on, it matches exactly those documents. On another reader it
 * matches, in each segment shared with the original (same core), the hits that were found in that
 * segment, and nothing elsewhere: a sub-reader of the original (Lucene's test framework searches
 * single segments this way) sees its part of the top-k, never a wrong document; it is not a new
 * top-k search of that reader.
 */
final class HammingHitsQuery extends Query {
  private final HammingKnnQuery source;
  private final int[] docs; // global doc ids, ascending
  private final int[] distances;
  private final int[] segmentStarts; // index into docs of each leaf's first hit, plus docs.length
  private final Object contextIdentity;
  private final Object[] segmentIdentities; // per leaf ord: core cache key, or the leaf reader
  private final int[] docBases;

  private HammingHitsQuery(
      HammingKnnQuery source,
      int[] docs,
      int[] distances,
      int[] segmentStarts,
      Object contextIdentity,
      Object[] segmentIdentities,
      int[] docBases) {
    this.source = source;
    this.docs = docs;
    this.distances = distances;
    this.segmentStarts = segmentStarts;
    this.contextIdentity = contextIdentity;
    this.segmentIdentities = segmentIdentities;
    this.docBases = docBases;
  }

  /** The query matching the merged hits (global doc ids) on this reader. */
  static HammingHitsQuery of(IndexReader reader, HammingKnnQuery source, HammingHits hits) {
    int[] docs = new int[hits.size()];
    int[] distances = new int[hits.size()];
    TopHits.byDoc(hits, docs, distances);
    List<LeafReaderContext> leaves = reader.leaves();
    int[] starts = new int[leaves.size() + 1];
    Object[] identities = new Object[leaves.size()];
    int[] docBases = new int[leaves.size()];
    for (int i = 0; i < leaves.size(); i++) {
      int at = Arrays.binarySearch(docs, leaves.get(i).docBase);
      starts[i] = at >= 0 ? at : -1 - at;
      identities[i] = segmentIdentity(leaves.get(i));
      docBases[i] = leaves.get(i).docBase;
    }
    starts[leaves.size()] = docs.length;
    return new HammingHitsQuery(
        source, docs, distances, starts, reader.getContext().id(), identities, docBases);
  }

  private static Object segmentIdentity(LeafReaderContext leaf) {
    IndexReader.CacheHelper helper = leaf.reader().getCoreCacheHelper();
    return helper != null ? helper.getKey() : leaf.reader();
  }

  /** The original leaf ord holding the hits of {@code leaf}, or -1 when it shares no segment. */
  private int originalOrd(IndexSearcher searcher, LeafReaderContext leaf) {
    if (searcher.getIndexReader().getContext().id() == contextIdentity) {
      return leaf.ord;
    }
    Object identity = segmentIdentity(leaf);
    for (int ord = 0; ord < segmentIdentities.length; ord++) {
      if (segmentIdentities[ord] == identity) {
        return ord;
      }
    }
    return -1;
  }

  @Override
  public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost)
      throws IOException {
    return new Weight(this) {
      @Override
      public Explanation explain(LeafReaderContext context, int doc) {
        int ord = originalOrd(searcher, context);
        int found =
            ord < 0
                ? -1
                : Arrays.binarySearch(
                    docs, segmentStarts[ord], segmentStarts[ord + 1], doc + docBases[ord]);
        String by =
            source.getBitWeights() == null ? "Hamming distance" : "weighted Hamming distance";
        if (found < 0) {
          return Explanation.noMatch("not in the top " + source.getK() + " by " + by);
        }
        int d = distances[found];
        return Explanation.match(
            HammingScores.score(d) * boost,
            "in the top "
                + source.getK()
                + " by "
                + by
                + ", 1 / (1 + distance) * boost, distance="
                + d);
      }

      @Override
      public Scorer scorer(LeafReaderContext context) {
        int ord = originalOrd(searcher, context);
        if (ord < 0 || segmentStarts[ord] == segmentStarts[ord + 1]) {
          return null;
        }
        return new HitsScorer(
            this, docBases[ord], segmentStarts[ord], segmentStarts[ord + 1], boost);
      }

      @Override
      public int count(LeafReaderContext context) {
        int ord = originalOrd(searcher, context);
        // on another reader the segment's deletions may differ: let Lucene count
        return ord < 0
            ? 0
            : ord == context.ord && searcher.getIndexReader().getContext().id() == contextIdentity
                ? segmentStarts[ord + 1] - segmentStarts[ord]
                : -1;
      }

      @Override
      public boolean isCacheable(LeafReaderContext ctx) {
        return true;
      }
    };
  }

  /** Iterates the hits of one segment. */
  private final class HitsScorer extends Scorer {
    private final int docBase;
    private final int lower;
    private final int upper;
    private final float boost;
    private int at = -1;

    HitsScorer(Weight weight, int docBase, int lower, int upper, float boost) {
      super(weight);
      this.docBase = docBase;
      this.lower = lower;
      this.upper = upper;
      this.boost = boost;
    }

    @Override
    public int docID() {
      return at < 0 ? -1 : at >= upper ? DocIdSetIterator.NO_MORE_DOCS : docs[at] - docBase;
    }

    @Override
    public float score() {
      return HammingScores.score(distances[at]) * boost;
    }

    @Override
    public float getMaxScore(int upTo) {
      int best = Integer.MAX_VALUE;
      for (int i = Math.max(at, lower); i < upper && docs[i] - docBase <= upTo; i++) {
        best = Math.min(best, distances[i]);
      }
      return best == Integer.MAX_VALUE ? 0f : HammingScores.score(best) * boost;
    }

    @Override
    public DocIdSetIterator iterator() {
      return new DocIdSetIterator() {
        @Override
        public int docID() {
          return HitsScorer.this.docID();
        }

        @Override
        public int nextDoc() {
          at = at < 0 ? lower : at + 1;
          return docID();
        }

        @Override
        public int advance(int target) {
          int from = Math.max(at < 0 ? lower : at + 1, lower);
          // Compare in segment space: target + docBase overflows for NO_MORE_DOCS (a conjunction
          // advances to it) and would land on an earlier hit.
          if (from >= upper || target > docs[upper - 1] - docBase) {
            at = upper;
            return DocIdSetIterator.NO_MORE_DOCS;
          }
          int found = Arrays.binarySearch(docs, from, upper, target + docBase);
          at = found >= 0 ? found : -1 - found;
          return docID();
        }

        @Override
        public long cost() {
          return upper - lower;
        }
      };
    }
  }

  @Override
  public String toString(String field) {
    return "HammingHits(" + docs.length + " of " + source.toString(field) + ")";
  }

  @Override
  public void visit(QueryVisitor visitor) {
    visitor.visitLeaf(this);
  }

  @Override
  public boolean equals(Object o) {
    if (!sameClassAs(o)) {
      return false;
    }
    HammingHitsQuery other = (HammingHitsQuery) o;
    return contextIdentity == other.contextIdentity
        && Arrays.equals(docs, other.docs)
        && Arrays.equals(distances, other.distances);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        classHash(), contextIdentity, Arrays.hashCode(docs), Arrays.hashCode(distances));
  }
}
