@testable import PitcrewMeasure
import Testing

@Suite struct ConversionIndexTests {
    @Test func groupsByUnitSortsByTimeAndFindsEveryUnit() {
        var index = ConversionIndex()
        // 5,000 units (enough to grow the table several times), each with up to three conversions added out of order.
        for round in 0..<3 {
            for unit in 0..<5_000 where unit % 3 >= round {
                index.append(unit: "contact-\(unit)", time: Int64(10_000 - round * 100 + unit), value: Double(round))
            }
        }
        index.finish()
        #expect(index.unitCount == 5_000)
        #expect(index.count == (0..<5_000).reduce(0) { $0 + $1 % 3 + 1 })
        for unit in [0, 1, 2, 4_999, 1_234] {
            let points = index.points(of: "contact-\(unit)")
            #expect(points.count == unit % 3 + 1)
            #expect(points.map(\.time) == points.map(\.time).sorted())
            #expect(points.first?.value == Double(unit % 3))
        }
        #expect(index.points(of: "contact-5000").isEmpty && index.points(of: "").isEmpty && index.points(of: "contact-1 ").isEmpty)
        var bytes = Array("contact-42".utf8)
        #expect(bytes.withUnsafeMutableBufferPointer { index.points(of: UnsafeBufferPointer($0)).count } == 1)
        bytes[0] = UInt8(ascii: "C")
        #expect(bytes.withUnsafeMutableBufferPointer { index.points(of: UnsafeBufferPointer($0)).isEmpty })
    }
}
