public import PitcrewStore

/// Everything the server needs, read once at the composition root (flags > `PITCREW_*` environment > defaults).
public struct AppConfiguration: Sendable {
    public var database: DatabaseLocation
    public var host: String
    public var port: Int
    /// bcrypt cost for new passwords; tests lower it.
    public var bcryptCost: UInt8
    /// Mark cookies `Secure` always (set when the server is only reached over HTTPS). Also set per request when a proxy
    /// says `X-Forwarded-Proto: https`.
    public var secureCookies: Bool
    /// Largest accepted request body for the JSON API, in bytes.
    public var maxBodyBytes: Int
    /// Directory holding Mustache templates and static files; nil uses the ones shipped in the binary's bundle.
    public var resourcesPath: String?
    /// Run the job queue (uptime checks, renewal alerts, webhooks) in this process. Tests drive it by hand instead.
    public var backgroundJobs = true
    /// Run the ingest processor (collection log → events) in this process. Tests that watch the log fill drive it by hand.
    public var collectionProcessing = true
    /// Where alert emails go out (`--smtp-url`); nil sends none.
    public var smtp: SMTPConfiguration?

    public init(
        database: DatabaseLocation = .sqlite(path: "./pitcrew.sqlite"), host: String = "127.0.0.1", port: Int = 8080,
        bcryptCost: UInt8 = 12, secureCookies: Bool = false, maxBodyBytes: Int = 1 << 20, resourcesPath: String? = nil
    ) {
        self.database = database
        self.host = host
        self.port = port
        self.bcryptCost = bcryptCost
        self.secureCookies = secureCookies
        self.maxBodyBytes = maxBodyBytes
        self.resourcesPath = resourcesPath
    }
}
