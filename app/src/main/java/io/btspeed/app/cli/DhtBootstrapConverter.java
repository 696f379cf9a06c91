package io.btspeed.app.cli;

import java.net.InetSocketAddress;
import picocli.CommandLine;

/**
 * HOST:PORT or [IPv6]:PORT for --dht-bootstrap, left unresolved: names are looked up when the DHT
 * starts, off the main thread, so a slow resolver never delays the download.
 */
public final class DhtBootstrapConverter implements CommandLine.ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new CommandLine.TypeConversionException("expected HOST:PORT, got '" + value + "'");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("bad port in '" + value + "'");
        }
        if (port < 1 || port > 65535) throw new CommandLine.TypeConversionException("port out of range in '" + value + "'");
        return InetSocketAddress.createUnresolved(host, port);
    }
}
