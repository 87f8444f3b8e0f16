import ArgumentParser
import Foundation
import PitcrewAnalytics

/// `pitcrew attribute`: multi-touch attribution of journeys, one output row per channel per model.
///
/// The input source is resolved by `journeySource()` and loaded by `loadJourneys(from:)`; a database source
/// (`--workspace SLUG`) slots in there without touching the modelling and output code.
struct AttributeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attribute",
        abstract: "Attribute conversions to channels with rule-based, Markov and Shapley models.",
        discussion: """
            Reads ChannelAttribution's path format (header path;total_conversions;total_conversion_value;total_null, \
            channels separated by '>') and writes one row per channel per model.
            Models: \(AttributionModel.allCases.map(\.rawValue).joined(separator: ", ")); 'all' runs every model the \
            input supports and says on stderr which it skipped (path files have no timestamps for time_decay and no \
            lead/opportunity milestones for w_shaped and full_path).
            """)

    @Option(help: "Path file in ChannelAttribution's format.")
    var input: String?

    @OptionGroup var workspaceOptions: WorkspaceAttributionOptions

    @Option(help: "A model name, several separated by commas, or all.")
    var model: String = "all"

    @Option(help: "Markov chain order (1-4).")
    var order: Int = 1

    @Option(help: "Output format: csv, json or table.")
    var format: String = "table"

    @Option(name: .customLong("half-life"), help: "time_decay half-life in days.")
    var halfLife: Double = 7

    @Flag(name: .customLong("positions-as-days"), help: "time_decay without timestamps: count touch positions as days.")
    var positionsAsDays = false

    @Option(name: .customLong("position-weights"), help: "position_based shares first,middle,last (sum 1).")
    var positionWeights: String = "0.4,0.2,0.4"

    @Option(name: .customLong("custom-weights"), help: "custom relative weights of the first, each middle and the last touch.")
    var customWeights: String = "1,1,1"

    @Option(help: "Bootstrap replicates for confidence intervals of markov and the Shapley models (0 = none).")
    var bootstrap: Int = 0

    @Option(help: "Bootstrap seed; the same seed gives the same intervals.")
    var seed: UInt64 = 0

    @Option(help: "Bootstrap confidence level.")
    var confidence: Double = 0.95

    @Option(name: .customLong("empty-paths"), help: "Rows whose path has no channel: reject or skip.")
    var emptyPaths: String = "reject"

    /// A failure to read the input (exit code 1, unlike usage errors).
    struct InputError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// Where journeys come from.
    enum JourneySource {
        case pathFile(URL)
    }

    func validate() throws {
        do {
            _ = try AttributionModel.parseList(model)
        } catch {
            throw usageError("\(error)")
        }
        guard AttributionOutputFormat(rawValue: format.lowercased()) != nil else {
            throw usageError("unknown format '\(format)'; use csv, json or table")
        }
        guard (1...4).contains(order) else { throw usageError("--order must be between 1 and 4, got \(order)") }
        guard bootstrap == 0 || bootstrap >= 2 else { throw usageError("--bootstrap needs at least 2 replicates") }
        guard EmptyJourneyPolicy(rawValue: emptyPaths) != nil else { throw usageError("--empty-paths must be reject or skip") }
        _ = try weights(positionWeights, option: "--position-weights")
        _ = try weights(customWeights, option: "--custom-weights")
        if workspaceOptions.workspace != nil {
            guard input == nil else { throw usageError("give either --input FILE or --workspace SLUG, not both") }
            do { _ = try workspaceOptions.definition() } catch { throw usageError("\(error)") }
        } else {
            _ = try journeySource()
        }
    }

    func run() async throws {
        if workspaceOptions.workspace != nil {
            try await runOnWorkspace()
            return
        }
        let journeys = try await loadJourneys(from: journeySource())
        let options = try attributionOptions()
        var models = try AttributionModel.parseList(model)
        let runAll = model.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == "all" }
        if runAll {
            models = models.filter { candidate in
                guard let reason = AttributionEngine.unsupportedReason(for: candidate, in: journeys, options: options) else { return true }
                printError("skipping \(candidate.rawValue): \(reason)")
                return false
            }
        }
        if journeys.skippedEmptyJourneys > 0 {
            printError(
                "skipped \(journeys.skippedEmptyJourneys) journeys without touches "
                    + "(\(journeys.skippedConversions) conversions are not attributed)")
        }
        let results = try AttributionEngine.run(models, on: journeys, options: options)
        let output = AttributionReportWriter.render(results, format: AttributionOutputFormat(rawValue: format.lowercased()) ?? .table)
        FileHandle.standardOutput.write(Data(output.utf8))
    }

    func journeySource() throws -> JourneySource {
        guard let input else { throw usageError("--input FILE is required") }
        return .pathFile(URL(fileURLWithPath: input))
    }

    func loadJourneys(from source: JourneySource) async throws -> JourneySet {
        switch source {
        case .pathFile(let url):
            guard FileManager.default.isReadableFile(atPath: url.path) else {
                throw InputError(message: "cannot read input file '\(url.path)'")
            }
            let parserOptions = PathFileParser.Options(emptyPaths: EmptyJourneyPolicy(rawValue: emptyPaths) ?? .reject)
            return try PathFileParser.parse(contentsOf: url, options: parserOptions)
        }
    }

    func attributionOptions() throws -> AttributionOptions {
        var options = AttributionOptions()
        options.markovOrder = order
        options.halfLifeDays = halfLife
        options.timeDecayFallback = positionsAsDays ? .positionAsDays : .reject
        options.positionBased = try weights(positionWeights, option: "--position-weights")
        options.custom = try weights(customWeights, option: "--custom-weights")
        if bootstrap > 0 { options.bootstrap = BootstrapOptions(replicates: bootstrap, seed: seed, level: confidence) }
        return options
    }

    private func weights(_ text: String, option: String) throws -> PositionShares {
        let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, let first = parts[0], let middle = parts[1], let last = parts[2] else {
            throw usageError("\(option) takes three numbers first,middle,last, got '\(text)'")
        }
        return PositionShares(first: first, middle: middle, last: last)
    }

    /// Usage errors print ArgumentParser's message and usage, and exit with 2 as the project's CLI convention says
    /// (a plain `ValidationError` would exit with 64).
    /// A usage error: `Pitcrew.main` prints it with the usage and exits 2 (never printed here, so `--help` stays clean).
    func usageError(_ message: String) -> ValidationError {
        ValidationError(message)
    }

    func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
