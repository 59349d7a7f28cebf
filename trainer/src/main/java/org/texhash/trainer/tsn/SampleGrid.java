package org.texhash.trainer.tsn;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.texhash.trainer.nn.Chw;

/**
 * A PNG grid of image rows, each row the same number of cells of equal size (2S x 2S), separated by
 * a gap. A smaller image (the S x S input) is drawn centred on a grey cell, which is where the
 * centre-crop policy takes it from.
 */
public final class SampleGrid {
  static final int GAP = 4;

  private SampleGrid() {}

  public static BufferedImage render(List<List<Chw>> rows, int cell) {
    int cols = rows.stream().mapToInt(List::size).max().orElse(0);
    if (rows.isEmpty() || cols == 0) {
      throw new IllegalArgumentException("empty grid");
    }
    int w = cols * cell + (cols + 1) * GAP;
    int h = rows.size() * cell + (rows.size() + 1) * GAP;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, w, h);
      for (int r = 0; r < rows.size(); r++) {
        for (int c = 0; c < rows.get(r).size(); c++) {
          Chw im = rows.get(r).get(c);
          int x0 = GAP + c * (cell + GAP);
          int y0 = GAP + r * (cell + GAP);
          g.setColor(Color.GRAY);
          g.fillRect(x0, y0, cell, cell);
          BufferedImage part = im.toImage();
          g.drawImage(
              part,
              x0 + (cell - Math.min(cell, part.getWidth())) / 2,
              y0 + (cell - Math.min(cell, part.getHeight())) / 2,
              null);
        }
      }
    } finally {
      g.dispose();
    }
    return img;
  }

  public static void write(List<List<Chw>> rows, int cell, Path png) throws IOException {
    Files.createDirectories(png.toAbsolutePath().getParent());
    if (!ImageIO.write(render(rows, cell), "png", png.toFile())) {
      throw new IOException("no PNG writer");
    }
  }
}
