//! Where webhooks may be sent. By default only to public internet addresses:
//! whoever manages webhooks chooses the address, and one aimed inside the
//! server's own network (the database, an admin panel on localhost, a cloud's
//! metadata service at 169.254.169.254) would make Rapport reach it for them.
//! A site whose receivers live on its own network allows private addresses
//! (`RAPPORT_WEBHOOKS_TO_PRIVATE_NETWORKS`).
//!
//! The check is made on the addresses a name resolves to, when connecting
//! ([`PublicOnly`], so a name that changes its answer after being saved is
//! caught too), and on addresses written in the URL itself ([`refused_host`]).

use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::sync::LazyLock;

/// The setting that lets webhooks reach private networks, for the messages.
pub const SETTING: &str = "RAPPORT_WEBHOOKS_TO_PRIVATE_NETWORKS";

/// Address blocks that are not the public internet (IANA's special-purpose
/// registries): this host, private and shared networks, link-local,
/// documentation, benchmarking, multicast and reserved blocks, and the IPv6
/// forms that carry an IPv4 address (checked by that address instead).
static NOT_PUBLIC: LazyLock<Vec<IpNet>> = LazyLock::new(|| {
    [
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "::/128",
        "::1/128",
        "64:ff9b::/96",
        "64:ff9b:1::/48",
        "100::/64",
        "2001::/23",
        "2001:db8::/32",
        "2002::/16",
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
    ]
    .iter()
    .map(|block| block.parse().expect("a valid address block"))
    .collect()
});

/// Is `ip` an address on the public internet?
pub fn is_public(ip: IpAddr) -> bool {
    // An IPv4 address written as IPv6 (::ffff:10.0.0.1) is that IPv4 address.
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    !NOT_PUBLIC.iter().any(|block| block.contains(&ip))
}

/// Why a delivery was not sent, for the delivery log.
pub fn refusal(host: &str) -> String {
    format!(
        "Not sent: {host} is an address in a private network, which webhooks do not reach \
         unless the server is started with {SETTING}=true."
    )
}

/// The host of a URL: an IP address written in it, or a name.
enum Host {
    Ip(IpAddr),
    Name(String),
}

fn host_of(url: &str) -> Option<Host> {
    Some(match url::Url::parse(url).ok()?.host()? {
        url::Host::Ipv4(v4) => Host::Ip(IpAddr::V4(v4)),
        url::Host::Ipv6(v6) => Host::Ip(IpAddr::V6(v6)),
        url::Host::Domain(name) => Host::Name(name.to_string()),
    })
}

/// The refusal for a URL whose host is written as a non-public IP address.
pub fn refused_host(url: &str) -> Option<String> {
    match host_of(url)? {
        Host::Ip(ip) if !is_public(ip) => Some(refusal(&ip.to_string())),
        _ => None,
    }
}

/// Why a subscription to `url` is refused, if it is: its host is written as
/// a non-public IP address, or is a name that resolves only to such. The
/// name is looked up for at most 2 seconds; one that does not resolve (yet)
/// is accepted, since every delivery checks again when it connects.
pub async fn refused_when_saved(url: &str) -> Option<String> {
    let name = match host_of(url)? {
        Host::Ip(ip) => return (!is_public(ip)).then(|| ip.to_string()),
        Host::Name(name) => name,
    };
    let lookup = tokio::net::lookup_host((name.as_str(), 0));
    let found: Vec<IpAddr> = tokio::time::timeout(std::time::Duration::from_secs(2), lookup)
        .await
        .ok()?
        .ok()?
        .map(|addr| addr.ip())
        .collect();
    (!found.is_empty() && !found.into_iter().any(is_public)).then_some(name)
}

/// A name that resolves only to non-public addresses.
#[derive(Debug)]
pub struct RefusedAddress(pub String);

impl std::fmt::Display for RefusedAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&refusal(&self.0))
    }
}

impl std::error::Error for RefusedAddress {}

/// Resolves names as the system does, keeping only public addresses.
pub struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|addr| is_public(addr.ip()))
                .collect();
            if public.is_empty() && !found.is_empty() {
                return Err(Box::new(RefusedAddress(host)) as _);
            }
            Ok(Box::new(public.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.31.255.255",
            "192.168.0.10",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "fd00::1",
            "fe80::1",
            "2001:db8::1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in [
            "93.184.215.14",
            "8.8.8.8",
            "::ffff:8.8.8.8",
            "2606:4700::1111",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[tokio::test]
    async fn a_subscription_to_a_private_address_is_refused_when_saved() {
        for private in [
            "http://127.0.0.1:8080/x",
            "http://[::1]/x",
            "http://localhost:9/x",
        ] {
            assert!(refused_when_saved(private).await.is_some(), "{private}");
        }
        assert_eq!(refused_when_saved("https://8.8.8.8/x").await, None);
        // A name that does not resolve is left to the deliveries.
        assert_eq!(
            refused_when_saved("https://no-such-host.invalid/x").await,
            None
        );
    }

    #[test]
    fn a_url_naming_a_private_address_is_refused() {
        assert!(refused_host("http://127.0.0.1:8080/hook").is_some());
        assert!(refused_host("http://[::1]/hook").is_some());
        assert!(refused_host("https://169.254.169.254/latest/meta-data").is_some());
        assert!(refused_host("https://8.8.8.8/hook").is_none());
        // Names are checked when connecting, by what they resolve to.
        assert!(refused_host("https://hooks.example.com/x").is_none());
        let message = refused_host("http://10.0.0.5/x").unwrap();
        assert!(
            message.contains("10.0.0.5") && message.contains(SETTING),
            "{message}"
        );
    }
}
