public import PitcrewCore
import Foundation

/// Where the data lives: an SQLite file (the embedded default) or a PostgreSQL server.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresURL)

    /// Parses `sqlite:PATH`, a bare file path, or a `postgres://` / `postgresql://` URL.
    public init(_ text: String) throws(PitcrewError) {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(try PostgresURL(text))
        } else if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count)).replacingOccurrences(of: "//", with: "", options: .anchored)
            guard !path.isEmpty else { throw .invalid("database", "sqlite: needs a file path, as in sqlite:./pitcrew.sqlite") }
            self = .sqlite(path: path)
        } else if text.contains("://") {
            throw .invalid("database", "unsupported scheme in \(text); use a file path, sqlite:PATH or postgres://…")
        } else {
            guard !text.isEmpty else { throw .invalid("database", "must not be empty") }
            self = .sqlite(path: text)
        }
    }

    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): url.redacted
        }
    }
}

/// The parts of a PostgreSQL connection URL: `postgres://user:password@host:port/database?sslmode=disable`.
public struct PostgresURL: Sendable, Equatable {
    public enum TLSMode: String, Sendable { case disable, prefer, require }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    public init(_ text: String) throws(PitcrewError) {
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw .invalid("database", "not a valid PostgreSQL URL (postgres://user:password@host:port/database)")
        }
        self.host = host
        self.port = components.port ?? 5432
        // URLComponents.user and .password are already percent-decoded.
        self.username = components.user ?? "postgres"
        self.password = components.password
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !path.isEmpty else { throw .invalid("database", "the PostgreSQL URL must name a database") }
        self.database = path
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? (Self.isLoopback(host) ? "disable" : "prefer")
        guard let tls = TLSMode(rawValue: mode) else { throw .invalid("database", "sslmode must be disable, prefer or require") }
        self.tls = tls
    }

    /// The same server with another database name (tests clone databases from a template).
    public func with(database: String) -> PostgresURL {
        var copy = self
        copy.database = database
        return copy
    }

    public var redacted: String { "postgres://\(username)@\(host):\(port)/\(database)" }

    static func isLoopback(_ host: String) -> Bool { host == "localhost" || host == "::1" || host.hasPrefix("127.") }
}
