import Foundation
import PitcrewCore
import PitcrewStore

/// A mapped row with every field normalized to its type (emails lower-cased and checked, phones in E.164, countries as
/// ISO codes, days as `YYYY-MM-DD`, instants as epoch ms, money in minor units), or the problems that stop it.
struct TypedRow {
    var row: Int
    var values: [String: SQLValue] = [:]
    var traits: [String: String] = [:]
    var problems: [ImportProblem] = []
    /// Contacts: the company's domain (given, or from the website, or from a business email).
    var companyDomain: String?
    /// Contacts: `traits` as a JSON object (keys sorted), for a new contact.
    var traitsJSON: String?
    /// Contacts: the values of `ImportWriter.contactFields` in that order, `.null` where the row has none.
    var contactColumns: [SQLValue] = []
    /// A date of the row could be read either way round (`04/02/2024`): the day order decided it.
    var readAmbiguousDate = false
    /// A country of a person or company Pitcrew could not read ("Atlantis"): the row is imported without it.
    var unknownCountry: String?
    /// Whether an earlier good row of the file had its email, record id or key (nil: past what the reader remembers).
    var repeatsKey: Bool? = false

    func text(_ field: String) -> String? { values[field]?.text }
    func integer(_ field: String) -> Int64? { values[field]?.integer }
    func bool(_ field: String) -> Bool? {
        if case .bool(let value)? = values[field] { return value }
        return nil
    }
}

/// Normalizes mapped rows field by field. Settings come from the mapping and the workspace.
struct RowNormalizer {
    let kind: ImportKind
    let mapper: RowMapper
    let dayOrder: DayOrder
    let defaultCountry: String
    let currency: String
    /// The kind's fields the file gives (other than currency, read first), each with whether "n/a" there means no value
    /// and, for contacts, its position in `TypedRow.contactColumns`; worked out once, not per row.
    private let plan: [(field: ImportField, placeholderMeansEmpty: Bool, contactColumn: Int?)]
    /// The kind's money fields (cost, amount), whose values may name their currency.
    private let moneyFields: [String]
    private let memo = NormalizerMemo()
    /// Spend: the day is the start of a range the row gives (no column of its own named Day).
    private let rangeStartsTheDay: Bool
    /// What a bare "$" in a currency column means: the import's currency when that is written with one, else US dollars.
    private let dollar: String

    init(kind: ImportKind, mapper: RowMapper, dayOrder: DayOrder, defaultCountry: String, currency: String) {
        self.kind = kind
        self.mapper = mapper
        self.dayOrder = dayOrder
        self.defaultCountry = defaultCountry
        self.currency = currency
        // Only the fields the file gives: a row has no value for the others, and looking each up cost a hash a row.
        plan = kind.fields.filter { $0.name != "currency" && mapper.gives($0.name) }
            .map { field in
                (field, field.type != .text || Self.referenceFields.contains(field.name),
                 kind == .contacts ? ImportWriter.contactFields.firstIndex(of: field.name) : nil)
            }
        moneyFields = kind.fields.filter { $0.type == .money }.map(\.name)
        dollar = Currency.dollarSigns.contains(currency.uppercased()) ? currency : "USD"
        rangeStartsTheDay = mapper.column(of: "day_end") != nil && mapper.column(of: "day").map(HeaderName.key) != "day"
    }

    /// How exports and people write "no value" in a typed column (compared case-insensitively). Not "NA": it is
    /// Namibia's country code.
    static let placeholders: Set<String> = ["n/a", "#n/a", "-", "–", "—", "none", "null", "nil", "unknown", "not set", "(not set)"]

    /// Text fields that are keys or name other records: "n/a" there must not become a record id, a company or a
    /// campaign that every such row shares. (Free text, such as a title, stays as written.)
    static let referenceFields: Set<String> = [
        "external_id", "contact_external_id", "account_external_id", "company", "account_name", "account_domain", "campaign",
    ]

    /// The bytes a placeholder can begin with, in either case: most values are told apart by their first byte, without
    /// folding their case and hashing them.
    private static let placeholderStarts: [Bool] = {
        var starts = [Bool](repeating: false, count: 256)
        for placeholder in placeholders {
            for written in [placeholder, placeholder.uppercased()] { starts[Int(written.utf8.first!)] = true }
        }
        return starts
    }()

    static func isPlaceholder(_ raw: String) -> Bool {
        guard let first = raw.utf8.first, placeholderStarts[Int(first)] else { return false }
        return raw.utf8.count <= 9 && placeholders.contains(raw.lowercased())
    }

    func normalize(_ mapped: MappedRow) -> TypedRow {
        var typed = TypedRow(row: mapped.row, traits: mapped.traits, problems: mapped.problems)
        typed.values.reserveCapacity(plan.count + 1)
        // The row's currency first: money fields are read in it.
        var rowCurrency = currency
        if let raw = mapped["currency"] {
            if let code = Currency.code(from: raw, dollarDefault: dollar) {
                rowCurrency = code
                typed.values["currency"] = .text(code)
            } else {
                typed.problems.append(problem(mapped, "currency", raw, "is not an ISO 4217 currency"))
            }
        } else if let stated = moneyFields.lazy.compactMap({ mapped[$0].flatMap { Currency.stated(in: $0, dollarDefault: self.dollar) } }).first {
            // No currency column: an amount that names its currency ("EUR 8,000.50") says the row's.
            rowCurrency = stated
            typed.values["currency"] = .text(stated)
        }
        // A national phone number with a trunk 0 is read in the row's own country when it has one (see `PhoneNumber`).
        let rowCountry = mapped["country"].flatMap(memo.country)
        var sawPlaceholder = false
        // Fields in the kind's order, so a row's problems are always reported in the same order.
        if kind == .contacts { typed.contactColumns = Array(repeating: .null, count: ImportWriter.contactFields.count) }
        for (definition, placeholderMeansEmpty, contactColumn) in plan {
            // `--` is how ad reports write "no value".
            guard let raw = mapped.values[definition.name], !raw.isEmpty, raw != "--" else { continue }
            let field = definition.name
            let type = definition.type
            // "n/a", "-", "Unknown" in a typed column mean no value: the row keeps its other fields (text stays as written).
            if placeholderMeansEmpty, Self.isPlaceholder(raw) {
                sawPlaceholder = true
                if definition.required { typed.problems.append(problem(mapped, field, raw, "required field \(field) is empty")) }
                continue
            }
            let evidence: FlexibleDate.OrderEvidence = type == .date || type == .instant ? FlexibleDate.orderEvidence(raw) : .none
            if evidence == .ambiguous { typed.readAmbiguousDate = true }
            if case .implies(let implied) = evidence, implied != dayOrder {
                // Reading this one the other way round than its neighbours would mix two orders in one column.
                let (this, reading) = dayOrder == .monthFirst ? ("day", "month first (MM/DD/YYYY)") : ("month", "day first (DD/MM/YYYY)")
                typed.problems.append(problem(
                    mapped, field, raw,
                    "is written \(this) first, but this import reads dates \(reading); if the file is \(this) first, import it with day order "
                        + "\(implied.rawValue) (--day-order, or day_order in a mapping file)"))
                continue
            }
            var value: SQLValue?
            switch type {
            case .text:
                let text = field == "lifecycle_stage" ? memo.stage(raw) : raw
                value = .text(text.utf8.count <= 1000 ? text : String(text.prefix(1000)))
            case .email:
                switch EmailAddress.normalize(raw) {
                case .success(let email): value = .text(email)
                case .failure(let failure): typed.problems.append(problem(mapped, field, raw, failure.reason))
                }
            case .phone:
                switch PhoneNumber.e164(raw, country: rowCountry, defaultCountry: defaultCountry) {
                case .success(let phone): value = .text(phone)
                case .failure(let failure): typed.problems.append(problem(mapped, field, raw, failure.reason))
                }
            case .domain:
                if let domain = CompanyDomain.fromWebsite(raw) {
                    value = .text(domain)
                } else {
                    typed.problems.append(problem(mapped, field, raw, "is not a web domain"))
                }
            case .country:
                if let code = field == "country" ? rowCountry : Country.alpha2(raw) {
                    value = .text(code)
                } else if kind == .contacts || kind == .accounts {
                    // A person or company is not lost for a country nobody can place: imported without it, and reported.
                    typed.unknownCountry = raw
                } else {
                    typed.problems.append(problem(mapped, field, raw, "is not a country name or ISO 3166 code"))
                }
            case .date:
                switch FlexibleDate.parseDay(raw, order: dayOrder) {
                case .success(let day): value = .text(day)
                case .failure(let failure): typed.problems.append(problem(mapped, field, raw, failure.reason))
                }
            case .instant:
                switch FlexibleDate.parseInstant(raw, order: dayOrder) {
                case .success(let instant): value = .integer(instant)
                case .failure(let failure): typed.problems.append(problem(mapped, field, raw, failure.reason))
                }
            case .money:
                switch Currency.parseAmount(raw, currency: rowCurrency) {
                case .success(let minor): value = .integer(minor)
                case .failure(let failure): typed.problems.append(problem(mapped, field, raw, failure.reason))
                }
            case .integer:
                let digits = raw.filter { $0 != "," && $0 != " " && $0 != "_" }
                if let number = Int64(digits), number >= 0 {
                    value = .integer(number)
                } else {
                    typed.problems.append(problem(mapped, field, raw, "is not a whole number"))
                }
            case .boolean:
                switch raw.lowercased() {
                case "true", "yes", "y", "1", "won", "closed won": value = .bool(true)
                case "false", "no", "n", "0", "lost", "closed lost": value = .bool(false)
                default: typed.problems.append(problem(mapped, field, raw, "is not true/false or yes/no"))
                }
            }
            if let value {
                typed.values[field] = value
                if let column = contactColumn { typed.contactColumns[column] = value }
            }
        }
        // A report row covering a range of days (Meta without a daily breakdown) is not one day's spend. (Only when the
        // day itself comes from the range's start: a daily Meta export also carries the whole report's range.)
        if kind == .spend, rangeStartsTheDay, let first = typed.text("day"), let last = typed.text("day_end"), last != first {
            typed.problems.append(problem(
                mapped, "day_end", mapped.values["day_end"] ?? last,
                "the row covers \(first) to \(last), not one day: export the report with a daily breakdown (by day)"))
        }
        // A key column that only said "n/a" leaves the row without a key, as an empty one would.
        for group in sawPlaceholder ? kind.requiredAlternatives : []
        where group.allSatisfy({ typed.values[$0] == nil }) && group.contains(where: { mapped.values[$0].map(Self.isPlaceholder) == true }) {
            let first = group.first { mapped.values[$0] != nil } ?? group[0]
            typed.problems.append(problem(mapped, first, mapped.values[first] ?? "", "needs a value in \(group.joined(separator: " or ")); all are empty"))
        }
        if kind == .opportunities || kind == .spend, typed.values["currency"] == nil { typed.values["currency"] = .text(rowCurrency) }
        if kind == .contacts {
            // Worked out here, on the reading side of the pipeline, not by the writer.
            typed.companyDomain = typed.text("company_domain") ?? typed.text("website").flatMap(CompanyDomain.fromWebsite)
                ?? typed.text("email").flatMap(CompanyDomain.fromNormalizedEmail)
        }
        if kind.keepsTraits {
            if let nested = typed.traits["traits"], nested.hasPrefix("{") { Self.flattenTraits(nested, into: &typed.traits) }
            if !typed.traits.isEmpty {
                // Keys sorted, so the same traits always make the same text (an unchanged row is found unchanged).
                var json = "{"
                for (key, value) in typed.traits.count == 1 ? Array(typed.traits) : typed.traits.sorted(by: { $0.key < $1.key }) {
                    if json.utf8.count > 1 { json += "," }
                    json += JSONText.string(key) + ":" + JSONText.string(value)
                }
                typed.traitsJSON = json + "}"
            }
        }
        return typed
    }

    /// A JSON Lines `"traits": {…}` object (as Segment and CRM APIs write them) gives one trait per member, named as a
    /// column would be; members a column already gave stay as the column gave them. Not an object: kept as it is.
    static func flattenTraits(_ json: String, into traits: inout [String: String]) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else { return }
        traits.removeValue(forKey: "traits")
        for (key, value) in object {
            let name = HeaderName.traitName(key)
            guard !name.isEmpty, traits[name] == nil, !(value is NSNull) else { continue }
            switch value {
            case let text as String: traits[name] = text
            case let number as NSNumber:
                traits[name] = String(cString: number.objCType) == "c" ? (number.boolValue ? "true" : "false") : number.stringValue
            default:
                traits[name] = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) }
            }
        }
    }

    func problem(_ mapped: MappedRow, _ field: String, _ value: String, _ reason: String) -> ImportProblem {
        ImportProblem(row: mapped.row, column: mapper.column(of: field), field: field, value: value, reason: reason)
    }
}

/// Answers of the normalizers whose inputs repeat row after row (a file names a few dozen countries and stages), kept
/// for one import; bounded, so a column of unique values cannot grow it.
final class NormalizerMemo {
    static let limit = 4_096
    private var countries: [String: String?] = [:]
    private var stages: [String: String] = [:]

    func country(_ raw: String) -> String? {
        if let known = countries[raw] { return known }
        let code = Country.alpha2(raw)
        if countries.count < Self.limit { countries[raw] = code }
        return code
    }

    func stage(_ raw: String) -> String {
        if let known = stages[raw] { return known }
        let stage = LifecycleStage.normalize(raw)
        if stages.count < Self.limit { stages[raw] = stage }
        return stage
    }
}
