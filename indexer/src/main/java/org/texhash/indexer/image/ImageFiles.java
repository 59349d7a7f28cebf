package org.texhash.indexer.image;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Which file names are images, by extension: the rule folder indexing and dataset loading share.
 */
public final class ImageFiles {
  /** Extensions (lower case) of the formats {@link ImageLoader} reads. */
  public static final Set<String> READABLE =
      Set.of("png", "jpg", "jpeg", "jpe", "jfif", "bmp", "dib", "gif", "tif", "tiff", "webp");

  /**
   * Extensions of image formats without a reader here: such files are images a user expects to be
   * indexed, so they are reported as unsupported rather than silently ignored like a text file.
   */
  public static final Set<String> UNREADABLE =
      Set.of(
          "psd", "svg", "heic", "heif", "avif", "jxl", "jp2", "j2k", "ico", "tga", "pcx", "exr",
          "hdr", "pbm", "pgm", "ppm", "pnm", "dng", "cr2", "nef", "arw");

  private ImageFiles() {}

  /** True when the name has an extension of {@link #READABLE}. */
  public static boolean isReadable(Path file) {
    return READABLE.contains(extension(file));
  }

  /** True when the name has an image extension, readable or not. */
  public static boolean isImage(Path file) {
    String ext = extension(file);
    return READABLE.contains(ext) || UNREADABLE.contains(ext);
  }

  /** The lower-case extension of the file name, or "" when it has none. */
  public static String extension(Path file) {
    Path name = file.getFileName();
    String s = name == null ? "" : name.toString();
    int dot = s.lastIndexOf('.');
    return dot < 0 ? "" : s.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
