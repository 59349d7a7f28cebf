package org.texhash.cli.serve;

import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.texhash.cli.Json;

/**
 * The server's routes: the page, the JSON API and the health check. Each request is answered
 * exactly once, from a {@link Reply} computed first; refusals are JSON {@code {"error": reason}}
 * with a 4xx status, and nothing a client sends produces a stack trace in a response.
 */
final class Routes extends Handler.Abstract {
  /**
   * The page loads only its own script, style sheet, thumbnails and the preview of a chosen file.
   */
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src"
          + " 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  /**
   * A body this much over the limit is still read and dropped, so the client sees the 413 instead
   * of a reset.
   */
  private static final long DRAIN_LIMIT = 64L * 1024 * 1024;

  private final SearchApi api;
  private final StaticPages pages = new StaticPages();
  private final Set<String> allowedHosts;

  /**
   * @param allowedHosts the Host header names accepted (against DNS rebinding), or null for any
   */
  Routes(SearchApi api, Set<String> allowedHosts) {
    this.api = api;
    this.allowedHosts = allowedHosts;
  }

  private record Reply(int status, String contentType, byte[] body, String etag) {
    static Reply json(int status, JsonObject o) {
      return new Reply(
          status,
          "application/json; charset=utf-8",
          Json.GSON.toJson(o).getBytes(StandardCharsets.UTF_8),
          null);
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Reply reply;
    try {
      reply = route(request);
    } catch (HttpError e) {
      reply = error(e.status(), e.getMessage());
    } catch (IOException e) {
      reply = error(503, "the index cannot be read: " + e.getMessage());
    } catch (RuntimeException e) {
      // Jetty's own refusals (a malformed query string, say) carry their status; anything else is a
      // bug.
      if (e instanceof HttpException he && he.getCode() >= 400 && he.getCode() < 500) {
        reply = error(he.getCode(), e.getMessage() == null ? "bad request" : e.getMessage());
      } else {
        System.err.println(
            "texhash serve: internal error on "
                + request.getMethod()
                + " "
                + Request.getPathInContext(request)
                + ": "
                + e);
        reply = error(500, "internal error (the server's log has the details)");
      }
    }
    HttpFields.Mutable headers = response.getHeaders();
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("Content-Security-Policy", CSP);
    headers.put("Referrer-Policy", "no-referrer");
    headers.put("X-Frame-Options", "DENY");
    headers.put("Cross-Origin-Resource-Policy", "same-origin");
    headers.put(
        HttpHeader.CACHE_CONTROL, reply.etag == null ? "no-store" : "private, max-age=3600");
    if (reply.etag != null) {
      headers.put(HttpHeader.ETAG, reply.etag);
    }
    if (reply.status == 413) {
      headers.put(HttpHeader.CONNECTION, "close");
    }
    response.setStatus(reply.status);
    if (reply.body == null) {
      callback.succeeded();
      return true;
    }
    headers.put(HttpHeader.CONTENT_TYPE, reply.contentType);
    headers.put(HttpHeader.CONTENT_LENGTH, reply.body.length);
    response.write(true, ByteBuffer.wrap(reply.body), callback);
    return true;
  }

  private Reply route(Request request) throws IOException {
    checkHost(request);
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    boolean read = "GET".equals(method) || "HEAD".equals(method);
    if (path.equals("/api/search")) {
      Fields q = Request.extractQueryParameters(request);
      if (read) {
        return Reply.json(
            200,
            api.search(
                q.getValue("path"), q.getValue("code"), q.getValue("k"), q.getValue("radius")));
      }
      if ("POST".equals(method)) {
        return Reply.json(
            200, api.searchImage(upload(request), q.getValue("k"), q.getValue("radius")));
      }
      throw new HttpError(
          405, method + " is not allowed here: GET (by path or code) or POST (an image)");
    }
    if (!read) {
      throw new HttpError(405, method + " is not allowed here");
    }
    if (path.equals("/health")) {
      return Reply.json(200, api.health());
    }
    if (path.equals("/api/info")) {
      return Reply.json(200, api.info());
    }
    if (path.startsWith("/api/thumb/")) {
      SearchApi.Thumbnail thumb = api.thumbnail(path.substring("/api/thumb/".length()));
      String seen = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
      return new Reply(
          thumb.etag().equals(seen) ? 304 : 200,
          "image/jpeg",
          thumb.etag().equals(seen) ? null : thumb.jpeg(),
          thumb.etag());
    }
    StaticPages.Page page =
        pages.get(path).orElseThrow(() -> new HttpError(404, "not found: " + abbreviate(path)));
    return new Reply(200, page.contentType(), page.bytes(), null);
  }

  /**
   * The request body, at most the upload limit (413 past it); a broken body is the client's error.
   */
  private byte[] upload(Request request) {
    try {
      return readBody(request);
    } catch (IOException e) {
      throw new HttpError(
          400,
          "cannot read the request body: "
              + (e.getMessage() == null ? "the connection broke" : e.getMessage()));
    }
  }

  private byte[] readBody(Request request) throws IOException {
    String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
      throw new HttpError(
          400,
          "send the image file itself as the request body (curl --data-binary @FILE), not a form");
    }
    long max = api.limits().maxUploadBytes();
    String tooLarge = "the image is larger than the upload limit of " + max + " bytes";
    InputStream in = Content.Source.asInputStream(request);
    if (request.getLength() > max) {
      drain(in);
      throw new HttpError(413, tooLarge);
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    for (int n; (n = in.read(buffer)) != -1; ) {
      body.write(buffer, 0, n);
      if (body.size() > max) {
        drain(in);
        throw new HttpError(413, tooLarge);
      }
    }
    return body.toByteArray();
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    for (int n; total < DRAIN_LIMIT && (n = in.read(buffer)) != -1; ) {
      total += n;
    }
  }

  /**
   * Against DNS rebinding: a server on loopback answers only requests addressed to loopback names.
   */
  private void checkHost(Request request) {
    if (allowedHosts == null) {
      return;
    }
    String host = request.getHttpURI().getHost();
    if (host != null && !allowedHosts.contains(host.toLowerCase(Locale.ROOT))) {
      throw new HttpError(
          403, "this server answers only requests for localhost (Host: " + abbreviate(host) + ")");
    }
  }

  private static Reply error(int status, String reason) {
    JsonObject o = new JsonObject();
    o.addProperty("error", reason);
    return Reply.json(status, o);
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
