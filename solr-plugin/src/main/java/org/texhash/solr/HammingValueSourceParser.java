package org.texhash.solr;

import org.apache.lucene.queries.function.ValueSource;
import org.apache.solr.schema.SchemaField;
import org.apache.solr.search.FunctionQParser;
import org.apache.solr.search.SyntaxError;
import org.apache.solr.search.ValueSourceParser;
import org.texhash.lucene.HashCode;

/**
 * {@code hamming(FIELD,HEX)}: the Hamming distance between each document's code and HEX, for {@code
 * sort=hamming(code,HEX) asc}, {@code fl=d:hamming(code,HEX)} and boosts such as {@code
 * boost=recip(hamming(code,HEX),1,1,1)} (that is 1 / (1 + d), the score of the {@code hamming}
 * query parser). A document without a code gets K + 1, farther than any code.
 */
public class HammingValueSourceParser extends ValueSourceParser {
  @Override
  public ValueSource parse(FunctionQParser fp) throws SyntaxError {
    String fieldName = fp.parseArg();
    String hex = fp.parseArg();
    if (fp.hasMoreArguments()) {
      throw HammingArgs.badRequest("hamming(field,code) takes two arguments");
    }
    SchemaField field = HammingArgs.codeField(fp.getReq().getSchema(), fieldName);
    HashCode code = HammingArgs.queryCode(fp.getReq().getSearcher(), field, hex);
    return new HammingDistanceValueSource(field.getName(), code);
  }
}
