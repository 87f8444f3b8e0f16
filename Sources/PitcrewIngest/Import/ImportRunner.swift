import Foundation

/// The process that runs an import, as stored with it (`imports.runner`): host, process id and the process's start time
/// (a process id is reused; with its start time it is not). Another process on the host tells from it whether the import
/// is still running; one on another host (several servers on PostgreSQL) cannot, and says where it runs.
struct ImportRunner: Equatable {
    var host: String
    var processID: Int32
    var started: String

    static let current = ImportRunner(
        host: ProcessInfo.processInfo.hostName, processID: ProcessInfo.processInfo.processIdentifier,
        started: startTime(of: ProcessInfo.processInfo.processIdentifier) ?? "")

    var stored: String { "\(host) \(processID) \(started)" }

    init(host: String, processID: Int32, started: String) {
        self.host = host
        self.processID = processID
        self.started = started
    }

    init?(stored: String) {
        let parts = stored.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, let processID = Int32(parts[1]) else { return nil }
        self.init(host: String(parts[0]), processID: processID, started: String(parts[2]))
    }

    /// Whether it still runs, when that can be known here (nil: another host's).
    var isAlive: Bool? {
        guard host == Self.current.host else { return nil }
        guard let now = Self.startTime(of: processID) else { return kill(processID, 0) == 0 && started.isEmpty }
        return now == started
    }

    /// Field 22 of `/proc/PID/stat` (start time in clock ticks since boot); nil where there is no such process (or no /proc).
    static func startTime(of processID: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(processID)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name (which may hold spaces) start at field 3.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? String(fields[19]) : nil
    }
}
