package org.pagerline.adapter.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** PAGERLINE_NODE names the node as an agi:// URL would, so the dialplan can reach it again. */
class NodeMarkTest {

    @Test
    void anIpv4NodeIsHostColonPort() throws Exception {
        assertEquals("10.0.0.11:4573", NodeMark.address(InetAddress.getByName("10.0.0.11"), 4573));
    }

    @Test
    void anIpv6NodeIsInBracketsAsAnAgiUrlNeedsIt() throws Exception {
        assertEquals("[0:0:0:0:0:0:0:1]:4573", NodeMark.address(InetAddress.getByName("::1"), 4573));
        assertEquals("[fe80:0:0:0:0:0:0:1]:4573", NodeMark.address(InetAddress.getByName("fe80::1%1"), 4573));
    }
}
