package org.texhash.cli.serve;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.texhash.cli.Json;

/**
 * The HTTP server of {@code texhash serve}: Jetty with the {@link Routes}, on one host and port.
 *
 * <pre>
 *   try (SearchServer server = SearchServer.start(api, "127.0.0.1", 0)) {
 *     URI page = server.uri(); // http://127.0.0.1:PORT/
 *   }
 * </pre>
 */
public final class SearchServer implements AutoCloseable {
  /** Request threads: enough for the decode slots plus cheap searches waiting beside them. */
  private static final int MAX_THREADS = 64;

  private final Server server;
  private final ServerConnector connector;

  private SearchServer(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  /**
   * Starts serving {@code api} on {@code host}:{@code port} (0: any free port).
   *
   * @throws IllegalArgumentException when the host is unknown
   * @throws IOException when the port cannot be bound (in use, or not allowed)
   */
  public static SearchServer start(SearchApi api, String host, int port) throws IOException {
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown host " + host, e);
    }
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 4);
    threads.setName("texhash-serve");
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(new Routes(api, address.isLoopbackAddress() ? loopbackNames(host) : null));
    server.setErrorHandler(new JsonErrors());
    server.setStopTimeout(5_000);
    try {
      server.start();
    } catch (IOException e) {
      stopQuietly(server);
      throw new IOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    } catch (Exception e) {
      stopQuietly(server);
      throw new IOException(
          "cannot start the server on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    return new SearchServer(server, connector);
  }

  /** The port actually bound. */
  public int port() {
    return connector.getLocalPort();
  }

  /** The page's address, {@code http://HOST:PORT/}. */
  public URI uri() {
    String host = connector.getHost();
    String shown = host.contains(":") ? "[" + host + "]" : host;
    return URI.create("http://" + shown + ":" + port() + "/");
  }

  /** Blocks until the server stops. */
  public void join() throws InterruptedException {
    server.join();
  }

  @Override
  public void close() throws IOException {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IOException("stopping the server: " + e.getMessage(), e);
    }
  }

  private static Set<String> loopbackNames(String host) {
    Set<String> names = new HashSet<>(List.of("localhost", "127.0.0.1", "[::1]", "::1"));
    names.add(host.toLowerCase(Locale.ROOT));
    return Set.copyOf(names);
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception ignored) {
      // the start failure is the one to report
    }
  }

  /**
   * Errors Jetty answers itself (a malformed request line, headers too large): JSON, no stack
   * trace.
   */
  private static final class JsonErrors extends ErrorHandler {
    JsonErrors() {
      setShowStacks(false);
      setShowCauses(false);
    }

    @Override
    protected void generateResponse(
        Request request,
        Response response,
        int code,
        String message,
        Throwable cause,
        Callback callback) {
      JsonObject o = new JsonObject();
      o.addProperty("error", HttpStatus.getMessage(code));
      byte[] body = Json.GSON.toJson(o).getBytes(StandardCharsets.UTF_8);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
      response.getHeaders().put("X-Content-Type-Options", "nosniff");
      response.write(true, ByteBuffer.wrap(body), callback);
    }
  }
}
