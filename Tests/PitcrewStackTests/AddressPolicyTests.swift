import PitcrewStore
import Testing

@Suite struct AddressPolicyTests {
    @Test(arguments: [
        "127.0.0.1", "10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1",
        "255.255.255.255", "::1", "::", "fe80::1", "fd00::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "not an ip",
        "::10.0.0.1", "::ffff:0:10.0.0.1", "2002:a00:1::1", "fec0::1", "2001:0:4136:e378::1", "64:ff9b:1::1",
    ])
    func refusesPrivateAndReserved(address: String) {
        #expect(!AddressPolicy.isPublic(address))
        #expect(!AddressPolicy.permits(host: "example.com", ip: address, allowedHosts: []))
    }

    @Test(arguments: ["93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700::1111", "::ffff:8.8.8.8"])
    func allowsPublic(address: String) {
        #expect(AddressPolicy.isPublic(address))
    }

    @Test func hostNamesStartingWithADigitAreNames() {
        #expect(!AddressPolicy.isAddressLiteral("6sense.com") && !AddressPolicy.isAddressLiteral("8x8.com"))
        #expect(AddressPolicy.isAddressLiteral("10.0.0.1") && AddressPolicy.isAddressLiteral("::1"))
        #expect(AddressPolicy.isPublic("2002:5db8:d822::1"))  // 6to4 of a public address
    }

    @Test func anAllowedHostMayResolveToAPrivateAddress() {
        #expect(AddressPolicy.permits(host: "Status.Internal", ip: "10.0.0.5", allowedHosts: ["status.internal"]))
        #expect(!AddressPolicy.permits(host: "other.internal", ip: "10.0.0.5", allowedHosts: ["status.internal"]))
    }
}
