import SQLKit

/// An import's report keeps its notes and how each column was read (`imports.notes`, JSON: before, only the command or
/// page that ran it showed them), and the process that runs it (`imports.runner`: host, process id and start time), so
/// another process (the server, while the command line imports) tells an import still running from one whose process
/// died.
enum Migration0009ImportNotesRunner {
    static let migration = Migration(name: "0009_import_notes_runner") { _ in
        ["ALTER TABLE imports ADD COLUMN notes TEXT", "ALTER TABLE imports ADD COLUMN runner TEXT"]
    }
}
