public import Logging
public import PitcrewCore
public import PitcrewStore
import Synchronization

/// The collection endpoints' work: authenticate the write key, read the body as Segment's API does, wait for the
/// durable commit, and keep the live debugger's last events per source.
public final class CollectionService: Sendable {
    public let sources: SourceService
    let committer: GroupCommitter
    let settings: WorkspaceSettingsCache
    public let debugger: EventDebugger

    public init(database: Database, sources: SourceService, logger: Logger = Logger(label: "pitcrew.collect")) {
        self.sources = sources
        let settings = WorkspaceSettingsCache(database: database)
        self.settings = settings
        self.committer = GroupCommitter(writer: EventWriter(database: database, cache: IdentityCache(), settings: settings), logger: logger)
        self.debugger = EventDebugger()
    }

    public struct Result: Sendable {
        public var stored: Int
        public var duplicates: Int
        public var rejected: [MessageProblem]
    }

    /// Accepts a request body for `/v1/{type}` (`type` given) or `/v1/batch`. `basicUser` is the HTTP Basic user.
    /// Throws `PitcrewError` (unauthenticated, invalid with the field) when the request is refused whole.
    public func collect(_ body: [UInt8], type: MessageType?, basicUser: String?) async throws -> Result {
        let receivedAt = Timestamp.now()
        let parsed: SegmentPayload.Parsed
        do {
            parsed = try SegmentPayload.parse(body, type: type, receivedAt: receivedAt)
        } catch {
            throw PitcrewError.invalid(error.field, error.message)
        }
        guard let key = (basicUser?.isEmpty == false ? basicUser : nil) ?? parsed.writeKey, !key.isEmpty else {
            throw PitcrewError(.unauthenticated, "Send the source's write key as the HTTP Basic user name.")
        }
        guard let source = try await sources.authenticate(writeKey: key) else {
            throw PitcrewError(.unauthenticated, "The write key is unknown or revoked.")
        }
        for problem in parsed.problems { debugger.record(source: source.id, problem: problem, at: receivedAt) }
        if type != nil, let problem = parsed.problems.first {
            throw PitcrewError(.invalid, "The message was not accepted.", fieldErrors: [FieldError(field: problem.field, message: problem.message)])
        }
        var outcome = CommitOutcome()
        var messages = parsed.messages
        if !messages.isEmpty {
            // Work that needs no database happens here, in parallel across requests; the commit stays short.
            let settings = try await settings.settings(for: source.workspaceID)
            for index in messages.indices where messages[index].type == .page || messages[index].type == .screen {
                let message = messages[index]
                let signal = TouchSignal.from(
                    url: message.pageURL, referrer: message.referrer, campaign: message.campaign,
                    siteHost: message.pageURL.flatMap(TouchSignal.host))
                if signal.isTouch { messages[index].touch = PreparedTouch(signal: signal, channel: settings.classifier.classify(signal)) }
            }
            outcome = try await committer.commit(Submission(workspaceID: source.workspaceID, sourceID: source.id, messages: messages))
        }
        debugger.record(source: source.id, messages: messages.suffix(EventDebugger.capacity), warnings: outcome.warnings, at: receivedAt)
        return Result(stored: outcome.stored, duplicates: outcome.duplicates, rejected: parsed.problems)
    }

    /// Forgets cached workspace settings (after the grouping or default country changed).
    public func settingsChanged(workspaceID: String) { settings.invalidate(workspaceID) }
}
