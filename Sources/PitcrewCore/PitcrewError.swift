/// One problem with one input field, reported back to the caller.
public struct FieldError: Sendable, Equatable, Codable {
    /// The field at fault, as the caller named it (`budget.amount`, `email`, `row 12 column email`).
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// The one error type of Pitcrew's domain. It knows nothing of HTTP; the web layer maps `kind` to a status code.
public struct PitcrewError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The input is malformed or breaks a rule.
        case invalid
        /// The thing does not exist, or the caller may not know it exists.
        case notFound
        /// The write would clash with something that exists (a duplicate name or slug).
        case conflict
        /// The caller is not authenticated.
        case unauthenticated
        /// The caller is authenticated but may not do this.
        case forbidden
        /// The database or another dependency is not usable.
        case unavailable
        /// Too many attempts (failed sign-ins); try again later.
        case rateLimited
    }

    public var kind: Kind
    public var detail: String
    public var fieldErrors: [FieldError]

    public init(_ kind: Kind, _ detail: String, fieldErrors: [FieldError] = []) {
        self.kind = kind
        self.detail = detail
        self.fieldErrors = fieldErrors
    }

    public var description: String {
        if fieldErrors.isEmpty { return detail }
        // A conflict's detail is its one field's message: say it once.
        if fieldErrors.count == 1, fieldErrors[0].message == detail { return detail + " (" + fieldErrors[0].field + ")" }
        return detail + " (" + fieldErrors.map { "\($0.field): \($0.message)" }.joined(separator: "; ") + ")"
    }

    public static func invalid(_ field: String, _ message: String) -> PitcrewError {
        PitcrewError(.invalid, "Invalid input.", fieldErrors: [FieldError(field: field, message: message)])
    }

    public static func notFound(_ what: String) -> PitcrewError {
        PitcrewError(.notFound, "\(what) was not found.")
    }

    public static func conflict(_ field: String, _ message: String) -> PitcrewError {
        PitcrewError(.conflict, message, fieldErrors: [FieldError(field: field, message: message)])
    }

    public static let unauthenticated = PitcrewError(.unauthenticated, "Authentication is required.")

    public static func forbidden(_ detail: String = "Your role does not allow this.") -> PitcrewError {
        PitcrewError(.forbidden, detail)
    }
}

/// Collects field errors so that a caller sees every problem of an input at once, not just the first.
public struct Validator: Sendable {
    public private(set) var errors: [FieldError] = []

    public init() {}

    public mutating func check(_ condition: Bool, _ field: String, _ message: String) {
        if !condition { errors.append(FieldError(field: field, message: message)) }
    }

    public mutating func add(_ field: String, _ message: String) {
        errors.append(FieldError(field: field, message: message))
    }

    /// Throws an `.invalid` error listing every collected problem, if any.
    public func finish() throws(PitcrewError) {
        if !errors.isEmpty { throw PitcrewError(.invalid, "The input has \(errors.count) problem(s).", fieldErrors: errors) }
    }
}
