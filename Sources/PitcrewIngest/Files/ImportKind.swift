/// What an import file holds. Each kind has its own fields, required fields and record key.
public enum ImportKind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case contacts
    case accounts
    case opportunities
    case spend
    case touchpoints

    public var description: String { rawValue }

    /// The fields a column can be mapped to, in the order the mapping screen shows them.
    public var fields: [ImportField] {
        switch self {
        case .contacts:
            return [
                ImportField(name: "email", type: .email, description: "Email address; the contact's key when present."),
                ImportField(name: "external_id", type: .text, description: "Id in the source system (CRM record id); the key when there is no email."),
                ImportField(name: "first_name", type: .text, description: "Given name."),
                ImportField(name: "last_name", type: .text, description: "Family name."),
                ImportField(name: "title", type: .text, description: "Job title."),
                ImportField(name: "phone", type: .phone, description: "Phone number."),
                ImportField(name: "company", type: .text, description: "Account (company) name."),
                ImportField(name: "company_domain", type: .domain, description: "Company domain, used to match the account."),
                ImportField(name: "website", type: .text, description: "Company or personal website URL."),
                ImportField(name: "country", type: .country, description: "Country name or ISO code."),
                ImportField(name: "lifecycle_stage", type: .text, description: "Lifecycle stage (lead, MQL, SQL, customer…)."),
                ImportField(name: "created_at", type: .instant, description: "When the contact was created in the source system."),
            ]
        case .accounts:
            return [
                ImportField(name: "name", type: .text, required: true, description: "Account (company) name."),
                ImportField(name: "domain", type: .domain, description: "Primary web domain."),
                ImportField(name: "website", type: .text, description: "Website URL."),
                ImportField(name: "industry", type: .text, description: "Industry."),
                ImportField(name: "employees", type: .integer, description: "Number of employees."),
                ImportField(name: "country", type: .country, description: "Country name or ISO code."),
                ImportField(name: "external_id", type: .text, description: "Id in the source system."),
            ]
        case .opportunities:
            return [
                ImportField(name: "external_id", type: .text, required: true, description: "Opportunity id in the CRM; the key."),
                ImportField(name: "name", type: .text, required: true, description: "Opportunity name."),
                ImportField(name: "account_external_id", type: .text, description: "CRM id of the account."),
                ImportField(name: "account_name", type: .text, description: "Account name (used to match when there is no id)."),
                ImportField(name: "account_domain", type: .domain, description: "Account domain (used to match when there is no id)."),
                ImportField(name: "contact_email", type: .email, description: "Primary contact's email."),
                ImportField(name: "stage", type: .text, required: true, description: "Pipeline stage."),
                ImportField(name: "amount", type: .money, description: "Deal amount."),
                ImportField(name: "currency", type: .text, description: "ISO 4217 currency of the amount (else the mapping default)."),
                ImportField(name: "created_at", type: .instant, required: true, description: "When the opportunity was created."),
                ImportField(name: "closed_at", type: .instant, description: "When it closed (for open deals CRMs export the expected close date)."),
                ImportField(name: "won", type: .boolean, description: "Whether it was won."),
                ImportField(name: "is_closed", type: .boolean, description: "Whether it is closed (won or lost)."),
            ]
        case .spend:
            return [
                ImportField(name: "day", type: .date, required: true, description: "Day the spend is for."),
                ImportField(
                    name: "day_end", type: .date,
                    description: "Last day a row covers, in reports that give a range per row (Meta's Reporting ends): a row of more than one day is refused, as spend is kept by day."),
                ImportField(name: "channel", type: .text, required: true, description: "Marketing channel (Paid Search, Paid Social…); ad-report presets set it."),
                ImportField(name: "campaign", type: .text, description: "Campaign name or utm_campaign."),
                ImportField(name: "cost", type: .money, required: true, description: "Amount spent."),
                ImportField(name: "currency", type: .text, description: "ISO 4217 currency of the cost (else the mapping default)."),
                ImportField(name: "impressions", type: .integer, description: "Impressions."),
                ImportField(name: "clicks", type: .integer, description: "Clicks."),
                ImportField(name: "source", type: .text, description: "Ad platform or source, e.g. google_ads."),
                ImportField(
                    name: "ad_account", type: .text,
                    description: "The ad account (Account Name): two accounts' rows of one day and campaign are two rows, each kept."),
            ]
        case .touchpoints:
            return [
                ImportField(name: "occurred_at", type: .instant, required: true, description: "When the touch happened."),
                ImportField(name: "contact_email", type: .email, description: "The contact's email (this or contact_external_id is required)."),
                ImportField(name: "contact_external_id", type: .text, description: "The contact's id in the source system."),
                ImportField(name: "channel", type: .text, description: "Channel (Events, Direct Mail…)."),
                ImportField(name: "source", type: .text, description: "utm_source or equivalent."),
                ImportField(name: "medium", type: .text, description: "utm_medium or equivalent."),
                ImportField(name: "campaign", type: .text, description: "utm_campaign or campaign name."),
                ImportField(name: "content", type: .text, description: "utm_content."),
                ImportField(name: "term", type: .text, description: "utm_term."),
                ImportField(name: "landing_url", type: .text, description: "Landing page URL."),
                ImportField(name: "referrer", type: .text, description: "The page the visitor came from (classifies the touch when there is no source)."),
            ]
        }
    }

    /// The field with this name, if the kind has it.
    public func field(named name: String) -> ImportField? {
        fields.first { $0.name == name }
    }

    /// Groups of fields of which at least one must have a value in every row.
    public var requiredAlternatives: [[String]] {
        switch self {
        case .contacts: return [["email", "external_id"]]
        case .touchpoints: return [["contact_email", "contact_external_id"]]
        case .accounts, .opportunities, .spend: return []
        }
    }

    /// How rows are identified (see ``RecordKeyRule``).
    public var keyRule: RecordKeyRule {
        switch self {
        case .contacts: return .firstPresent(["email", "external_id"])
        case .accounts: return .firstPresent(["external_id", "domain", "name"])
        case .opportunities: return .firstPresent(["external_id"])
        case .spend: return .composite(["day", "channel", "campaign", "source", "ad_account"])
        case .touchpoints: return .none
        }
    }

    /// Whether unmapped columns are kept as custom traits (`traits.NAME`): contacts and accounts have a trait store (a
    /// company's annual revenue, its tier); for other kinds unmapped columns are ignored.
    public var keepsTraits: Bool { self == .contacts || self == .accounts }

    /// The prefix of trait targets in a mapping.
    public static let traitPrefix = "traits."
}
