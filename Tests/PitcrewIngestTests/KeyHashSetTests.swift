@testable import PitcrewIngest
import Testing

/// The reader's set of key hashes answers as a `Set<UInt64>` would, through its growth and for the value 0.
@Suite struct KeyHashSetTests {
    @Test func answersAsASetWould() {
        var keys = KeyHashSet()
        var reference = Set<UInt64>()
        var generator = SystemRandomNumberGenerator()
        // Random hashes, small numbers (poorly mixed values), and each again.
        let values = (0..<20_000).map { _ in UInt64.random(in: .min ... .max, using: &generator) } + (0..<5_000).map { UInt64($0) }
        for value in values + values.shuffled() {
            #expect(keys.insert(value) == reference.insert(value).inserted)
        }
        #expect(keys.count == reference.count)
    }
}
