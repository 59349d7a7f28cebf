package org.texhash.cli;

import java.util.ArrayList;
import java.util.List;
import org.texhash.indexer.dataset.Protocols;
import picocli.CommandLine;

/**
 * {@code --protocol}: a benchmark protocol name ({@code vistex}, {@code alot}, {@code unseen}) or
 * {@code unseen-SOURCE}, so not a plain enum; picocli validates it and completes the names.
 */
final class ProtocolConverter implements CommandLine.ITypeConverter<String> {
  @Override
  public String convert(String value) {
    if (!Protocols.isKnown(value)) {
      throw new CommandLine.TypeConversionException(
          "expected one of " + String.join(", ", Candidates.names()) + ", got '" + value + "'");
    }
    return value;
  }

  /** The names picocli completes and shows: the protocols and the unseen-SOURCE pattern. */
  static final class Candidates extends ArrayList<String> {
    Candidates() {
      super(names());
    }

    static List<String> names() {
      List<String> names = new ArrayList<>(Protocols.NAMES);
      names.add(Protocols.CROSS_PACKAGE_PREFIX + "SOURCE");
      return names;
    }
  }

  /** {@code train hash --protocol}: the evaluation protocols and the training-only {@code pool}. */
  static final class ForTraining implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
      return value.equals(Protocols.WHOLE_POOL) ? value : new ProtocolConverter().convert(value);
    }
  }

  /** The names {@code train hash} completes and shows. */
  static final class TrainingCandidates extends ArrayList<String> {
    TrainingCandidates() {
      super(Candidates.names());
      add(Protocols.WHOLE_POOL);
    }
  }
}
