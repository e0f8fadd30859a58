package org.sessionserver.compat.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sessionserver.compat.samples.PromQueries.LabelMatcher;

/** What {@link PromQueries} reads from the kinds of expression our dashboard and alerts use. */
class PromQueriesTest {
    @Test
    void functionsGroupingsRangesNumbersAndVariablesAreNotMetrics() {
        String p99 = "histogram_quantile(0.99, sum by (instance, le) (rate(sessions_event_ack_latency_seconds_bucket"
                + "{instance=~\"$instance\"}[$__rate_interval]))) > 0.05";
        assertEquals(Set.of("sessions_event_ack_latency_seconds_bucket"), PromQueries.metricNames(p99));
        assertEquals(Set.of("a_total", "b_total"), PromQueries.metricNames(
                "sum(rate(a_total[5m] offset 1h)) / on (instance) group_left (x) count(b_total) * 1e3"));
        assertEquals(Set.of("up"), PromQueries.metricNames("up{job=\"session-server\"} == 0 and bool 1"));
        assertEquals(Set.of("sessions_connections"), PromQueries.metricNames("sessions_connections"));
    }

    @Test
    void labelMatchersKeepTheirMetricAndValueWithSpaces() {
        assertEquals(List.of(new LabelMatcher("sessions_disconnects_total", "reason", "=", "slow consumer"),
                        new LabelMatcher("sessions_disconnects_total", "instance", "=~", "$instance")),
                PromQueries.labelMatchers("increase(sessions_disconnects_total{reason=\"slow consumer\","
                        + "instance=~\"$instance\"}[10m]) > 10"));
        assertEquals(Set.of("sessions_disconnects_total"),
                PromQueries.metricNames("sessions_disconnects_total{reason=\"slow consumer\"}"));
    }

    @Test
    void grafanaVariablesBecomeWhatPrometheusAccepts() {
        assertEquals("rate(x{instance=~\".*\"}[5m])",
                PromQueries.withoutGrafanaVariables("rate(x{instance=~\"$instance\"}[$__rate_interval])"));
    }
}
