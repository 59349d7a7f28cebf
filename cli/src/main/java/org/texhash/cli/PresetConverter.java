package org.texhash.cli;

import java.util.ArrayList;
import org.texhash.trainer.tsn.TsnPreset;
import picocli.CommandLine;

/**
 * {@code train tsn --preset NAME}: a {@link TsnPreset} by name, validated and completed by picocli.
 */
final class PresetConverter implements CommandLine.ITypeConverter<TsnPreset> {
  @Override
  public TsnPreset convert(String name) {
    if (!TsnPreset.NAMES.contains(name)) {
      throw new CommandLine.TypeConversionException(
          "expected one of " + String.join(", ", TsnPreset.NAMES) + ", got '" + name + "'");
    }
    return TsnPreset.of(name);
  }

  /** The preset names, for completion and help. */
  static final class Names extends ArrayList<String> {
    Names() {
      super(TsnPreset.NAMES);
    }
  }
}
