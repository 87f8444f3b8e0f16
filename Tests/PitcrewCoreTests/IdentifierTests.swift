import PitcrewCore
import Testing

@Suite struct IdentifierTests {
    @Test func idsMadeInALoopAreStrictlyIncreasingAndValid() {
        let ids = (0..<20_000).map { _ in Identifier.make() }
        #expect(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 })
        #expect(Set(ids).count == ids.count && ids.allSatisfy(Identifier.isValid))
        #expect(ids.allSatisfy { $0[$0.index($0.startIndex, offsetBy: 14)] == "7" })
    }
}
