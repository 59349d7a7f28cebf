package org.texhash.indexer.dataset;

import java.nio.charset.StandardCharsets;

/**
 * Derived seeds, so that what is drawn for one class depends only on the run's seed and the class's
 * name, never on how many other classes there are or in which order they were read.
 */
final class Seeds {
  private Seeds() {}

  /** SplitMix64's finaliser: a well-mixed 64-bit value from any input. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** A seed for {@code name} (and a purpose) under {@code seed}. */
  static long derive(long seed, String purpose, String name) {
    long h = mix(seed + 0x9e3779b97f4a7c15L);
    for (byte b : (purpose + '\u0000' + name).getBytes(StandardCharsets.UTF_8)) {
      h = mix(h ^ (b & 0xFF));
    }
    return h;
  }
}
