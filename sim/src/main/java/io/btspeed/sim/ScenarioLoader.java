package io.btspeed.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.btspeed.market.auction.ClearingRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads a scenario from YAML ({@code .yaml}/{@code .yml}) or JSON. Strict: unknown fields, wrong types and values
 * out of range are rejected with the field's path, so a typo never silently runs a different experiment. Fields
 * left out take the defaults in {@link #TOP_DEFAULTS} / {@link #GROUP_DEFAULTS}.
 */
public final class ScenarioLoader {
    /** Hard limits that keep a hostile or mistyped file from exhausting memory. */
    static final int MAX_PEERS = 1_000_000, MAX_PIECES = 1 << 20, MAX_PIECE_SIZE = 64 << 20;

    static final Map<String, Object> TOP_DEFAULTS = Map.ofEntries(
            Map.entry("name", "scenario"), Map.entry("seed", 1), Map.entry("maxSeconds", 100_000.0),
            Map.entry("roundSeconds", 1.0), Map.entry("chokeIntervalSeconds", 10.0), Map.entry("neighbors", 30),
            Map.entry("maxConnections", 60), Map.entry("uploadSlots", 4), Map.entry("sampleSeconds", 10.0),
            Map.entry("stopWhenDone", true));
    static final Map<String, Object> GROUP_DEFAULTS = Map.ofEntries(
            Map.entry("kind", "plain"), Map.entry("complete", false), Map.entry("downloadKiBps", 1_000_000.0),
            Map.entry("latencyMs", 25.0), Map.entry("budget", 0), Map.entry("shading", 1.0));

    private ScenarioLoader() {}

    public static Scenario load(Path file) { return load(file, Map.of()); }

    /**
     * @param overrides field path → value, applied before defaults and validation: {@code market.rule},
     *                  {@code uploadSlots}, {@code groups.NAME.count} (a group by its name); values are YAML scalars
     */
    public static Scenario load(Path file, Map<String, String> overrides) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ScenarioException("cannot read scenario " + file + ": " + e.getMessage(), e);
        }
        String n = file.getFileName().toString().toLowerCase();
        boolean yaml = n.endsWith(".yaml") || n.endsWith(".yml");
        return parse(text, yaml, file.toString(), overrides);
    }

    public static Scenario parse(String text, boolean yaml, String source) { return parse(text, yaml, source, Map.of()); }

    public static Scenario parse(String text, boolean yaml, String source, Map<String, String> overrides) {
        ObjectMapper mapper = JsonMapper.builder(yaml ? new YAMLFactory() : new com.fasterxml.jackson.core.JsonFactory())
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        Scenario s;
        try {
            JsonNode root = mapper.readTree(text);
            if (!(root instanceof ObjectNode top)) throw new ScenarioException(source + ": a scenario is a map of fields");
            for (var o : new java.util.TreeMap<>(overrides).entrySet()) override(top, o.getKey(), o.getValue(), source);
            TOP_DEFAULTS.forEach((k, v) -> { if (!top.has(k)) top.set(k, mapper.valueToTree(v)); });
            if (!top.has("market")) top.set("market", mapper.valueToTree(Map.of("paidSlots", 0, "rule", "lowest-winning", "reservePrice", 0)));
            else fill(top.get("market"), Map.of("paidSlots", 0, "rule", "lowest-winning", "reservePrice", 0), mapper);
            if (top.get("groups") instanceof ArrayNode groups) {
                for (JsonNode g : groups) {
                    if (g instanceof ObjectNode og) {
                        GROUP_DEFAULTS.forEach((k, v) -> { if (!og.has(k)) og.set(k, mapper.valueToTree(v)); });
                        if (!og.has("arrival")) og.set("arrival", mapper.valueToTree(Map.of("type", "flash", "at", 0)));
                        if (!og.has("departure")) og.set("departure", mapper.valueToTree(Map.of("type", "stay")));
                        fill(og.get("arrival"), Map.of("at", 0, "ratePerSecond", 0), mapper);
                        fill(og.get("departure"), Map.of("probability", 0, "seconds", 0, "minEarnings", 0), mapper);
                    }
                }
            }
            s = mapper.treeToValue(top, Scenario.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ScenarioException(source + ": unknown field '" + e.getPropertyName() + "' at " + path(e, 1)
                    + " (known: " + e.getKnownPropertyIds() + ")", e);
        } catch (JsonProcessingException e) {
            throw new ScenarioException(source + ": " + e.getOriginalMessage() + " at " + path(e, 0), e);
        }
        validate(s, source);
        return s;
    }

    private static void override(ObjectNode top, String path, String value, String source) {
        String[] seg = path.split("\\.");
        ObjectNode node = top;
        for (int i = 0; i < seg.length - 1; i++) {
            JsonNode next = node.get(seg[i]);
            if (seg[i].equals("groups") && next instanceof ArrayNode groups && i + 1 < seg.length - 1) {
                String name = seg[++i];
                next = null;
                for (JsonNode g : groups) if (g.path("name").asText().equals(name)) next = g;
                if (next == null) throw new ScenarioException(source + ": --set " + path + ": no group named '" + name + "'");
            } else if (next == null) {
                next = node.putObject(seg[i]);
            }
            if (!(next instanceof ObjectNode on)) throw new ScenarioException(source + ": --set " + path + ": '" + seg[i] + "' is not a map");
            node = on;
        }
        try {
            node.set(seg[seg.length - 1], new ObjectMapper(new YAMLFactory()).readTree(value));
        } catch (JsonProcessingException e) {
            throw new ScenarioException(source + ": --set " + path + ": bad value '" + value + "'", e);
        }
    }

    /** Fields a nested map leaves out (only when it is a map; anything else fails in the mapper with its path). */
    private static void fill(JsonNode node, Map<String, Object> defaults, ObjectMapper mapper) {
        if (node instanceof ObjectNode o) defaults.forEach((k, v) -> { if (!o.has(k)) o.set(k, mapper.valueToTree(v)); });
    }

    /** The field's path as a user writes it, e.g. groups[1].departure.probability. */
    private static String path(JsonProcessingException e, int dropLast) {
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m && !m.getPath().isEmpty()) {
            StringBuilder b = new StringBuilder();
            var refs = m.getPath().subList(0, Math.max(0, m.getPath().size() - dropLast));
            if (refs.isEmpty()) return "top level";
            for (var ref : refs) {
                if (ref.getIndex() >= 0) b.append('[').append(ref.getIndex()).append(']');
                else if (ref.getFieldName() != null) b.append(b.isEmpty() ? "" : ".").append(ref.getFieldName());
            }
            return b.toString();
        }
        return e.getLocation() == null ? "top level" : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    static void validate(Scenario s, String src) {
        check(s.pieces() >= 1 && s.pieces() <= MAX_PIECES, src, "pieces must be 1.." + MAX_PIECES + ", got " + s.pieces());
        check(s.pieceSize() >= 1 && s.pieceSize() <= MAX_PIECE_SIZE, src, "pieceSize must be 1.." + MAX_PIECE_SIZE + " bytes, got " + s.pieceSize());
        check(s.maxSeconds() > 0 && s.maxSeconds() <= 1e8, src, "maxSeconds must be in (0, 1e8], got " + s.maxSeconds());
        check(s.roundSeconds() >= 0.01 && s.roundSeconds() <= s.chokeIntervalSeconds(), src,
                "roundSeconds must be in [0.01, chokeIntervalSeconds], got " + s.roundSeconds());
        check(s.chokeIntervalSeconds() > 0 && s.chokeIntervalSeconds() <= 3600, src, "chokeIntervalSeconds must be in (0, 3600]");
        check(s.sampleSeconds() > 0, src, "sampleSeconds must be positive");
        check(s.neighbors() >= 1, src, "neighbors must be at least 1");
        check(s.maxConnections() >= s.neighbors(), src, "maxConnections (" + s.maxConnections() + ") must be >= neighbors (" + s.neighbors() + ")");
        check(s.uploadSlots() >= 1 && s.uploadSlots() <= 1000, src, "uploadSlots must be 1..1000");
        check(s.market() != null, src, "market must be a map");
        check(s.market().paidSlots() >= 0, src, "market.paidSlots must not be negative");
        check(s.market().reservePrice() >= 0, src, "market.reservePrice must not be negative");
        try {
            ClearingRule.fromWireName(s.market().rule());
        } catch (IllegalArgumentException e) {
            throw new ScenarioException(src + ": market.rule: " + e.getMessage());
        }
        check(s.groups() != null && !s.groups().isEmpty(), src, "groups must list at least one group of peers");
        long total = 0;
        for (int i = 0; i < s.groups().size(); i++) {
            Scenario.Group g = s.groups().get(i);
            String at = "groups[" + i + "]" + (g.name() == null ? "" : " (" + g.name() + ")") + ": ";
            check(g.name() != null && !g.name().isBlank(), src, at + "name is required");
            check(g.count() >= 0, src, at + "count must not be negative");
            total += g.count();
            check(g.kind() != null, src, at + "kind must be bidder, nonbidder or plain");
            check(g.uploadKiBps() > 0 && Double.isFinite(g.uploadKiBps()), src, at + "uploadKiBps must be positive");
            check(g.downloadKiBps() > 0 && Double.isFinite(g.downloadKiBps()), src, at + "downloadKiBps must be positive");
            check(g.latencyMs() >= 0 && g.latencyMs() <= 60_000, src, at + "latencyMs must be 0..60000");
            check(g.budget() >= 0, src, at + "budget must not be negative");
            check(g.shading() > 0 && g.shading() <= 100, src, at + "shading must be in (0, 100]");
            Scenario.Arrival a = g.arrival();
            check(a != null && a.type() != null, src, at + "arrival.type is required (flash or poisson)");
            check(a.at() >= 0, src, at + "arrival.at must not be negative");
            switch (a.type()) {
                case "flash" -> {}
                case "poisson" -> check(a.ratePerSecond() > 0, src, at + "arrival.ratePerSecond must be positive for poisson");
                default -> throw new ScenarioException(src + ": " + at + "arrival.type '" + a.type() + "' is not flash or poisson");
            }
            Scenario.Departure d = g.departure();
            check(d != null && d.type() != null, src, at + "departure.type is required (stay, leave, seed-for, earnings)");
            switch (d.type()) {
                case "stay" -> {}
                case "leave" -> check(d.probability() >= 0 && d.probability() <= 1, src, at + "departure.probability must be in [0, 1]");
                case "seed-for" -> check(d.seconds() >= 0, src, at + "departure.seconds must not be negative");
                case "earnings" -> check(d.seconds() > 0 && d.minEarnings() >= 0, src,
                        at + "departure.seconds must be positive and minEarnings not negative");
                default -> throw new ScenarioException(src + ": " + at + "departure.type '" + d.type() + "' is not stay, leave, seed-for or earnings");
            }
        }
        check(total >= 1 && total <= MAX_PEERS, src, "the groups must hold 1.." + MAX_PEERS + " peers, got " + total);
        check((long) s.pieces() * s.pieceSize() <= (1L << 40), src, "torrent larger than 1 TiB");
    }

    private static void check(boolean ok, String src, String msg) {
        if (!ok) throw new ScenarioException(src + ": " + msg);
    }
}
