import Foundation

/// What a link in an artist's profile may claim.
///
/// A link covers itself and everything below its path, so a link with no path claims a whole host. That is
/// accepted only for a host the artist proved is theirs (a verified link on it), and never for a host many people
/// share (a portfolio site, a social network), where it would claim everyone's work.
public enum LinkRules {
    /// Hosts where many people publish: a link there must name a path (the artist's page), never the whole host.
    public static let sharedHosts: Set<String> = [
        "artstation.com", "deviantart.com", "instagram.com", "x.com", "twitter.com", "behance.net", "tumblr.com", "pixiv.net",
        "facebook.com", "youtube.com", "tiktok.com", "patreon.com", "threads.net", "bsky.app", "mastodon.social", "reddit.com",
        "pinterest.com", "flickr.com", "dribbble.com", "cara.app", "linkedin.com", "github.com", "gitlab.com", "medium.com",
        "substack.com", "wordpress.com", "blogspot.com", "wix.com", "squarespace.com", "carrd.co", "linktr.ee", "ko-fi.com",
        "gumroad.com", "etsy.com", "redbubble.com", "society6.com", "vk.com", "weibo.com", "lofter.com", "bilibili.com",
        "naver.com", "twitch.tv", "vimeo.com", "newgrounds.com", "furaffinity.net", "artfol.co", "vgen.co", "skeb.jp",
        "fanbox.cc", "booth.pm", "nicovideo.jp", "google.com", "sites.google.com", "drive.google.com", "dropbox.com",
        "imgur.com", "tistory.com", "blog.naver.com", "livejournal.com", "itch.io", "cgsociety.org", "polycount.com",
        "cghub.com", "conceptart.org", "saatchiart.com", "artmajeur.com", "fineartamerica.com",
    ]

    /// The host of an http(s) URL, lower case and without `www.`; nil for anything else.
    public static func host(of url: String) -> String? {
        guard let components = URLComponents(string: url),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            var host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        if host.hasSuffix(".") { host.removeLast() }
        if host.hasPrefix("www.") { host.removeFirst(4) }
        return host
    }

    /// Whether `url` names no path (nor query), and so would claim its whole host.
    public static func claimsWholeHost(_ url: String) -> Bool {
        guard let components = URLComponents(string: url) else { return false }
        return components.percentEncodedPath.allSatisfy { $0 == "/" } && components.percentEncodedQuery == nil
    }

    /// Whether `host` is a shared host. A subdomain (`greg.tumblr.com`) is one person's site: it is not shared, but a
    /// link to all of it still needs that site verified.
    public static func isShared(_ host: String) -> Bool {
        sharedHosts.contains(host)
    }

    /// Checks that `url` claims no more than the artist may: 422 `link_too_broad` naming the host otherwise.
    public static func checkScope(_ url: String, verifiedHosts: Set<String>) throws(DomainError) {
        guard claimsWholeHost(url), let host = host(of: url) else { return }
        if isShared(host) {
            throw .invalid(
                "links",
                code: "link_too_broad",
                "\(host) is shared by many people: link to your own page there (such as https://\(host)/yourname), not the whole site."
            )
        }
        guard verifiedHosts.contains(host) else {
            throw .invalid(
                "links",
                code: "link_too_broad",
                "A link to all of \(host) claims the whole site: verify a page of it first (POST /v1/artists/{id}/links/verify), "
                    + "or link to a page below it."
            )
        }
    }
}
