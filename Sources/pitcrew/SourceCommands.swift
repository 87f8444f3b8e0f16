import ArgumentParser
import PitcrewCore
import PitcrewIngest
import PitcrewStore
import PitcrewWeb

struct SourceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "source", abstract: "Manage event sources and their write keys.", subcommands: [Create.self, Rotate.self, Revoke.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a source; the write key is printed alone on the last line.")

        @OptionGroup var db: DatabaseOption
        @Option(help: "Workspace slug.") var workspace: String
        @Option(help: "A name for the source, e.g. Website.") var name: String

        func run() async throws {
            let (source, key) = try await db.withServices { services in
                try await services.collection.sources.create(try await services.access.commandLineScope(slug: workspace), name: name)
            }
            print("Created source \(source.name) (\(source.id)) in workspace \(workspace). Its write key is shown only now:")
            print(key)
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace a source's write key; the new key is printed alone on the last line.")

        @OptionGroup var db: DatabaseOption
        @Option(help: "Workspace slug.") var workspace: String
        @Option(help: "Source id.") var id: String

        func run() async throws {
            let (source, key) = try await db.withServices { services in
                try await services.collection.sources.rotate(try await services.access.commandLineScope(slug: workspace), id: id)
            }
            print("Rotated the write key of \(source.name); a running server refuses the old key within 5 seconds. The new key is shown only now:")
            print(key)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a source's write key (its events stay).")

        @OptionGroup var db: DatabaseOption
        @Option(help: "Workspace slug.") var workspace: String
        @Option(help: "Source id.") var id: String

        func run() async throws {
            let source = try await db.withServices { services in
                try await services.collection.sources.revoke(try await services.access.commandLineScope(slug: workspace), id: id)
            }
            print("Revoked the write key of \(source.name); a running server refuses it within 5 seconds.")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a workspace's sources.")

        @OptionGroup var db: DatabaseOption
        @Option(help: "Workspace slug.") var workspace: String

        func run() async throws {
            let sources = try await db.withServices { services in
                try await services.collection.sources.sources(try await services.access.commandLineScope(slug: workspace))
            }
            print("id,name,key_prefix,revoked,last_event_at")
            for source in sources {
                print("\(source.id),\(source.name),\(source.keyPrefix),\(source.revokedAt != nil),\(source.lastEventAt.map(Timestamp.iso8601) ?? "")")
            }
        }
    }
}
