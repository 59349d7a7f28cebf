package org.texhash.cli.serve;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Thumbnails kept in memory up to a total number of bytes, least recently used dropped first. Keys
 * name the content (path and content hash), so a file changed and re-indexed gets a new entry.
 */
final class ThumbnailCache {
  private final long maxBytes;
  private final LinkedHashMap<String, byte[]> entries = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes;

  ThumbnailCache(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("cache size must be at least 0, got " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  synchronized byte[] get(String key) {
    return entries.get(key);
  }

  synchronized void put(String key, byte[] value) {
    if (value.length > maxBytes) {
      return;
    }
    byte[] old = entries.put(key, value);
    bytes += value.length - (old == null ? 0 : old.length);
    for (Iterator<Map.Entry<String, byte[]>> it = entries.entrySet().iterator();
        bytes > maxBytes && it.hasNext(); ) {
      bytes -= it.next().getValue().length;
      it.remove();
    }
  }

  synchronized long bytes() {
    return bytes;
  }

  synchronized int size() {
    return entries.size();
  }
}
