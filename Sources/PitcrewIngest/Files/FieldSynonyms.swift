/// Header spellings that mean a field, used when no preset matches. Entries are normalized
/// keys (``HeaderName/key(_:)``), so "E-mail", "Email Address" and "email_address" are all
/// covered by `email` / `emailaddress`. The field's own name is always a synonym.
enum FieldSynonyms {
    static func synonyms(for kind: ImportKind) -> [(field: String, keys: [String])] {
        let table: [(String, [String])]
        switch kind {
        case .contacts:
            table = [
                ("email", ["email", "emailaddress", "mail", "workemail", "businessemail", "primaryemail", "contactemail"]),
                ("external_id", ["externalid", "id", "recordid", "contactid", "leadid", "crmid", "personid"]),
                ("first_name", ["firstname", "givenname", "first", "fname", "forename"]),
                ("last_name", ["lastname", "surname", "familyname", "last", "lname"]),
                ("title", ["title", "jobtitle", "position", "role"]),
                ("phone", ["phone", "phonenumber", "telephone", "tel", "workphone", "mobile", "mobilephone", "mobilephonenumber"]),
                ("company", ["company", "companyname", "organization", "organisation", "org", "accountname", "account", "employer", "associatedcompany"]),
                ("company_domain", ["companydomain", "companydomainname", "domain"]),
                ("website", ["website", "websiteurl", "url", "web", "companywebsite"]),
                ("country", ["country", "countryregion", "countrycode", "mailingcountry", "nation"]),
                ("lifecycle_stage", ["lifecyclestage", "lifecycle", "stage"]),
                ("created_at", ["createdat", "createdate", "createddate", "created", "createdon", "dateadded", "signupdate"]),
            ]
        case .accounts:
            table = [
                ("name", ["name", "accountname", "companyname", "company", "organization", "organisation"]),
                ("domain", ["domain", "companydomain", "companydomainname", "websitedomain"]),
                ("website", ["website", "websiteurl", "url"]),
                ("industry", ["industry", "sector", "vertical"]),
                ("employees", ["employees", "numberofemployees", "employeecount", "headcount", "companysize"]),
                ("country", ["country", "countryregion", "billingcountry", "hqcountry"]),
                ("external_id", ["externalid", "id", "accountid", "recordid", "companyid"]),
            ]
        case .opportunities:
            table = [
                ("external_id", ["externalid", "id", "opportunityid", "dealid", "recordid"]),
                ("name", ["name", "opportunityname", "dealname"]),
                ("account_external_id", ["accountexternalid", "accountid", "companyid"]),
                ("account_name", ["accountname", "company", "companyname", "account"]),
                ("account_domain", ["accountdomain", "companydomain", "domain"]),
                ("contact_email", ["contactemail", "email", "primarycontactemail"]),
                ("stage", ["stage", "dealstage", "opportunitystage", "pipelinestage"]),
                ("amount", ["amount", "dealamount", "value", "dealvalue", "revenue"]),
                ("currency", ["currency", "currencycode", "opportunitycurrency", "amountcurrency"]),
                ("created_at", ["createdat", "createddate", "createdate", "created"]),
                ("closed_at", ["closedat", "closedate", "closeddate"]),
                ("won", ["won", "iswon"]),
                ("is_closed", ["isclosed", "closed"]),
            ]
        case .spend:
            table = [
                ("day", ["day", "date", "reportingstarts", "startdate", "startdateinutc"]),
                ("channel", ["channel"]),
                ("campaign", ["campaign", "campaignname", "utmcampaign"]),
                ("cost", ["cost", "spend", "amountspent", "totalspent", "spent"]),
                ("currency", ["currency", "currencycode"]),
                ("impressions", ["impressions", "impr"]),
                ("clicks", ["clicks", "linkclicks"]),
                ("source", ["source", "platform", "utmsource", "network"]),
                ("ad_account", ["adaccount", "accountname", "account", "adaccountname", "customername"]),
            ]
        case .touchpoints:
            table = [
                ("occurred_at", ["occurredat", "timestamp", "datetime", "date", "time", "touchdate", "eventdate", "occurred"]),
                ("contact_email", ["contactemail", "email", "emailaddress"]),
                ("contact_external_id", ["contactexternalid", "contactid", "externalid"]),
                ("channel", ["channel"]),
                ("source", ["source", "utmsource"]),
                ("medium", ["medium", "utmmedium"]),
                ("campaign", ["campaign", "utmcampaign", "campaignname"]),
                ("content", ["content", "utmcontent"]),
                ("term", ["term", "utmterm", "keyword"]),
                ("landing_url", ["landingurl", "landingpage", "pageurl", "url"]),
                ("referrer", ["referrer", "referer", "referrerurl", "referringurl", "referringsite"]),
            ]
        }
        return table.map { field, keys in (field, [HeaderName.key(field)] + keys) }
    }

    /// The field a header means for `kind`, trying the header with and without a trailing
    /// parenthetical ("Cost (EUR)").
    static func field(for header: String, kind: ImportKind) -> String? {
        let table = synonyms(for: kind)
        let full = HeaderName.key(header)
        if let hit = table.first(where: { $0.keys.contains(full) }) { return hit.field }
        let base = HeaderName.key(HeaderName.splitParenthetical(header).base)
        if base != full, !base.isEmpty, let hit = table.first(where: { $0.keys.contains(base) }) { return hit.field }
        return nil
    }
}
