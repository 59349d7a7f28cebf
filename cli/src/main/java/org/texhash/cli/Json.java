package org.texhash.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.PrintWriter;

/**
 * The one JSON writer of every command's {@code --json} output and of the server's API (Gson):
 * compact, paths printed as they are ({@code /} and {@code &} unescaped), and a field whose value
 * is unknown kept as {@code null} rather than left out, so every output has all its fields.
 */
public final class Json {
  public static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

  /** The same, indented: for reports a person reads ({@code bench search}). */
  public static final Gson PRETTY = GSON.newBuilder().setPrettyPrinting().create();

  private Json() {}

  /**
   * Prints {@code value} (a JSON tree, or a record, map or list Gson reads) on one line and
   * flushes.
   */
  public static void print(PrintWriter out, Object value) {
    out.println(GSON.toJson(value));
    out.flush();
  }
}
