package org.texhash.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.texhash.indexer.image.SyntheticTextures;
import picocli.CommandLine;

/** Runs texhash in-process as a user would type it, keeping what it printed. */
public final class CliRun {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /**
   * The exit code of {@code texhash args...}; {@link #out} and {@link #err} hold what it printed.
   */
  public int run(Object... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    CommandLine cl = TexhashCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    String[] strings = new String[args.length];
    for (int i = 0; i < args.length; i++) {
      strings[i] = args[i].toString();
    }
    return cl.execute(strings);
  }

  public String out() {
    return out.toString();
  }

  public String err() {
    return err.toString();
  }

  public JsonObject json() {
    return JsonParser.parseString(out()).getAsJsonObject();
  }

  /** A synthetic texture of {@code seed}, written as PNG to {@code file} (folders created). */
  public static Path texture(Path file, int seed) throws IOException {
    Files.createDirectories(file.getParent());
    ImageIO.write(SyntheticTextures.generate(seed, 96, 96), "png", file.toFile());
    return file;
  }

  public static String abs(Path p) {
    return p.toAbsolutePath().normalize().toString();
  }
}
