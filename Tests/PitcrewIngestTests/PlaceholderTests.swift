import Foundation
@testable import PitcrewIngest
import Testing

/// Placeholders are told apart by their first byte before their case is folded: every way of writing one is still one.
@Suite struct PlaceholderTests {
    @Test func everyPlaceholderInAnyCaseIsOne() {
        for placeholder in RowNormalizer.placeholders {
            for written in [placeholder, placeholder.uppercased(), placeholder.capitalized] {
                #expect(RowNormalizer.isPlaceholder(written), "\(written)")
            }
        }
        for value in ["NA", "Ann", "nobody", "-5", "unknown person", "(415) 555-0132", "None of them", "—x"] {
            #expect(!RowNormalizer.isPlaceholder(value), "\(value)")
        }
    }
}
