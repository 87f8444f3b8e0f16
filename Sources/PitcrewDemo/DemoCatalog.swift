/// The fixed material the demo organization is made of: channels, traffic sources, tools, names.
enum DemoCatalog {
    struct ChannelSpec {
        var name: String
        var kind: String
        var source: String
        var medium: String
        /// Share of touches arriving through the channel.
        var weight: Double
        var paid: Bool
    }

    static let channels: [ChannelSpec] = [
        ChannelSpec(name: "Paid Search", kind: "paid", source: "google", medium: "cpc", weight: 18, paid: true),
        ChannelSpec(name: "Paid Social", kind: "paid", source: "linkedin", medium: "paid_social", weight: 14, paid: true),
        ChannelSpec(name: "Display", kind: "paid", source: "google", medium: "display", weight: 6, paid: true),
        ChannelSpec(name: "Email", kind: "owned", source: "newsletter", medium: "email", weight: 22, paid: false),
        ChannelSpec(name: "Organic Search", kind: "earned", source: "google", medium: "organic", weight: 16, paid: false),
        ChannelSpec(name: "Organic Social", kind: "earned", source: "linkedin", medium: "social", weight: 6, paid: false),
        ChannelSpec(name: "Referral", kind: "earned", source: "g2.com", medium: "referral", weight: 5, paid: false),
        ChannelSpec(name: "Events", kind: "owned", source: "event", medium: "offline", weight: 4, paid: true),
        ChannelSpec(name: "Webinar", kind: "owned", source: "on24", medium: "webinar", weight: 4, paid: false),
        ChannelSpec(name: "Direct", kind: "owned", source: "(direct)", medium: "(none)", weight: 5, paid: false),
    ]

    /// Campaign themes; each is run on several channels and quarters to make ~40 campaigns.
    static let themes: [(name: String, utm: String, channels: [String])] = [
        ("Brand Search", "brand_search", ["Paid Search"]),
        ("Competitor Conquest", "competitor", ["Paid Search", "Display"]),
        ("Ops Leader ABM", "ops_abm", ["Paid Social", "Display"]),
        ("Product Launch", "launch", ["Paid Social", "Email", "Paid Search"]),
        ("Monthly Newsletter", "newsletter", ["Email"]),
        ("Nurture Track", "nurture", ["Email"]),
        ("State of MOps Report", "mops_report", ["Paid Social", "Organic Social"]),
        ("Customer Summit", "summit", ["Events", "Email"]),
        ("Webinar Series", "webinar", ["Webinar", "Email"]),
        ("Retargeting", "retargeting", ["Display", "Paid Social"]),
    ]

    /// (name, vendor, category, subcategory, annual cost USD, seats, used?)
    static let tools: [(String, String, String, String, Int, Int, Bool)] = [
        ("HubSpot Marketing Hub", "HubSpot", "commerce_sales", "marketing_automation", 96_000, 25, true),
        ("Marketo Engage", "Adobe", "commerce_sales", "marketing_automation", 78_000, 10, false),
        ("Salesforce Sales Cloud", "Salesforce", "commerce_sales", "crm", 180_000, 120, true),
        ("Outreach", "Outreach", "commerce_sales", "sales_engagement", 54_000, 40, true),
        ("Salesloft", "Salesloft", "commerce_sales", "sales_engagement", 38_000, 20, false),
        ("Gong", "Gong", "commerce_sales", "sales_intelligence", 60_000, 45, true),
        ("ZoomInfo", "ZoomInfo", "data", "data_enrichment", 45_000, 15, true),
        ("Clearbit", "HubSpot", "data", "data_enrichment", 24_000, 5, true),
        ("Apollo.io", "Apollo", "data", "data_enrichment", 12_000, 10, false),
        ("6sense", "6sense", "advertising_promotion", "abm", 90_000, 12, true),
        ("Demandbase", "Demandbase", "advertising_promotion", "abm", 70_000, 8, false),
        ("Google Ads", "Google", "advertising_promotion", "search_advertising", 0, 6, true),
        ("LinkedIn Campaign Manager", "LinkedIn", "advertising_promotion", "social_advertising", 0, 6, true),
        ("Meta Ads Manager", "Meta", "advertising_promotion", "social_advertising", 0, 4, true),
        ("StackAdapt", "StackAdapt", "advertising_promotion", "display_programmatic", 18_000, 3, true),
        ("Google Analytics 4", "Google", "data", "web_analytics", 0, 30, true),
        ("Mixpanel", "Mixpanel", "data", "product_analytics", 28_000, 20, true),
        ("Amplitude", "Amplitude", "data", "product_analytics", 32_000, 15, false),
        ("Hotjar", "Contentsquare", "content_experience", "optimization_testing", 6_000, 10, true),
        ("FullStory", "FullStory", "content_experience", "optimization_testing", 25_000, 10, false),
        ("Optimizely", "Optimizely", "content_experience", "optimization_testing", 48_000, 8, true),
        ("VWO", "Wingify", "content_experience", "optimization_testing", 14_000, 5, false),
        ("Segment", "Twilio", "data", "cdp", 60_000, 10, true),
        ("Snowflake", "Snowflake", "data", "data_warehouse", 85_000, 12, true),
        ("Fivetran", "Fivetran", "data", "data_integration", 30_000, 6, true),
        ("dbt Cloud", "dbt Labs", "data", "data_integration", 12_000, 6, true),
        ("Hightouch", "Hightouch", "data", "reverse_etl", 20_000, 5, true),
        ("Census", "Fivetran", "data", "reverse_etl", 15_000, 4, false),
        ("Tableau", "Salesforce", "data", "bi_dashboards", 42_000, 25, true),
        ("Looker", "Google", "data", "bi_dashboards", 50_000, 20, true),
        ("Power BI", "Microsoft", "data", "bi_dashboards", 6_000, 30, false),
        ("Dreamdata", "Dreamdata", "data", "attribution", 30_000, 8, true),
        ("Marketo Measure", "Adobe", "data", "attribution", 40_000, 6, false),
        ("Zapier", "Zapier", "data", "ipaas", 4_800, 10, true),
        ("Workato", "Workato", "data", "ipaas", 36_000, 5, true),
        ("Webflow", "Webflow", "content_experience", "cms_web", 9_000, 8, true),
        ("WordPress VIP", "Automattic", "content_experience", "cms_web", 25_000, 6, false),
        ("Contentful", "Contentful", "content_experience", "cms_web", 40_000, 12, true),
        ("Unbounce", "Unbounce", "content_experience", "landing_pages", 3_600, 5, true),
        ("Canva", "Canva", "content_experience", "creative_design", 3_000, 30, true),
        ("Figma", "Figma", "content_experience", "creative_design", 14_000, 20, true),
        ("Adobe Creative Cloud", "Adobe", "content_experience", "creative_design", 22_000, 12, true),
        ("Vidyard", "Vidyard", "content_experience", "video", 9_000, 25, true),
        ("Wistia", "Wistia", "content_experience", "video", 8_000, 6, false),
        ("Litmus", "Litmus", "content_experience", "email_tools", 5_000, 4, true),
        ("Semrush", "Semrush", "content_experience", "seo", 6_000, 5, true),
        ("Ahrefs", "Ahrefs", "content_experience", "seo", 5_000, 3, true),
        ("Hootsuite", "Hootsuite", "social_relationships", "social_media_management", 12_000, 10, true),
        ("Sprout Social", "Sprout Social", "social_relationships", "social_media_management", 18_000, 8, false),
        ("Drift", "Salesloft", "social_relationships", "conversational", 30_000, 15, true),
        ("Intercom", "Intercom", "social_relationships", "conversational", 36_000, 20, true),
        ("Gainsight", "Gainsight", "social_relationships", "customer_success", 55_000, 15, true),
        ("Qualtrics", "Qualtrics", "social_relationships", "feedback_surveys", 28_000, 6, true),
        ("Typeform", "Typeform", "social_relationships", "feedback_surveys", 1_800, 5, false),
        ("ON24", "ON24", "social_relationships", "events_webinars", 42_000, 6, true),
        ("Zoom Webinars", "Zoom", "social_relationships", "events_webinars", 6_000, 10, true),
        ("Cvent", "Cvent", "social_relationships", "events_webinars", 35_000, 5, true),
        ("Asana", "Asana", "management", "project_management", 14_000, 60, true),
        ("Monday.com", "monday.com", "management", "project_management", 9_000, 25, false),
        ("Wrike", "Wrike", "management", "project_management", 8_000, 15, false),
        ("Airtable", "Airtable", "management", "collaboration", 6_000, 20, true),
        ("Notion", "Notion", "management", "collaboration", 5_000, 80, true),
        ("Allocadia", "Planful", "management", "budgeting_finance", 40_000, 6, true),
    ]

    static let firstNames = [
        "Ava", "Liam", "Maya", "Noah", "Zoe", "Ethan", "Priya", "Lucas", "Hana", "Omar", "Ines", "Mateo", "Chloe", "Arjun", "Freya",
        "Diego", "Sofia", "Kenji", "Amara", "Jonas", "Lena", "Ravi", "Nora", "Felix", "Yara", "Hugo", "Elif", "Sam", "Mia", "Theo",
    ]
    static let lastNames = [
        "Nguyen", "Smith", "Garcia", "Müller", "Okafor", "Kowalski", "Silva", "Tanaka", "Cohen", "Patel", "Johansson", "Rossi", "Dubois",
        "Kim", "Hughes", "Novak", "Haddad", "Fischer", "Lopez", "O'Brien", "Andersen", "Costa", "Ivanova", "Reyes", "Walsh", "Sato",
    ]
    static let titles = [
        "Marketing Operations Manager", "VP Marketing", "Demand Generation Manager", "Director of Revenue Operations", "CMO",
        "Growth Marketer", "Marketing Analyst", "Sales Operations Lead", "Content Marketing Manager", "Head of Digital",
    ]
    static let companyPrefixes = [
        "North", "Blue", "Bright", "Iron", "Silver", "Cedar", "Quantum", "Summit", "Harbor", "Atlas", "Nova", "Pioneer", "Vertex",
        "Granite", "Lumen", "Apex", "Orbit", "Maple", "Crest", "Echo",
    ]
    static let companySuffixes = [
        "wind Logistics", "field Health", "stone Analytics", "path Software", "bridge Capital", "line Energy", "works Manufacturing",
        "point Retail", "gate Security", "wave Media", "leaf Foods", "forge Robotics",
    ]
    static let industries = ["Software", "Healthcare", "Financial Services", "Manufacturing", "Retail", "Logistics", "Energy", "Media"]
    static let countries = ["US", "US", "US", "GB", "DE", "FR", "CA", "AU", "NL", "SE"]
    static let pages = ["/", "/pricing", "/product", "/blog/mops-guide", "/customers", "/demo", "/integrations", "/blog/attribution"]
}
