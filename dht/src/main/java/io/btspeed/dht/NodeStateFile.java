package io.btspeed.dht;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's id and some good nodes, kept across restarts: a stable id keeps our place in other
 * nodes' routing tables, and yesterday's good nodes are a better bootstrap than a fixed router.
 * Text, one item per line ("id HEX", "node IP PORT"); a damaged file is ignored, never fatal.
 */
public final class NodeStateFile {
    /** What was saved; {@code id} is null when the file had none we could read. */
    public record Saved(NodeId id, List<InetSocketAddress> nodes) {}

    private static final int MAX_NODES = 200;

    private NodeStateFile() {}

    public static Saved load(Path file) {
        if (file == null || !Files.isRegularFile(file)) return new Saved(null, List.of());
        NodeId id = null;
        List<InetSocketAddress> nodes = new ArrayList<>();
        try {
            if (Files.size(file) > 64 * 1024) return new Saved(null, List.of());
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.trim().split(" ");
                try {
                    if (f.length == 2 && f[0].equals("id")) id = NodeId.fromHex(f[1]);
                    else if (f.length == 3 && f[0].equals("node") && nodes.size() < MAX_NODES) {
                        // ofLiteral: an address, never a name to resolve
                        nodes.add(new InetSocketAddress(InetAddress.ofLiteral(f[1]), Integer.parseInt(f[2])));
                    }
                } catch (IllegalArgumentException skipped) {
                    // one bad line loses that line only
                }
            }
        } catch (IOException e) {
            return new Saved(null, List.of());
        }
        return new Saved(id, nodes);
    }

    public static void save(Path file, NodeId id, List<InetSocketAddress> nodes) throws IOException {
        StringBuilder sb = new StringBuilder("id ").append(id.hex()).append('\n');
        int n = 0;
        for (InetSocketAddress a : nodes) {
            if (n++ >= MAX_NODES) break;
            sb.append("node ").append(a.getAddress().getHostAddress()).append(' ').append(a.getPort()).append('\n');
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, sb, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
