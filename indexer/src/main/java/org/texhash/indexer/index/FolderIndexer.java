package org.texhash.indexer.index;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.ImageCodes;
import org.texhash.indexer.image.ImageDecodeException;
import org.texhash.indexer.image.ImageLoader;
import org.texhash.indexer.index.IndexFields.FileState;
import org.texhash.lucene.HashCode;
import org.texhash.lucene.MultiIndexHashing;

/**
 * Indexes the images of a folder tree into a Lucene index of {@link IndexFields} documents, one per
 * image, keyed by absolute path ({@link IndexFields#pathKey}: lossless, so two files are never one
 * document).
 *
 * <p><b>What is indexed.</b> The files {@link ImageFolder} lists: image extensions only (other
 * files, such as licences and notes, are counted as ignored), hidden names and the index folder
 * itself skipped. A file that cannot be decoded is reported with its reason and skipped; the run
 * goes on.
 *
 * <p><b>Incremental.</b> A file whose size and modification time equal the indexed ones is
 * unchanged and not read. Otherwise it is read and hashed (SHA-256): identical content only
 * refreshes the stored time; new content is decoded and encoded. Documents of files that are gone
 * from the folder are deleted, and so is the document of a file that no longer decodes. Documents
 * of other folders in the same index are left alone.
 *
 * <p><b>Atomic.</b> The writer never commits on close. Commits happen every {@link
 * Options#commitEvery} written documents or {@link Options#commitInterval}, whichever comes first
 * ({@link CommitPolicy}), and at the end; each one holds only complete documents plus the {@link
 * IndexInfo} user data, so a run killed at any moment leaves the last commit intact, and the next
 * run picks up exactly the files that are still missing or stale (documents are updated by path,
 * never added twice).
 *
 * <p><b>Parallel.</b> {@link Options#threads} threads read, hash, decode and crop (the crop policy
 * is {@link ImageCodes}); the calling thread encodes the crops of {@link Options#batchImages}
 * images in one {@link Encoder#features} call while the next batch decodes, and writes the
 * documents in file order. The decoding threads share one {@link DecodeBudget} of {@link
 * Options#decodeMemory} bytes, so memory does not grow with the thread count and the same folder
 * gives the same index whatever the number of threads.
 */
public final class FolderIndexer {
  /** How a run works; {@link #defaults()} fits a small machine. */
  public record Options(
      int threads,
      int batchImages,
      int commitEvery,
      long maxPixels,
      int mihSubstrings,
      Duration commitInterval,
      long decodeMemory) {
    /** -1 for {@link #mihSubstrings}: choose m from the number of images on first indexing. */
    public static final int AUTO = -1;

    /** Default of {@link #commitEvery}: documents written between two commits at most. */
    public static final int DEFAULT_COMMIT_EVERY = 1000;

    /**
     * Default of {@link #commitInterval}: time between two commits at most (while documents are
     * written).
     */
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofSeconds(30);

    public Options {
      if (threads < 1
          || batchImages < 1
          || commitEvery < 1
          || maxPixels < 1
          || mihSubstrings < AUTO
          || commitInterval == null
          || commitInterval.isNegative()
          || commitInterval.isZero()
          || decodeMemory < 1024) {
        throw new IllegalArgumentException(
            "options: threads, batchImages, commitEvery, maxPixels and commitInterval must be"
                + " positive, decodeMemory at least 1 KiB and mihSubstrings -1 (auto), 0 (off) or"
                + " positive; got "
                + this);
      }
    }

    public static Options defaults() {
      return new Options(
          Math.max(1, Runtime.getRuntime().availableProcessors()),
          16,
          DEFAULT_COMMIT_EVERY,
          ImageLoader.DEFAULT_MAX_PIXELS,
          AUTO,
          DEFAULT_COMMIT_INTERVAL,
          defaultDecodeMemory());
    }

    /**
     * Half the maximum heap: the rest holds the index writer's buffer, the encoder and the batches
     * in flight.
     */
    public static long defaultDecodeMemory() {
      return Math.max(64L << 20, Runtime.getRuntime().maxMemory() / 2);
    }

    public Options withThreads(int n) {
      return new Options(
          n, batchImages, commitEvery, maxPixels, mihSubstrings, commitInterval, decodeMemory);
    }

    public Options withBatchImages(int n) {
      return new Options(
          threads, n, commitEvery, maxPixels, mihSubstrings, commitInterval, decodeMemory);
    }

    public Options withCommitEvery(int n) {
      return new Options(
          threads, batchImages, n, maxPixels, mihSubstrings, commitInterval, decodeMemory);
    }

    public Options withMaxPixels(long n) {
      return new Options(
          threads, batchImages, commitEvery, n, mihSubstrings, commitInterval, decodeMemory);
    }

    public Options withMihSubstrings(int m) {
      return new Options(
          threads, batchImages, commitEvery, maxPixels, m, commitInterval, decodeMemory);
    }

    public Options withCommitInterval(Duration d) {
      return new Options(
          threads, batchImages, commitEvery, maxPixels, mihSubstrings, d, decodeMemory);
    }

    public Options withDecodeMemory(long bytes) {
      return new Options(
          threads, batchImages, commitEvery, maxPixels, mihSubstrings, commitInterval, bytes);
    }
  }

  /**
   * Where a run is: {@code done} of {@code total} image files handled, the last one {@code path};
   * {@code committed} of the documents this run wrote are in a commit (survive a crash).
   */
  public record Progress(
      int done, int total, int indexed, int unchanged, int skipped, int committed, String path) {}

  /** Called on the indexing thread after each image file; an exception it throws aborts the run. */
  @FunctionalInterface
  public interface ProgressListener {
    void onProgress(Progress progress);
  }

  private final Encoder encoder;
  private final Options options;
  private final ProgressListener listener;
  private final LongSupplier nanoClock;

  public FolderIndexer(Encoder encoder) {
    this(encoder, Options.defaults(), p -> {});
  }

  public FolderIndexer(Encoder encoder, Options options, ProgressListener listener) {
    this(encoder, options, listener, System::nanoTime);
  }

  /** With the clock the commit interval is measured by ({@link System#nanoTime} outside tests). */
  FolderIndexer(
      Encoder encoder, Options options, ProgressListener listener, LongSupplier nanoClock) {
    if (encoder == null || options == null || listener == null || nanoClock == null) {
      throw new IllegalArgumentException("encoder, options, listener and clock are required");
    }
    this.encoder = encoder;
    this.options = options;
    this.listener = listener;
    this.nanoClock = nanoClock;
  }

  /**
   * Brings the index at {@code indexDir} (created when missing) up to date with {@code folder}.
   *
   * @throws EncoderMismatchException when the index was built with another encoder
   * @throws IllegalArgumentException when {@code folder} is not a folder, or the index is not a
   *     texhash index
   * @throws IOException when the index cannot be written (full disk, locked by another run...)
   */
  public IndexReport index(Path folder, Path indexDir) throws IOException {
    Path root = folder.toAbsolutePath().normalize();
    Path indexPath = indexDir.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException("not a folder: " + folder);
    }
    Files.createDirectories(indexPath);
    try (Directory dir = FSDirectory.open(indexPath)) {
      Optional<IndexInfo> existing = IndexInfo.read(dir);
      if (existing.isEmpty() && DirectoryReader.indexExists(dir)) {
        try (DirectoryReader r = DirectoryReader.open(dir)) {
          if (r.numDocs() > 0) {
            throw new IllegalArgumentException(
                indexPath
                    + " holds a Lucene index that texhash did not write (no encoder in its commit"
                    + " data); choose another --index folder");
          }
        }
      }
      existing.ifPresent(info -> info.checkCompatible(encoder, indexPath));
      ImageFolder folderImages = ImageFolder.list(root, indexPath);
      int m =
          existing
              .map(IndexInfo::mihSubstrings)
              .orElseGet(() -> substrings(folderImages.images().size()));
      IndexInfo info = IndexInfo.of(encoder, m);
      try (IndexWriter writer =
          openWriter(dir, indexPath, IndexWriterConfig.OpenMode.CREATE_OR_APPEND)) {
        writer.setLiveCommitData(info.toUserData().entrySet());
        Run run = new Run(writer, root, folderImages, m);
        IndexReport report = run.execute();
        writer.commit();
        return report;
      }
    }
  }

  private int substrings(int images) {
    if (options.mihSubstrings() != Options.AUTO) {
      return options.mihSubstrings() == 0
          ? 0
          : MultiIndexHashing.checkSubstrings(encoder.bits(), options.mihSubstrings());
    }
    return MultiIndexHashing.recommendedSubstrings(encoder.bits(), Math.max(1024, images));
  }

  /** A file that needs reading: its stat before reading, and what the index knew of it. */
  private record Candidate(Path file, String path, long size, long modified, FileState known) {}

  /** What a decoding thread made of a candidate. */
  private sealed interface Prepared permits Decoded, SameContent, Failed {
    Candidate candidate();
  }

  private record Decoded(
      Candidate candidate, String sha256, int width, int height, List<BufferedImage> crops)
      implements Prepared {}

  private record SameContent(Candidate candidate) implements Prepared {}

  private record Failed(Candidate candidate, String reason) implements Prepared {}

  /** The state of one {@link #index} call. */
  private final class Run {
    private final IndexWriter writer;
    private final ImageFolder folder;
    private final Path root;
    private final int mihSubstrings;
    private final List<FileError> errors = new ArrayList<>();
    private int indexed;
    private int unchanged;
    private int deleted;
    private int done;
    private int written;
    private int committed;
    private final CommitPolicy commits =
        new CommitPolicy(options.commitEvery(), options.commitInterval(), nanoClock);
    private final DecodeBudget budget = new DecodeBudget(options.decodeMemory());

    Run(IndexWriter writer, Path root, ImageFolder folder, int mihSubstrings) {
      this.writer = writer;
      this.folder = folder;
      this.root = root;
      this.mihSubstrings = mihSubstrings;
      errors.addAll(folder.errors());
    }

    IndexReport execute() throws IOException {
      Map<String, FileState> known = known();
      Set<String> present = new HashSet<>();
      List<Candidate> work = new ArrayList<>();
      List<Path> statFailed = new ArrayList<>();
      for (Path file : folder.images()) {
        String path = IndexFields.pathKey(file);
        present.add(path);
        BasicFileAttributes attrs;
        try {
          attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
          statFailed.add(file);
          errors.add(new FileError(path, "cannot read: " + e.getMessage()));
          if (known.containsKey(path)) {
            writer.deleteDocuments(IndexFields.key(path)); // like a file that no longer decodes
          }
          continue;
        }
        FileState k = known.get(path);
        long modified = attrs.lastModifiedTime().toMillis();
        if (k != null && k.size() == attrs.size() && k.modified() == modified) {
          unchanged++;
          progress(path);
        } else {
          work.add(new Candidate(file, path, attrs.size(), modified, k));
        }
      }
      for (Path file : statFailed) {
        progress(IndexFields.pathKey(file));
      }
      for (String path : known.keySet()) {
        if (IndexFields.toPath(path).startsWith(root) && !present.contains(path)) {
          writer.deleteDocuments(IndexFields.key(path));
          deleted++;
        }
      }
      process(work);
      return new IndexReport(indexed, unchanged, deleted, folder.ignored(), errors);
    }

    /** Path to stored state of every live document, from the last commit. */
    private Map<String, FileState> known() throws IOException {
      Map<String, FileState> out = new HashMap<>();
      try (DirectoryReader reader = DirectoryReader.open(writer)) {
        IndexFields.liveStates(reader).forEach(s -> out.put(s.path(), s));
      }
      return out;
    }

    private void process(List<Candidate> work) throws IOException {
      if (work.isEmpty()) {
        return;
      }
      int threads = Math.min(options.threads(), work.size());
      AtomicInteger n = new AtomicInteger();
      ExecutorService pool =
          Executors.newFixedThreadPool(
              threads,
              r -> {
                Thread t = new Thread(r, "texhash-decode-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      try (DirectoryReader codes = DirectoryReader.open(writer)) {
        int batch = options.batchImages();
        List<Future<Prepared>> next = submit(pool, work, 0, batch);
        for (int from = 0; from < work.size(); from += batch) {
          List<Future<Prepared>> current = next;
          next = submit(pool, work, from + batch, batch);
          write(collect(current), codes);
        }
      } finally {
        pool.shutdownNow();
      }
    }

    private List<Future<Prepared>> submit(
        ExecutorService pool, List<Candidate> work, int from, int count) {
      List<Future<Prepared>> futures = new ArrayList<>();
      for (int i = from; i < Math.min(work.size(), from + count); i++) {
        Candidate c = work.get(i);
        futures.add(pool.submit(() -> prepare(c)));
      }
      return futures;
    }

    private List<Prepared> collect(List<Future<Prepared>> futures) throws IOException {
      List<Prepared> out = new ArrayList<>(futures.size());
      for (Future<Prepared> f : futures) {
        try {
          out.add(f.get());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("indexing interrupted", e);
        } catch (ExecutionException e) {
          throw new IllegalStateException("decoding thread failed: " + e.getCause(), e.getCause());
        }
      }
      return out;
    }

    /** Encodes the decoded images of one batch together and writes every result in file order. */
    private void write(List<Prepared> batch, DirectoryReader codes) throws IOException {
      List<BufferedImage> crops = new ArrayList<>();
      for (Prepared p : batch) {
        if (p instanceof Decoded d) {
          crops.addAll(d.crops());
        }
      }
      float[][] features = crops.isEmpty() ? new float[0][] : encoder.features(crops);
      int row = 0;
      for (Prepared p : batch) {
        Candidate c = p.candidate();
        if (p instanceof Decoded d) {
          float[][] own = new float[d.crops().size()][];
          System.arraycopy(features, row, own, 0, own.length);
          row += own.length;
          HashCode code = HashCode.fromSigns(ImageCodes.pool(own));
          FileState state =
              new FileState(c.path(), c.size(), c.modified(), d.sha256(), d.width(), d.height());
          writer.updateDocument(
              IndexFields.key(c.path()), IndexFields.document(state, code, mihSubstrings));
          indexed++;
          written++;
          commits.written();
        } else if (p instanceof SameContent) {
          Optional<HashCode> code = IndexFields.code(codes, c.path());
          if (code.isPresent()) {
            FileState k = c.known();
            FileState state =
                new FileState(c.path(), c.size(), c.modified(), k.sha256(), k.width(), k.height());
            writer.updateDocument(
                IndexFields.key(c.path()), IndexFields.document(state, code.get(), mihSubstrings));
            written++;
            commits.written();
          }
          unchanged++;
        } else if (p instanceof Failed f) {
          if (c.known() != null) {
            writer.deleteDocuments(
                IndexFields.key(c.path())); // its code describes content that is gone
            commits.written();
          }
          errors.add(new FileError(c.path(), f.reason()));
        }
        if (commits.due()) {
          writer.commit();
          commits.committed();
          committed = written;
        }
        progress(c.path());
      }
    }

    /** Reads, hashes, decodes and crops one file, holding its share of the decode budget. */
    private Prepared prepare(Candidate c) {
      long pixels = Math.min(ImageLoader.decodedPixels(c.file()), options.maxPixels());
      try (DecodeBudget.Lease lease = budget.acquire(DecodeBudget.cost(c.size(), pixels))) {
        return decode(c);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Failed(c, "interrupted");
      }
    }

    private Prepared decode(Candidate c) {
      try {
        byte[] data = ImageLoader.readBytes(c.file());
        String sha = sha256(data);
        if (c.known() != null && sha.equals(c.known().sha256())) {
          return new SameContent(c);
        }
        ImageLoader.Decoded image = ImageLoader.decode(data, options.maxPixels());
        List<BufferedImage> crops = ImageCodes.crops(image.image(), encoder.inputSize());
        return new Decoded(c, sha, image.width(), image.height(), crops);
      } catch (ImageDecodeException e) {
        return new Failed(c, e.getMessage());
      } catch (RuntimeException e) {
        return new Failed(c, "decoder error: " + e);
      } catch (OutOfMemoryError e) {
        return new Failed(c, "not enough memory to decode (raise -Xmx or lower the pixel limit)");
      }
    }

    private void progress(String path) {
      done++;
      listener.onProgress(
          new Progress(
              done,
              folder.images().size(),
              indexed,
              unchanged,
              errors.size() - folder.errors().size(),
              committed,
              path));
    }
  }

  /**
   * A writer that never commits on close (every commit is explicit and complete).
   *
   * @throws IOException saying so when another run holds the index's write lock
   */
  static IndexWriter openWriter(Directory dir, Path indexPath, IndexWriterConfig.OpenMode mode)
      throws IOException {
    IndexWriterConfig config = new IndexWriterConfig().setCommitOnClose(false);
    config.setOpenMode(mode);
    try {
      return new IndexWriter(dir, config);
    } catch (LockObtainFailedException e) {
      throw new IOException(
          "index " + indexPath + " is locked: another texhash index run is writing it", e);
    }
  }

  /** The hex SHA-256 of a file's bytes, as stored in {@link IndexFields#SHA256}. */
  public static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
