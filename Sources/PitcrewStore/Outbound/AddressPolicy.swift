#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which addresses outbound requests (uptime checks, webhooks) may reach. Private, loopback, link-local, shared
/// (CGNAT), multicast, reserved and unspecified addresses are refused — the address a host name resolves to is checked,
/// and the connection goes to that checked address, so DNS cannot swap it afterwards — unless an admin has allowed the
/// host by name in the workspace's outbound allowlist.
public enum AddressPolicy {
    /// True when `ip` (IPv4 dotted or IPv6 text) is a public unicast address.
    public static func isPublic(_ ip: String) -> Bool {
        var v4 = in_addr()
        if inet_pton(AF_INET, ip, &v4) == 1 {
            return isPublicV4(withUnsafeBytes(of: &v4) { Array($0) })
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, ip, &v6) == 1 {
            let bytes = withUnsafeBytes(of: &v6) { Array($0) }
            // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) addresses are judged by their IPv4 part.
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff { return isPublicV4(Array(bytes[12...])) }
            // IPv4-translated (::ffff:0:a.b.c.d) and IPv4-compatible (::a.b.c.d, also :: and ::1) forms.
            if bytes[0..<8].allSatisfy({ $0 == 0 }) && bytes[8] == 0xff && bytes[9] == 0xff && bytes[10] == 0 && bytes[11] == 0 {
                return isPublicV4(Array(bytes[12...]))
            }
            if bytes[0..<12].allSatisfy({ $0 == 0 }) { return false }
            if bytes[0..<12] == [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0] { return isPublicV4(Array(bytes[12...])) }
            if bytes[0..<6] == [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01] { return false }  // 64:ff9b:1::/48 local-use NAT64
            if bytes[0] == 0x20 && bytes[1] == 0x02 { return isPublicV4(Array(bytes[2..<6])) }  // 6to4 carries an IPv4 address
            if bytes[0..<4] == [0x20, 0x01, 0x00, 0x00] { return false }  // Teredo
            if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0xc0 { return false }  // fec0::/10 site-local (deprecated)
            if bytes[0] & 0xfe == 0xfc { return false }  // fc00::/7 unique local
            if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return false }  // fe80::/10 link-local
            if bytes[0] == 0xff { return false }  // multicast
            if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0d && bytes[3] == 0xb8 { return false }  // documentation
            return true
        }
        return false
    }

    static func isPublicV4(_ b: [UInt8]) -> Bool {
        switch (b[0], b[1]) {
        case (0, _), (10, _), (127, _): return false
        case (100, 64...127): return false  // shared address space (CGNAT)
        case (169, 254): return false  // link-local, cloud metadata
        case (172, 16...31): return false
        case (192, 168): return false
        case (192, 0) where b[2] == 0 || b[2] == 2: return false  // IETF protocol assignments, TEST-NET-1
        case (198, 18...19): return false  // benchmarking
        case (198, 51) where b[2] == 100: return false
        case (203, 0) where b[2] == 113: return false
        case (224...255, _): return false  // multicast, reserved, broadcast
        default: return true
        }
    }

    /// True for an IPv4 or IPv6 address written out (not a host name).
    public static func isAddressLiteral(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    /// Whether a request to `host` that resolved to `ip` may go out, given the allowlist.
    public static func permits(host: String, ip: String, allowedHosts: Set<String>) -> Bool {
        isPublic(ip) || allowedHosts.contains(host.lowercased())
    }
}
