public import PitcrewCore

/// The Segment spec's message types.
public enum MessageType: String, Sendable, CaseIterable, Codable {
    case track, identify, page, screen, group, alias
}

/// One message of the Segment spec as received, validated, with the parts Pitcrew acts on pulled out.
/// `properties`, `traits` and `context` keep the sender's JSON text exactly.
public struct SegmentMessage: Sendable, Equatable {
    public var type: MessageType
    public var messageID: String
    public var userID: String?
    public var anonymousID: String?
    /// Track: the event name; page/screen: the page name.
    public var name: String?
    public var groupID: String?
    public var previousID: String?
    /// Instant the event happened, corrected for the sender's clock (see `SegmentPayload`).
    public var occurredAt: Int64
    public var sentAt: Int64?
    public var properties: String?
    public var traits: String?
    public var context: String?
    /// Scalars of `traits` (identify, group) and `context.traits`, for identity and field updates.
    public var traitScalars: [String: String] = [:]
    /// Nested objects of `traits` (e.g. `address`, `company`) as JSON text.
    public var traitObjects: [String: String] = [:]
    /// Keys of `traitScalars` the sender wrote as a JSON number or boolean: custom traits keep that type.
    public var traitLiterals: Set<String> = []
    public var campaign: [String: String] = [:]
    /// The page's URL: `context.page.url`, else a page call's `properties.url`, else the page's `path` and `search` (a
    /// relative location, which some server-side senders give instead of a URL).
    public var pageURL: String?
    public var referrer: String?
    public var ip: String?
    public var userAgent: String?
    /// Size of the message's JSON in bytes.
    public var size: Int
    /// True when the sender gave no messageId (Pitcrew made one).
    var generatedID = false
    /// The context page's `path` and `search` (`MessageValidator.location`): a page call's URL when it gives none.
    var pageLocation: String?
    /// Worked out before the commit (in parallel, per request): the touch a page view makes, if any.
    var touch: PreparedTouch?
}

/// A page view's touch with its channel, ready to store.
struct PreparedTouch: Sendable, Equatable {
    var signal: TouchSignal
    var channel: String
}

/// A message that could not be accepted, with the field at fault (`batch[3].userId`).
public struct MessageProblem: Sendable, Equatable, Error {
    public var index: Int?
    public var field: String
    public var message: String
    public var messageID: String?
    public var type: String?
    /// The message's ids as sent (for the debugger).
    public var userID: String?
    public var anonymousID: String?
    /// The message's size in bytes (0 when unknown).
    public var size = 0

    public init(index: Int?, field: String, message: String, messageID: String? = nil, type: String? = nil) {
        self.index = index
        self.field = field
        self.message = message
        self.messageID = messageID
        self.type = type
    }
}
