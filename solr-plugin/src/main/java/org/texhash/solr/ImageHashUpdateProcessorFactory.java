package org.texhash.solr;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.solr.common.SolrException;
import org.apache.solr.common.SolrException.ErrorCode;
import org.apache.solr.common.SolrInputDocument;
import org.apache.solr.common.SolrInputField;
import org.apache.solr.common.util.NamedList;
import org.apache.solr.core.SolrCore;
import org.apache.solr.request.SolrQueryRequest;
import org.apache.solr.response.SolrQueryResponse;
import org.apache.solr.schema.SchemaField;
import org.apache.solr.update.AddUpdateCommand;
import org.apache.solr.update.processor.UpdateRequestProcessor;
import org.apache.solr.update.processor.UpdateRequestProcessorFactory;
import org.apache.solr.util.plugin.SolrCoreAware;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.Encoders;
import org.texhash.indexer.encoder.ImageCodes;
import org.texhash.indexer.image.ImageDecodeException;
import org.texhash.indexer.image.ImageLoader;
import org.texhash.lucene.HashCode;

/**
 * Turns an image sent with a document into its hash code, so that clients can post images and get
 * codes without an encoder of their own.
 *
 * <p>Configuration ({@code solrconfig.xml}): {@code encoder} (required: a built-in id such as
 * {@code lbp-lsh-64} or an {@code .onnx} file under the encoder contract; a relative file path is
 * resolved against the Solr home), {@code codeField} (default {@code code}), {@code imageField}
 * (default {@code image}: the image file's bytes, or base64 text), {@code imagePathField} (default
 * {@code image_path}: a file on the server, read only when {@code imageRoot} is set and only below
 * it), {@code imageRoot}. The image bytes are removed from the document; the path is left in it.
 *
 * <p>Put it before {@code DistributedUpdateProcessorFactory}: the image is encoded once, on the
 * node that receives the update, and only the code travels to the shard leaders and replicas.
 *
 * <p><b>Bad images.</b> A document whose image cannot be decoded (or whose path is refused) is
 * skipped, the other documents of the batch are indexed, and at the end of the request the response
 * is a 400 that lists each rejected document's id and reason. This is {@code
 * TolerantUpdateProcessorFactory}'s "keep going" without its "but answer 200": a client that
 * ignores the response body still learns that something was refused.
 */
public class ImageHashUpdateProcessorFactory extends UpdateRequestProcessorFactory
    implements SolrCoreAware {
  private String encoderName;
  private String codeField = "code";
  private String imageField = "image";
  private String imagePathField = "image_path";
  private Path imageRoot;
  private Encoder encoder;

  @Override
  public void init(NamedList<?> args) {
    encoderName = string(args, "encoder", null);
    if (encoderName == null) {
      throw new SolrException(
          ErrorCode.SERVER_ERROR,
          getClass().getSimpleName()
              + ": 'encoder' is required (a built-in id such as lbp-lsh-64, or an .onnx file)");
    }
    codeField = string(args, "codeField", codeField);
    imageField = string(args, "imageField", imageField);
    imagePathField = string(args, "imagePathField", imagePathField);
    String root = string(args, "imageRoot", null);
    imageRoot = root == null ? null : Path.of(root).toAbsolutePath().normalize();
  }

  private static String string(NamedList<?> args, String name, String fallback) {
    Object v = args.get(name);
    return v == null || v.toString().isBlank() ? fallback : v.toString().trim();
  }

  @Override
  public void inform(SolrCore core) {
    SchemaField field = HammingArgs.codeField(core.getLatestSchema(), codeField);
    String idOrPath = encoderName;
    if (idOrPath.endsWith(".onnx") && !Path.of(idOrPath).isAbsolute()) {
      idOrPath = Path.of(core.getCoreContainer().getSolrHome()).resolve(idOrPath).toString();
    }
    // Solr loads this plugin from $SOLR_HOME/lib with its own class loader, but ImageIO and DJL
    // find
    // their plugins (TwelveMonkeys readers, the ONNX Runtime engine) through the thread's context
    // class loader: point it at ours while they look.
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(getClass().getClassLoader());
    try {
      ImageIO.scanForPlugins();
      encoder = Encoders.open(idOrPath);
    } catch (IOException | RuntimeException e) {
      throw new SolrException(
          ErrorCode.SERVER_ERROR,
          "cannot open encoder '" + encoderName + "': " + e.getMessage(),
          e);
    } finally {
      thread.setContextClassLoader(previous);
    }
    if (field.getType() instanceof HashCodeFieldType t && t.bits() != encoder.bits()) {
      int bits = encoder.bits();
      encoder.close();
      throw new SolrException(
          ErrorCode.SERVER_ERROR,
          "encoder '"
              + encoderName
              + "' makes "
              + bits
              + "-bit codes but field '"
              + codeField
              + "' holds "
              + t.bits()
              + "-bit codes");
    }
    Encoder opened = encoder;
    core.addCloseHook(
        new org.apache.solr.core.CloseHook() {
          @Override
          public void postClose(SolrCore c) {
            opened.close();
          }
        });
  }

  /** The encoder in use (for tests and diagnostics). */
  public Encoder encoder() {
    return encoder;
  }

  @Override
  public UpdateRequestProcessor getInstance(
      SolrQueryRequest req, SolrQueryResponse rsp, UpdateRequestProcessor next) {
    return new Processor(next);
  }

  /** One request's processor: encodes images, remembers the documents it had to refuse. */
  final class Processor extends UpdateRequestProcessor {
    private final List<String> rejected = new ArrayList<>();
    private int seen;

    Processor(UpdateRequestProcessor next) {
      super(next);
    }

    @Override
    public void processAdd(AddUpdateCommand cmd) throws IOException {
      seen++;
      SolrInputDocument doc = cmd.getSolrInputDocument();
      SolrInputField bytes = doc.removeField(imageField);
      Object path = doc.getFieldValue(imagePathField);
      boolean hasCode = doc.getFieldValue(codeField) != null;
      // A path next to a code (a re-sent document) or inside an atomic update ({"set": ...}) is
      // display data: only a plain path without a code asks for encoding.
      boolean encodePath = path != null && !hasCode && !(path instanceof java.util.Map);
      if (bytes != null || encodePath) {
        try {
          if (hasCode) {
            throw new ImageDecodeException(
                "the document has both a code in '"
                    + codeField
                    + "' and an image in '"
                    + imageField
                    + "'; send one of them");
          }
          BufferedImage image =
              bytes != null
                  ? ImageLoader.load(imageBytes(bytes.getValue()))
                  : ImageLoader.load(imagePath(path));
          HashCode code;
          synchronized (encoder) { // encoders keep per-call state (ONNX sessions, buffers)
            code = ImageCodes.code(encoder, image);
          }
          doc.setField(codeField, code.bytes());
        } catch (ImageDecodeException | IllegalArgumentException e) {
          rejected.add("id=" + cmd.getPrintableId() + ": " + e.getMessage());
          return; // the rest of the batch goes on
        }
      }
      super.processAdd(cmd);
    }

    private byte[] imageBytes(Object value) throws ImageDecodeException {
      if (value instanceof java.util.Map) {
        throw new ImageDecodeException(
            "'" + imageField + "' cannot be set by an atomic update; send the whole document");
      }
      if (value instanceof byte[] b) {
        return b;
      }
      if (value instanceof ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
      }
      try {
        return Base64.getMimeDecoder().decode(value.toString());
      } catch (IllegalArgumentException e) {
        throw new ImageDecodeException(
            "'" + imageField + "' is neither binary nor base64: " + e.getMessage());
      }
    }

    private Path imagePath(Object value) throws ImageDecodeException {
      if (imageRoot == null) {
        throw new ImageDecodeException(
            "reading images from server paths is off: set 'imageRoot' on "
                + ImageHashUpdateProcessorFactory.class.getSimpleName()
                + " to allow files below it");
      }
      Path file = imageRoot.resolve(value.toString()).toAbsolutePath().normalize();
      if (!file.startsWith(imageRoot)) {
        throw new ImageDecodeException("'" + value + "' is outside the image root " + imageRoot);
      }
      if (!Files.isRegularFile(file)) {
        throw new ImageDecodeException("no image file at " + file);
      }
      try { // a symbolic link below the root must not lead out of it
        if (!file.toRealPath().startsWith(imageRoot.toRealPath())) {
          throw new ImageDecodeException(
              "'" + value + "' links outside the image root " + imageRoot);
        }
      } catch (IOException e) {
        throw new ImageDecodeException("cannot resolve '" + value + "': " + e.getMessage(), e);
      }
      return file;
    }

    @Override
    public void finish() throws IOException {
      super.finish();
      if (!rejected.isEmpty()) {
        throw new SolrException(
            ErrorCode.BAD_REQUEST,
            rejected.size()
                + " of "
                + seen
                + " documents were rejected (the others were indexed): "
                + String.join("; ", rejected));
      }
    }
  }
}
