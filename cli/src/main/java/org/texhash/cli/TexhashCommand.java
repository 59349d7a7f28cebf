package org.texhash.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code texhash} command. Exit codes are picocli's {@link CommandLine.ExitCode} (0 done, 1
 * failed, 2 bad usage) plus {@link #EXIT_NO_IMAGES}.
 *
 * <p>Each subcommand is its own class; register it in {@code subcommands} below.
 */
@Command(
    name = "texhash",
    mixinStandardHelpOptions = true,
    versionProvider = TexhashCommand.Version.class,
    description = "Texture image retrieval with binary hash codes in Lucene.",
    subcommands = {
      CommandLine.HelpCommand.class,
      IndexCommand.class,
      SearchCommand.class,
      CodeCommand.class,
      ServeCommand.class,
      InfoCommand.class,
      org.texhash.cli.bench.BenchCommand.class,
      EvalCommand.class,
      TrainCommand.class,
      SynthCommand.class,
    })
public final class TexhashCommand implements Runnable {
  /**
   * {@code texhash index} found no image file under the folder it was given: a distinct outcome a
   * script can test for, neither a failure nor bad usage.
   */
  public static final int EXIT_NO_IMAGES = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new TexhashCommand());
    cl.setCaseInsensitiveEnumValuesAllowed(true); // --crop center as well as CENTER
    // Parse errors (missing or conflicting options) are ParameterExceptions, not
    // IllegalArgumentExceptions.
    cl.setExitCodeExceptionMapper(
        e ->
            e instanceof IllegalArgumentException || e instanceof CommandLine.ParameterException
                ? CommandLine.ExitCode.USAGE
                : CommandLine.ExitCode.SOFTWARE);
    cl.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println("texhash: " + e.getMessage());
          if (System.getenv("TEXHASH_DEBUG") != null) {
            e.printStackTrace(cmd.getErr());
          }
          return e instanceof IllegalArgumentException
              ? CommandLine.ExitCode.USAGE
              : CommandLine.ExitCode.SOFTWARE;
        });
    return cl;
  }

  public static void main(String[] args) {
    int code;
    try {
      code = commandLine().execute(args);
    } catch (OutOfMemoryError e) {
      // picocli hands errors through; the heap is a launch setting, so say which one to change
      System.err.println(outOfMemory(Runtime.getRuntime().maxMemory()));
      code = CommandLine.ExitCode.SOFTWARE;
    }
    System.exit(code);
  }

  /** What to tell a user whose job ran out of a heap of {@code maxHeapBytes}. */
  static String outOfMemory(long maxHeapBytes) {
    long mib = maxHeapBytes >> 20;
    // the JVM reports a little less than -Xmx (one survivor space), so round to whole GiB
    long gib = Math.round(mib / 1024.0);
    String now = gib >= 1 ? gib + " GiB" : mib + " MiB";
    String larger = gib >= 1 ? 2 * gib + "g" : 2 * mib + "m";
    return "texhash: out of memory with a "
        + now
        + " Java heap; run it again with a larger one, e.g. TEXHASH_XMX="
        + larger
        + " ./texhash ...";
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = TexhashCommand.class.getPackage().getImplementationVersion();
      return new String[] {"texhash " + (v == null ? "(development build)" : v)};
    }
  }
}
