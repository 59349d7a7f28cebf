package org.texhash.trainer.hashing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;

/**
 * The training-set state of the pairwise objectives: the latest network output u of every training
 * slot (U, {@code n x K}), and for DSDH (Li et al., NeurIPS 2017) the binary codes B and the linear
 * classifier W ({@code K x C}) on them.
 *
 * <p>DSDH's B and W minimise {@code mu ||Y - W^T B||^2 + nu ||W||^2 + eta ||B - U||^2} over {@code
 * B in {-1, 1}^(K x n)}: W in closed form (ridge regression, {@link #updateClassifier}), B bit by
 * bit (discrete cyclic coordinate descent, {@link #updateCodes}), each bit row's exact minimiser
 * with the others fixed, so neither step can raise the objective.
 */
public final class DiscreteCodes {
  private final int n;
  private final int bits;
  private final int classes;
  private final int[] labels;
  private final float[] u; // n x K, row major
  private final float[] b; // n x K, +-1
  private final double[] w; // K x C
  private final double mu;
  private final double nu;
  private final double eta;
  private boolean updated;

  /**
   * @param labels class of every slot (0..classes-1)
   * @param mu weight of the classification term, nu of the ridge, eta of the quantisation
   */
  public DiscreteCodes(
      int[] labels, int classes, int bits, double mu, double nu, double eta, long seed) {
    if (labels.length == 0 || bits < 1 || classes < 2 || !(mu > 0) || !(nu > 0) || !(eta >= 0)) {
      throw new IllegalArgumentException(
          "DiscreteCodes needs slots, bits >= 1, classes >= 2, mu > 0, nu > 0, eta >= 0");
    }
    this.n = labels.length;
    this.bits = bits;
    this.classes = classes;
    this.labels = labels.clone();
    this.u = new float[n * bits];
    this.b = new float[n * bits];
    this.w = new double[bits * classes];
    this.mu = mu;
    this.nu = nu;
    this.eta = eta;
    Random rnd = new Random(seed);
    for (int i = 0; i < b.length; i++) {
      b[i] = rnd.nextBoolean() ? 1f : -1f;
    }
  }

  public int size() {
    return n;
  }

  public int bits() {
    return bits;
  }

  public int label(int slot) {
    return labels[slot];
  }

  /** U, {@code n x K} row major (the live array: read-only for callers). */
  public float[] outputs() {
    return u;
  }

  /** B, {@code n x K} row major, +-1 (read-only for callers). */
  public float[] codes() {
    return b;
  }

  /** Whether B has been updated at least once (before that it is random). */
  public boolean updated() {
    return updated;
  }

  /** Records the network outputs {@code rows} ({@code slots.length x K}) of {@code slots}. */
  public void remember(int[] slots, float[] rows) {
    for (int r = 0; r < slots.length; r++) {
      System.arraycopy(rows, r * bits, u, slots[r] * bits, bits);
    }
  }

  /**
   * The share of B's bits equal to the sign of U, over the slots the network has output for: near 1
   * when the B step follows the network, near 0.5 when B keeps class codes the network does not
   * produce (what DSDH does when the class term outweighs U, {@code eta / mu < 1 / C}).
   */
  public double signAgreement() {
    long same = 0;
    long seen = 0;
    for (int i = 0; i < n; i++) {
      int o = i * bits;
      boolean visited = false;
      for (int k = 0; k < bits && !visited; k++) {
        visited = u[o + k] != 0;
      }
      if (visited) {
        for (int k = 0; k < bits; k++) {
          same += (u[o + k] >= 0) == (b[o + k] > 0) ? 1 : 0;
        }
        seen += bits;
      }
    }
    return seen == 0 ? Double.NaN : (double) same / seen;
  }

  /** W = (B B^T + (nu / mu) I)^-1 B Y^T. */
  public void updateClassifier() {
    double[] a = new double[bits * bits];
    double[] rhs = new double[bits * classes];
    for (int i = 0; i < n; i++) {
      int o = i * bits;
      for (int k = 0; k < bits; k++) {
        double bk = b[o + k];
        rhs[k * classes + labels[i]] += bk;
        for (int j = k; j < bits; j++) {
          a[k * bits + j] += bk * b[o + j];
        }
      }
    }
    for (int k = 0; k < bits; k++) {
      a[k * bits + k] += nu / mu;
      for (int j = 0; j < k; j++) {
        a[k * bits + j] = a[j * bits + k];
      }
    }
    double[] x = Cholesky.solve(a, bits, rhs, classes);
    System.arraycopy(x, 0, w, 0, w.length);
  }

  /**
   * {@code passes} sweeps of discrete cyclic coordinate descent over the bits: with P = W Y + (eta
   * / mu) U, bit row k becomes {@code sign(P_k - w_k W'^T B')} (W', B' without row k).
   */
  public void updateCodes(int passes) {
    updated = true;
    double[] gram = new double[bits * bits]; // W W^T
    for (int k = 0; k < bits; k++) {
      for (int j = 0; j < bits; j++) {
        double s = 0;
        for (int c = 0; c < classes; c++) {
          s += w[k * classes + c] * w[j * classes + c];
        }
        gram[k * bits + j] = s;
      }
    }
    double ratio = eta / mu;
    for (int pass = 0; pass < passes; pass++) {
      for (int k = 0; k < bits; k++) {
        for (int i = 0; i < n; i++) {
          int o = i * bits;
          double p = w[k * classes + labels[i]] + ratio * u[o + k];
          for (int j = 0; j < bits; j++) {
            if (j != k) {
              p -= gram[k * bits + j] * b[o + j];
            }
          }
          if (p != 0) {
            b[o + k] = p > 0 ? 1f : -1f;
          }
        }
      }
    }
  }

  /** {@code mu ||Y - W^T B||^2 + nu ||W||^2 + eta ||B - U||^2}, the quantity both steps lower. */
  public double objective() {
    double fit = 0;
    double quant = 0;
    for (int i = 0; i < n; i++) {
      int o = i * bits;
      for (int c = 0; c < classes; c++) {
        double s = 0;
        for (int k = 0; k < bits; k++) {
          s += w[k * classes + c] * b[o + k];
        }
        double r = (c == labels[i] ? 1 : 0) - s;
        fit += r * r;
      }
      for (int k = 0; k < bits; k++) {
        double d = b[o + k] - u[o + k];
        quant += d * d;
      }
    }
    double ridge = 0;
    for (double x : w) {
      ridge += x * x;
    }
    return mu * fit + nu * ridge + eta * quant;
  }

  public void save(DataOutputStream out) throws IOException {
    out.writeInt(n);
    out.writeInt(bits);
    out.writeInt(classes);
    out.writeBoolean(updated);
    for (float x : u) {
      out.writeFloat(x);
    }
    for (float x : b) {
      out.writeFloat(x);
    }
    for (double x : w) {
      out.writeDouble(x);
    }
  }

  public void load(DataInputStream in) throws IOException {
    if (in.readInt() != n || in.readInt() != bits || in.readInt() != classes) {
      throw new IOException("saved codes are for another training set or code length");
    }
    updated = in.readBoolean();
    for (int i = 0; i < u.length; i++) {
      u[i] = in.readFloat();
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = in.readFloat();
    }
    for (int i = 0; i < w.length; i++) {
      w[i] = in.readDouble();
    }
  }

  /** Solves A X = R for symmetric positive definite A. */
  static final class Cholesky {
    private Cholesky() {}

    static double[] solve(double[] a, int m, double[] r, int cols) {
      double[] l = new double[m * m];
      for (int i = 0; i < m; i++) {
        for (int j = 0; j <= i; j++) {
          double s = a[i * m + j];
          for (int k = 0; k < j; k++) {
            s -= l[i * m + k] * l[j * m + k];
          }
          if (i == j) {
            if (!(s > 0)) {
              throw new IllegalStateException("matrix is not positive definite");
            }
            l[i * m + i] = Math.sqrt(s);
          } else {
            l[i * m + j] = s / l[j * m + j];
          }
        }
      }
      double[] x = r.clone();
      for (int c = 0; c < cols; c++) {
        for (int i = 0; i < m; i++) { // L y = r
          double s = x[i * cols + c];
          for (int k = 0; k < i; k++) {
            s -= l[i * m + k] * x[k * cols + c];
          }
          x[i * cols + c] = s / l[i * m + i];
        }
        for (int i = m - 1; i >= 0; i--) { // L^T x = y
          double s = x[i * cols + c];
          for (int k = i + 1; k < m; k++) {
            s -= l[k * m + i] * x[k * cols + c];
          }
          x[i * cols + c] = s / l[i * m + i];
        }
      }
      return x;
    }
  }
}
