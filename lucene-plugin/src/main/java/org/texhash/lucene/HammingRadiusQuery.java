package org.texhash.lucene;

import java.io.IOException;
import java.util.Objects;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TwoPhaseIterator;
import org.apache.lucene.search.Weight;

/**
 * Every document whose code is within Hamming distance {@code radius} of a query code, scored
 * {@link HammingScores#score(int) 1 / (1 + distance)} (times the boost).
 *
 * <p>An ordinary query that composes in a {@code BooleanQuery}: its scorer is two-phase, the
 * approximation being the documents with a code and the confirmation the distance check on the
 * segment's cached codes, so a conjunction lets cheaper clauses lead.
 */
public final class HammingRadiusQuery extends Query {
  private final String field;
  private final HashCode code;
  private final int radius;

  public HammingRadiusQuery(String field, HashCode code, int radius) {
    this.field = CodeFields.checkField(field);
    this.code = CodeFields.checkCode(field, code);
    if (radius < 0) {
      throw new IllegalArgumentException(
          "radius must be at least 0 for field '" + field + "', got " + radius);
    }
    this.radius = radius;
  }

  public String getField() {
    return field;
  }

  public HashCode getCode() {
    return code;
  }

  public int getRadius() {
    return radius;
  }

  @Override
  public Query rewrite(IndexSearcher searcher) throws IOException {
    CodeFields.checkIndex(searcher.getIndexReader(), field, code);
    return super.rewrite(searcher);
  }

  @Override
  public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost)
      throws IOException {
    CodeFields.checkIndex(searcher.getIndexReader(), field, code);
    return new Weight(this) {
      @Override
      public Scorer scorer(LeafReaderContext context) throws IOException {
        SegmentCodes codes = SegmentCodes.forQuery(context.reader(), field, code);
        if (codes == null) {
          return null;
        }
        return new RadiusScorer(this, codes, boost);
      }

      @Override
      public Explanation explain(LeafReaderContext context, int doc) throws IOException {
        SegmentCodes codes = SegmentCodes.forQuery(context.reader(), field, code);
        if (codes == null || !codes.has(doc)) {
          return Explanation.noMatch("no code in field '" + field + "'");
        }
        int d = codes.distance(doc, code.words());
        if (d > radius) {
          return Explanation.noMatch("Hamming distance " + d + " > radius " + radius);
        }
        return Explanation.match(
            HammingScores.score(d) * boost,
            "Hamming distance " + d + " <= radius " + radius + ", 1 / (1 + distance) * boost");
      }

      @Override
      public boolean isCacheable(LeafReaderContext ctx) {
        return DocValues.isCacheable(ctx, field);
      }
    };
  }

  private final class RadiusScorer extends Scorer {
    private final SegmentCodes codes;
    private final long[] query = code.words();
    private final float boost;
    private final DocIdSetIterator approximation;
    private final TwoPhaseIterator twoPhase;
    private int distance;

    RadiusScorer(Weight weight, SegmentCodes codes, float boost) {
      super(weight);
      this.codes = codes;
      this.boost = boost;
      this.approximation = codes.iterator();
      this.twoPhase =
          new TwoPhaseIterator(approximation) {
            @Override
            public boolean matches() {
              distance = codes.distance(approximation.docID(), query);
              return distance <= radius;
            }

            @Override
            public float matchCost() {
              return 2f * codes.words;
            }
          };
    }

    @Override
    public int docID() {
      return approximation.docID();
    }

    @Override
    public float score() {
      return HammingScores.score(distance) * boost;
    }

    @Override
    public float getMaxScore(int upTo) {
      return boost; // distance 0
    }

    @Override
    public DocIdSetIterator iterator() {
      return TwoPhaseIterator.asDocIdSetIterator(twoPhase);
    }

    @Override
    public TwoPhaseIterator twoPhaseIterator() {
      return twoPhase;
    }
  }

  @Override
  public void visit(QueryVisitor visitor) {
    if (visitor.acceptField(field)) {
      visitor.visitLeaf(this);
    }
  }

  @Override
  public String toString(String defaultField) {
    return (field.equals(defaultField) ? "" : field + ":")
        + "hamming_radius("
        + code.toHex()
        + ", r="
        + radius
        + ")";
  }

  @Override
  public boolean equals(Object o) {
    if (!sameClassAs(o)) {
      return false;
    }
    HammingRadiusQuery other = (HammingRadiusQuery) o;
    return radius == other.radius && field.equals(other.field) && code.equals(other.code);
  }

  @Override
  public int hashCode() {
    return Objects.hash(classHash(), field, code, radius);
  }
}
