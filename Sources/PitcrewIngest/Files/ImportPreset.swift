/// A known export format (a CRM or ad platform's standard CSV) recognized by its header.
///
/// A preset fixes the kind, the column mapping and defaults the file cannot carry itself:
/// an ad report has no "channel" column, so the Google Ads preset supplies "Paid Search".
public struct ImportPreset: Sendable, Hashable {
    /// Stable identifier, e.g. `google_ads_campaigns`.
    public var name: String
    /// Human title, e.g. "Google Ads campaign report".
    public var title: String
    public var kind: ImportKind
    /// Header signature: every group must have one header present (normalized with
    /// ``HeaderName/key(_:)``; an entry ending in `*` matches by prefix).
    var signature: [[String]]
    /// Headers the export never has (a companies export has no email): a file with one is not this export.
    var excluded: [String]
    /// Header patterns → targets, in order of preference: when two present headers map to
    /// the same field the earlier entry wins (Meta "Day" over "Reporting starts").
    var columns: [(header: String, target: String)]
    public var channel: String?
    public var source: String?

    init(name: String, title: String, kind: ImportKind, signature: [[String]], excluded: [String] = [],
         columns: [(String, String)], channel: String? = nil, source: String? = nil) {
        self.name = name
        self.title = title
        self.kind = kind
        self.signature = signature
        self.excluded = excluded
        self.columns = columns.map { (HeaderName.key($0.0) + ($0.0.hasSuffix("*") ? "*" : ""), $0.1) }
        self.channel = channel
        self.source = source
    }

    public static func == (lhs: ImportPreset, rhs: ImportPreset) -> Bool { lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    /// Whether a pattern (normalized key, optionally ending in `*`) matches a normalized header.
    static func matches(_ pattern: String, _ key: String) -> Bool {
        if pattern.hasSuffix("*") { return key.hasPrefix(pattern.dropLast()) }
        return pattern == key
    }

    /// Whether every signature group has a header among `keys`.
    func matches(keys: [String]) -> Bool {
        signature.allSatisfy { group in
            group.contains { pattern in keys.contains { Self.matches(pattern, $0) } }
        } && !excluded.contains { pattern in keys.contains { Self.matches(pattern, $0) } }
    }

    /// All presets, most specific first.
    public static let all: [ImportPreset] = [
        ImportPreset(
            name: "hubspot_contacts", title: "HubSpot contacts export", kind: .contacts,
            signature: [["recordid"], ["email"], ["firstname", "lastname", "lifecyclestage", "createdate"]],
            columns: [
                ("Record ID", "external_id"), ("Email", "email"), ("First Name", "first_name"),
                ("Last Name", "last_name"), ("Phone Number", "phone"), ("Company Name", "company"),
                ("Associated Company", "company"), ("Job Title", "title"), ("Lifecycle Stage", "lifecycle_stage"),
                ("Country/Region", "country"), ("Country", "country"), ("Create Date", "created_at"),
                ("Website URL", "website"), ("Company Domain Name", "company_domain"),
            ]),
        ImportPreset(
            name: "hubspot_companies", title: "HubSpot companies export", kind: .accounts,
            signature: [["recordid"], ["companyname", "name"], ["companydomainname", "numberofemployees", "industry"]],
            excluded: ["email", "firstname", "lastname"],
            columns: [
                ("Record ID", "external_id"), ("Company name", "name"), ("Name", "name"), ("Company Domain Name", "domain"),
                ("Website URL", "website"), ("Industry", "industry"), ("Number of Employees", "employees"),
                ("Country/Region", "country"), ("Country", "country"),
            ]),
        ImportPreset(
            name: "salesforce_leads", title: "Salesforce leads", kind: .contacts,
            signature: [["leadid"], ["email", "lastname"]],
            columns: [
                ("Lead ID", "external_id"), ("Email", "email"), ("First Name", "first_name"),
                ("Last Name", "last_name"), ("Title", "title"), ("Company", "company"),
                ("Company / Account", "company"), ("Phone", "phone"), ("Country", "country"),
                ("Website", "website"), ("Created Date", "created_at"),
                ("Lead Source", "traits.lead_source"), ("Lead Status", "traits.lead_status"),
            ]),
        ImportPreset(
            name: "salesforce_contacts", title: "Salesforce contacts", kind: .contacts,
            signature: [["contactid"], ["email", "lastname"]],
            columns: [
                ("Contact ID", "external_id"), ("Email", "email"), ("First Name", "first_name"),
                ("Last Name", "last_name"), ("Title", "title"), ("Account Name", "company"),
                ("Phone", "phone"), ("Mailing Country", "country"), ("Country", "country"),
                ("Created Date", "created_at"), ("Lead Source", "traits.lead_source"),
                ("Account ID", "traits.account_id"),
            ]),
        ImportPreset(
            name: "salesforce_opportunities", title: "Salesforce opportunities", kind: .opportunities,
            signature: [["opportunityid", "opportunityname"], ["stage"], ["closedate", "amount"]],
            columns: [
                ("Opportunity ID", "external_id"), ("Opportunity Name", "name"), ("Account ID", "account_external_id"),
                ("Account Name", "account_name"), ("Stage", "stage"), ("Amount", "amount"),
                ("Opportunity Currency", "currency"), ("Amount Currency", "currency"), ("Close Date", "closed_at"),
                ("Created Date", "created_at"), ("Won", "won"), ("Closed", "is_closed"),
            ]),
        ImportPreset(
            name: "google_ads_campaigns", title: "Google Ads campaign report", kind: .spend,
            // Day, Campaign, Cost and Impressions are any ad platform's words: a column only Google's reports have tells.
            signature: [
                ["day"], ["campaign"], ["cost"], ["impr", "impressions"],
                ["impr", "currencycode", "avgcpc", "campaignid", "campaigntype", "campaignstatus", "conv", "interactions"],
            ],
            columns: [
                ("Day", "day"), ("Campaign", "campaign"), ("Currency code", "currency"), ("Cost", "cost"),
                ("Impr.", "impressions"), ("Impressions", "impressions"), ("Clicks", "clicks"), ("Account", "ad_account"),
                ("Account name", "ad_account"), ("Customer name", "ad_account"),
            ],
            channel: "Paid Search", source: "google_ads"),
        ImportPreset(
            name: "meta_ads", title: "Meta Ads report", kind: .spend,
            signature: [["campaignname"], ["amountspent*"], ["day", "reportingstarts"]],
            columns: [
                ("Day", "day"), ("Reporting starts", "day"), ("Reporting ends", "day_end"), ("Campaign name", "campaign"),
                ("Amount spent*", "cost"), ("Impressions", "impressions"), ("Link clicks", "clicks"),
                ("Clicks (all)", "clicks"), ("Currency", "currency"), ("Account name", "ad_account"),
            ],
            channel: "Paid Social", source: "meta_ads"),
        ImportPreset(
            name: "linkedin_ads", title: "LinkedIn Ads campaign performance", kind: .spend,
            signature: [["startdateinutc"], ["campaignname"], ["totalspent"]],
            columns: [
                ("Start Date (in UTC)", "day"), ("End Date (in UTC)", "day_end"), ("Campaign Name", "campaign"), ("Total Spent", "cost"),
                ("Currency", "currency"), ("Impressions", "impressions"), ("Clicks", "clicks"), ("Account Name", "ad_account"),
            ],
            channel: "Paid Social", source: "linkedin_ads"),
    ]

    /// The preset with this name.
    public static func named(_ name: String) -> ImportPreset? {
        all.first { $0.name == name }
    }
}
