public import Logging
import PitcrewCore
public import PitcrewStore
public import ServiceLifecycle
import Synchronization

/// Turns the collection log into events, contacts and touchpoints, in arrival order, exactly once: on PostgreSQL the rows
/// written and the log entries they came from are deleted in one transaction; on SQLite the log's writer deletes the
/// entries once the rows are committed (processing is idempotent: see `CollectionLog`). Runs as a service of the server;
/// commands and tests call `processPending()`.
public final class IngestProcessor: Service, Sendable {
    let database: Database
    /// Where accepted requests wait (on SQLite a file of its own: see `CollectionLog`).
    let log: CollectionLog
    /// The log's writer, which deletes processed entries on SQLite.
    let appender: LogAppender
    let cache: IdentityCache
    let settings: WorkspaceSettingsCache
    let debugger: EventDebugger
    let logger: Logger
    /// Log entries per transaction and the most messages they may hold (bounds how long the write lock is held).
    static let entriesPerBatch = 2_000
    static let messagesPerBatch = 2_000
    static let idleWait: Duration = .milliseconds(20)
    /// How often a processor waiting out a burst looks again (see `BurstGate`).
    static let burstWait: Duration = .milliseconds(250)
    private let processing = AsyncLock()
    /// The `identity_epoch` this processor's cache was filled under (PostgreSQL; see `processOldest`).
    let identityEpoch = Atomic<Int64>(-1)
    private let started = Mutex(false)
    let backlog: Backlog
    /// When the background loop steps aside for a burst (tests use a faster one).
    let burstGate: BurstGate

    init(
        database: Database, log: CollectionLog, appender: LogAppender, cache: IdentityCache, settings: WorkspaceSettingsCache, debugger: EventDebugger, backlog: Backlog,
        burstGate: BurstGate?, logger: Logger
    ) {
        self.database = database
        self.log = log
        self.appender = appender
        self.cache = cache
        self.settings = settings
        self.debugger = debugger
        self.backlog = backlog
        self.burstGate = burstGate ?? BurstGate(waitingLimit: backlog.limit / 2)
        self.logger = logger
    }

    /// Lets `run()` begin (the server calls it once migrations are applied).
    public func start() { started.withLock { $0 = true } }

    /// The processor's own thread, in the idle scheduling class: under a burst, accepting requests comes first and
    /// processing catches up from the log afterwards. It reads and parses the log there, holding no lock.
    static let executor = DedicatedThreadExecutor(name: "pitcrew-ingest", priority: .idle)
    /// The SQLite transactions that write what was parsed hold the database's write lock, so they run on a thread of
    /// lowered but guaranteed priority: starved while holding the lock, the processor would stall every other writer (API
    /// and page writes, imports). It never takes the log file's lock at all (see `LogAppender.retire`).
    static let writeExecutor = DedicatedThreadExecutor(name: "pitcrew-ingest-write", priority: .lowered(niceness: 10))

    /// A write transaction on `writeExecutor`.
    private func writeTransaction<T: Sendable>(_ body: @Sendable (RawSQL) async throws -> T) async throws -> T {
        let database = self.database
        return try await withTaskExecutorPreference(Self.writeExecutor) { try await database.rawTransaction(body) }
    }

    public func run() async throws {
        try await withTaskExecutorPreference(Self.executor) { try await self.loop() }
    }

    private func loop() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled, !self.started.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(20)) }
            var gate = self.burstGate
            while !Task.isCancelled {
                if gate.shouldWait(arrivals: self.backlog.arrivals, waiting: self.backlog.known ?? 0, now: .now) {
                    try? await Task.sleep(for: Self.burstWait)
                    continue
                }
                do {
                    if try await self.processBatch() == 0 { try? await Task.sleep(for: Self.idleWait) }
                } catch is CancellationError {
                    break  // shutting down; what is left stays in the log
                } catch {
                    self.logger.error("Processing collected events failed; retrying", metadata: ["error": "\(error)"])
                    self.cache.removeAll()
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }

    /// Runs `body` (a write of identities outside the log, such as undoing a merge) between batches, then forgets the
    /// cached identity mappings it may have made stale.
    func exclusive<T: Sendable>(_ body: @Sendable (RawSQL) async throws -> T) async throws -> T {
        await processing.lock()
        do {
            let backend = database.backend
            let result = try await database.rawTransaction { raw in
                if backend == .postgres {
                    // In turn with every node's processor, and telling them to drop their cached identities.
                    try await raw.run("SELECT pg_advisory_xact_lock(7250002)")
                }
                try await raw.run("UPDATE identity_epoch SET value = value + 1 WHERE id = 1")
                return try await body(raw)
            }
            cache.removeAll()
            await processing.unlock()
            return result
        } catch {
            await processing.unlock()
            throw error
        }
    }

    /// Drops the cached identities when a merge was undone since the last batch (by this or another process or node):
    /// they may point at the contact it was merged into.
    func checkIdentityEpoch(_ raw: RawSQL) async throws {
        let epoch = try await raw.rows("SELECT value FROM identity_epoch WHERE id = 1").first?.first?.integer ?? 0
        if identityEpoch.exchange(epoch, ordering: .relaxed) != epoch { cache.removeAll() }
    }

    /// The message id of the `index`th message of a log entry that was sent without one.
    static func generatedID(seed: String, index: Int) -> String { "api-\(seed)-\(index)" }

    /// Processes everything in the log now (returns when it is empty).
    public func processPending() async throws {
        while try await processBatch() > 0 {}
    }

    /// Log entries (accepted requests) not processed yet.
    public func pendingEntries() async throws -> Int {
        Int(try await log.database().rawRead { raw in try await raw.rows("SELECT COUNT(*) FROM ingest_log") }.first?.first?.integer ?? 0)
    }

    struct Raced: Error {}

    struct Entry {
        let seq: Int64
        /// The entry's random id seed: with `seq` it names the entry, since SQLite reuses a seq once the log is empty.
        let seed: String
        let submission: Submission
    }

    /// Processes the oldest entries; returns how many log entries it took.
    func processBatch() async throws -> Int {
        await processing.lock()
        do {
            let count = try await processOldest()
            await processing.unlock()
            return count
        } catch is Raced {
            await processing.unlock()
            return 1
        } catch {
            await processing.unlock()
            throw error
        }
    }

    static let selectOldest = "SELECT seq, workspace_id, source_id, received_at, kind, body, messages, id_seed FROM ingest_log ORDER BY seq LIMIT ?"

    private func processOldest() async throws -> Int {
        switch database.backend {
        case .sqlite:
            // Read and parse the log, write to the database, then delete from the log.
            let (entries, deadLetters) = try await readOldest()
            return try await commit(entries, deadLetters: deadLetters)
        case .postgres:
            // Several nodes (or processes) may run processors: they take turns on a transaction-scoped advisory lock, so the
            // log is processed in order (identify before the events that follow it) and never by two at once.
            let cache = self.cache
            let processor = self
            let done = try await writeTransaction { raw -> (entries: [Entry], outcomes: [CommitOutcome], staged: [IdentityCache.Key: String]) in
                try await raw.run("SELECT pg_advisory_xact_lock(7250002)")
                try await processor.checkIdentityEpoch(raw)
                let rows = try await raw.rows(Self.selectOldest, [.integer(Int64(Self.entriesPerBatch))])
                let (entries, deadLetters) = try await processor.prepare(rows)
                guard !entries.isEmpty else { return ([], [], [:]) }
                try await raw.insert("ingest_dead_letters", columns: Self.deadLetterColumns, values: deadLetters.flatMap { $0 })
                let lookups = try await processor.workspaceSettings(entries)
                let written = try await EventWriter.write(
                    raw: raw, submissions: entries.map(\.submission), settings: lookups, cache: cache, now: Timestamp.now())
                let seqs = entries.map { SQLValue.integer($0.seq) }
                try await raw.run("DELETE FROM ingest_log WHERE seq IN (\(Array(repeating: "?", count: seqs.count).joined(separator: ", ")))", seqs)
                return (entries, written.outcomes, written.staged)
            }
            return finish(done.entries, outcomes: done.outcomes, staged: done.staged)
        }
    }

    /// SQLite: the oldest log entries, parsed.
    func readOldest() async throws -> (entries: [Entry], deadLetters: [[SQLValue]]) {
        let rows = try await log.database().rawRead { raw in try await raw.rows(Self.selectOldest, [.integer(Int64(Self.entriesPerBatch))]) }
        return try await prepare(rows)
    }

    /// SQLite: writes what `entries` hold to the database, then deletes them from the log file. Throws `Raced` (writing
    /// nothing) when the log no longer holds exactly these entries because another processor (another process on the same
    /// file) took them meanwhile; entries are compared by seq and id seed. Should that other processor take them between
    /// this check and this write, both write the same messages, and the second writes nothing new (see `CollectionLog`).
    func commit(_ entries: [Entry], deadLetters: [[SQLValue]]) async throws -> Int {
        guard let first = entries.first?.seq, let last = entries.last?.seq else { return 0 }
        let lookups = try await workspaceSettings(entries)
        let cache = self.cache
        let logDatabase = try await log.database()
        let present = try await logDatabase.rawRead { raw in
            try await raw.rows("SELECT seq, id_seed FROM ingest_log WHERE seq >= ? AND seq <= ? ORDER BY seq", [.integer(first), .integer(last)])
        }
        guard present.count == entries.count, zip(present, entries).allSatisfy({ $0[0].integer == $1.seq && $0[1].text == $1.seed }) else {
            throw Raced()
        }
        let processor = self
        let written = try await writeTransaction { raw in
            try await processor.checkIdentityEpoch(raw)
            let written = try await EventWriter.write(
                raw: raw, submissions: entries.map(\.submission), settings: lookups, cache: cache, now: Timestamp.now())
            try await raw.insert("ingest_dead_letters", columns: Self.deadLetterColumns, values: deadLetters.flatMap { $0 })
            return written
        }
        try await appender.retire(first...last)
        return finish(entries, outcomes: written.outcomes, staged: written.staged)
    }

    private func finish(_ entries: [Entry], outcomes: [CommitOutcome], staged: [IdentityCache.Key: String]) -> Int {
        cache.apply(staged)
        backlog.processed(entries.reduce(0) { $0 + $1.submission.messages.count })
        for (entry, outcome) in zip(entries, outcomes) {
            if !outcome.warnings.isEmpty { debugger.annotate(source: entry.submission.sourceID, warnings: outcome.warnings) }
            if !outcome.duplicates.isEmpty { debugger.markDuplicates(source: entry.submission.sourceID, outcome.duplicates) }
        }
        return entries.count
    }

    /// Parses log rows back into messages (the same reading as when they were accepted) and prepares their touches.
    func prepare(_ rows: [[SQLValue]]) async throws -> (entries: [Entry], deadLetters: [[SQLValue]]) {
        var entries: [Entry] = []
        var deadLetters: [[SQLValue]] = []
        var messageCount = 0
        for row in rows {
            guard let seq = row[0].integer, let workspaceID = row[1].text, let sourceID = row[2].text, let receivedAt = row[3].integer,
                let kind = row[4].text, let body = row[5].text
            else { continue }
            // Keep transactions short: stop at the message budget (the first entry is always taken).
            if !entries.isEmpty, messageCount + Int(row[6].integer ?? 0) > Self.messagesPerBatch { break }
            var messages: [SegmentMessage] = []
            let seed = row[7].text ?? String(seq)
            do {
                messages = try SegmentPayload.parse(Array(body.utf8), type: kind == "batch" ? nil : MessageType(rawValue: kind), receivedAt: receivedAt)
                    .messages
                // A message sent without a messageId gets one from the entry's random seed and its place: the same however
                // often the entry is read, never equal to another's, and not guessable by other senders.
                for index in messages.indices where messages[index].generatedID { messages[index].messageID = Self.generatedID(seed: seed, index: index) }
            } catch {
                // Accepted bodies parse again; one that does not (a bug, or validation tightened by an upgrade) is kept in
                // ingest_dead_letters with the reason, never dropped, and the log moves on.
                logger.error("A logged request could not be read again; kept in ingest_dead_letters", metadata: ["seq": "\(seq)", "error": "\(error)"])
                deadLetters.append([
                    .text(Identifier.make()), .text(workspaceID), .text(sourceID), .integer(receivedAt), .text(kind), .text(body), .text(seed),
                    .text("\(error)"), .integer(Timestamp.now()),
                ])
            }
            let settings = try await settings.settings(for: workspaceID)
            // Page and screen views are touches; so is a track from outside a web page that says which campaign brought it
            // (`context.campaign`: a mobile deep link, a server-side conversion). A browser's tracks carry the page's
            // campaign on every call: its page view is the touch.
            for index in messages.indices
            where messages[index].type == .page || messages[index].type == .screen
                || (messages[index].type == .track && messages[index].pageURL == nil && messages[index].campaign.values.contains { !$0.isEmpty }) {
                let message = messages[index]
                let signal = TouchSignal.from(
                    url: message.pageURL, referrer: message.referrer, campaign: message.campaign, siteHost: message.pageURL.flatMap(TouchSignal.host))
                if signal.isTouch { messages[index].touch = PreparedTouch(signal: signal, channel: settings.classifier.classify(signal)) }
            }
            messageCount += messages.count
            entries.append(Entry(seq: seq, seed: seed, submission: Submission(workspaceID: workspaceID, sourceID: sourceID, receivedAt: receivedAt, messages: messages)))
        }
        return (entries, deadLetters)
    }

    static let deadLetterColumns = ["id", "workspace_id", "source_id", "received_at", "kind", "body", "id_seed", "reason", "at"]

    func workspaceSettings(_ entries: [Entry]) async throws -> [String: WorkspaceSettings] {
        var result: [String: WorkspaceSettings] = [:]
        for workspaceID in Set(entries.map(\.submission.workspaceID)) { result[workspaceID] = try await settings.settings(for: workspaceID) }
        return result
    }
}

/// Messages accepted and not yet processed. Past `limit` the collection API answers 503 (SDKs retry later) rather than
/// let the log grow without bound.
final class Backlog: Sendable {
    let limit: Int
    private let state = Mutex<Int?>(nil)

    /// Messages accepted since the process started (only ever grows): the rate `BurstGate` reads.
    private let arrivalCount = Atomic<Int>(0)

    init(limit: Int = 2_000_000) { self.limit = limit }

    var arrivals: Int { arrivalCount.load(ordering: .relaxed) }
    /// The count if it has been read from the log yet.
    var known: Int? { state.withLock { $0 } }

    /// The current count, read from the log the first time.
    func pending(_ log: CollectionLog) async throws -> Int {
        if let known { return known }
        let stored = try await log.waitingMessages(workspaceID: nil)
        return state.withLock { state in
            if state == nil { state = Int(stored) }
            return state!
        }
    }

    func accepted(_ count: Int) {
        arrivalCount.add(count, ordering: .relaxed)
        state.withLock { $0 = $0.map { $0 + count } }
    }
    func processed(_ count: Int) { state.withLock { $0 = $0.map { max(0, $0 - count) } } }
}
