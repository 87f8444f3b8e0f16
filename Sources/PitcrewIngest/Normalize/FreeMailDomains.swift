/// Free and consumer email providers. An address at one of these domains
/// identifies a person, not a company, so it must not create or match an account.
enum FreeMailDomains {
    /// Exact domains.
    static let domains: Set<String> = [
        "gmail.com", "googlemail.com", "yahoo.com", "ymail.com", "rocketmail.com", "hotmail.com",
        "outlook.com", "live.com", "msn.com", "passport.com", "windowslive.com", "icloud.com",
        "me.com", "mac.com", "aol.com", "aim.com", "proton.me", "protonmail.com", "protonmail.ch",
        "pm.me", "tutanota.com", "tutanota.de", "tuta.io", "tutamail.com", "gmx.de", "gmx.net",
        "gmx.com", "gmx.at", "gmx.ch", "web.de", "freenet.de", "t-online.de", "arcor.de",
        "mail.ru", "inbox.ru", "list.ru", "bk.ru", "yandex.ru", "yandex.com", "ya.ru",
        "rambler.ru", "qq.com", "163.com", "126.com", "yeah.net", "sina.com", "sina.cn",
        "sohu.com", "aliyun.com", "foxmail.com", "zoho.com", "zohomail.com", "fastmail.com",
        "fastmail.fm", "hey.com", "mail.com", "email.com", "usa.com", "post.com", "hushmail.com",
        "mailfence.com", "posteo.de", "posteo.net", "mailbox.org", "disroot.org", "runbox.com",
        "laposte.net", "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "neuf.fr", "libero.it",
        "virgilio.it", "tiscali.it", "alice.it", "seznam.cz", "centrum.cz", "wp.pl", "o2.pl",
        "onet.pl", "interia.pl", "op.pl", "ukr.net", "naver.com", "hanmail.net", "daum.net",
        "nate.com", "rediffmail.com", "uol.com.br", "bol.com.br", "terra.com.br", "ig.com.br",
        "btinternet.com", "sky.com", "virginmedia.com", "talktalk.net", "blueyonder.co.uk",
        "ntlworld.com", "bigpond.com", "optusnet.com.au", "shaw.ca", "rogers.com", "sympatico.ca",
        "comcast.net", "verizon.net", "att.net", "sbcglobal.net", "bellsouth.net", "cox.net",
        "charter.net", "earthlink.net", "juno.com", "netzero.net", "optonline.net",
        "frontier.com", "windstream.net", "inbox.com", "lycos.com", "excite.com", "bluewin.ch",
        "hotmail.co.uk", "yahoo.co.uk", "yahoo.co.jp", "yahoo.co.in", "outlook.jp", "skiff.com",
        "duck.com", "relay.firefox.com", "mozmail.com", "privaterelay.appleid.com",
    ]

    /// Provider brands that own the same mailbox service under many country
    /// suffixes (yahoo.fr, hotmail.de, live.co.uk, outlook.com.br, …).
    static let brandFamilies: Set<String> = [
        "yahoo", "ymail", "hotmail", "live", "outlook", "msn", "gmx", "yandex", "aol", "windowslive",
    ]
}
