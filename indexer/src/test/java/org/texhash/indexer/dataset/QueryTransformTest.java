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
    for (String spec :
        List.of("identity", "scale:1", "rotate:0", "brightness:1", "contrast:1", "blur:0")) {
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
  void blurKeepsAFlatPatchAndSmoothsATexture() {
    BufferedImage flat = Images.fromPixels(filled(0x336699, 64 * 64), 64, 64);
    PatchSpec whole = new PatchSpec("flat.png", 0, 0, 0, 64, 0, "flat", PatchSpec.Role.QUERY);
    assertArrayEquals(
        filled(0x336699, 64 * 64), pixels(QueryTransform.parse("blur:1.5").apply(flat, whole, 64)));
    int[] plain = plainCrop();
    int[] blurred = pixels(QueryTransform.parse("blur:1.5").apply(REGION, PATCH, 48));
    assertEquals(meanGrey(plain), meanGrey(blurred), 2.0);
    assertTrue(
        roughness(blurred) < 0.7 * roughness(plain),
        roughness(blurred) + " vs " + roughness(plain));
  }

  private static int[] filled(int rgb, int n) {
    int[] px = new int[n];
    Arrays.fill(px, rgb);
    return px;
  }

  /** Mean absolute difference of horizontally adjacent green values. */
  private static double roughness(int[] px) {
    double sum = 0;
    for (int i = 1; i < px.length; i++) {
      sum += Math.abs(((px[i] >>> 8) & 0xFF) - ((px[i - 1] >>> 8) & 0xFF));
    }
    return sum / px.length;
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
        List.of(
            "blur:9",
            "sharpen:2",
            "scale:0.1",
            "jpeg:0",
            "jpeg:30.5",
            "scale",
            "scale:x",
            "contrast:-1")) {
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
