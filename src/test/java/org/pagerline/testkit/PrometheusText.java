package org.pagerline.testkit;

/** Reads one sample out of a Prometheus text exposition (what {@code GET /metrics} answers). */
public final class PrometheusText {
    private PrometheusText() {
    }

    /**
     * The value of the first sample of {@code name} carrying every given label
     * ({@code labels} as name, value, name, value...), or NaN when there is none.
     */
    public static double value(String text, String name, String... labels) {
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            String head = line.substring(0, line.lastIndexOf(' '));
            boolean all = true;
            for (int i = 0; i < labels.length; i += 2) {
                all &= head.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
            }
            if (all) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Double.NaN;
    }
}
