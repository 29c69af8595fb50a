import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * The raw driver's limit for the listing, on either database, with the service's own driver:
 * one thread, one connection, one statement (fetch 1,000 rows at a time, a cursor on
 * PostgreSQL), each value read with getString and written as UTF-8 bytes (or, with "bytes", read
 * as its bytes with getBytes, as the service does), joined by newlines after the prefix, into a
 * buffer that is reused. No HTTP. Lists for SECONDS unmeasured first (the JIT's warm-up, as the
 * service gets one), then for SECONDS more; prints listings/s and ms per listing.
 *   java -cp "target/libs/*" src/bench/ListingProbe.java JDBC_URL SECONDS [string|bytes]
 */
public class ListingProbe {
    public static void main(String[] args) throws Exception {
        long seconds = Long.parseLong(args[1]);
        boolean bytes = args.length > 2 && args[2].equals("bytes");
        byte[] prefix = "Here are your list of messages: ".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        try (Connection db = DriverManager.getConnection(args[0])) {
            db.setAutoCommit(false);
            try (PreparedStatement select = db.prepareStatement("SELECT id, value FROM messages WHERE id > ? ORDER BY id")) {
                select.setFetchSize(1000);
                listFor(seconds, bytes, db, select, prefix, out);
                long start = System.nanoTime();
                int listings = listFor(seconds, bytes, db, select, prefix, out);
                double elapsed = (System.nanoTime() - start) / 1e9;
                System.out.printf("%.2f %.1f%n", listings / elapsed, elapsed * 1000 / listings);
            }
        }
    }

    private static int listFor(long seconds, boolean bytes, Connection db, PreparedStatement select, byte[] prefix,
                               ByteArrayOutputStream out) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        int listings = 0;
        do {
            out.reset();
            out.writeBytes(prefix);
            select.setLong(1, 0);
            try (ResultSet rows = select.executeQuery()) {
                boolean first = true;
                while (rows.next()) {
                    if (!first) {
                        out.write('\n');
                    }
                    out.writeBytes(bytes ? rows.getBytes(2) : rows.getString(2).getBytes(StandardCharsets.UTF_8));
                    first = false;
                }
            }
            db.commit();
            listings++;
        } while (System.nanoTime() < end);
        return listings;
    }
}
