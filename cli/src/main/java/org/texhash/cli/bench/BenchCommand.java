package org.texhash.cli.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code texhash bench}: the benchmarks; each kind is a subcommand. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks (speed is measured here, never in tests). See docs/BENCHMARKS.md.",
    subcommands = {
      BenchSearchCommand.class,
      BenchEncodeCommand.class,
      BenchProbeCommand.class,
      BenchSignLossCommand.class
    })
public final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a bench subcommand is required (search, encode, probe, sign-loss)");
  }
}
