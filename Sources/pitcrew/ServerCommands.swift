import ArgumentParser
import Foundation
import Hummingbird
import Logging
import PitcrewCore
import PitcrewIngest
import PitcrewDemo
import PitcrewStore
import PitcrewWeb

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the web server (applies pending migrations first).")

    @OptionGroup var db: DatabaseOption
    @Option(help: "Address to listen on (env PITCREW_HOST; default 127.0.0.1).") var host: String?
    @Option(help: "Port (env PITCREW_PORT; default 8080).") var port: Int?
    @Flag(name: .customLong("secure-cookies"), help: "Mark cookies Secure (serve only behind HTTPS).") var secureCookies = false
    @Option(
        name: .customLong("smtp-url"),
        help: "SMTP server for alert emails: smtp://user:pass@host:587?starttls=true&from=alerts@example.com or smtps://… (env PITCREW_SMTP_URL).")
    var smtpURL: String?

    func run() async throws {
        var config = AppConfiguration(
            database: try db.location(), host: Settings.string(host, env: "host", default: "127.0.0.1"), port: try Settings.port(port),
            secureCookies: try secureCookies || Settings.flag(env: "secure_cookies"))
        let smtp = Settings.string(smtpURL, env: "smtp_url", default: "")
        if !smtp.isEmpty {
            guard let parsed = SMTPConfiguration(url: smtp) else { throw ValidationError("--smtp-url must look like smtp://host:port or smtps://…") }
            config.smtp = parsed
        }
        let app = try await buildApplication(config)
        try await app.runService()
    }
}

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply pending database migrations.")

    @OptionGroup var db: DatabaseOption

    func run() async throws {
        let applied = try await Database.with(try db.location()) { database in try await Migrator.migrate(database) }
        print(applied.isEmpty ? "The database is up to date." : "Applied: \(applied.joined(separator: ", "))")
    }
}

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Create or refresh the demo workspace (slug demo), print the URL and a login, and serve.")

    @OptionGroup var db: DatabaseOption
    @Option(help: "Address to listen on.") var host: String?
    @Option(help: "Port (default 8080).") var port: Int?
    @Option(help: "Number of contacts (1 to 1,000,000).") var contacts = 10_000
    @Option(name: .customLong("events-per-contact"), help: "Average events per contact.") var eventsPerContact = 10
    @Option(help: "Seed of the generator: the same seed gives the same data.") var seed: UInt64 = 42
    @Flag(name: .customLong("no-serve"), help: "Generate the data and exit.") var noServe = false

    func validate() throws {
        guard (1...1_000_000).contains(contacts) else { throw ValidationError("--contacts must be between 1 and 1,000,000") }
        guard (1...100).contains(eventsPerContact) else { throw ValidationError("--events-per-contact must be between 1 and 100") }
    }

    func run() async throws {
        let location = try db.location()
        let host = Settings.string(host, env: "host", default: "127.0.0.1")
        let port = try Settings.port(port)
        var options = DemoOptions()
        options.contacts = contacts
        options.eventsPerContact = eventsPerContact
        options.seed = seed
        let bar = ProgressBar()
        let started = ContinuousClock.now
        let demoOptions = options
        let demo = try await Database.with(location) { database in
            try await Migrator.migrate(database)
            let services = AppServices(database: database)
            let generator = DemoGenerator(database: database, access: services.access, campaigns: services.campaigns)
            let result = try await generator.generate(demoOptions) { phase, fraction in bar.update(phase, fraction) }
            // A website source, so the collection API and the live debugger can be tried on the demo at once.
            let scope = AccessScope(workspace: result.workspace, actor: .system("demo"), role: .owner)
            let sources = services.collection.sources
            if let existing = try await sources.sources(scope).first(where: { $0.name == "Website" && $0.revokedAt == nil }) {
                return (result, try await sources.rotate(scope, id: existing.id).writeKey)
            }
            return (result, try await sources.create(scope, name: "Website").writeKey)
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let (result, writeKey) = demo
        let summary = result.counts.map { "\($0.rows) \($0.table)" }.joined(separator: ", ")
        print("Demo workspace '\(result.workspace.slug)' ready in \(String(format: "%.1f", seconds)) s: \(summary).")
        print("Rows per second: \(Int(Double(result.totalRows) / max(seconds, 0.001)))")
        let base = "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)"
        print("Send events to the demo's Website source: curl -u \(writeKey): -H 'Content-Type: application/json' "
            + "-d '{\"userId\":\"u1\",\"event\":\"Signed Up\"}' \(base)/v1/track")
        guard !noServe else { return }
        print("Open \(base)/ and sign in as \(result.ownerEmail) / \(result.ownerPassword)")
        let app = try await buildApplication(AppConfiguration(database: location, host: host, port: port))
        try await app.runService()
    }
}

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backup", abstract: "Write a consistent copy of an SQLite database while it is in use.")

    @OptionGroup var db: DatabaseOption
    @Option(help: "The new file to write.") var to: String

    func run() async throws {
        try await Database.with(try db.location()) { database in try await database.backup(to: to) }
        print("Backup written to \(to)")
    }
}
