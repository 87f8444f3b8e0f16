public import Logging
public import PitcrewCore
public import PitcrewStore
import Synchronization

/// The collection endpoints' work. A request is authenticated by its write key, read as Segment's API reads it, and
/// appended to the collection log; the 200 follows the log's commit (group commit). `IngestProcessor` then turns the
/// log into events, identities and touchpoints. The live debugger keeps each source's last messages.
public final class CollectionService: Sendable {
    public let sources: SourceService
    public let debugger: EventDebugger
    public let processor: IngestProcessor
    let appender: LogAppender
    let backlog: Backlog
    let database: Database

    public convenience init(database: Database, sources: SourceService, backlogLimit: Int = 2_000_000, logger: Logger = Logger(label: "pitcrew.collect")) {
        self.init(database: database, sources: sources, backlogLimit: backlogLimit, burstGate: nil, logger: logger)
    }

    init(database: Database, sources: SourceService, backlogLimit: Int, burstGate: BurstGate?, logger: Logger = Logger(label: "pitcrew.collect")) {
        self.database = database
        self.sources = sources
        let debugger = EventDebugger()
        self.debugger = debugger
        let backlog = Backlog(limit: backlogLimit)
        self.backlog = backlog
        let log = CollectionLog(main: database)
        let appender = LogAppender(log: log, logger: logger)
        self.appender = appender
        self.processor = IngestProcessor(
            database: database, log: log, appender: appender, cache: IdentityCache(), settings: WorkspaceSettingsCache(database: database), debugger: debugger, backlog: backlog,
            burstGate: burstGate, logger: logger)
    }

    public struct Result: Sendable {
        /// Messages accepted (durably logged; stored as events by the processor, duplicates skipped).
        public var accepted: Int
        public var rejected: [MessageProblem]
    }

    /// Accepts a request body for `/v1/{type}` (`type` given) or `/v1/batch` (`type` nil). `basicUser` is the HTTP Basic user.
    /// Throws `PitcrewError` (unauthenticated; invalid with the field; unavailable when the backlog is full).
    public func collect(_ body: [UInt8], type: MessageType?, basicUser: String?) async throws -> Result {
        let receivedAt = Timestamp.now()
        let parsed: SegmentPayload.Parsed
        do {
            parsed = try SegmentPayload.parse(body, type: type, receivedAt: receivedAt)
        } catch {
            await refused(type: type, field: error.field, message: error.message, size: body.count, basicUser: basicUser)
            throw PitcrewError.invalid(error.field, error.message)
        }
        guard let key = (basicUser?.isEmpty == false ? basicUser : nil) ?? parsed.writeKey, !key.isEmpty else {
            throw PitcrewError(.unauthenticated, "Send the source's write key as the HTTP Basic user name.")
        }
        guard let source = try await sources.authenticate(writeKey: key) else {
            throw PitcrewError(.unauthenticated, "The write key is unknown or revoked.")
        }
        for problem in parsed.problems.suffix(EventDebugger.capacity) { debugger.record(source: source.id, problem: problem, at: receivedAt) }
        if type != nil, let problem = parsed.problems.first {
            throw PitcrewError(.invalid, "The message was not accepted.", fieldErrors: [FieldError(field: problem.field, message: problem.message)])
        }
        if !parsed.messages.isEmpty {
            guard try await backlog.pending(processor.log) < backlog.limit else {
                throw PitcrewError(.unavailable, "Pitcrew is behind on processing events; send them again in a minute.")
            }
            let stored = SegmentPayload.masked(body, parsed.secretRanges)
            let seed = Identifier.make()
            try await appender.append(LogEntry(
                workspaceID: source.workspaceID, sourceID: source.id, receivedAt: receivedAt, kind: type?.rawValue ?? "batch",
                messages: parsed.messages.count, body: String(decoding: stored, as: UTF8.self), idSeed: seed))
            backlog.accepted(parsed.messages.count)
            // Messages sent without a messageId show the id the processor will store them under (see `IngestProcessor`),
            // so the notes it adds reach them.
            var messages = parsed.messages
            for index in messages.indices where messages[index].generatedID { messages[index].messageID = IngestProcessor.generatedID(seed: seed, index: index) }
            debugger.record(source: source.id, messages: messages.suffix(EventDebugger.capacity), warnings: [:], at: receivedAt)
        }
        return Result(accepted: parsed.messages.count, rejected: parsed.problems)
    }

    /// Shows a request refused whole in its source's debugger, when the request names the source (a Basic-auth write
    /// key; one in a body that could not be read is unknown).
    public func refused(type: MessageType?, field: String, message: String, size: Int, basicUser: String?) async {
        guard let key = basicUser, !key.isEmpty, let source = try? await sources.authenticate(writeKey: key) else { return }
        debugger.record(source: source.id, refusedRequest: type, field: field, message: message, size: size, at: Timestamp.now())
    }

    /// Messages of the workspace accepted (answered 200) but not yet turned into events: normally a moment's worth,
    /// more while the processor waits out a burst (`BurstGate`) or catches up after one.
    public func waiting(_ scope: AccessScope) async throws -> Int64 {
        try await processor.log.waitingMessages(workspaceID: scope.workspace.id)
    }

    /// Undoes identity merge `id` (see `MergeHistory`), between the processor's batches so no batch works from the
    /// identities as they were before. Needs write access; recorded in the audit log.
    public func undoMerge(_ scope: AccessScope, id: String) async throws -> IdentityMerge {
        try scope.require(.write)
        let workspaceID = scope.workspace.id
        let actor = scope.actor
        return try await processor.exclusive { raw in
            let merge = try await MergeHistory.undo(raw, workspaceID: workspaceID, id: id, now: Timestamp.now())
            try await AuditLog.record(
                raw, workspaceID: workspaceID, actor: actor, action: "identity_merge.undo", entity: "identity_merge", entityID: merge.id,
                after: ["kept_contact_id": merge.keptContactID, "restored_contact_id": merge.mergedContactID])
            return merge
        }
    }

    /// Forgets cached workspace settings (after the grouping or default country changed).
    public func settingsChanged(workspaceID: String) { processor.settings.invalidate(workspaceID) }
}
