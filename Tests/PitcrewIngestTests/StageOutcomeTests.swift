import Testing

@testable import PitcrewIngest

/// A deal's stage says won or lost only when it says so as a whole.
@Suite struct StageOutcomeTests {
    @Test(arguments: [
        ("Closed Won", ImportWriter.StageOutcome.won), ("Won", .won), ("Closed - Won", .won), ("closedwon", .won), ("Closed/Won", .won),
        ("Gewonnen", .won), ("Abgeschlossen gewonnen", .won), ("Gagné", .won), ("Cerrado ganado", .won),
        ("Closed Lost", .lost), ("Lost", .lost), ("closedlost", .lost), ("Verloren", .lost), ("Perdido", .lost),
        ("Won't buy", .open), ("Not won", .open), ("Lost contact - reengage", .open), ("Closed", .open), ("Negotiation/Review", .open),
    ])
    func stage(_ stage: String, _ outcome: ImportWriter.StageOutcome) {
        #expect(ImportWriter.stageOutcome(stage) == outcome, "\(stage)")
    }
}
