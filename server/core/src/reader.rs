//! Who a service answers, and how they read.

use crate::policy::Actor;
use crate::time_zones::ReaderZone;
use crate::Error;

/// The person a service answers (or a visitor) and the time zone they read
/// times in. The web edge builds one per request, from the session and the
/// browser, and services take it instead of reading the request themselves.
///
/// The request id is not in it: the edge's request span writes it on every
/// log line, the services' lines included, and the edge logs failures.
#[derive(Debug, Clone)]
pub struct Reader {
    actor: Option<Actor>,
    zone: ReaderZone,
    /// The client's network address, when the request came over the web.
    address: Option<String>,
}

impl Reader {
    pub fn new(actor: Option<Actor>, zone: ReaderZone) -> Reader {
        Reader {
            actor,
            zone,
            address: None,
        }
    }

    /// The same reader, asking from this network address.
    pub fn from_address(self, address: String) -> Reader {
        Reader {
            address: Some(address),
            ..self
        }
    }

    /// Whom an abuse limit counts against (`crate::limits`): the signed-in
    /// person wherever they are, else the visitor's network address.
    pub fn limit_key(&self) -> String {
        match (&self.actor, &self.address) {
            (Some(actor), _) => format!("user:{}", actor.user_id),
            (None, Some(address)) => format!("address:{address}"),
            (None, None) => "address:unknown".to_string(),
        }
    }

    /// The signed-in person, or None for a visitor.
    pub fn actor(&self) -> Option<&Actor> {
        self.actor.as_ref()
    }

    /// The signed-in person, or "please sign in".
    pub fn signed_in(&self) -> Result<&Actor, Error> {
        self.actor.as_ref().ok_or(Error::Unauthenticated)
    }

    /// The zone times are shown in.
    pub fn zone(&self) -> &ReaderZone {
        &self.zone
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rapport_types::Role;

    #[test]
    fn a_visitor_is_asked_to_sign_in() {
        let visitor = Reader::new(None, ReaderZone::utc());
        assert!(visitor.actor().is_none());
        assert!(matches!(visitor.signed_in(), Err(Error::Unauthenticated)));
        let actor = Actor {
            user_id: 7,
            role: Role::Customer,
            organization_id: Some(3),
        };
        let reader = Reader::new(
            Some(actor.clone()),
            ReaderZone::named_or_utc(Some("Europe/Zurich")),
        );
        assert_eq!(reader.signed_in().unwrap(), &actor);
        assert_eq!(reader.zone().name, "Europe/Zurich");
    }
}
