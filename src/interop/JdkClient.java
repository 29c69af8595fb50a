import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The JDK's HttpClient with its defaults (HTTP/2 preferred: on cleartext it asks for an h2c
 * upgrade on the first request), as src/interop/check.sh runs it with the source launcher:
 * {@code java src/interop/JdkClient.java http://127.0.0.1:PORT}. GET /record?msg=jdk, then GET /;
 * prints one line per request (status, protocol version, body's first line) and exits 1 unless
 * both are 200 and the listing holds "jdk".
 */
public class JdkClient {
    public static void main(String[] args) throws Exception {
        String base = args[0];
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            boolean ok = true;
            for (String path : new String[] {"/record?msg=jdk", "/"}) {
                HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(10)).build();
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                String body = response.body();
                String first = body.lines().findFirst().orElse("");
                System.out.println("GET " + path + " " + response.statusCode() + " " + response.version()
                        + " " + first);
                ok &= response.statusCode() == 200;
                if (path.equals("/")) {
                    ok &= body.startsWith("Here are your list of messages: ") && body.contains("jdk");
                }
            }
            System.exit(ok ? 0 : 1);
        }
    }
}
