package io.arrowhttp.internal.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

    private final TrustedProxies proxies = TrustedProxies.of(List.of("10.0.0.0/8", "192.168.1.5", "fd00::/8"));

    @Test
    void addressesAndRangesAreMatched() {
        assertTrue(proxies.trusts("10.1.2.3"));
        assertTrue(proxies.trusts("192.168.1.5"));
        assertFalse(proxies.trusts("192.168.1.6"));
        assertTrue(proxies.trusts("fd12::1"));
        assertFalse(proxies.trusts("fe80::1"));
        assertFalse(proxies.trusts("example.com"));
        assertTrue(TrustedProxies.of(List.of("127.0.0.1/31")).trusts("127.0.0.0"));
        assertFalse(TrustedProxies.of(List.of("127.0.0.1/31")).trusts("127.0.0.2"));
    }

    @Test
    void theHeaderIsReadOnlyFromATrustedPeer() {
        assertEquals("203.0.113.9", proxies.clientAddress("203.0.113.9", List.of("198.51.100.1")));
        assertEquals("198.51.100.1", proxies.clientAddress("10.0.0.1", List.of("198.51.100.1")));
        assertEquals("10.0.0.1", proxies.clientAddress("10.0.0.1", List.of()));
        assertEquals("127.0.0.1", TrustedProxies.none().clientAddress("127.0.0.1", List.of("198.51.100.1")));
    }

    @Test
    void theRightmostUntrustedHopIsTheClient() {
        // The client wrote the leftmost entry itself; the proxies appended the rest.
        assertEquals(
                "198.51.100.7", proxies.clientAddress("10.0.0.1", List.of("1.2.3.4, 198.51.100.7", "192.168.1.5")));
        assertEquals("10.0.0.3", proxies.clientAddress("10.0.0.1", List.of("10.0.0.3, 10.0.0.2")));
        assertEquals("10.0.0.2", proxies.clientAddress("10.0.0.1", List.of("not-an-address, 10.0.0.2")));
    }

    @Test
    void anEntryThatIsNeitherAnAddressNorARangeIsRefusedWithItsName() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of(List.of("proxy.example.com")));
        assertTrue(e.getMessage().contains("proxy.example.com"));
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of(List.of("10.0.0.0/33")));
    }
}
