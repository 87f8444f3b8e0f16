/// The entries of each `SourceCategory`: a practical subset of the site
/// lists Google publishes for GA4's default channel group. Entries without a
/// dot are brands ("google" covers google.com, google.de, google.co.uk);
/// dotted entries also cover their subdomains, so they are chosen with care
/// (e.g. no "yahoo.com" in search, which would pull in mail.yahoo.com).
enum SourceCategoryLists {
    static func entries(_ category: SourceCategory) -> Set<String> {
        switch category {
        case .search: return search
        case .social: return social
        case .video: return video
        case .shopping: return shopping
        case .email: return email
        }
    }

    static let search: Set<String> = [
        "google", "bing", "bing.com", "yahoo", "search.yahoo.com", "baidu", "baidu.com",
        "duckduckgo", "yandex", "ecosia", "ask", "aol", "search.aol.com", "naver",
        "search.naver.com", "daum", "search.daum.net", "seznam", "search.seznam.cz", "startpage",
        "qwant", "brave", "search.brave.com", "sogou", "so.com", "360.cn", "dogpile", "lycos",
        "mojeek", "msn", "kvasir", "coccoc", "onet", "rambler", "go.mail.ru", "yandex.com.tr",
        "search.google.com", "googleadservices", "search-results", "info.com", "metacrawler",
        "webcrawler", "excite", "alltheweb", "altavista", "najdi", "virgilio", "yahoo.co.jp",
    ]

    static let social: Set<String> = [
        "facebook", "facebook.com", "fb", "instagram", "instagram.com", "ig", "linkedin",
        "linkedin.com", "lnkd.in", "t.co", "twitter", "twitter.com", "x", "x.com", "reddit",
        "reddit.com", "pinterest", "pinterest.com", "tiktok", "tiktok.com", "snapchat",
        "snapchat.com", "quora", "quora.com", "threads", "threads.net", "whatsapp",
        "web.whatsapp.com", "messenger", "messenger.com", "discord", "discord.com", "tumblr",
        "tumblr.com", "vk", "vk.com", "weibo", "weibo.com", "wechat", "line", "line.me", "telegram",
        "t.me", "medium", "medium.com", "mastodon", "mastodon.social", "bsky", "bsky.app",
        "bluesky", "xing", "xing.com", "meetup", "meetup.com", "yelp", "tripadvisor", "slack",
        "news.ycombinator.com", "producthunt", "glassdoor", "nextdoor", "flickr", "deviantart",
        "ok.ru", "qzone", "douban", "stackoverflow", "stackexchange", "substack", "skype",
        "mewe", "tuenti", "badoo", "hootsuite", "sproutsocial",
    ]

    static let video: Set<String> = [
        "youtube", "youtube.com", "youtu.be", "vimeo", "vimeo.com", "twitch", "twitch.tv",
        "dailymotion", "dailymotion.com", "wistia", "ted", "ted.com", "youku", "iqiyi",
        "bilibili", "rumble", "netflix", "hulu", "primevideo", "disneyplus", "vidyard", "loom",
        "brightcove", "veoh", "jwplayer", "dtube", "crackle", "tubi", "rutube", "nicovideo",
    ]

    static let shopping: Set<String> = [
        "amazon", "ebay", "etsy", "walmart", "shopify", "shop.app", "alibaba", "aliexpress",
        "mercadolibre", "mercadolivre", "rakuten", "target", "bestbuy", "zalando", "otto",
        "flipkart", "igshopping", "google shopping", "shopping.google.com", "shopping.yahoo.com",
        "stripe", "checkout.stripe.com", "wish", "temu", "shein", "wayfair", "idealo", "allegro",
        "shopzilla", "pricegrabber", "apps.shopify.com", "checkout.shopify.com",
    ]

    static let email: Set<String> = [
        "email", "e-mail", "e_mail", "e mail", "newsletter", "mail.google.com", "gmail",
        "mail.yahoo.com", "outlook.live.com", "outlook.office.com", "outlook.office365.com",
        "mail.aol.com", "mail.proton.me", "mail.zoho.com", "webmail", "mailchimp", "klaviyo",
        "sendgrid", "mailerlite", "campaign-archive.com", "substack email",
    ]
}
