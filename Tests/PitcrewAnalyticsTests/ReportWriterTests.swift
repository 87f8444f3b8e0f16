import Foundation
import PitcrewAnalytics
import Testing

@Suite("Report writers")
struct ReportWriterTests {
    @Test func csvJsonAndTableHaveOneRowPerChannelPerModel() throws {
        let journeys = try Fixtures.journeys("tiny")
        var options = AttributionOptions()
        options.bootstrap = BootstrapOptions(replicates: 10, seed: 1)
        let results = try AttributionEngine.run([.firstTouch, .markov, .shapleyOrdered], on: journeys, options: options)

        let csv = AttributionReportWriter.render(results, format: .csv).split(separator: "\n")
        #expect(csv[0] == "channel_name,model,conversions,value,removal_effect,removal_effect_value,ci_low,ci_high,positions")
        #expect(csv.count == 1 + 3 * 3)
        #expect(csv[1].hasPrefix("C1,first_touch,3.0,250.0,,,,,"))

        let json = AttributionReportWriter.render(results, format: .json)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(rows.count == 9)
        let markov = try #require(rows.first { $0["model"] as? String == "markov" && $0["channel_name"] as? String == "C3" })
        #expect(abs((markov["removal_effect"] as! Double) - 0.8) < 1e-12)
        #expect(markov["conversions_ci"] is [String: Double])

        let table = AttributionReportWriter.render(results, format: .table)
        #expect(table.hasPrefix("channel_name"))
        #expect(table.split(separator: "\n").count == 2 + 9)
    }

    @Test func csvQuotesAndJsonEscapesNames() throws {
        var builder = JourneySetBuilder()
        try builder.add(channels: ["news, \"daily\""], outcome: .converted())
        let results = try AttributionEngine.run([.linear], on: builder.build())
        #expect(AttributionReportWriter.csv(results).contains("\"news, \"\"daily\"\"\",linear,1.0,0.0"))
        let json = AttributionReportWriter.json(results)
        let rows = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]
        #expect(rows?.first?["channel_name"] as? String == "news, \"daily\"")
    }
}
