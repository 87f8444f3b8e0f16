public import PitcrewCore

/// Reads the bodies of the collection endpoints (`/v1/track` … `/v1/batch`) as Segment's HTTP API does.
///
/// Segment's rules, followed here:
/// - 32 KB per message and 500 KB per batch; a body over either limit is refused whole (400).
/// - A body that is not JSON is refused whole (400).
/// - Within a batch, invalid messages (no `userId`/`anonymousId`, a track without `event`, …) are dropped and reported,
///   and the valid ones are accepted; a single-message endpoint refuses an invalid message with 400 naming the field.
/// - Clock skew: when the sender says when it sent (`sentAt`), `timestamp = receivedAt − (sentAt − timestamp)`.
/// - A batch's own `context` applies to each of its messages; a message's context keys win over it.
/// - A missing `messageId` gets one (`api-…`), as Segment does.
public enum SegmentPayload {
    public static let messageLimit = 32 * 1024
    public static let batchLimit = 500 * 1024
    /// A batch's `context` is stored with each of its messages: its size times their number stays under this, so a small
    /// request cannot make gigabytes of events.
    public static let batchContextBudget = 2 * 1024 * 1024
    /// Oldest instant accepted (2000-01-01) and how far ahead of the server's clock a corrected time may be.
    public static let earliest: Int64 = 946_684_800_000
    public static let futureAllowance: Int64 = 24 * 3_600_000

    public struct Parsed: Sendable {
        public var messages: [SegmentMessage] = []
        public var problems: [MessageProblem] = []
        /// `writeKey` from the body (browsers cannot send Basic auth without a preflight).
        public var writeKey: String?
        /// Where write keys sit in the body (string tokens with their quotes), to blank them before the body is stored.
        var secretRanges: [Range<Int>] = []
    }

    /// A body refused whole.
    public struct Refusal: Error, Sendable, Equatable {
        public var field: String
        public var message: String
    }

    /// The body with every write key it carries blanked (`"xxxx"`, same length, still valid JSON): what is stored.
    static func masked(_ body: [UInt8], _ ranges: [Range<Int>]) -> [UInt8] {
        guard !ranges.isEmpty else { return body }
        var copy = body
        for range in ranges where range.count >= 2 {
            for index in (range.lowerBound + 1)..<(range.upperBound - 1) { copy[index] = UInt8(ascii: "x") }
        }
        return copy
    }

    /// Parses the body of `/v1/{type}` (`type` given) or `/v1/batch` (`type` nil).
    public static func parse(_ body: [UInt8], type: MessageType?, receivedAt: Int64) throws(Refusal) -> Parsed {
        let limit = type == nil ? batchLimit : messageLimit
        if body.count > limit {
            throw Refusal(field: type == nil ? "batch" : "body", message: "The request is \(body.count) bytes, over the limit of \(limit / 1024) KB"
                + (type == nil ? " per batch." : " per message."))
        }
        do {
            return try body.withUnsafeBufferPointer { buffer in
                var scanner = JSONScanner(buffer)
                var parsed = Parsed()
                scanner.skipWhitespace()
                guard !scanner.atEnd, buffer[scanner.index] == UInt8(ascii: "{") else {
                    throw Refusal(field: "body", message: "The body must be a JSON object.")
                }
                if let type {
                    let start = scanner.index
                    let message = try readMessage(&scanner, index: nil, impliedType: type, batchSentAt: nil, receivedAt: receivedAt)
                    try trailing(&scanner)
                    message.writeKey.map { parsed.writeKey = $0 }
                    parsed.secretRanges += message.secretRanges
                    switch message.result {
                    case .success(var accepted):
                        accepted.size = scanner.index - start
                        parsed.messages.append(accepted)
                    case .failure(var problem):
                        problem.size = scanner.index - start
                        parsed.problems.append(problem)
                    }
                    return parsed
                }
                var batchRange: Range<Int>?
                var batchSentAt: String?
                var batchContext: Range<Int>?
                try scanner.object { scanner, key in
                    switch key {
                    case "batch":
                        scanner.skipWhitespace()
                        let start = scanner.index
                        guard !scanner.atEnd, buffer[start] == UInt8(ascii: "[") else {
                            throw Refusal(field: "batch", message: "batch must be an array of messages.")
                        }
                        try scanner.skip()
                        batchRange = start..<scanner.index
                    case "sentAt":
                        if case .string(let text) = try scanner.value() { batchSentAt = text }
                    case "context":
                        if case .object(let range) = try scanner.value() { batchContext = range }
                    case "writeKey":
                        scanner.skipWhitespace()
                        let start = scanner.index
                        if case .string(let text) = try scanner.value() {
                            parsed.writeKey = text
                            parsed.secretRanges.append(start..<scanner.index)
                        }
                    default:
                        try scanner.skip()
                    }
                }
                try trailing(&scanner)
                guard let batchRange else { throw Refusal(field: "batch", message: "batch is required: an array of messages.") }
                var sentAt: Int64?
                if let batchSentAt {
                    guard let instant = Timestamp.parseISO8601(batchSentAt) else {
                        throw Refusal(field: "sentAt", message: "sentAt is not an ISO 8601 date-time.")
                    }
                    sentAt = instant
                }
                var items = JSONScanner(buffer, at: batchRange.lowerBound)
                try items.array { items, position in
                    if let batchContext, (position + 1) * batchContext.count > batchContextBudget {
                        throw Refusal(
                            field: "context",
                            message: "The batch's context (\(batchContext.count) bytes) would be stored with each of its messages: send a smaller "
                                + "context or fewer messages (at most \(batchContextBudget / 1024) KB of context in all).")
                    }
                    items.skipWhitespace()
                    let start = items.index
                    guard !items.atEnd, buffer[start] == UInt8(ascii: "{") else {
                        try items.skip()
                        parsed.problems.append(MessageProblem(index: position, field: "batch[\(position)]", message: "must be an object"))
                        return
                    }
                    let read = try readMessage(
                        &items, index: position, impliedType: nil, batchSentAt: sentAt, batchContext: batchContext, receivedAt: receivedAt)
                    parsed.secretRanges += read.secretRanges
                    let size = items.index - start
                    if size > messageLimit {
                        throw Refusal(field: "batch[\(position)]", message: "Message \(position) is \(size) bytes, over the limit of 32 KB per message.")
                    }
                    switch read.result {
                    case .success(var message):
                        message.size = size
                        parsed.messages.append(message)
                    case .failure(var problem):
                        problem.size = size
                        parsed.problems.append(problem)
                    }
                }
                return parsed
            }
        } catch let refusal as Refusal {
            throw refusal
        } catch let failure as JSONScanner.Failure {
            throw Refusal(field: "body", message: "The body is not valid JSON: \(failure.reason) at byte \(failure.offset).")
        } catch {
            throw Refusal(field: "body", message: "The body could not be read.")
        }
    }

    private static func trailing(_ scanner: inout JSONScanner) throws {
        scanner.skipWhitespace()
        if !scanner.atEnd { throw JSONScanner.Failure(offset: scanner.index, reason: "unexpected data after the JSON value") }
    }

    private struct Read {
        var result: Result<SegmentMessage, MessageProblem>
        var writeKey: String?
        var secretRanges: [Range<Int>] = []
    }

    /// Reads one message object; JSON syntax errors throw (the body is refused), spec violations are a problem.
    private static func readMessage(
        _ scanner: inout JSONScanner, index: Int?, impliedType: MessageType?, batchSentAt: Int64?, batchContext: Range<Int>? = nil,
        receivedAt: Int64
    ) throws -> Read {
        var fields = Fields()
        fields.batchContext = batchContext
        var writeKey: String?
        var secretRanges: [Range<Int>] = []
        let buffer = scanner.bytes
        try scanner.object { scanner, key in
            switch key {
            case "type": fields.type = try scanner.value()
            case "messageId": fields.messageID = try scanner.value()
            case "userId": fields.userID = try scanner.value()
            case "anonymousId": fields.anonymousID = try scanner.value()
            case "event": fields.event = try scanner.value()
            case "name": fields.name = try scanner.value()
            case "category": fields.category = try scanner.value()
            case "groupId": fields.groupID = try scanner.value()
            case "previousId": fields.previousID = try scanner.value()
            case "timestamp": fields.timestamp = try scanner.value()
            case "originalTimestamp": fields.originalTimestamp = try scanner.value()
            case "sentAt": fields.sentAt = try scanner.value()
            case "properties": fields.properties = try scanner.value()
            case "traits": fields.traits = try scanner.value()
            case "context": fields.context = try scanner.value()
            case "writeKey":
                scanner.skipWhitespace()
                let start = scanner.index
                if case .string(let text) = try scanner.value() {
                    writeKey = text
                    secretRanges.append(start..<scanner.index)
                }
            default: try scanner.skip()
            }
        }
        let reader = MessageValidator(scanner: JSONScanner(buffer), index: index, receivedAt: receivedAt)
        return Read(
            result: reader.validate(fields, impliedType: impliedType, batchSentAt: batchSentAt), writeKey: writeKey, secretRanges: secretRanges)
    }

    struct Fields {
        var type, messageID, userID, anonymousID, event, name, category, groupID, previousID: JSONScanner.Value?
        var timestamp, originalTimestamp, sentAt, properties, traits, context: JSONScanner.Value?
        /// The batch's own `context` object, if it has one.
        var batchContext: Range<Int>?
    }
}
