package org.texhash.indexer.encoder.classic;

/**
 * Singular value decomposition of a small dense matrix by one-sided Jacobi rotations (Hestenes):
 * the columns of A are rotated pairwise until orthogonal, {@code A V = U S}. Accurate and short,
 * and fast enough for the K x K (K <= 256) and d x d problems ITQ needs. For a symmetric positive
 * semi-definite matrix (a covariance) it is also the eigendecomposition: eigenvalues {@link
 * #singularValues()}, eigenvectors the columns of {@link #v()}.
 *
 * <p>Singular values are sorted in decreasing order. Columns of U for zero singular values are
 * completed to an orthonormal basis, so U and V are always orthogonal (ITQ's rotation needs that
 * when its K x K cross-covariance is rank deficient).
 */
final class JacobiSvd {
  private static final int MAX_SWEEPS = 60;
  private static final double TOLERANCE = 1e-13;

  private final double[][] u; // m x n
  private final double[] s; // n
  private final double[][] v; // n x n

  /** Decomposes the m x n matrix {@code a} (m >= n), given as rows. */
  JacobiSvd(double[][] a) {
    int m = a.length;
    int n = a[0].length;
    if (m < n) {
      throw new IllegalArgumentException("JacobiSvd needs rows >= columns, got " + m + " x " + n);
    }
    double[][] cols = new double[n][m]; // column-major working copy of A
    for (int i = 0; i < m; i++) {
      if (a[i].length != n) {
        throw new IllegalArgumentException(
            "ragged matrix: row " + i + " has " + a[i].length + " columns, expected " + n);
      }
      for (int j = 0; j < n; j++) {
        cols[j][i] = a[i][j];
      }
    }
    double[][] vCols = new double[n][n];
    for (int j = 0; j < n; j++) {
      vCols[j][j] = 1;
    }
    for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      boolean rotated = false;
      for (int i = 0; i < n - 1; i++) {
        for (int j = i + 1; j < n; j++) {
          double[] ci = cols[i];
          double[] cj = cols[j];
          double alpha = 0;
          double beta = 0;
          double gamma = 0;
          for (int k = 0; k < m; k++) {
            alpha += ci[k] * ci[k];
            beta += cj[k] * cj[k];
            gamma += ci[k] * cj[k];
          }
          if (gamma == 0 || Math.abs(gamma) <= TOLERANCE * Math.sqrt(alpha * beta)) {
            continue;
          }
          rotated = true;
          double zeta = (beta - alpha) / (2 * gamma);
          double t = Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
          if (zeta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(1 + t * t);
          double sn = c * t;
          rotate(ci, cj, c, sn);
          rotate(vCols[i], vCols[j], c, sn);
        }
      }
      if (!rotated) {
        break;
      }
    }
    double[] norms = new double[n];
    Integer[] order = new Integer[n];
    for (int j = 0; j < n; j++) {
      double sq = 0;
      for (double x : cols[j]) {
        sq += x * x;
      }
      norms[j] = Math.sqrt(sq);
      order[j] = j;
    }
    java.util.Arrays.sort(order, (x, y) -> Double.compare(norms[y], norms[x]));
    double largest = n == 0 ? 0 : norms[order[0]];
    s = new double[n];
    double[][] uCols = new double[n][];
    double[][] vSorted = new double[n][];
    int rank = 0;
    for (int r = 0; r < n; r++) {
      int j = order[r];
      s[r] = norms[j];
      vSorted[r] = vCols[j];
      if (norms[j] > largest * 1e-12 && norms[j] > 0) {
        double[] col = cols[j];
        for (int k = 0; k < m; k++) {
          col[k] /= norms[j];
        }
        uCols[r] = col;
        rank++;
      } else {
        s[r] = 0;
      }
    }
    completeBasis(uCols, rank, m);
    u = transpose(uCols, m);
    v = transpose(vSorted, n);
  }

  private static void rotate(double[] x, double[] y, double c, double s) {
    for (int k = 0; k < x.length; k++) {
      double a = x[k];
      double b = y[k];
      x[k] = c * a - s * b;
      y[k] = s * a + c * b;
    }
  }

  /** Fills columns rank..n-1 with unit vectors orthogonal to all earlier ones (Gram-Schmidt). */
  private static void completeBasis(double[][] cols, int rank, int m) {
    int candidate = 0;
    for (int r = rank; r < cols.length; r++) {
      while (true) {
        double[] e = new double[m];
        e[candidate++ % m] = 1;
        for (int pass = 0; pass < 2; pass++) { // twice for numerical orthogonality
          for (int q = 0; q < r; q++) {
            double dot = 0;
            for (int k = 0; k < m; k++) {
              dot += cols[q][k] * e[k];
            }
            for (int k = 0; k < m; k++) {
              e[k] -= dot * cols[q][k];
            }
          }
        }
        double norm = 0;
        for (double x : e) {
          norm += x * x;
        }
        norm = Math.sqrt(norm);
        if (norm > 1e-6) {
          for (int k = 0; k < m; k++) {
            e[k] /= norm;
          }
          cols[r] = e;
          break;
        }
      }
    }
  }

  private static double[][] transpose(double[][] cols, int rows) {
    double[][] out = new double[rows][cols.length];
    for (int j = 0; j < cols.length; j++) {
      for (int i = 0; i < rows; i++) {
        out[i][j] = cols[j][i];
      }
    }
    return out;
  }

  /** U, m x n, orthonormal columns. */
  double[][] u() {
    return u;
  }

  /** Singular values, decreasing. */
  double[] singularValues() {
    return s;
  }

  /** V, n x n, orthogonal. */
  double[][] v() {
    return v;
  }
}
