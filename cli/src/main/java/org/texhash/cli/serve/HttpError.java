package org.texhash.cli.serve;

/** A request that cannot be answered: the HTTP status and the reason, in words for the user. */
final class HttpError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  HttpError(int status, String reason) {
    super(
        reason, null, false,
        false); // no stack trace: it is never shown, and errors are ordinary here
    this.status = status;
  }

  int status() {
    return status;
  }
}
