package org.texhash.cli.bench;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.texhash.cli.Json;
import org.texhash.cli.SharedOptions;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.Encoders;
import org.texhash.indexer.encoder.ImageCodes;
import org.texhash.indexer.encoder.ShippedEncoders;
import org.texhash.indexer.image.ImageFiles;
import org.texhash.indexer.image.ImageLoader;
import org.texhash.indexer.image.Images;
import org.texhash.indexer.image.SyntheticTextures;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code texhash bench encode}: how fast an encoder turns patches and whole images into codes
 * through the {@link Encoder} the indexer uses, on one thread and on all threads (one encoder per
 * thread; ONNX encoders get one ONNX Runtime thread each, so the numbers are per core).
 */
@Command(
    name = "encode",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Encoding speed: S x S patches per second and milliseconds per image (the index's crop"
          + " policy), on 1 thread and on all threads.",
      "Progress goes to stderr; the table (or --json) to stdout."
    })
public final class BenchEncodeCommand implements Callable<Integer> {
  @Option(
      names = "--encoder",
      required = true,
      paramLabel = "ID|FILE.onnx",
      description = ShippedEncoders.NAMES_TEXT + " (shipped), lbp-lsh-K, or an .onnx encoder.")
  String encoder;

  @Option(
      names = "--images",
      paramLabel = "DIR",
      description = "Images to encode (default: 16 synthetic 512 x 512 textures).")
  Path images;

  @Option(
      names = "--patches",
      defaultValue = "1024",
      paramLabel = "N",
      description = "Patches per measurement (default: ${DEFAULT-VALUE}).")
  int patches;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "The 'all threads' run (default: the number of cores, ${DEFAULT-VALUE}).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Mixin SharedOptions.JsonFlag json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (patches < 1 || threads < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--patches and --threads must be positive");
    }
    List<BufferedImage> pictures = pictures();
    Map<String, Object> result = new LinkedHashMap<>();
    try (Encoder probe = open()) {
      result.put("encoder", probe.id());
      result.put("bits", probe.bits());
      result.put("input_size", probe.inputSize());
      List<BufferedImage> patchList = patches(pictures, probe.inputSize());
      ImageCodes.code(probe, pictures.get(0)); // warm-up
      probe.features(patchList.subList(0, Math.min(64, patchList.size())));
    }
    result.put("images", pictures.size());
    for (int t : threads == 1 ? new int[] {1} : new int[] {1, threads}) {
      result.put("threads_" + t, measure(t, pictures));
    }
    var out = spec.commandLine().getOut();
    if (json.on) {
      Json.print(out, result);
    } else {
      out.printf(
          Locale.ROOT,
          "encoder %s (%s bits, %s x %s patches), %d images%n",
          result.get("encoder"),
          result.get("bits"),
          result.get("input_size"),
          result.get("input_size"),
          pictures.size());
      for (var e : result.entrySet()) {
        if (e.getKey().startsWith("threads_")) {
          @SuppressWarnings("unchecked")
          Map<String, Object> m = (Map<String, Object>) e.getValue();
          out.printf(
              Locale.ROOT,
              "%-10s %10.1f patches/s %10.1f patches/s/thread %10.2f ms/image%n",
              e.getKey().replace('_', ' '),
              m.get("patches_per_second"),
              m.get("patches_per_second_per_thread"),
              m.get("ms_per_image"));
        }
      }
    }
    return 0;
  }

  /**
   * One encoder with one ONNX Runtime thread: a learned encoder left to ONNX Runtime's default
   * would use every core, and the "1 thread" row would measure them all.
   */
  private Encoder open() throws IOException {
    return Encoders.open(encoder, 1);
  }

  private Map<String, Object> measure(int n, List<BufferedImage> pictures) throws Exception {
    List<Encoder> encoders = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      for (int i = 0; i < n; i++) {
        encoders.add(open());
      }
      List<BufferedImage> patchList = patches(pictures, encoders.get(0).inputSize());
      long start = System.nanoTime();
      List<Future<?>> jobs = new ArrayList<>();
      for (Encoder e : encoders) {
        jobs.add(pool.submit(() -> e.features(patchList)));
      }
      for (Future<?> f : jobs) {
        f.get();
      }
      double patchSeconds = (System.nanoTime() - start) / 1e9;
      start = System.nanoTime();
      jobs.clear();
      for (Encoder e : encoders) {
        jobs.add(pool.submit(() -> pictures.forEach(p -> ImageCodes.code(e, p))));
      }
      for (Future<?> f : jobs) {
        f.get();
      }
      double imageSeconds = (System.nanoTime() - start) / 1e9;
      Map<String, Object> m = new LinkedHashMap<>();
      double rate = n * patchList.size() / patchSeconds;
      m.put("patches_per_second", rate);
      m.put("patches_per_second_per_thread", rate / n);
      m.put(
          "ms_per_image", 1000 * imageSeconds / pictures.size()); // each thread encodes every image
      m.put("images_per_second", n * pictures.size() / imageSeconds);
      System.err.printf(Locale.ROOT, "bench encode: %d thread(s): %.1f patches/s%n", n, rate);
      return m;
    } finally {
      pool.shutdownNow();
      for (Encoder e : encoders) {
        e.close();
      }
    }
  }

  private List<BufferedImage> patches(List<BufferedImage> pictures, int size) {
    List<BufferedImage> out = new ArrayList<>(patches);
    int i = 0;
    while (out.size() < patches) {
      BufferedImage p = pictures.get(i % pictures.size());
      int x = (i * 37) % Math.max(1, p.getWidth() - size + 1);
      int y = (i * 53) % Math.max(1, p.getHeight() - size + 1);
      out.add(Images.crop(Images.toRgb(p), x, y, size));
      i++;
    }
    return out;
  }

  private List<BufferedImage> pictures() throws Exception {
    List<BufferedImage> out = new ArrayList<>();
    if (images == null) {
      for (int i = 0; i < 16; i++) {
        out.add(SyntheticTextures.generate(1000 + i, 512, 512));
      }
      return out;
    }
    if (!Files.isDirectory(images)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--images: not a folder: " + images);
    }
    try (Stream<Path> s = Files.walk(images)) {
      for (Path p :
          s.filter(Files::isRegularFile)
              .filter(ImageFiles::isReadable)
              .sorted()
              .limit(64)
              .toList()) {
        out.add(ImageLoader.load(p));
      }
    }
    if (out.isEmpty()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--images: no readable image in " + images);
    }
    return out;
  }
}
