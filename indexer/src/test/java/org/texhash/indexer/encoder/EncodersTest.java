package org.texhash.indexer.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EncodersTest {

  @Test
  void builtInIdsOpen() throws Exception {
    for (int bits : new int[] {32, 64, 128, 256}) {
      try (Encoder e = Encoders.open("lbp-lsh-" + bits)) {
        assertEquals("lbp-lsh-" + bits, e.id());
        assertEquals(bits, e.bits());
        assertEquals("lbp-lsh-" + bits, Encoders.source(e));
      }
    }
    try (Encoder e = Encoders.open("lbp-lsh-64-s32")) {
      assertEquals(32, e.inputSize());
    }
  }

  @Test
  void unknownIdsSayWhatIsExpected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Encoders.open("sift-64"));
    assertTrue(
        e.getMessage().contains("lbp-lsh-64") && e.getMessage().contains(".onnx"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Encoders.open("lbp-lsh-48"));
    assertTrue(e.getMessage().contains("48"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Encoders.open("itq-64"));
    assertTrue(e.getMessage().contains("texhash eval"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Encoders.open("/no/such/model.onnx"));
    assertTrue(e.getMessage().contains("not found"), e.getMessage());
  }

  @Test
  void oneParserReadsEveryKindOfId() {
    assertEquals(
        new Encoders.LbpLsh(64, java.util.OptionalInt.empty()), Encoders.parse(" lbp-lsh-64 "));
    assertEquals(
        new Encoders.LbpLsh(32, java.util.OptionalInt.of(48)), Encoders.parse("lbp-lsh-32-s48"));
    assertEquals(new Encoders.Itq(128), Encoders.parse("itq-128"));
    assertEquals(new Encoders.OnnxFile(java.nio.file.Path.of("m.onnx")), Encoders.parse("m.onnx"));
    assertThrows(IllegalArgumentException.class, () -> Encoders.parse("itq-99999999999"));
    assertThrows(IllegalArgumentException.class, () -> Encoders.parse(""));
  }
}
