package org.texhash.cli.serve;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.texhash.cli.SearchJson;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.EncoderMismatchException;
import org.texhash.indexer.image.ImageDecodeException;
import org.texhash.indexer.image.ImageLoader;
import org.texhash.indexer.index.IndexFields;
import org.texhash.indexer.index.IndexFields.FileState;
import org.texhash.indexer.index.IndexInfo;
import org.texhash.indexer.search.TextureSearcher;
import org.texhash.indexer.search.TextureSearcher.Hit;
import org.texhash.lucene.BitWeights;
import org.texhash.lucene.HashCode;

/**
 * What the server answers, without HTTP: index info, searches by indexed path, code or image bytes,
 * and thumbnails of indexed images. Every refusal is an {@link HttpError} with a reason.
 *
 * <p>Files are read only for thumbnails, and only at paths that a live document of the index has
 * exactly: a thumbnail id is the path itself (base64url), looked up as an exact term, so no string
 * a client sends can name any other file. Searching by path reads the stored code, never the file.
 */
public final class SearchApi {
  private static final long BUSY_WAIT_SECONDS = 30;

  private final LiveIndex index;
  private final Encoder encoder;
  private final ServeLimits limits;
  private final Semaphore decoding;
  private final ThumbnailCache thumbnails;

  public SearchApi(LiveIndex index, Encoder encoder, ServeLimits limits) {
    this.index = index;
    this.encoder = encoder;
    this.limits = limits;
    this.decoding = new Semaphore(limits.decodeSlots(), true);
    this.thumbnails = new ThumbnailCache(limits.thumbCacheBytes());
  }

  public ServeLimits limits() {
    return limits;
  }

  /**
   * {@code GET /api/info}: the index's encoder, code length, patch size, documents, and the limits.
   */
  public JsonObject info() throws IOException {
    try (LiveIndex.View view = index.acquire()) {
      IndexInfo info = view.info();
      JsonObject o = new JsonObject();
      o.addProperty("encoder", info.encoderId());
      o.addProperty("bits", info.bits());
      o.addProperty("input_size", info.inputSize());
      o.addProperty("mih_substrings", info.mihSubstrings());
      o.addProperty("documents", view.reader().numDocs());
      o.addProperty("segments", view.reader().leaves().size());
      o.addProperty("max_k", limits.maxK());
      o.addProperty("max_upload_bytes", limits.maxUploadBytes());
      o.addProperty("max_pixels", limits.maxPixels());
      return o;
    }
  }

  /** {@code GET /health}: ok with the document count, or why the index cannot be read. */
  public JsonObject health() throws IOException {
    try (LiveIndex.View view = index.acquire()) {
      JsonObject o = new JsonObject();
      o.addProperty("status", "ok");
      o.addProperty("documents", view.reader().numDocs());
      return o;
    }
  }

  /** {@code GET /api/search?path=P|code=HEX&k=&radius=}. */
  public JsonObject search(String path, String code, String k, String radius) throws IOException {
    if ((path == null) == (code == null)) {
      throw new HttpError(
          400,
          "give exactly one of path= (an indexed image) or code= (hex); to search by an image, POST"
              + " it");
    }
    try (LiveIndex.View view = index.acquire()) {
      TextureSearcher searcher = view.searcher();
      long start = System.nanoTime();
      HashCode query;
      if (path != null) {
        query =
            IndexFields.code(view.reader(), path)
                .orElseThrow(() -> new HttpError(404, "not in the index: " + path));
      } else {
        query = parseCode(searcher, code);
      }
      JsonObject result = run(searcher, view.info(), query, null, k, radius, start);
      JsonObject q = new JsonObject();
      q.addProperty(path != null ? "path" : "code", path != null ? path : query.toHex());
      result.add("query", q);
      return result;
    }
  }

  /** {@code POST /api/search?k=&radius=} with the image as the body. */
  public JsonObject searchImage(byte[] image, String k, String radius) throws IOException {
    if (image.length == 0) {
      throw new HttpError(400, "no image: send the image file as the request body");
    }
    BufferedImage decoded =
        decode(() -> ImageLoader.load(image, limits.maxPixels()), 400, "the uploaded image");
    try (LiveIndex.View view = index.acquire()) {
      TextureSearcher searcher;
      try {
        searcher = view.searcher(encoder);
      } catch (EncoderMismatchException e) {
        throw new HttpError(
            409,
            "the index was rebuilt with another encoder ("
                + view.info().encoderId()
                + ") since the server started with "
                + encoder.id()
                + "; restart texhash serve");
      }
      long start = System.nanoTime();
      float[] features = searcher.featuresOfImage(decoded);
      HashCode query = HashCode.fromSigns(features);
      // as 'texhash search --image': the k nearest by the distance the image's features weigh
      boolean weighted = radius == null || radius.isBlank();
      BitWeights weights = weighted ? BitWeights.fromFeatures(features) : null;
      JsonObject result = run(searcher, view.info(), query, weights, k, radius, start);
      JsonObject q = new JsonObject();
      q.addProperty("code", query.toHex());
      q.addProperty("width", decoded.getWidth());
      q.addProperty("height", decoded.getHeight());
      result.add("query", q);
      return result;
    }
  }

  /** A thumbnail, JPEG, with a tag that changes when the indexed content does. */
  public record Thumbnail(byte[] jpeg, String etag) {}

  /**
   * {@code GET /api/thumb/{id}}: the thumbnail of the indexed image whose {@link #thumbId} is
   * {@code id}.
   */
  public Thumbnail thumbnail(String id) throws IOException {
    String path = pathOfThumbId(id).orElseThrow(() -> new HttpError(404, "no such thumbnail"));
    FileState file;
    try (LiveIndex.View view = index.acquire()) {
      file =
          view.searcher()
              .indexed(path)
              .orElseThrow(() -> new HttpError(404, "not in the index: " + path));
    }
    String tag =
        "\""
            + (file.sha256() == null
                ? Long.toHexString(file.modified())
                : file.sha256().substring(0, 32))
            + "\"";
    String key = path + '\n' + tag;
    byte[] jpeg = thumbnails.get(key);
    if (jpeg == null) {
      BufferedImage image =
          decode(
              () -> ImageLoader.load(IndexFields.toPath(path), limits.maxPixels()),
              404,
              "the indexed file " + path);
      jpeg = Thumbnails.jpeg(image, limits.thumbSize());
      thumbnails.put(key, jpeg);
    }
    return new Thumbnail(jpeg, tag);
  }

  /** The URL path of the thumbnail of an indexed path. */
  public static String thumbUrl(String path) {
    return "/api/thumb/" + thumbId(path);
  }

  /** The id of an indexed path in thumbnail URLs: its UTF-8 bytes in base64url, unpadded. */
  public static String thumbId(String path) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(path.getBytes(StandardCharsets.UTF_8));
  }

  static Optional<String> pathOfThumbId(String id) {
    if (id.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new String(Base64.getUrlDecoder().decode(id), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private JsonObject run(
      TextureSearcher searcher,
      IndexInfo info,
      HashCode query,
      BitWeights weights,
      String kParam,
      String radiusParam,
      long start)
      throws IOException {
    int k = kParam == null || kParam.isBlank() ? 10 : integer("k", kParam, 1, limits.maxK());
    Integer radius =
        radiusParam == null || radiusParam.isBlank()
            ? null
            : integer("radius", radiusParam, 0, info.bits());
    List<Hit> hits =
        radius == null
            ? searcher.nearest(query, weights, k, null, java.util.Set.of())
            : searcher.withinRadius(query, radius, null, k);
    double tookMs = (System.nanoTime() - start) / 1e6;
    JsonObject result = SearchJson.result(hits, tookMs);
    for (JsonElement hit : result.getAsJsonArray("hits")) {
      JsonObject h = hit.getAsJsonObject();
      h.addProperty("thumb", thumbUrl(h.get("path").getAsString()));
    }
    result.addProperty("k", k);
    result.addProperty("distance", weights == null ? "hamming" : "weighted");
    if (radius != null) {
      result.addProperty("radius", radius);
    }
    result.addProperty("documents", searcher.numDocs());
    return result;
  }

  private static HashCode parseCode(TextureSearcher searcher, String hex) {
    try {
      return searcher.parseCode(hex);
    } catch (IllegalArgumentException e) {
      int digits = searcher.info().bits() / 4;
      throw new HttpError(
          400,
          "code= must be "
              + digits
              + " hex digits ("
              + searcher.info().bits()
              + " bits), got '"
              + abbreviate(hex)
              + "'");
    }
  }

  private static int integer(String name, String value, int min, int max) {
    try {
      int v = Integer.parseInt(value.strip());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new HttpError(
        400,
        name
            + " must be a whole number from "
            + min
            + " to "
            + max
            + ", got '"
            + abbreviate(value)
            + "'");
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  private interface Decode {
    BufferedImage run() throws ImageDecodeException;
  }

  /**
   * Runs a decode in one of the decode slots; a failure answers {@code failStatus} with its reason.
   */
  private BufferedImage decode(Decode decode, int failStatus, String what) {
    boolean acquired;
    try {
      acquired = decoding.tryAcquire(BUSY_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HttpError(503, "the server is shutting down");
    }
    if (!acquired) {
      throw new HttpError(503, "busy: too many images are being decoded; try again");
    }
    try {
      return decode.run();
    } catch (ImageDecodeException e) {
      throw new HttpError(failStatus, "cannot read " + what + ": " + e.getMessage());
    } finally {
      decoding.release();
    }
  }
}
