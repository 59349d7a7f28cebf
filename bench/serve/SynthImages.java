import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.texhash.indexer.image.SyntheticTextures;

/**
 * Writes N procedural textures (texhash's deterministic SyntheticTextures, seeds 0..N-1) as JPEG
 * files, 100 per sub-folder: a large index for the load benchmark without any download.
 *
 * <pre>
 * java -cp "cli/target/texhash-cli.jar:cli/target/lib/*" bench/serve/SynthImages.java OUT N [SIZE]
 * </pre>
 */
public final class SynthImages {
  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: SynthImages OUT N [SIZE]");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    int size = args.length > 2 ? Integer.parseInt(args[2]) : 256;
    for (int i = 0; i < n; i++) {
      Path file = out.resolve(String.format("%03d/synth-%05d.jpg", i / 100, i));
      if (Files.exists(file)) {
        continue;
      }
      Files.createDirectories(file.getParent());
      BufferedImage image = SyntheticTextures.generate(i, size, size);
      ImageIO.write(image, "jpeg", file.toFile());
    }
    System.out.println(n + " images in " + out);
  }
}
