package org.texhash.indexer.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.texhash.indexer.image.Images;

class QueryTransformTest {
  private static final BufferedImage REGION = GratingTextures.texture(3, 160, 11);
  private static final PatchSpec PATCH =
      new PatchSpec("a.png", 0, 40, 50, 48, 0, "a", PatchSpec.Role.QUERY);

  private static int[] pixels(BufferedImage image) {
    return Images.rgbPixels(image);
  }

  private static int[] plainCrop() {
    return pixels(Images.crop(REGION, PATCH.x(), PATCH.y(), PATCH.size()));
  }

  @Test
  void neutralSettingsGiveThePlainPatch() {
    for (String spec : List.of("identity", "scale:1", "rotate:0", "brightness:1", "contrast:1")) {
      assertArrayEquals(
          plainCrop(), pixels(QueryTransform.parse(spec).apply(REGION, PATCH, 48)), spec);
    }
  }

  @Test
  void rotateNinetyIsTheExactQuarterTurn() {
    int n = PATCH.size();
    int[] crop = plainCrop();
    int[] turned = pixels(QueryTransform.parse("rotate:90").apply(REGION, PATCH, n));
    for (int v = 0; v < n; v++) {
      for (int u = 0; u < n; u++) {
        // output (u, v) samples the source at centre + R(90) (u, v): column n-1-v... of the crop
        assertEquals(crop[u * n + (n - 1 - v)], turned[v * n + u], "pixel " + u + "," + v);
      }
    }
  }

  @Test
  void realTransformsChangeThePixelsAndKeepTheSize() {
    for (String spec : QueryTransform.ROBUSTNESS) {
      if (spec.equals("identity")) {
        continue;
      }
      BufferedImage out = QueryTransform.parse(spec).apply(REGION, PATCH, 32);
      assertEquals(32, out.getWidth());
      assertEquals(32, out.getHeight());
      BufferedImage plain =
          Images.resize(Images.crop(REGION, PATCH.x(), PATCH.y(), PATCH.size()), 32, 32);
      assertFalse(Arrays.equals(pixels(plain), pixels(out)), spec + " changed nothing");
    }
  }

  @Test
  void brightnessScalesAndContrastKeepsTheMeanGrey() {
    int[] plain = plainCrop();
    int[] brighter = pixels(QueryTransform.parse("brightness:1.2").apply(REGION, PATCH, 48));
    for (int i = 0; i < plain.length; i++) {
      int r = (plain[i] >>> 16) & 0xFF;
      assertEquals(Math.min(255, Math.round(r * 1.2)), (brighter[i] >>> 16) & 0xFF, 1);
    }
    assertEquals(
        meanGrey(plain),
        meanGrey(pixels(QueryTransform.parse("contrast:0.5").apply(REGION, PATCH, 48))),
        1.0);
  }

  @Test
  void specsRoundTripAndBadOnesAreClearErrors() {
    for (String spec : QueryTransform.ROBUSTNESS) {
      assertEquals(spec, QueryTransform.parse(spec).toString());
    }
    assertEquals(
        QueryTransform.ROBUSTNESS.size(), QueryTransform.parseAll(List.of("robustness")).size());
    for (String bad :
        List.of("blur:2", "scale:0.1", "jpeg:0", "jpeg:30.5", "scale", "scale:x", "contrast:-1")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> QueryTransform.parse(bad), bad);
      assertTrue(e.getMessage().contains("query transform"), e.getMessage());
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> QueryTransform.parseAll(List.of("jpeg:30", "jpeg:30")));
    PatchSpec big = new PatchSpec("a.png", 0, 0, 0, 120, 0, "a", PatchSpec.Role.QUERY);
    assertThrows(
        IllegalArgumentException.class,
        () -> QueryTransform.parse("scale:0.5").apply(REGION, big, 120));
    assertThrows(
        IllegalArgumentException.class,
        () -> QueryTransform.parse("rotate:45").apply(REGION, big, 120));
  }

  private static double meanGrey(int[] px) {
    double sum = 0;
    for (int p : px) {
      sum += 0.299 * ((p >>> 16) & 0xFF) + 0.587 * ((p >>> 8) & 0xFF) + 0.114 * (p & 0xFF);
    }
    return sum / px.length;
  }
}
