import Foundation
import PitcrewCore
import Testing

@Suite struct IdentifierTests {
    @Test func idsMadeInALoopAreStrictlyIncreasingAndValid() {
        let ids = (0..<20_000).map { _ in Identifier.make() }
        #expect(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 })
        #expect(Set(ids).count == ids.count && ids.allSatisfy(Identifier.isValid))
        #expect(ids.allSatisfy { $0[$0.index($0.startIndex, offsetBy: 14)] == "7" })
        // RFC 9562 variant bits (10xx), and the first 48 bits are the time of making in milliseconds.
        #expect(ids.allSatisfy { "89ab".contains($0[$0.index($0.startIndex, offsetBy: 19)]) })
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        for id in [ids[0], ids[ids.count - 1]] {
            let millis = Int64(id.replacingOccurrences(of: "-", with: "").prefix(12), radix: 16) ?? 0
            #expect(abs(now - millis) < 60_000, "\(id)")
        }
        // Random bits differ between ids made in different milliseconds too: the low 62 bits are not a plain counter.
        #expect(Set(ids.map { $0.suffix(12) }).count == ids.count)
    }

    @Test func workspaceIDsAreShortAndDistinct() {
        let ids = (0..<10_000).map { _ in Identifier.makeWorkspaceID() }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.utf8.count == 12 && $0.hasPrefix("w") && $0.allSatisfy { "0123456789abcdefghjkmnpqrstvwxyz".contains($0) } })
    }
}
