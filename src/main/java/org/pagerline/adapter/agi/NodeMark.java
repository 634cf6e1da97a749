package org.pagerline.adapter.agi;

import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiException;
import org.asteriskjava.fastagi.AgiRequest;
import org.asteriskjava.fastagi.AgiScript;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every script's first command: {@code SET VARIABLE PAGERLINE_NODE <this node's FastAGI address>},
 * before the script itself says or records anything. The shipped dialplan tries the next address
 * of its {@code [pagerline-agi-hosts]} list ({@code PAGERLINE_AGI_UNTRIED}) only while this
 * variable is empty: then no pagerline began the call (the connection was refused, timed out, or
 * was closed before a command),
 * and trying another node cannot make the caller hear anything twice. Once it is set, a call that
 * ends badly (AGISTATUS FAILURE: the script failed, or a command failed, mid-call) goes to the
 * dialplan's own fallback, never to a second run of a half-done call. The value (the address
 * Asterisk reached, e.g. 10.0.0.11:4573) also tells the PBX's logs which node served the call.
 */
final class NodeMark implements AgiScript {
    /** Set on the channel by every script before anything else (asterisk-dialplan/README.md). */
    static final String VAR_NODE = "PAGERLINE_NODE";
    private static final Logger log = LoggerFactory.getLogger(NodeMark.class);
    private final AgiScript script;

    NodeMark(AgiScript script) {
        this.script = script;
    }

    @Override
    public void service(AgiRequest request, AgiChannel channel) throws AgiException {
        try {
            channel.sendCommand(AgiText.set(VAR_NODE, address(request)));
        } catch (AgiException | RuntimeException e) {
            // a caller gone already (the script finds out at its first command), or a garbled line
            log.debug("could not mark the channel with {}: {}", VAR_NODE, e.toString());
        }
        script.service(request, channel);
    }

    private static String address(AgiRequest request) {
        return address(request.getLocalAddress(), request.getLocalPort());
    }

    /**
     * host:port as an {@code agi://} URL names it, so the dialplan can reach this node again (the
     * fallback's hand-over tries it first): an IPv6 address in brackets ({@code [::1]:4573}).
     */
    static String address(java.net.InetAddress local, int port) {
        if (local == null) {
            return "?:" + port;
        }
        String host = local.getHostAddress();
        int zone = host.indexOf('%');
        if (zone >= 0) {
            host = host.substring(0, zone); // a link-local scope means nothing to Asterisk's resolver
        }
        return (local instanceof java.net.Inet6Address ? "[" + host + "]" : host) + ":" + port;
    }
}
