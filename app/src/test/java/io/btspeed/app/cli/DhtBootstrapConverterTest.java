package io.btspeed.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DhtBootstrapConverterTest {
    final DhtBootstrapConverter c = new DhtBootstrapConverter();

    @Test
    void namesStayUnresolvedUntilTheDhtStarts() {
        InetSocketAddress a = c.convert("router.example.invalid:6881");
        assertThat(a.isUnresolved()).isTrue();
        assertThat(a.getHostString()).isEqualTo("router.example.invalid");
        assertThat(a.getPort()).isEqualTo(6881);
        InetSocketAddress v6 = c.convert("[::1]:25401");
        assertThat(v6.getHostString()).isEqualTo("::1");
        assertThat(v6.getPort()).isEqualTo(25401);
    }

    @Test
    void badValuesAreOneLineErrors() {
        for (String bad : new String[] {"nohost", ":6881", "host:", "host:0", "host:70000", "host:x"}) {
            assertThatThrownBy(() -> c.convert(bad)).as(bad).isInstanceOf(CommandLine.TypeConversionException.class);
        }
    }

    @Test
    void dhtIsOnByDefaultAndFlagsParse() {
        NetworkOptions n = new NetworkOptions();
        new CommandLine(new Object() {
            @CommandLine.Mixin
            NetworkOptions net = n;
        }).parseArgs();
        assertThat(n.dht).isTrue();
        assertThat(n.dhtPort).isNull();
        NetworkOptions m = new NetworkOptions();
        new CommandLine(new Object() {
            @CommandLine.Mixin
            NetworkOptions net = m;
        }).parseArgs("--no-dht", "--dht-bootstrap", "10.0.0.1:6881", "--dht-bootstrap", "[::1]:1", "--dht-port", "0");
        assertThat(m.dht).isFalse();
        assertThat(m.dhtBootstrap).hasSize(2);
        assertThat(m.dhtPort).isZero();
    }
}
