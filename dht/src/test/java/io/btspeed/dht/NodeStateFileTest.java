package io.btspeed.dht;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeStateFileTest {
    @TempDir
    Path dir;

    @Test
    void savesAndLoadsIdAndNodes() throws Exception {
        NodeId id = NodeId.random(new SplittableRandom(1));
        List<InetSocketAddress> nodes = List.of(new InetSocketAddress(InetAddress.ofLiteral("10.0.0.1"), 6881),
                new InetSocketAddress(InetAddress.ofLiteral("2001:db8::1"), 51413));
        Path f = dir.resolve("sub/dht.state");
        NodeStateFile.save(f, id, nodes);
        NodeStateFile.Saved s = NodeStateFile.load(f);
        assertThat(s.id()).isEqualTo(id);
        assertThat(s.nodes()).isEqualTo(nodes);
    }

    @Test
    void damagedOrMissingFileGivesNothingNotAnError() throws Exception {
        assertThat(NodeStateFile.load(dir.resolve("absent")).id()).isNull();
        Path f = dir.resolve("bad");
        Files.writeString(f, "id zz\nnode example.com 80\nnode 10.0.0.1 99999\nnode 10.0.0.2 7\n");
        NodeStateFile.Saved s = NodeStateFile.load(f);
        assertThat(s.id()).isNull();
        // only the valid line survives; the name is never resolved
        assertThat(s.nodes()).containsExactly(new InetSocketAddress(InetAddress.ofLiteral("10.0.0.2"), 7));
    }
}
