package org.texhash.solr;

import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.solr.common.params.ModifiableSolrParams;
import org.apache.solr.common.params.SolrParams;
import org.apache.solr.request.SolrQueryRequest;
import org.apache.solr.schema.SchemaField;
import org.apache.solr.search.QParser;
import org.apache.solr.search.QParserPlugin;
import org.apache.solr.search.SolrIndexSearcher;
import org.apache.solr.search.SyntaxError;
import org.apache.solr.search.neural.AbstractVectorQParserBase;
import org.texhash.lucene.BitWeights;
import org.texhash.lucene.HammingKnnQuery;
import org.texhash.lucene.HammingRadiusQuery;
import org.texhash.lucene.HashCode;

/**
 * {@code {!hamming f=FIELD code=HEX k=N}}: the exact k nearest codes by Hamming distance, scored
 * {@code 1 / (1 + distance)}; or {@code {!hamming f=FIELD code=HEX radius=R}}: every code within
 * distance R, scored the same way. With {@code weights=HEX} (two hex digits per bit, {@link
 * BitWeights#toHex}) the k nearest are by the weighted distance ({@link
 * HammingKnnQuery#withBitWeights}); a radius stays a number of differing bits.
 *
 * <p>Filters apply before the top k, as for Solr's {@code knn} parser (whose filter handling this
 * parser reuses by extending {@link AbstractVectorQParserBase}): as the main query, the request's
 * {@code fq}s (narrowed by the {@code includeTags} / {@code excludeTags} local params) become the
 * filter of {@link HammingKnnQuery}, so the result is the top k among the filtered documents; the
 * {@code preFilter} local param names the filters explicitly (and is the only way as a sub-query or
 * filter). In SolrCloud every shard answers its own exact top k and the coordinator merges by
 * score, which depends on the distance only, so the first k rows are the exact global top k.
 */
public class HammingQParserPlugin extends QParserPlugin {
  public static final String NAME = "hamming";

  @Override
  public QParser createParser(
      String qstr, SolrParams localParams, SolrParams params, SolrQueryRequest req) {
    return new HammingQParser(
        qstr, localParams == null ? new ModifiableSolrParams() : localParams, params, req);
  }

  static final class HammingQParser extends AbstractVectorQParserBase {
    HammingQParser(String qstr, SolrParams localParams, SolrParams params, SolrQueryRequest req) {
      super(qstr, localParams, params, req);
    }

    @Override
    public Query parse() throws SyntaxError {
      SolrIndexSearcher searcher = req.getSearcher();
      SchemaField field = HammingArgs.codeField(req.getSchema(), localParams.get("f"));
      String hex = localParams.get("code", qstr);
      HashCode code = HammingArgs.queryCode(searcher, field, hex);
      String k = getParam("k");
      String radius = getParam("radius");
      String weights = getParam("weights");
      if ((k == null) == (radius == null)) {
        throw HammingArgs.badRequest(
            "hamming: give exactly one of 'k' (top k) or 'radius' (all within a distance)"
                + " for field '"
                + field.getName()
                + "'");
      }
      if (radius != null && weights != null) {
        throw HammingArgs.badRequest(
            "hamming: 'radius' finds every code within R differing bits, which 'weights' does not"
                + " change; give 'k' with 'weights'");
      }
      if (radius != null) {
        int r = HammingArgs.intParam("radius", radius, 0);
        return HammingArgs.anyCodes(searcher, field.getName())
            ? new HammingRadiusQuery(field.getName(), code, Math.min(r, code.bits()))
            : new MatchNoDocsQuery("no document has a code in '" + field.getName() + "'");
      }
      // More than maxDoc hits cannot exist; clamping keeps a huge k from allocating a huge queue.
      int topK = Math.min(HammingArgs.intParam("k", k, 1), Math.max(1, searcher.maxDoc()));
      if (!HammingArgs.anyCodes(searcher, field.getName())) {
        return new MatchNoDocsQuery("no document has a code in '" + field.getName() + "'");
      }
      Query filter = getFilterQuery();
      return new HammingKnnQuery(field.getName(), code, topK, filter)
          .withBitWeights(weights == null ? null : HammingArgs.bitWeights(field, code, weights));
    }
  }
}
