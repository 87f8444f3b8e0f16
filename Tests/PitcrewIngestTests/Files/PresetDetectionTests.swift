import Testing
@testable import PitcrewIngest

@Suite("ImportMapping.detect: presets")
struct PresetDetectionTests {
    @Test func hubSpotContacts() {
        let header = ["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Company Name", "Job Title",
                      "Lifecycle Stage", "Country/Region", "Create Date", "Website URL", "Contact owner",
                      "Last Activity Date", "Marketing contact status"]
        let detected = ImportMapping.detect(kind: nil, header: header)
        #expect(detected.presetName == "hubspot_contacts")
        #expect(detected.kindWasDetected)
        #expect(detected.mapping.kind == .contacts)
        #expect(detected.mapping.columns == [
            "Record ID": "external_id", "First Name": "first_name", "Last Name": "last_name", "Email": "email",
            "Phone Number": "phone", "Company Name": "company", "Job Title": "title",
            "Lifecycle Stage": "lifecycle_stage", "Country/Region": "country", "Create Date": "created_at",
            "Website URL": "website", "Contact owner": "traits.contact_owner",
            "Last Activity Date": "traits.last_activity_date", "Marketing contact status": "traits.marketing_contact_status",
        ])
        #expect(detected.notes[0] == ColumnNote(index: 0, header: "Record ID", outcome: .mapped(field: "external_id")))
        #expect(detected.notes[11] == ColumnNote(index: 11, header: "Contact owner", outcome: .keptAsTrait(name: "contact_owner")))
        #expect(detected.missingRequired.isEmpty)
    }

    @Test func salesforceLeads() {
        let header = ["Lead ID", "First Name", "Last Name", "Title", "Company", "Email", "Phone", "Country",
                      "Lead Source", "Lead Status", "Created Date"]
        let detected = ImportMapping.detect(kind: nil, header: header)
        #expect(detected.presetName == "salesforce_leads")
        #expect(detected.mapping.kind == .contacts)
        #expect(detected.mapping.columns == [
            "Lead ID": "external_id", "First Name": "first_name", "Last Name": "last_name", "Title": "title",
            "Company": "company", "Email": "email", "Phone": "phone", "Country": "country",
            "Lead Source": "traits.lead_source", "Lead Status": "traits.lead_status", "Created Date": "created_at",
        ])
    }

    @Test func salesforceContacts() {
        let header = ["Contact ID", "First Name", "Last Name", "Account Name", "Title", "Email", "Phone",
                      "Mailing Country", "Created Date", "Account ID"]
        let detected = ImportMapping.detect(kind: .contacts, header: header)
        #expect(detected.presetName == "salesforce_contacts")
        #expect(!detected.kindWasDetected)
        #expect(detected.mapping.columns["Contact ID"] == "external_id")
        #expect(detected.mapping.columns["Account Name"] == "company")
        #expect(detected.mapping.columns["Mailing Country"] == "country")
        #expect(detected.mapping.columns["Account ID"] == "traits.account_id")
        #expect(detected.mapping.columns["Email"] == "email")
    }

    @Test func salesforceOpportunities() {
        let header = ["Opportunity ID", "Opportunity Name", "Account Name", "Stage", "Amount", "Close Date",
                      "Created Date", "Won", "Closed", "Opportunity Currency", "Probability (%)"]
        let detected = ImportMapping.detect(kind: nil, header: header)
        #expect(detected.presetName == "salesforce_opportunities")
        #expect(detected.mapping.kind == .opportunities)
        #expect(detected.mapping.columns == [
            "Opportunity ID": "external_id", "Opportunity Name": "name", "Account Name": "account_name",
            "Stage": "stage", "Amount": "amount", "Close Date": "closed_at", "Created Date": "created_at",
            "Won": "won", "Closed": "is_closed", "Opportunity Currency": "currency", "Probability (%)": "",
        ])
        #expect(detected.notes.last?.outcome == .ignored(reason: "not a field of opportunities"))
        #expect(detected.missingRequired.isEmpty)
    }

    @Test func googleAds() {
        let header = ["Day", "Campaign", "Campaign status", "Currency code", "Cost", "Impr.", "Clicks", "CTR", "Avg. CPC"]
        let detected = ImportMapping.detect(kind: nil, header: header)
        #expect(detected.presetName == "google_ads_campaigns")
        #expect(detected.mapping.kind == .spend)
        #expect(detected.mapping.channel == "Paid Search")
        #expect(detected.mapping.source == "google_ads")
        #expect(detected.mapping.columns == [
            "Day": "day", "Campaign": "campaign", "Campaign status": "", "Currency code": "currency", "Cost": "cost",
            "Impr.": "impressions", "Clicks": "clicks", "CTR": "", "Avg. CPC": "",
        ])
        #expect(detected.missingRequired.isEmpty)
    }

    @Test func metaAdsWithCurrencyInHeaderAndPreferredColumns() {
        let header = ["Reporting starts", "Reporting ends", "Campaign name", "Clicks (all)", "Impressions",
                      "Amount spent (EUR)", "Link clicks", "Day"]
        let detected = ImportMapping.detect(kind: nil, header: header)
        #expect(detected.presetName == "meta_ads")
        #expect(detected.mapping.kind == .spend)
        #expect(detected.mapping.channel == "Paid Social")
        #expect(detected.mapping.source == "meta_ads")
        #expect(detected.mapping.currency == "EUR")
        #expect(detected.mapping.columns == [
            "Reporting starts": "", "Reporting ends": "day_end", "Campaign name": "campaign", "Clicks (all)": "",
            "Impressions": "impressions", "Amount spent (EUR)": "cost", "Link clicks": "clicks", "Day": "day",
        ])
        #expect(detected.notes[3].outcome == .ignored(reason: "field clicks is already mapped from column \"Link clicks\""))
    }

    @Test func metaAdsWithoutDayColumnUsesReportingStarts() {
        let header = ["Campaign name", "Reporting starts", "Reporting ends", "Amount spent (USD)", "Impressions", "Clicks (all)"]
        let detected = ImportMapping.detect(kind: .spend, header: header)
        #expect(detected.presetName == "meta_ads")
        #expect(detected.mapping.columns["Reporting starts"] == "day")
        #expect(detected.mapping.columns["Clicks (all)"] == "clicks")
        #expect(detected.mapping.currency == "USD")
    }

    @Test func linkedInAds() {
        let header = ["Start Date (in UTC)", "Account Name", "Campaign Group Name", "Campaign Name", "Campaign ID",
                      "Total Spent", "Currency", "Impressions", "Clicks", "Leads"]
        let detected = ImportMapping.detect(kind: nil, header: header)
        #expect(detected.presetName == "linkedin_ads")
        #expect(detected.mapping.channel == "Paid Social")
        #expect(detected.mapping.source == "linkedin_ads")
        #expect(detected.mapping.columns["Start Date (in UTC)"] == "day")
        #expect(detected.mapping.columns["Campaign Name"] == "campaign")
        #expect(detected.mapping.columns["Total Spent"] == "cost")
        #expect(detected.mapping.columns["Currency"] == "currency")
        #expect(detected.mapping.columns["Impressions"] == "impressions")
        #expect(detected.mapping.columns["Clicks"] == "clicks")
        #expect(detected.mapping.columns["Leads"] == "")
    }

    @Test func headerMatchingIsCaseAndSpaceInsensitive() {
        let detected = ImportMapping.detect(kind: nil, header: [" day ", "CAMPAIGN", "cost", "impressions", "clicks", "CURRENCY code"])
        #expect(detected.presetName == "google_ads_campaigns")
        #expect(detected.mapping.columns["CAMPAIGN"] == "campaign")
    }

    /// Another platform's report (Microsoft Ads, a spreadsheet) has Day, Campaign, Cost and Impressions too: taken for
    /// Google's, its rows would replace Google's spend of the same day and campaign.
    @Test func aGenericCostReportIsNotGoogleAds() {
        let detected = ImportMapping.detect(kind: nil, header: ["Day", "Campaign", "Cost", "Impressions", "Clicks"])
        #expect(detected.preset == nil)
        #expect(detected.mapping.kind == .spend && detected.mapping.channel == nil && detected.mapping.source == nil)
    }

    @Test func presetOfAnotherKindIsNotUsedWhenKindIsGiven() {
        let header = ["Day", "Campaign", "Cost", "Impr.", "Clicks"]
        let detected = ImportMapping.detect(kind: .touchpoints, header: header)
        #expect(detected.preset == nil)
        #expect(detected.mapping.kind == .touchpoints)
    }
}

@Suite("ImportMapping.detect: generic synonyms and kind detection")
struct GenericDetectionTests {
    @Test func contactSynonymsAndTraits() {
        let header = ["E-mail", "Given Name", "Surname", "Organization", "Zip", "Phone", "", "Phone"]
        let detected = ImportMapping.detect(kind: nil, header: header)
        #expect(detected.preset == nil)
        #expect(detected.mapping.kind == .contacts)
        #expect(detected.mapping.columns == [
            "E-mail": "email", "Given Name": "first_name", "Surname": "last_name", "Organization": "company",
            "Zip": "traits.zip", "Phone": "phone",
        ])
        #expect(detected.notes[6].outcome == .ignored(reason: "the column has no name"))
        #expect(detected.notes[7].outcome == .ignored(reason: "duplicate column name; only the first \"Phone\" is used"))
    }

    @Test(arguments: ["Email Address", "email_address", "EMAIL", "e-mail", "Work Email"])
    func emailSpellings(spelling: String) {
        let detected = ImportMapping.detect(kind: .contacts, header: [spelling, "Name"])
        #expect(detected.mapping.columns[spelling] == "email")
    }

    @Test(arguments: [
        (["email", "first name", "last name", "company"], ImportKind.contacts),
        (["Name", "Domain", "Industry", "Employees"], .accounts),
        (["Deal ID", "Deal Name", "Deal Stage", "Amount", "Close Date", "Created"], .opportunities),
        (["Date", "Campaign", "Spend", "Clicks", "Impressions"], .spend),
        (["timestamp", "email", "utm_source", "utm_medium", "utm_campaign"], .touchpoints),
    ])
    func detectsKind(header: [String], kind: ImportKind) {
        let detected = ImportMapping.detect(kind: nil, header: header)
        #expect(detected.mapping.kind == kind)
        #expect(detected.kindWasDetected)
    }

    @Test func spendWithoutPresetNeedsAChannel() {
        let detected = ImportMapping.detect(kind: .spend, header: ["Date", "Campaign", "Cost (GBP)"])
        #expect(detected.mapping.columns == ["Date": "day", "Campaign": "campaign", "Cost (GBP)": "cost"])
        #expect(detected.mapping.currency == "GBP")
        #expect(detected.missingRequired == ["channel"])
    }

    /// Contacts and accounts keep unknown columns as traits; deals and spend have no trait store.
    @Test func unknownColumnsAreTraitsOfContactsAndAccountsOnly() {
        let accounts = ImportMapping.detect(kind: .accounts, header: ["Account Name", "Annual Revenue"])
        #expect(accounts.mapping.columns == ["Account Name": "name", "Annual Revenue": "traits.annual_revenue"])
        let deals = ImportMapping.detect(kind: .opportunities, header: ["Opportunity Name", "Zip"])
        #expect(deals.mapping.columns["Zip"] == "" && deals.notes[1].outcome == .ignored(reason: "not a field of opportunities"))
    }

    @Test func missingOneOfGroupIsReported() {
        let detected = ImportMapping.detect(kind: .contacts, header: ["First Name", "Last Name"])
        #expect(detected.missingRequired == ["email or external_id"])
    }
}
