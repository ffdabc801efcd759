//! The facts the engine derives for a request, for analyses that quantify over requests: which
//! context keys the engine fills in itself (a request never supplies them, since a supplied value
//! would describe a caller or resource that does not exist), and their values for one request.

use super::prepare::{principal_keys, request_keys, service_keys, time_keys};
use super::resolve::completed_role;
use super::trace::NoTrace;
use super::Engine;
use crate::request::{Context, Request};

/// Keys the engine fills from the inventory (principal, resource, clock), lowercased; with the
/// prefixes in [`is_derived_key`].
const DERIVED_KEYS: &[&str] = &[
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principaltype",
    "aws:principalisawsservice",
    "aws:principalservicename",
    "aws:username",
    "aws:resourceaccount",
    "aws:currenttime",
    "aws:epochtime",
    "kms:calleraccount",
];

/// Is the lowercased key one the engine derives from the inventory or its clock
/// (`aws:PrincipalArn`, `aws:PrincipalTag/*`, `aws:ResourceTag/*`, `aws:CurrentTime`, ...)?
pub fn is_derived_key(lower: &str) -> bool {
    DERIVED_KEYS.contains(&lower)
        || lower.starts_with("aws:principaltag/")
        || lower.starts_with("aws:resourcetag/")
}

impl Engine {
    /// The global keys the engine layers under `req`'s own keys: the caller's (ARN, account,
    /// type, tags, user name), the resource's (account, tags) and the clock's, as one context.
    /// The request's own context is not included.
    pub fn derived_keys(&self, req: &Request) -> Context {
        self.derived_facts(req).0
    }

    /// [`Self::derived_keys`], and whether the inventory holds what `req` acts on: when it does
    /// not, the resource's tags (`aws:ResourceTag/*`) are unknown, not absent.
    pub fn derived_facts(&self, req: &Request) -> (Context, bool) {
        let action = req.action.to_ascii_lowercase();
        let service = action.split(':').next().unwrap_or("");
        let resource = self.resolve_alias(&req.resource);
        let known = self.caller_entry(&req.principal);
        let completed = completed_role(&req.principal, known);
        let principal = completed.as_ref().unwrap_or(&req.principal);
        let target = self.target(req, resource, service, principal, &mut NoTrace);
        let mut out = Context::new();
        let principal_layer = known.map(|c| c.globals()).or_else(|| match principal {
            crate::request::Principal::Service(name) => self.service_keys.get(name),
            _ => None,
        });
        match principal_layer {
            Some(layer) => copy_into(&mut out, layer),
            None => principal_keys(&mut out, principal, None),
        }
        let held = target.keys.is_some();
        match target.keys {
            Some(keys) => copy_into(&mut out, keys),
            None => request_keys(&mut out, target.account, None, None),
        }
        let now = self.now_millis.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
                .unwrap_or(0)
        });
        time_keys(&mut out, now);
        service_keys(&mut out, &req.action, principal);
        (out, held)
    }
}

/// Add every entry of `from` that `to` does not have yet.
fn copy_into(to: &mut Context, from: &Context) {
    for e in from.iter() {
        if to.contains(&e.name) {
            continue;
        }
        if e.multi {
            to.insert_list(&e.name, e.values.iter().map(|v| v.raw().to_string()));
        } else if let Some(v) = e.values.first() {
            to.insert(&e.name, v.raw().to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{named, AdHoc};
    use crate::policy::{parse_document, PolicyKind};
    use crate::request::Principal;

    /// The engine of one caller with the identity policy `doc`.
    fn engine_for(principal: &Principal, doc: &serde_json::Value) -> Engine {
        let ad = AdHoc {
            principal: Some(principal.clone()),
            identity: vec![named(
                "p",
                parse_document(doc, "p", PolicyKind::Identity).unwrap(),
            )],
            ..AdHoc::default()
        };
        Engine::new(&ad.build()).unwrap()
    }

    #[test]
    fn derived_keys_name_the_caller_and_the_resource_owner() {
        let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]});
        let principal = Principal::parse("arn:aws:iam::111122223333:user/alice").unwrap();
        let engine = engine_for(&principal, &doc).with_time(0);
        let req = Request::new(
            principal,
            "s3:GetObject",
            "arn:aws:iam::444455556666:role/r",
        );
        let keys = engine.derived_keys(&req);
        let get = |k: &str| keys.get(k).map(|e| e.values[0].raw().to_string());
        assert_eq!(get("aws:username").as_deref(), Some("alice"));
        assert_eq!(get("aws:ResourceAccount").as_deref(), Some("444455556666"));
        assert_eq!(get("aws:EpochTime").as_deref(), Some("0"));
        assert!(is_derived_key("aws:principaltag/team"));
        assert!(!is_derived_key("aws:sourceip"));
    }

    #[test]
    fn a_kms_request_carries_the_callers_account_as_kms_caller_account() {
        // conditions-kms.html#conditions-kms-caller-account: a key policy's Deny on the
        // caller's own account applies with no context given; a given value is kept.
        let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"},
            {"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*",
             "Condition": {"StringEquals": {"kms:CallerAccount": "111122223333"}}}]});
        let principal = Principal::parse("arn:aws:iam::111122223333:role/r").unwrap();
        let engine = engine_for(&principal, &doc);
        let mut req = Request::new(principal, "kms:Decrypt", "*");
        let keys = engine.derived_keys(&req);
        let got = keys
            .get("kms:CallerAccount")
            .map(|e| e.values[0].raw().to_string());
        assert_eq!(got.as_deref(), Some("111122223333"));
        assert!(is_derived_key("kms:calleraccount"));
        assert_eq!(
            engine.evaluate(&req).decision,
            crate::engine::Decision::ExplicitDeny
        );
        req.context.insert("kms:CallerAccount", "444455556666");
        assert_eq!(
            engine.evaluate(&req).decision,
            crate::engine::Decision::Allow
        );
        // Not a KMS request: no such key.
        let s3 = Request::new(req.principal.clone(), "s3:GetObject", "*");
        assert!(engine.derived_keys(&s3).get("kms:CallerAccount").is_none());
    }
}
