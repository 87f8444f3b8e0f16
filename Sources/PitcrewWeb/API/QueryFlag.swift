import Hummingbird
import PitcrewCore

extension Request {
    /// A yes/no query parameter (`dry_run`, `skip_bad_rows`, `prune`) as query strings write them: true/false, 1/0 or
    /// yes/no; absent is false. Anything else is refused, never read as "no" (a dry run asked for as `dry_run=1` must not
    /// write).
    func flag(_ name: String) throws -> Bool {
        guard let text = uri.queryParameters[Substring(name)] else { return false }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw PitcrewError.invalid(name, "must be true or false")
        }
    }
}
