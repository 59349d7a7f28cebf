package org.texhash.trainer.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.texhash.indexer.image.SyntheticTextures;

class ChwTest {
  private static Chw random(int h, int w, long seed) {
    Random r = new Random(seed);
    float[] d = new float[3 * h * w];
    for (int i = 0; i < d.length; i++) {
      d[i] = r.nextFloat() * 2 - 1;
    }
    return new Chw(h, w, d);
  }

  @Test
  void imageRoundTripIsExactOnBytes() {
    var img = SyntheticTextures.generate(3, 20, 12);
    Chw c = Chw.of(img);
    assertEquals(12, c.height());
    var back = c.toImage();
    for (int y = 0; y < 12; y++) {
      for (int x = 0; x < 20; x++) {
        assertEquals(img.getRGB(x, y), back.getRGB(x, y));
      }
    }
  }

  @Test
  void dihedralIsTheSymmetryGroupOfTheSquare() {
    Chw c = random(5, 5, 1);
    Set<String> distinct = new HashSet<>();
    for (int k = 0; k < 8; k++) {
      distinct.add(java.util.Arrays.toString(c.dihedral(k).data()));
    }
    assertEquals(8, distinct.size());
    Chw r = c;
    for (int i = 0; i < 4; i++) {
      r = r.dihedral(1);
    }
    assertArrayEquals(c.data(), r.data());
    assertArrayEquals(c.data(), c.dihedral(4).dihedral(4).data());
    // one quarter turn moves the top-left pixel to a corner
    float topLeft = c.data()[0];
    Chw q = c.dihedral(1);
    float[] corners = {q.data()[4], q.data()[20], q.data()[24]};
    assertEquals(
        1, (int) java.util.stream.IntStream.range(0, 3).filter(i -> corners[i] == topLeft).count());
  }

  @Test
  void naiveExpansionsKeepTheInputInTheCentre() {
    Chw c = random(6, 6, 2);
    for (Chw e : new Chw[] {c.tileTo(12, 12), c.mirrorTo(12, 12)}) {
      assertArrayEquals(c.data(), e.centerCrop(6, 6).data());
    }
    Chw tile = c.tileTo(12, 12);
    // periodic: shifting by the tile size gives the same pixels
    assertArrayEquals(tile.crop(0, 0, 6, 6).data(), tile.crop(6, 6, 6, 6).data());
    Chw mirror = c.mirrorTo(12, 12);
    // reflection without repeating the edge: column 2 (left of the input at 3) mirrors column 4
    for (int y = 0; y < 12; y++) {
      assertEquals(mirror.data()[y * 12 + 4], mirror.data()[y * 12 + 2]);
    }
    assertNotEquals(
        java.util.Arrays.toString(tile.data()), java.util.Arrays.toString(mirror.data()));
    assertEquals(0, Chw.reflect(0, 4));
    assertEquals(1, Chw.reflect(-1, 4));
    assertEquals(2, Chw.reflect(4, 4));
    assertEquals(0, Chw.reflect(6, 4));
  }

  @Test
  void badSizesAreClearErrors() {
    Chw c = random(4, 4, 3);
    assertThrows(IllegalArgumentException.class, () -> c.crop(2, 2, 4, 4));
    assertThrows(IllegalArgumentException.class, () -> new Chw(2, 2, new float[5]));
    assertThrows(IllegalArgumentException.class, () -> random(4, 5, 1).dihedral(1));
    assertThrows(IllegalArgumentException.class, () -> c.l1(random(4, 5, 1)));
  }
}
