//! Converting an `endpoints/` file: a VPC endpoint's id, VPC, kind and endpoint policy.

use std::path::Path;

use serde_json::Value;

use super::error::{format_err, LoadError};
use super::fields::Obj;
use crate::inventory::{Endpoint, EndpointKind};
use crate::policy::PolicyKind;

/// Convert an `endpoints/` file. An endpoint policy is a resource-based policy ("It must
/// contain a Principal element",
/// <https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html>).
pub(super) fn endpoint(v: &Value, file: &str) -> Result<Endpoint, LoadError> {
    let o = Obj::new(v, file, &crate::inventory::schema::ENDPOINT_FIELDS)?;
    let id = o.str("id")?;
    if !is_id(&id, "vpce-") {
        return Err(format_err(
            file,
            "id",
            format!("`{id}` is not a VPC endpoint id (vpce-...)"),
        ));
    }
    let vpc = o.opt_str("vpc")?;
    if let Some(v) = vpc.as_deref().filter(|v| !is_id(v, "vpc-")) {
        return Err(format_err(
            file,
            "vpc",
            format!("`{v}` is not a VPC id (vpc-...)"),
        ));
    }
    // Any case: AWS's `VpcEndpointType` writes `Interface` and `Gateway`
    // (<https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpcEndpoint.html>).
    let kind = match o.opt_str("type")?.as_deref() {
        None => EndpointKind::Interface,
        Some(t) if t.eq_ignore_ascii_case("interface") => EndpointKind::Interface,
        Some(t) if t.eq_ignore_ascii_case("gateway") => EndpointKind::Gateway,
        Some(other) => {
            return Err(format_err(
                file,
                "type",
                format!("`{other}` is not an endpoint type (interface or gateway)"),
            ))
        }
    };
    let name = Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(&id)
        .to_string();
    Ok(Endpoint {
        policy: o.policy("policy", name, PolicyKind::Resource)?,
        source: file.into(),
        id,
        vpc,
        kind,
    })
}

/// `prefix` followed by at least one lowercase letter or digit, and nothing else.
fn is_id(text: &str, prefix: &str) -> bool {
    text.strip_prefix(prefix).is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_kinds_and_policies_are_checked() {
        let ok = serde_json::json!({"id": "vpce-1a2b3c4d", "vpc": "vpc-11aa", "type": "gateway"});
        let e = endpoint(&ok, "endpoints/s3.json").unwrap();
        assert_eq!((e.kind, e.policy), (EndpointKind::Gateway, None));
        // AWS's own spelling (describe-vpc-endpoints) is read too.
        for (t, kind) in [
            ("Gateway", EndpointKind::Gateway),
            ("Interface", EndpointKind::Interface),
        ] {
            let v = serde_json::json!({"id": "vpce-1", "type": t});
            assert_eq!(endpoint(&v, "e.json").unwrap().kind, kind);
        }
        let bad = |v: Value| endpoint(&v, "e.json").unwrap_err().to_string();
        assert!(bad(serde_json::json!({"id": "vpc-1"})).contains("not a VPC endpoint id"));
        assert!(
            bad(serde_json::json!({"id": "vpce-1", "type": "gw"})).contains("interface or gateway")
        );
        assert!(
            bad(serde_json::json!({"id": "vpce-1", "policy": {"Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}}))
            .contains("Principal")
        );
    }
}
