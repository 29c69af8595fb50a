package io.messages.testing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One Prometheus text scrape, read by series. */
public record Scrape(String text) {

    /**
     * The value of the first series named {@code name} whose labels contain every one of
     * {@code labels} (each written {@code key="value"}); 0 if there is none.
     */
    public double value(String name, String... labels) {
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(text);
        while (line.find()) {
            boolean all = true;
            for (String label : labels) {
                all &= line.group(1).contains(label);
            }
            if (all) {
                return Double.parseDouble(line.group(2));
            }
        }
        return 0;
    }
}
