import ArgumentParser
import Foundation
import PitcrewCore

/// `pitcrew`: the server and the command line of Pitcrew. Usage errors exit 2, runtime failures 1.
@main
struct Pitcrew: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pitcrew",
        abstract: "Pitcrew: the self-hosted marketing operations platform.",
        subcommands: [
            ServeCommand.self, DemoCommand.self, MigrateCommand.self, UserCommand.self, WorkspaceCommand.self, TokenCommand.self,
            BackupCommand.self, AttributeCommand.self, SourceCommand.self, ImportCommand.self, StackCommand.self,
        ])

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as PitcrewError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            Foundation.exit(error.kind == .invalid ? 2 : 1)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
