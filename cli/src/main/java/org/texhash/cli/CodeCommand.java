package org.texhash.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.Encoders;
import org.texhash.indexer.encoder.ImageCodes;
import org.texhash.indexer.image.ImageDecodeException;
import org.texhash.indexer.image.ImageLoader;
import org.texhash.indexer.index.IndexInfo;
import org.texhash.lucene.BitWeights;
import org.texhash.lucene.HashCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code texhash code IMAGE...}: the hash code of each image, in hex, as {@code texhash index}
 * would store it (the same crops and pooling, {@link ImageCodes}). One line per image, or with
 * {@code --json} {@code {encoder, bits, codes: [{path, code}], errors: [{path, reason}]}}; with
 * {@code --weights} also each image's bit weights as a query ({@link BitWeights#toHex}, what Solr's
 * {@code {!hamming ... weights=HEX}} takes). Unreadable images are reported on stderr and make the
 * exit code 2; the others are still printed.
 */
@Command(
    name = "code",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Prints the hash code of each image in hex, as texhash index stores it and search --code"
            + " takes it, with the encoder id and the number of bits.")
public final class CodeCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "The image files.")
  List<Path> images;

  @Mixin SharedOptions.EncoderChoice encoder;

  @Option(
      names = "--index",
      paramLabel = "IDX",
      description = "Use the encoder this index was built with.")
  Path index;

  @Option(
      names = "--weights",
      description =
          "Also print each image's bit weights as a query (two hex digits per bit: how sure the"
              + " encoder is of each bit), for a weighted search elsewhere, e.g. Solr's"
              + " {!hamming ... weights=HEX}.")
  boolean weights;

  @Mixin SharedOptions.JsonFlag json;

  @Override
  public Integer call() throws IOException {
    String id = encoder.id;
    if (id == null) {
      id = index == null ? Encoders.DEFAULT_ID : indexEncoder(index);
    }
    JsonArray codes = new JsonArray();
    JsonArray errors = new JsonArray();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Encoder e = Encoders.open(id)) {
      if (!json.on) {
        out.printf("# encoder %s, %d bits%n", e.id(), e.bits());
      }
      for (Path image : images) {
        try {
          float[] features = ImageCodes.features(e, ImageLoader.load(image));
          String hex = HashCode.fromSigns(features).toHex();
          JsonObject row = entry("path", image.toString(), "code", hex);
          String weightsHex = weights ? BitWeights.fromFeatures(features).toHex() : null;
          if (weightsHex != null) {
            row.addProperty("weights", weightsHex);
          }
          codes.add(row);
          if (!json.on) {
            out.println(hex + "  " + (weightsHex == null ? "" : weightsHex + "  ") + image);
          }
        } catch (ImageDecodeException x) {
          errors.add(entry("path", image.toString(), "reason", x.getMessage()));
          err.println("texhash: cannot read " + image + ": " + x.getMessage());
        }
      }
      if (json.on) {
        JsonObject o = new JsonObject();
        o.addProperty("encoder", e.id());
        o.addProperty("bits", e.bits());
        o.add("codes", codes);
        o.add("errors", errors);
        Json.print(out, o);
      }
    }
    out.flush();
    err.flush();
    return errors.isEmpty() ? ExitCode.OK : ExitCode.USAGE;
  }

  private static String indexEncoder(Path index) throws IOException {
    return IndexInfo.read(index)
        .map(IndexInfo::encoderSource)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no index at "
                        + index
                        + " (build one with: texhash index DIR --index "
                        + index
                        + ")"));
  }

  private static JsonObject entry(String k1, String v1, String k2, String v2) {
    JsonObject o = new JsonObject();
    o.addProperty(k1, v1);
    o.addProperty(k2, v2);
    return o;
  }
}
