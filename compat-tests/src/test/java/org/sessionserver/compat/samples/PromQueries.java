package org.sessionserver.compat.samples;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PromQL of a Grafana dashboard and of Prometheus rule files, and what each expression reads: its metric names
 * and label matchers. A reader for our own files, not a PromQL parser (promtool parses them: ObservabilitySampleIT):
 * it drops strings, ranges, groupings and function calls, and takes what is left that looks like a name.
 */
final class PromQueries {
    /** A label matcher of a selector, as in {@code sessions_disconnects_total{reason="slow consumer"}}. */
    record LabelMatcher(String metric, String label, String operator, String value) {
    }

    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*+)?\\s*\\{([^}]*)}");
    private static final Pattern MATCHER =
            Pattern.compile("([a-zA-Z_]\\w*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*\\]");
    private static final Pattern GROUPING =
            Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern OFFSET = Pattern.compile("\\boffset\\s+-?\\w+");
    /** A name not followed by "(" (a function) nor inside a number ({@code 1e3}) or a Grafana variable. */
    private static final Pattern NAME = Pattern.compile("(?<![\\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*+(?!\\s*\\()");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "inf", "nan");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)");

    private PromQueries() {
    }

    /** Every {@code expr} of a dashboard's panels, and the metric of each {@code label_values(...)} variable. */
    static List<String> ofDashboard(JsonNode dashboard) {
        List<String> queries = new ArrayList<>();
        collect(dashboard, queries);
        return queries;
    }

    /** Every {@code expr} of a Prometheus rule file ({@code groups[].rules[]}). */
    static List<String> ofRules(JsonNode rules) {
        List<String> queries = new ArrayList<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                queries.add(rule.path("expr").asText());
            }
        }
        return queries;
    }

    static Set<String> metricNames(String expression) {
        String rest = SELECTOR.matcher(expression).replaceAll(m -> Matcher.quoteReplacement(
                m.group(1) == null ? " " : m.group(1)));
        rest = STRING.matcher(rest).replaceAll(" ");
        rest = RANGE.matcher(rest).replaceAll(" ");
        rest = GROUPING.matcher(rest).replaceAll(" ");
        rest = OFFSET.matcher(rest).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher name = NAME.matcher(rest);
        while (name.find()) {
            if (!KEYWORDS.contains(name.group())) {
                names.add(name.group());
            }
        }
        return names;
    }

    static List<LabelMatcher> labelMatchers(String expression) {
        List<LabelMatcher> matchers = new ArrayList<>();
        Matcher selector = SELECTOR.matcher(expression);
        while (selector.find()) {
            Matcher matcher = MATCHER.matcher(selector.group(2));
            while (matcher.find()) {
                matchers.add(new LabelMatcher(selector.group(1), matcher.group(1), matcher.group(2), matcher.group(3)));
            }
        }
        return matchers;
    }

    /** The expression with Grafana's variables replaced, as Prometheus itself would get it. */
    static String withoutGrafanaVariables(String expression) {
        return expression.replaceAll("\\$__\\w+", "5m").replaceAll("\\$\\w+", ".*");
    }

    private static void collect(JsonNode node, List<String> queries) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                if (field.getKey().equals("expr") && field.getValue().isTextual()) {
                    queries.add(field.getValue().asText());
                } else if (field.getKey().equals("definition") && field.getValue().isTextual()) {
                    Matcher variable = LABEL_VALUES.matcher(field.getValue().asText());
                    if (variable.find()) {
                        queries.add(variable.group(1));
                    }
                } else {
                    collect(field.getValue(), queries);
                }
            });
        } else if (node.isArray()) {
            node.forEach(element -> collect(element, queries));
        }
    }
}
