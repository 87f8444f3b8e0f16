import ArgumentParser
import Configuration
import Foundation
import PitcrewCore
import PitcrewStore

/// Configuration layering for every command: a flag wins, then a `PITCREW_*` environment variable, then the default.
/// This is the only place the environment is read.
enum Settings {
    static let environment = ConfigReader(provider: EnvironmentVariablesProvider())

    static func string(_ flag: String?, env key: String, default fallback: String) -> String {
        flag ?? environment.string(forKey: ConfigKey(["pitcrew", key])) ?? fallback
    }

    static func database(_ flag: String?) throws -> DatabaseLocation {
        try DatabaseLocation(string(flag, env: "database", default: "./pitcrew.sqlite"))
    }

    /// A boolean environment variable: true/false, 1/0, yes/no (any case); anything else is a usage error.
    static func flag(env key: String) throws -> Bool {
        guard let text = environment.string(forKey: ConfigKey(["pitcrew", key])) else { return false }
        switch text.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off", "": return false
        default: throw ValidationError("PITCREW_\(key.uppercased()) must be true or false, not \(text)")
        }
    }

    static func port(_ flag: Int?) throws -> Int {
        if let flag {
            guard (1...65535).contains(flag) else { throw ValidationError("--port must be a port number (1–65535), not \(flag)") }
            return flag
        }
        guard let text = environment.string(forKey: ConfigKey(["pitcrew", "port"])) else { return 8080 }
        guard let port = Int(text), (1...65535).contains(port) else { throw ValidationError("PITCREW_PORT must be a port number, not \(text)") }
        return port
    }
}

/// `--database` as every command takes it.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: "A file path, sqlite:PATH or postgres://user:pass@host:port/db (env PITCREW_DATABASE; default ./pitcrew.sqlite).")
    var database: String?

    func location() throws -> DatabaseLocation { try Settings.database(database) }
}

/// A one-line progress bar on standard error, redrawn in place; when standard error is not a terminal (a log file), a
/// plain line at every tenth instead, with no escape codes.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private var lastPercent = -1
    private var lastPhase = ""
    private let terminal = isatty(STDERR_FILENO) == 1

    func update(_ phase: String, _ fraction: Double) {
        lock.lock()
        defer { lock.unlock() }
        let percent = Int((min(max(fraction, 0), 1) * 100).rounded(.down))
        guard terminal else {
            guard percent / 10 != lastPercent / 10 else { return }
            lastPercent = percent
            FileHandle.standardError.write(Data("\(percent / 10 * 10)% \(phase)\n".utf8))
            return
        }
        guard percent != lastPercent || phase != lastPhase else { return }
        lastPercent = percent
        lastPhase = phase
        let filled = percent * 30 / 100
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: 30 - filled)
        FileHandle.standardError.write(Data("\r\u{1B}[2K[\(bar)] \(percent)% \(phase)".utf8))
        if percent == 100 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
