package org.texhash.cli.serve;

import org.texhash.indexer.image.ImageLoader;

/**
 * What one request may cost the server.
 *
 * @param maxUploadBytes the largest image body accepted (413 above it)
 * @param maxPixels the most pixels an image may decode to (decompression bombs stop at the header)
 * @param maxK the most hits one search returns
 * @param decodeSlots how many images are decoded at once (uploads and thumbnails); {@link
 *     ImageLoader} holds at most {@link ImageLoader#DECODE_PIXELS} pixels per decode (larger images
 *     are decoded subsampled), so this bounds the memory of decoding
 * @param thumbCacheBytes memory for cached thumbnails
 * @param thumbSize the longer side of a thumbnail, in pixels
 */
public record ServeLimits(
    long maxUploadBytes,
    long maxPixels,
    int maxK,
    int decodeSlots,
    long thumbCacheBytes,
    int thumbSize) {
  public static final long DEFAULT_MAX_UPLOAD_BYTES = 20L * 1024 * 1024;

  /** The indexer's limit: any image that can be indexed can be a query. */
  public static final long DEFAULT_MAX_PIXELS = ImageLoader.DEFAULT_MAX_PIXELS;

  public static final int DEFAULT_MAX_K = 500;
  public static final long DEFAULT_THUMB_CACHE_BYTES = 64L * 1024 * 1024;

  public ServeLimits {
    if (maxUploadBytes < 1
        || maxPixels < 1
        || maxK < 1
        || decodeSlots < 1
        || thumbCacheBytes < 0
        || thumbSize < 16) {
      throw new IllegalArgumentException(
          "server limits must be positive (thumbnails at least 16 pixels): " + this);
    }
    if (maxPixels > ImageLoader.DEFAULT_MAX_PIXELS * 4) {
      throw new IllegalArgumentException(
          "--max-pixels above " + ImageLoader.DEFAULT_MAX_PIXELS * 4 + " is not supported");
    }
  }

  /** Defaults for a small machine: as many decodes at once as cores, at least two. */
  public static ServeLimits defaults() {
    return new ServeLimits(
        DEFAULT_MAX_UPLOAD_BYTES,
        DEFAULT_MAX_PIXELS,
        DEFAULT_MAX_K,
        Math.max(2, Runtime.getRuntime().availableProcessors()),
        DEFAULT_THUMB_CACHE_BYTES,
        Thumbnails.DEFAULT_SIZE);
  }
}
