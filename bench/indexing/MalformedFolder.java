import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Builds a folder of valid and malformed image files to stress `texhash index` (robustness and peak
 * memory). Deterministic (java.util.Random(42)); JDK only, plus `cwebp` for WebP files when it is
 * on the PATH (Debian package `webp`) and `mkfifo` for one FIFO.
 *
 * <p>java bench/indexing/MalformedFolder.java OUT_DIR [SAMPLES_DIR, default samples/textures]
 *
 * <p>valid/ every sample re-encoded as PNG (interlaced), progressive JPEG, BMP, GIF, two-page TIFF,
 * and lossless and lossy WebP large/ 4 JPEGs of 6000 x 6000 and 4 PNGs of 5000 x 5000 (valid, under
 * the 64 Mi pixel limit) bad/ each valid small file cut at 0.5 %, 30 %, 70 % and 99.9 %, with 16
 * random bytes flipped, and with its first 16 bytes zeroed; each large file cut at 50 % and 99 %;
 * plus empty files, text named .png, a header claiming 50,000 x 50,000 pixels, a WebP whose VP8
 * chunk claims 0x7FFFFFF0 bytes, names that are not valid UTF-8, dangling links, a link loop, a
 * link to a folder and a FIFO named .png
 */
public final class MalformedFolder {
  private static final Random RANDOM = new Random(42);

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    Path samples = Path.of(args.length > 1 ? args[1] : "samples/textures");
    Path valid = Files.createDirectories(out.resolve("valid"));
    Path large = Files.createDirectories(out.resolve("large"));
    Path bad = Files.createDirectories(out.resolve("bad"));
    boolean cwebp = run("cwebp", "-version");

    List<Path> small = new ArrayList<>();
    try (var files = Files.list(samples)) {
      for (Path sample : files.sorted().toList()) {
        BufferedImage image = ImageIO.read(sample.toFile());
        if (image == null) {
          continue;
        }
        String stem = sample.getFileName().toString().replaceFirst("\\.[^.]+$", "");
        BufferedImage rgb = rgb(image);
        small.add(write(valid.resolve(stem + ".png"), encode("png", true, rgb)));
        small.add(write(valid.resolve(stem + ".jpg"), encode("jpeg", true, rgb)));
        small.add(write(valid.resolve(stem + ".bmp"), encode("bmp", false, rgb)));
        small.add(write(valid.resolve(stem + ".gif"), encode("gif", false, rgb)));
        small.add(write(valid.resolve(stem + ".tif"), encode("tiff", false, rgb, flip(rgb))));
        if (cwebp) {
          Path lossless = valid.resolve(stem + "-lossless.webp");
          Path lossy = valid.resolve(stem + "-lossy.webp");
          if (run(
                  "cwebp",
                  "-quiet",
                  "-lossless",
                  valid.resolve(stem + ".png").toString(),
                  "-o",
                  lossless.toString())
              && run(
                  "cwebp",
                  "-quiet",
                  "-q",
                  "80",
                  valid.resolve(stem + ".png").toString(),
                  "-o",
                  lossy.toString())) {
            small.add(lossless);
            small.add(lossy);
          }
        }
      }
    }
    List<Path> big = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      big.add(
          write(
              large.resolve("large-" + i + ".jpg"), encode("jpeg", false, pattern(6000, 6000, i))));
      big.add(
          write(
              large.resolve("large-" + i + ".png"),
              encode("png", false, pattern(5000, 5000, 10 + i))));
    }

    for (Path file : small) {
      byte[] data = Files.readAllBytes(file);
      String name = file.getFileName().toString();
      for (double fraction : new double[] {0.005, 0.3, 0.7, 0.999}) {
        write(
            bad.resolve("cut" + (int) (fraction * 1000) + "-" + name),
            Arrays.copyOf(data, (int) (data.length * fraction)));
      }
      byte[] flipped = data.clone();
      for (int i = 0; i < 16; i++) {
        flipped[64 + RANDOM.nextInt(data.length - 64)] ^= (byte) (1 + RANDOM.nextInt(255));
      }
      write(bad.resolve("flipped-" + name), flipped);
      byte[] zeroed = data.clone();
      Arrays.fill(zeroed, 0, 16, (byte) 0);
      write(bad.resolve("zeroed-" + name), zeroed);
    }
    for (Path file : big) {
      byte[] data = Files.readAllBytes(file);
      for (double fraction : new double[] {0.5, 0.99}) {
        write(
            bad.resolve("cut" + (int) (fraction * 100) + "-" + file.getFileName()),
            Arrays.copyOf(data, (int) (data.length * fraction)));
      }
    }

    Path odd = Files.createDirectories(out.resolve("odd"));
    write(odd.resolve("empty.png"), new byte[0]);
    write(odd.resolve("empty.jpg"), new byte[0]);
    write(odd.resolve("notes.png"), "not an image".getBytes());
    write(odd.resolve("bomb.png"), pngClaiming(50_000, 50_000));
    if (cwebp) {
      byte[] webp =
          Files.readAllBytes(
              small.stream()
                  .filter(p -> p.toString().endsWith("-lossy.webp"))
                  .findFirst()
                  .orElseThrow());
      ByteBuffer.wrap(webp)
          .order(ByteOrder.LITTLE_ENDIAN)
          .putInt(chunk(webp, "VP8 ") + 4, 0x7FFFFFF0);
      write(odd.resolve("vp8-overrun.webp"), webp);
    }
    byte[] png = Files.readAllBytes(small.get(0));
    write(Path.of(URI.create(odd.toUri() + "x-%FF.png")), png);
    write(Path.of(URI.create(odd.toUri() + "x-%FE.png")), Files.readAllBytes(small.get(7)));
    write(odd.resolve("x-\uFFFD.png"), Files.readAllBytes(small.get(14)));
    Files.createSymbolicLink(odd.resolve("link-to-file.png"), small.get(0).toAbsolutePath());
    Files.createSymbolicLink(
        odd.resolve("dangling.png"), odd.resolve("missing.png").toAbsolutePath());
    Files.createSymbolicLink(odd.resolve("loop-a.png"), odd.resolve("loop-b.png").toAbsolutePath());
    Files.createSymbolicLink(odd.resolve("loop-b.png"), odd.resolve("loop-a.png").toAbsolutePath());
    Files.createSymbolicLink(odd.resolve("folder-link"), valid.toAbsolutePath());
    run("mkfifo", odd.resolve("pipe.png").toString());

    try (var all = Files.walk(out)) {
      System.out.println(
          out
              + ": "
              + all.filter(p -> !Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                  .count()
              + " files ("
              + small.size()
              + " valid small, "
              + big.size()
              + " valid large)");
    }
  }

  /**
   * A smooth texture with fine detail: sums of gratings plus seeded noise (compresses like a
   * photo).
   */
  private static BufferedImage pattern(int width, int height, int seed) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Random r = new Random(seed);
    double fx = 0.01 + r.nextDouble() * 0.05;
    double fy = 0.01 + r.nextDouble() * 0.05;
    int[] row = new int[width];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int v = (int) (127 + 60 * Math.sin(x * fx) + 60 * Math.cos(y * fy + x * 0.001));
        int n = r.nextInt(16);
        row[x] = clamp(v + n) << 16 | clamp(v / 2 + 64 + n) << 8 | clamp(255 - v + n);
      }
      image.setRGB(0, y, width, 1, row, 0, width);
    }
    return image;
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  private static BufferedImage rgb(BufferedImage image) {
    BufferedImage out =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    out.getGraphics().drawImage(image, 0, 0, null);
    return out;
  }

  private static BufferedImage flip(BufferedImage image) {
    BufferedImage out =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        out.setRGB(x, image.getHeight() - 1 - y, image.getRGB(x, y));
      }
    }
    return out;
  }

  /** Images in one file: progressive (interlaced) when asked, a sequence (pages) when several. */
  private static byte[] encode(String format, boolean progressive, BufferedImage... images) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (progressive && param.canWriteProgressive()) {
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      }
      if (images.length == 1) {
        writer.write(null, new IIOImage(images[0], null, null), param);
      } else {
        writer.prepareWriteSequence(null);
        for (BufferedImage image : images) {
          writer.writeToSequence(new IIOImage(image, null, null), param);
        }
        writer.endWriteSequence();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /** A valid 1 x 1 PNG whose header then claims width x height (checksum fixed). */
  private static byte[] pngClaiming(int width, int height) {
    byte[] png = encode("png", false, new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB));
    ByteBuffer b = ByteBuffer.wrap(png);
    b.putInt(16, width);
    b.putInt(20, height);
    CRC32 crc = new CRC32();
    crc.update(png, 12, 17);
    b.putInt(29, (int) crc.getValue());
    return png;
  }

  private static int chunk(byte[] webp, String type) {
    for (int i = 12; i + 4 <= webp.length; i++) {
      if (new String(webp, i, 4, java.nio.charset.StandardCharsets.ISO_8859_1).equals(type)) {
        return i;
      }
    }
    throw new IllegalStateException(type + " not found");
  }

  private static Path write(Path file, byte[] data) throws IOException {
    return Files.write(file, data);
  }

  private static boolean run(String... command) {
    try {
      return new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start()
              .waitFor()
          == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
