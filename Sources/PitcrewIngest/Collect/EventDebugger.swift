import PitcrewCore
import Synchronization

/// One entry of the live event debugger: what arrived and whether it was accepted.
public struct DebuggerEntry: Sendable, Equatable {
    public var at: Int64
    public var type: String
    public var name: String?
    public var messageID: String?
    public var userID: String?
    public var anonymousID: String?
    public var accepted: Bool
    /// Why it was refused, or notes on values that were kept differently (empty when all is well).
    public var notes: [String]
    public var size: Int
}

/// The last 100 messages per source, in memory (as Segment's debugger: live, not history; history is `/api/v1/events`).
public final class EventDebugger: Sendable {
    public static let capacity = 100
    private let entries = Mutex<[String: [DebuggerEntry]]>([:])

    func record(source: String, messages: ArraySlice<SegmentMessage>, warnings: [String: [String]], at: Int64) {
        guard !messages.isEmpty else { return }
        let new = messages.map { message in
            DebuggerEntry(
                at: at, type: message.type.rawValue, name: message.name, messageID: message.messageID, userID: message.userID,
                anonymousID: message.anonymousID, accepted: true, notes: warnings[message.messageID] ?? [], size: message.size)
        }
        entries.withLock { entries in
            var list = entries.removeValue(forKey: source) ?? []
            list.append(contentsOf: new)
            if list.count > Self.capacity { list.removeFirst(list.count - Self.capacity) }
            entries[source] = list
        }
    }

    func record(source: String, problem: MessageProblem, at: Int64) {
        append(source, DebuggerEntry(
            at: at, type: problem.type ?? "unknown", name: nil, messageID: problem.messageID, userID: problem.userID, anonymousID: problem.anonymousID,
            accepted: false, notes: ["\(problem.field): \(problem.message)"], size: problem.size))
    }

    /// A request refused whole (not JSON, over a size limit): one entry, so the sender sees why nothing arrived.
    func record(source: String, refusedRequest type: MessageType?, field: String, message: String, size: Int, at: Int64) {
        append(source, DebuggerEntry(
            at: at, type: type?.rawValue ?? "batch", name: nil, messageID: nil, userID: nil, anonymousID: nil, accepted: false,
            notes: ["request refused: \(field): \(message)"], size: size))
    }

    /// Adds processing notes (values kept differently than sent) to the entries of these message ids.
    func annotate(source: String, warnings: [String: [String]]) {
        entries.withLock { entries in
            guard var list = entries[source] else { return }
            for index in list.indices {
                if let id = list[index].messageID, let notes = warnings[id] { list[index].notes += notes }
            }
            entries[source] = list
        }
    }

    public static let duplicateNote = "not stored again: a message with this messageId was stored before (a retry is safe; Segment deduplicates the same way)"

    /// Notes on copies of messages that were not stored (their id was): each on the newest entry of that id not noted yet
    /// (the copy that arrived last; the first copy is the one stored).
    func markDuplicates(source: String, _ messageIDs: [String]) {
        entries.withLock { entries in
            guard var list = entries[source] else { return }
            for id in messageIDs {
                guard let index = list.lastIndex(where: { $0.messageID == id && !$0.notes.contains(Self.duplicateNote) }) else { continue }
                list[index].notes.append(Self.duplicateNote)
            }
            entries[source] = list
        }
    }

    private func append(_ source: String, _ entry: DebuggerEntry) {
        entries.withLock { entries in
            var list = entries[source, default: []]
            list.append(entry)
            if list.count > Self.capacity { list.removeFirst(list.count - Self.capacity) }
            entries[source] = list
        }
    }

    /// Newest first.
    public func entries(source: String) -> [DebuggerEntry] {
        entries.withLock { $0[source] ?? [] }.reversed()
    }
}
