//! Protocol version negotiation for the session-based (legacy) era.
//!
//! The client offers its newest version in `initialize`; the server answers with the version it
//! will speak. Anything the client does not speak ends the connection with an error that lists
//! both sides, rather than a session that misbehaves later.

use super::error::Error;

/// The newest session-based version; offered in `initialize`.
pub const LATEST: &str = "2025-11-25";

/// Versions of the session-based era this client speaks, newest first.
pub const SUPPORTED: [&str; 3] = ["2025-11-25", "2025-06-18", "2025-03-26"];

/// The version served by the deprecated HTTP+SSE transport's servers of its time; accepted
/// only there, where servers predate the streamable transport.
pub const HTTP_SSE_ERA: &str = "2024-11-05";

/// What the caller asked for in `protocolVersion`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requested {
    /// Let the client decide (the default).
    Auto,
    /// Offer exactly this version.
    Pinned(String),
}

impl Requested {
    /// Parses the `protocolVersion` option.
    pub fn parse(option: Option<&str>) -> Result<Requested, Error> {
        match option {
            None | Some("auto") => Ok(Requested::Auto),
            Some(v) if SUPPORTED.contains(&v) || v == super::modern::VERSION => Ok(Requested::Pinned(v.to_owned())),
            Some(v) => Err(Error::InvalidArgument(format!(
                "protocolVersion \"{v}\" is not supported; use \"auto\", \"{}\" or one of {}",
                super::modern::VERSION,
                SUPPORTED.join(", ")
            ))),
        }
    }

    /// The version to put in `initialize` (never the modern one, which has no handshake).
    pub fn offer(&self) -> &str {
        match self {
            Requested::Pinned(v) if v != super::modern::VERSION => v,
            _ => LATEST,
        }
    }
}

/// Checks the version the server chose in its `initialize` result.
///
/// With a pinned version, only that version is acceptable. `legacy_transport` admits the
/// HTTP+SSE era's version for servers reached over that transport.
pub fn accept(requested: &Requested, server: &str, legacy_transport: bool) -> Result<String, Error> {
    let ok = match requested {
        Requested::Pinned(v) => v == server,
        Requested::Auto => SUPPORTED.contains(&server) || (legacy_transport && server == HTTP_SSE_ERA),
    };
    if ok {
        Ok(server.to_owned())
    } else {
        let offered = match requested {
            Requested::Pinned(v) => vec![v.clone()],
            Requested::Auto => SUPPORTED.iter().map(|s| s.to_string()).collect(),
        };
        Err(Error::UnsupportedProtocolVersion { offered, received: server.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offers_the_newest_legacy_version_by_default() {
        assert_eq!(Requested::parse(None).unwrap().offer(), "2025-11-25");
        assert_eq!(Requested::parse(Some("auto")).unwrap().offer(), "2025-11-25");
        assert_eq!(Requested::parse(Some("2025-06-18")).unwrap().offer(), "2025-06-18");
    }

    #[test]
    fn accepts_older_supported_versions() {
        let auto = Requested::Auto;
        for v in SUPPORTED {
            assert_eq!(accept(&auto, v, false).unwrap(), v);
        }
    }

    #[test]
    fn refuses_unknown_versions_with_both_sides_listed() {
        let err = accept(&Requested::Auto, "2099-01-01", false).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("2099-01-01") && text.contains("2025-11-25") && text.contains("2025-03-26"), "{text}");
        assert!(accept(&Requested::Auto, HTTP_SSE_ERA, false).is_err());
        assert!(accept(&Requested::Auto, HTTP_SSE_ERA, true).is_ok());
    }

    #[test]
    fn a_pinned_version_must_be_echoed() {
        let pinned = Requested::parse(Some("2025-06-18")).unwrap();
        assert!(accept(&pinned, "2025-06-18", false).is_ok());
        assert!(accept(&pinned, "2025-11-25", false).is_err());
        assert!(Requested::parse(Some("1999-01-01")).is_err());
    }
}
