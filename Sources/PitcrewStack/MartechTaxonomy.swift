/// The martech landscape's six categories and their usual subcategories (keys are stable snake_case; labels for people).
public enum MartechTaxonomy {
    public struct Category: Sendable {
        public var key: String
        public var label: String
        public var subcategories: [(key: String, label: String)]
    }

    public static let categories: [Category] = [
        Category(key: "advertising_promotion", label: "Advertising & Promotion", subcategories: [
            ("search_advertising", "Search & social advertising"), ("social_advertising", "Social advertising"),
            ("display_programmatic", "Display & programmatic"), ("mobile_marketing", "Mobile marketing"),
            ("video_advertising", "Video advertising"), ("native_content_advertising", "Native/content advertising"),
            ("print", "Print"), ("pr", "Public relations"), ("abm", "Account-based marketing"),
        ]),
        Category(key: "content_experience", label: "Content & Experience", subcategories: [
            ("cms_web", "CMS & web experience management"), ("email_tools", "Email marketing"), ("landing_pages", "Landing pages"),
            ("optimization_testing", "Optimization, personalization & testing"), ("seo", "SEO"), ("video", "Video marketing"),
            ("creative_design", "Creative & design"), ("dam", "Digital asset management"), ("content_marketing", "Content marketing"),
            ("interactive_content", "Interactive content"), ("mobile_apps", "Mobile apps"),
        ]),
        Category(key: "social_relationships", label: "Social & Relationships", subcategories: [
            ("social_media_management", "Social media marketing & monitoring"), ("events_webinars", "Events, meetings & webinars"),
            ("conversational", "Conversational marketing & chat"), ("feedback_surveys", "Feedback & surveys"),
            ("customer_success", "Customer experience, service & success"), ("community_reviews", "Community & reviews"),
            ("influencers", "Influencers"), ("advocacy_loyalty_referrals", "Advocacy, loyalty & referrals"),
        ]),
        Category(key: "commerce_sales", label: "Commerce & Sales", subcategories: [
            ("crm", "CRM"), ("marketing_automation", "Marketing automation & campaign management"),
            ("sales_engagement", "Sales engagement"), ("sales_intelligence", "Sales intelligence"),
            ("ecommerce_platforms", "E-commerce platforms & carts"), ("ecommerce_marketing", "E-commerce marketing"),
            ("retail_proximity", "Retail, proximity & IoT marketing"), ("channel_partner", "Channel, partner & local marketing"),
            ("affiliate", "Affiliate marketing & management"),
        ]),
        Category(key: "data", label: "Data", subcategories: [
            ("cdp", "Customer data platform"), ("data_enrichment", "Audience/market data & enhancement"),
            ("data_integration", "Data integration & tag management"), ("ipaas", "iPaaS, cloud & data integration"),
            ("reverse_etl", "Reverse ETL"), ("data_warehouse", "Data warehouse & lake"), ("web_analytics", "Web & mobile analytics"),
            ("product_analytics", "Product analytics"), ("attribution", "Marketing analytics, performance & attribution"),
            ("bi_dashboards", "Business/customer intelligence & data science"), ("dashboards", "Dashboards & data visualization"),
            ("governance_compliance", "Governance, compliance & privacy"), ("identity", "Identity resolution"),
        ]),
        Category(key: "management", label: "Management", subcategories: [
            ("project_management", "Projects & workflow"), ("collaboration", "Collaboration"), ("budgeting_finance", "Budgeting & finance"),
            ("talent_management", "Talent management"), ("vendor_analysis", "Vendor analysis"), ("agile_lean", "Agile & lean management"),
            ("product_management", "Product management"),
        ]),
    ]

    public static func category(_ key: String) -> Category? { categories.first { $0.key == key } }

    public static func label(category key: String) -> String { category(key)?.label ?? key }

    public static func label(subcategory key: String) -> String {
        for category in categories { if let sub = category.subcategories.first(where: { $0.key == key }) { return sub.label } }
        return key
    }

    public static func isSubcategory(_ key: String, of category: String) -> Bool {
        self.category(category)?.subcategories.contains { $0.key == key } ?? false
    }
}
