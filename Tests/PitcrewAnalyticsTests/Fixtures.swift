import Foundation
import PitcrewAnalytics

/// Access to the fixtures copied from shared/benchmarks/attribution/fixtures.
enum Fixtures {
    static func url(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Fixtures") else {
            throw FixtureError.missing(name)
        }
        return url
    }

    static func text(_ name: String) throws -> String { try String(contentsOf: url(name), encoding: .utf8) }

    static func journeys(_ dataset: String) throws -> JourneySet { try PathFileParser.parse(contentsOf: url("\(dataset)_paths")) }

    /// An expected-output CSV as channel → column → number.
    static func expected(_ name: String) throws -> [String: [String: Double]] {
        let lines = try text(name).split(whereSeparator: \.isNewline)
        let header = lines[0].split(separator: ",").map(String.init)
        var table: [String: [String: Double]] = [:]
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            var row: [String: Double] = [:]
            for (column, cell) in zip(header.dropFirst(), cells.dropFirst()) { row[column] = Double(cell) }
            table[cells[0]] = row
        }
        return table
    }

    enum FixtureError: Error { case missing(String) }
}

/// Equality to 1e-9 relative; below 1 to 1e-9 absolute, because the fixtures print 9 decimals.
func closeExact(_ actual: Double, _ expected: Double) -> Bool {
    abs(actual - expected) <= 1e-9 * max(abs(expected), 1)
}

/// Within `tolerance` relative.
func closeRelative(_ actual: Double, _ expected: Double, _ tolerance: Double) -> Bool {
    abs(actual - expected) <= tolerance * abs(expected)
}

extension Array where Element == ModelAttribution {
    func credit(_ model: AttributionModel, _ channel: String) -> ChannelCredit? {
        first { $0.model == model }?.credit(for: channel)
    }
}
