import PitcrewCore
@testable import PitcrewIngest
import Testing

@Suite struct SegmentPayloadTests {
    static let now: Int64 = 1_795_000_000_000  // 2026-11-18

    func parse(_ json: String, type: MessageType? = nil) throws(SegmentPayload.Refusal) -> SegmentPayload.Parsed {
        try SegmentPayload.parse(Array(json.utf8), type: type, receivedAt: Self.now)
    }

    @Test func trackWithEverythingSegmentSends() throws {
        let parsed = try parse(
            """
            {"userId": 42, "event": "Signed Up", "messageId": "m-1", "timestamp": "2026-11-18T07:20:00Z",
             "properties": {"plan": "Pro", "nested": {"a": [1, 2.5e3, true, null]}},
             "context": {"ip": "203.0.113.9", "userAgent": "UA", "campaign": {"source": "Google", "medium": "cpc", "name": "spring"},
                         "page": {"url": "https://example.com/?gclid=x", "referrer": "https://www.google.com/"},
                         "traits": {"email": " Ann@Example.COM "}},
             "integrations": {"All": true}}
            """, type: .track)
        #expect(parsed.problems.isEmpty)
        let message = try #require(parsed.messages.first)
        #expect(message.type == .track && message.userID == "42" && message.name == "Signed Up" && message.messageID == "m-1")
        #expect(message.properties == #"{"plan": "Pro", "nested": {"a": [1, 2.5e3, true, null]}}"#)
        #expect(message.campaign == ["source": "Google", "medium": "cpc", "name": "spring"])
        #expect(message.pageURL == "https://example.com/?gclid=x" && message.referrer == "https://www.google.com/")
        #expect(message.ip == "203.0.113.9" && message.userAgent == "UA")
        #expect(message.traitScalars["email"] == "ann@example.com")
        #expect(message.occurredAt == Timestamp.parseISO8601("2026-11-18T07:20:00Z"))
    }

    @Test func clockSkewIsCorrectedWithSentAt() throws {
        // The sender's clock is 10 minutes fast: it says it sent at 07:30 what happened at 07:29; we received it at `now`.
        let parsed = try parse(
            """
            {"batch": [{"type": "track", "anonymousId": "a", "event": "X", "timestamp": "2026-11-18T07:29:00Z"}],
             "sentAt": "2026-11-18T07:30:00Z"}
            """)
        #expect(parsed.messages.first?.occurredAt == Self.now - 60_000)
    }

    @Test func anEmailThatIsNotAStringSaysSo() throws {
        let parsed = try parse(#"{"batch": [{"type": "identify", "userId": "u", "traits": {"email": 123}}]}"#)
        #expect(parsed.problems.map(\.field) == ["batch[0].traits.email"] && parsed.problems.first?.message == "must be a string, not a number or boolean")
    }

    /// A batch's own context applies to each message (Segment's batch API); a message's own context keys win.
    @Test func aBatchsContextAppliesToItsMessages() throws {
        let parsed = try parse(
            """
            {"context": {"campaign": {"source": "google", "medium": "cpc"}, "ip": "203.0.113.9", "library": {"name": "server"}},
             "batch": [
              {"type": "page", "anonymousId": "a", "properties": {"url": "https://acme.example/"}},
              {"type": "page", "anonymousId": "b", "context": {"campaign": {"source": "newsletter", "medium": "email"}, "ip": "198.51.100.7"}}
            ]}
            """)
        #expect(parsed.problems.isEmpty && parsed.messages.count == 2)
        let first = try #require(parsed.messages.first)
        #expect(first.campaign == ["source": "google", "medium": "cpc"] && first.ip == "203.0.113.9")
        #expect(first.context == #"{"campaign": {"source": "google", "medium": "cpc"}, "ip": "203.0.113.9", "library": {"name": "server"}}"#)
        let second = try #require(parsed.messages.last)
        #expect(second.campaign == ["source": "newsletter", "medium": "email"] && second.ip == "198.51.100.7")
        #expect(second.context == #"{"campaign":{"medium":"email","source":"newsletter"},"ip":"198.51.100.7","library":{"name":"server"}}"#)
        // A large context with many tiny messages would be stored many times over: refused.
        let context = #"{"blob": "\#(String(repeating: "x", count: 100_000))"}"#
        func tiny(_ count: Int) -> String { Array(repeating: #"{"type": "track", "anonymousId": "a", "event": "E"}"#, count: count).joined(separator: ",") }
        #expect(throws: SegmentPayload.Refusal.self) { try parse(#"{"context": \#(context), "batch": [\#(tiny(30))]}"#) }
        #expect(try parse(#"{"context": \#(context), "batch": [\#(tiny(4))]}"#).messages.count == 4)
    }

    @Test func batchKeepsValidMessagesAndReportsTheOthers() throws {
        let parsed = try parse(
            """
            {"batch": [
              {"type": "track", "anonymousId": "a", "event": "Ok"},
              {"type": "track", "event": "No ids"},
              {"type": "track", "userId": "u"},
              {"type": "teleport", "userId": "u"},
              {"type": "identify", "userId": "u", "traits": {"email": "not-an-email"}},
              {"type": "page", "userId": "u", "timestamp": "1970-01-02T00:00:00Z"},
              {"type": "page", "userId": "u", "timestamp": "yesterday"},
              {"type": "group", "userId": "u"},
              {"type": "alias", "userId": "u"},
              {"type": "track", "userId": ["u"], "event": "X"},
              "text",
              {"type": "identify", "anonymousId": "b", "traits": {"email": "B@x.io"}}
            ]}
            """)
        #expect(parsed.messages.map(\.type) == [.track, .identify])
        #expect(parsed.problems.map(\.field) == [
            "batch[1].userId", "batch[2].event", "batch[3].type", "batch[4].traits.email", "batch[5].timestamp", "batch[6].timestamp",
            "batch[7].groupId", "batch[8].previousId", "batch[9].userId", "batch[10]",
        ])
        #expect(parsed.problems[0].message == "userId or anonymousId is required")
    }

    @Test func limitsAreSegments() {
        let big = String(repeating: "x", count: 33 * 1024)
        #expect(throws: SegmentPayload.Refusal.self) { try parse(#"{"anonymousId": "a", "event": "\#(big)"}"#, type: .track) }
        let inBatch = #"{"batch": [{"type": "track", "anonymousId": "a", "event": "E", "properties": {"p": "\#(big)"}}]}"#
        do {
            _ = try parse(inBatch)
            Issue.record("a 33 KB message in a batch was accepted")
        } catch {
            #expect(error.field == "batch[0]" && error.message.contains("32 KB"))
        }
        let many = "{\"batch\": [" + Array(repeating: #"{"type": "track", "anonymousId": "a", "event": "\#(String(repeating: "y", count: 20_000))"}"#, count: 30)
            .joined(separator: ",") + "]}"
        #expect(throws: SegmentPayload.Refusal(field: "batch", message: "The request is \(many.utf8.count) bytes, over the limit of 500 KB per batch.")) {
            try parse(many)
        }
    }

    @Test(arguments: [
        "", "[]", "{", #"{"batch": [}"#, #"{"batch": {}}"#, #"{"a": 01}"#, "{\"a\": \"\u{01}\"}", #"{"a": "\ud800"}"#, #"{} x"#,
        #"{"batch": []"#,
    ])
    func malformedBodiesAreRefusedWhole(body: String) {
        #expect(throws: SegmentPayload.Refusal.self) { try parse(body) }
    }

    @Test func invalidUTF8IsRefused() {
        let bytes: [UInt8] = Array(#"{"batch": [{"type": "track", "anonymousId": ""#.utf8) + [0xC3, 0x28] + Array(#"", "event": "E"}]}"#.utf8)
        #expect(throws: SegmentPayload.Refusal.self) { try SegmentPayload.parse(bytes, type: nil, receivedAt: Self.now) }
    }

    @Test func escapesAreDecoded() throws {
        let parsed = try parse(#"{"anonymousId": "a\u00e9\"\\\/\n\ud83d\ude00", "event": "E"}"#, type: .track)
        #expect(parsed.messages.first?.anonymousID == "aé\"\\/\n😀")
    }

    @Test func missingMessageIdGetsOne() throws {
        let parsed = try parse(#"{"anonymousId": "a", "event": "E"}"#, type: .track)
        #expect(parsed.messages.first?.messageID.hasPrefix("api-") == true)
    }
}
