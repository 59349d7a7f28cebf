package org.texhash.indexer.dataset;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Procedural textures for tests: each class a distinct oriented grating, colour and noise level.
 */
public final class GratingTextures {
  private GratingTextures() {}

  static BufferedImage texture(int cls, int size, long seed) {
    Random rnd = new Random(seed * 31 + cls);
    double angle = Math.PI * cls / 7.0;
    double freq = 0.05 + 0.045 * (cls % 5);
    double noise = 0.15 + 0.1 * (cls % 3);
    float hue = (cls * 0.137f) % 1f;
    double cx = Math.cos(angle);
    double cy = Math.sin(angle);
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        double v =
            0.5
                + 0.35 * Math.sin(2 * Math.PI * freq * (x * cx + y * cy))
                + noise * (rnd.nextDouble() - 0.5);
        if (cls % 2 == 1) {
          v *= 0.6 + 0.4 * Math.sin(2 * Math.PI * 0.02 * (x - y)); // a second, slower pattern
        }
        float b = (float) Math.max(0, Math.min(1, v));
        img.setRGB(x, y, java.awt.Color.HSBtoRGB(hue, 0.6f, b));
      }
    }
    return img;
  }

  /** Writes {@code classes} one-image-per-class PNGs (vistex layout) into {@code dir}. */
  public static Path vistexDataset(Path dir, int classes, int size) throws IOException {
    Files.createDirectories(dir);
    for (int c = 0; c < classes; c++) {
      ImageIO.write(
          texture(c, size, 7), "png", dir.resolve(String.format("class%02d.png", c)).toFile());
    }
    return dir;
  }

  /**
   * Writes a texture pool: one sub-folder per source, {@code counts[i]} images in source i, classes
   * numbered on across sources so every image is a distinct texture.
   */
  static Path poolDataset(Path dir, List<String> sources, int[] counts, int size)
      throws IOException {
    int cls = 0;
    for (int i = 0; i < sources.size(); i++) {
      Path sdir = Files.createDirectories(dir.resolve(sources.get(i)));
      for (int j = 0; j < counts[i]; j++) {
        ImageIO.write(
            texture(cls++, size, 7), "png", sdir.resolve(String.format("tex%02d.png", j)).toFile());
      }
    }
    return dir;
  }

  /** Writes an alot-layout dataset: one folder per class with {@code perClass} images. */
  static Path alotDataset(Path dir, int classes, int perClass, int size) throws IOException {
    for (int c = 0; c < classes; c++) {
      Path cdir = Files.createDirectories(dir.resolve(String.format("c%02d", c)));
      for (int i = 0; i < perClass; i++) {
        ImageIO.write(
            texture(c, size, 100 + i),
            "png",
            cdir.resolve(String.format("img%03d.png", i)).toFile());
      }
    }
    return dir;
  }
}
