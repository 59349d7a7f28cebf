package org.texhash.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.util.List;
import org.texhash.indexer.index.IndexFields;
import org.texhash.indexer.search.TextureSearcher.Hit;

/**
 * The JSON of a search result, {@code {hits: [{path, distance, score, exists}], took_ms}}: what
 * {@code texhash search --json} prints and what the server's search API answers (with more fields
 * beside).
 */
public final class SearchJson {
  private SearchJson() {}

  public static JsonObject result(List<Hit> hits, double tookMs) {
    JsonObject o = new JsonObject();
    JsonArray array = new JsonArray();
    for (Hit h : hits) {
      JsonObject hit = new JsonObject();
      hit.addProperty("path", h.path());
      hit.addProperty("distance", h.distance());
      hit.addProperty("score", h.score());
      hit.addProperty("exists", exists(h));
      array.add(hit);
    }
    o.add("hits", array);
    o.addProperty("took_ms", Math.round(tookMs * 1000) / 1000.0);
    return o;
  }

  /** Whether a hit's file is still there (the index may hold files deleted since it was built). */
  public static boolean exists(Hit h) {
    return Files.isRegularFile(IndexFields.toPath(h.path()));
  }
}
