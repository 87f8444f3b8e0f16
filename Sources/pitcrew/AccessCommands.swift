import ArgumentParser
import Foundation
import PitcrewCore
import PitcrewIngest
import PitcrewStore
import PitcrewWeb

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage users.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user, optionally adding them to a workspace.")

        @OptionGroup var db: DatabaseOption
        @Option(help: "Email address (the sign-in name).") var email: String
        @Option(help: "Display name.") var name: String
        @Option(help: "Password (at least 10 characters); use --password-stdin to keep it out of the shell history.") var password: String?
        @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input.") var passwordStdin = false
        @Option(help: "Add the user to this workspace (slug).") var workspace: String?
        @Option(help: "Role in that workspace: viewer, analyst, marketer, admin, owner.") var role: String = "viewer"

        func validate() throws {
            guard (password != nil) != passwordStdin else { throw ValidationError("give exactly one of --password or --password-stdin") }
            guard Role(rawValue: role) != nil else { throw ValidationError("--role must be one of viewer, analyst, marketer, admin, owner") }
        }

        func run() async throws {
            let secret = try password ?? (readLine(strippingNewline: true) ?? { throw ValidationError("no password on standard input") }())
            let user = try await db.withServices { services in
                let access = services.access
                // Look the workspace up first, so a wrong slug creates nothing.
                var scope: AccessScope?
                if let workspace { scope = try await access.commandLineScope(slug: workspace) }
                let user = try await access.createUser(email: email, name: name, password: secret, actor: .system("cli"))
                if let scope { _ = try await access.setMember(scope, email: user.email, role: try Role.parse(role)) }
                return user
            }
            print("Created user \(user.email) (\(user.id))")
        }
    }
}

struct WorkspaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workspace", abstract: "Manage workspaces.", subcommands: [Create.self, Settings.self])

    struct Settings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or change a workspace's data settings.",
            discussion: """
                The default country is used for phone numbers without a country code and for the usual day order of dates \
                like 03/04/2024 in imports (without one, US is assumed for phones and dates are read month first).
                """)

        @OptionGroup var db: DatabaseOption
        @Option(help: "Workspace slug.") var workspace: String
        @Option(help: "Default country (name or ISO code, e.g. DE or Germany); \"none\" clears it.") var defaultCountry: String?

        func run() async throws {
            let change = defaultCountry
            let settings = try await db.withServices { services in
                let scope = try await services.access.commandLineScope(slug: workspace)
                let service = DataSettingsService(database: services.database, collection: services.collection)
                guard let change else { return try await service.settings(scope) }
                return try await service.update(
                    scope, defaultCountry: .some(change.lowercased() == "none" ? nil : change), channelGroupingJSON: nil)
            }
            print("default country: \(settings.defaultCountry ?? "none (phones read as US numbers, dates month first)")")
            print("channel grouping: \(settings.channelGrouping.rules.count) rules, fallback \(settings.channelGrouping.fallbackChannel)")
            print("custom fields: \(settings.customFields.count)")
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a workspace with an existing user as its owner.")

        @OptionGroup var db: DatabaseOption
        @Option(help: "URL-safe slug (a-z, 0-9, hyphens).") var slug: String
        @Option(help: "Display name.") var name: String
        @Option(help: "Email of the user who becomes owner.") var owner: String

        func run() async throws {
            let workspace = try await db.withServices { services in
                let access = services.access
                guard let user = try await access.user(email: owner) else { throw PitcrewError.invalid("owner", "no user \(owner); create it first") }
                return try await access.createWorkspace(slug: slug, name: name, owner: user, actor: .system("cli"))
            }
            print("Created workspace \(workspace.slug) (\(workspace.id))")
        }
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Manage API tokens.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API token; the token is printed alone on the last line.")

        @OptionGroup var db: DatabaseOption
        @Option(help: "Workspace slug.") var workspace: String
        @Option(help: "Role: viewer, analyst, marketer, admin, owner.") var role: String
        @Option(help: "A name to recognize the token by.") var name: String = "cli"

        func validate() throws {
            guard Role(rawValue: role) != nil else { throw ValidationError("--role must be one of viewer, analyst, marketer, admin, owner") }
        }

        func run() async throws {
            let (token, secret) = try await db.withServices { services in
                try await services.access.createToken(try await services.access.commandLineScope(slug: workspace), name: name, role: try Role.parse(role))
            }
            print("Created token \(token.id) for workspace \(workspace) with role \(token.role.rawValue). It is shown only now:")
            print(secret)
        }
    }
}
