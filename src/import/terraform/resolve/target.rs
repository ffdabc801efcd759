//! Where the plan deploys: its account, region and partition, from the user's values, the data
//! sources read at plan time, the provider, or the ARNs the plan already knows.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{Fail, Resolver};
use crate::import::terraform::plan::Plan;

impl<'a> Resolver<'a> {
    /// Infers account, region and partition (user values first).
    pub fn new(plan: &'a Plan, vars: &'a BTreeMap<String, String>) -> Self {
        let arns: Vec<Vec<&str>> = plan
            .instances
            .values()
            .filter_map(|i| i.values.get("arn").and_then(Value::as_str))
            .filter(|a| a.starts_with("arn:"))
            .map(|a| a.splitn(6, ':').collect())
            .collect();
        let from_arns = |part: usize| {
            unique(
                arns.iter()
                    .filter_map(|a| a.get(part).copied())
                    .filter(|s| !s.is_empty() && *s != "aws"),
            )
        };
        let from_data = |rtype: &str, attrs: &[&str]| {
            unique(
                plan.instances
                    .values()
                    .filter(|i| i.data && i.rtype == rtype)
                    .filter_map(|i| {
                        attrs
                            .iter()
                            .find_map(|a| i.values.get(*a).and_then(Value::as_str))
                    }),
            )
        };
        let pick = |key: &str, options: Vec<Option<String>>| {
            vars.get(key)
                .cloned()
                .or_else(|| options.into_iter().flatten().next())
                .ok_or_else(|| Fail::Needs(key.to_string()))
        };
        let account = pick(
            "account_id",
            vec![
                from_data("aws_caller_identity", &["account_id"]),
                from_arns(4),
            ],
        );
        let region = pick(
            "region",
            vec![
                from_data("aws_region", &["region", "name"]),
                plan.provider_region.clone(),
                from_arns(3),
            ],
        );
        let partitions = unique(arns.iter().filter_map(|a| a.get(1).copied()));
        let by_region = region.as_ref().ok().map(|r| partition_of(r).to_string());
        let partition = pick(
            "partition",
            vec![
                from_data("aws_partition", &["partition"]),
                partitions,
                by_region,
            ],
        );
        Resolver {
            plan,
            vars,
            account,
            region,
            partition,
        }
    }
}

/// The one distinct value, if exactly one.
fn unique<'s>(values: impl Iterator<Item = &'s str>) -> Option<String> {
    let set: BTreeSet<&str> = values.collect();
    match set.into_iter().collect::<Vec<_>>().as_slice() {
        [one] => Some((*one).to_string()),
        _ => None,
    }
}

/// The partition of a region, by its documented name prefix
/// (<https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html>).
fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else {
        "aws"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_follows_the_region() {
        assert_eq!(partition_of("cn-north-1"), "aws-cn");
        assert_eq!(partition_of("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition_of("us-east-1"), "aws");
    }
}
