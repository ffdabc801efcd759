//! The organisation-scale workload: `cargo run --release --example gen_org -- OUTDIR [PRINCIPALS]
//! [CASES]` writes `OUTDIR/policies/`, an inventory shaped as `iamsim import gaad` writes one
//! account's dump, for 200 accounts (roles and users with customer-managed policies, users in
//! groups), plus what GAAD does not hold: `organization.json` (a three-level OU tree with SCPs at
//! every level) and `resources/` (S3 bucket, KMS key and ECR repository policies with
//! cross-account grants). `OUTDIR/scenarios/acct-NNN.json` hold CASES literal cases (default
//! 100,000: one JSON object per case), spread over the principals, each expectation computed from
//! the rules below, so `iamsim check OUTDIR/scenarios` passes. See docs/performance.md.
//!
//! The rules: account `a` (0..200, id `200000000000 + a`) sits in leaf OU `a % 24`; leaf `l` is
//! under level-2 OU `l / 2`, itself under level-1 OU `l / 6`. Every level attaches
//! FullAWSAccess; the root also denies `organizations:LeaveOrganization`, level-1 OU 3
//! (`sandbox`) denies `kms:Decrypt`, every third level-2 OU denies `ecr:*`, every second leaf
//! denies `s3:PutObject`. Account 0 holds 20 KMS keys (key `k` granted to the accounts of
//! level-1 OU `k % 4`) and 50 ECR repositories (repository `r` granted to the accounts `a` with
//! `a % 50 == r`); account `b`'s bucket `org-data-b` grants `s3:GetObject` to accounts `b + 1`
//! and `b + 2` (mod 200). Every principal's managed policy allows what the cases ask for, so the
//! decision is the SCPs' and the resource policies'.

#![allow(
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line generator: it reports on the terminal and stops on the first error"
)]

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

const ACCOUNTS: usize = 200;
const LEAVES: usize = 24;
const KEYS: usize = 20;
const REPOS: usize = 50;
const REGION: &str = "us-east-1";
/// The share of principals that are roles (the rest are users), in percent
const ROLE_PERCENT: usize = 70;

fn account(a: usize) -> String {
    format!("{}", 200_000_000_000usize + a)
}

fn leaf(a: usize) -> usize {
    a % LEAVES
}
fn level2(a: usize) -> usize {
    leaf(a) / 2
}
fn level1(a: usize) -> usize {
    leaf(a) / 6
}
fn sandbox(a: usize) -> bool {
    level1(a) == 3
}
fn no_ecr(a: usize) -> bool {
    level2(a) % 3 == 2
}
fn no_put(a: usize) -> bool {
    leaf(a) % 2 == 1
}

fn doc(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn full_access() -> Value {
    json!({"name": "FullAWSAccess", "document": doc(vec![json!({"Effect": "Allow", "Action": "*", "Resource": "*"})])})
}

fn deny(name: &str, action: &str) -> Value {
    json!({"name": name, "document": doc(vec![json!({"Sid": name, "Effect": "Deny", "Action": action, "Resource": "*"})])})
}

fn write(path: &Path, v: &Value) {
    std::fs::write(path, serde_json::to_string(v).expect("serializes")).expect("write");
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(out) = args.next().map(PathBuf::from) else {
        eprintln!("usage: gen_org OUTDIR [PRINCIPALS] [CASES]");
        std::process::exit(2);
    };
    let principals: usize = args
        .next()
        .map_or(100_000, |a| a.parse().expect("a number"));
    let cases: usize = args
        .next()
        .map_or(100_000, |a| a.parse().expect("a number"));
    let policies = out.join("policies");
    for d in ["roles", "users", "groups", "managed", "resources"] {
        std::fs::create_dir_all(policies.join(d)).expect("create policies/");
    }
    organization(&policies);
    resources(&policies);
    let names = identities(&policies, principals);
    let n = scenarios(&out.join("scenarios"), &names, cases);
    println!(
        "wrote {} principals in {ACCOUNTS} accounts to {} and {n} cases to {}",
        names.len(),
        policies.display(),
        out.join("scenarios").display()
    );
}

/// `organization.json`: root, 4 level-1 OUs, 12 level-2, 24 leaves, 200 accounts.
fn organization(policies: &Path) {
    let mut ous = Vec::new();
    for o in 0..4 {
        let mut scps = vec![full_access()];
        if o == 3 {
            scps.push(deny("SandboxNoDecrypt", "kms:Decrypt"));
        }
        ous.push(json!({"id": format!("ou-l1-{o}"), "parent": "root", "scps": scps}));
    }
    for o in 0..LEAVES / 2 {
        let mut scps = vec![full_access()];
        if o % 3 == 2 {
            scps.push(deny("NoEcr", "ecr:*"));
        }
        ous.push(
            json!({"id": format!("ou-l2-{o}"), "parent": format!("ou-l1-{}", o / 3), "scps": scps}),
        );
    }
    for o in 0..LEAVES {
        let mut scps = vec![full_access()];
        if o % 2 == 1 {
            scps.push(deny("NoPut", "s3:PutObject"));
        }
        ous.push(
            json!({"id": format!("ou-l3-{o}"), "parent": format!("ou-l2-{}", o / 2), "scps": scps}),
        );
    }
    let accounts: Vec<Value> = (0..ACCOUNTS)
        .map(|a| json!({"id": account(a), "parent": format!("ou-l3-{}", leaf(a)), "scps": [full_access()]}))
        .collect();
    let org = json!({
        "management_account": "999999999999",
        "root": {"scps": [full_access(), deny("DenyLeave", "organizations:LeaveOrganization")]},
        "ous": ous,
        "accounts": accounts,
    });
    write(&policies.join("organization.json"), &org);
}

fn roots(accounts: impl Iterator<Item = usize>) -> Vec<String> {
    accounts
        .map(|a| format!("arn:aws:iam::{}:root", account(a)))
        .collect()
}

/// Buckets (one per account), KMS keys and ECR repositories (account 0) with their policies.
fn resources(policies: &Path) {
    let dir = policies.join("resources");
    for b in 0..ACCOUNTS {
        let arn = format!("arn:aws:s3:::org-data-{b:03}");
        let grantees = roots([(b + 1) % ACCOUNTS, (b + 2) % ACCOUNTS].into_iter());
        let policy = doc(vec![json!({"Sid": "PeersRead", "Effect": "Allow",
            "Principal": {"AWS": grantees}, "Action": "s3:GetObject", "Resource": format!("{arn}/*")})]);
        write(
            &dir.join(format!("bucket-{b:03}.json")),
            &json!({"arn": arn, "account": account(b), "policy": policy}),
        );
    }
    let shared = account(0);
    for k in 0..KEYS {
        let arn = format!("arn:aws:kms:{REGION}:{shared}:key/{k:08}-0000-4000-8000-000000000000");
        let grantees = roots((0..ACCOUNTS).filter(|a| level1(*a) == k % 4));
        let policy = doc(vec![
            json!({"Sid": "Owner", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{shared}:root")}, "Action": "kms:*", "Resource": "*"}),
            json!({"Sid": "OuDecrypt", "Effect": "Allow", "Principal": {"AWS": grantees}, "Action": "kms:Decrypt", "Resource": "*"}),
        ]);
        let alias = format!("arn:aws:kms:{REGION}:{shared}:alias/org-key-{k:02}");
        write(
            &dir.join(format!("key-{k:02}.json")),
            &json!({"arn": arn, "account": shared, "aliases": [alias], "policy": policy}),
        );
    }
    for r in 0..REPOS {
        let arn = format!("arn:aws:ecr:{REGION}:{shared}:repository/org/image-{r:02}");
        let grantees = roots((0..ACCOUNTS).filter(|a| a % REPOS == r));
        let policy = doc(vec![
            json!({"Sid": "Pull", "Effect": "Allow", "Principal": {"AWS": grantees},
            "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}),
        ]);
        write(
            &dir.join(format!("repo-{r:02}.json")),
            &json!({"arn": arn, "account": shared, "policy": policy}),
        );
    }
}

/// Managed policies and groups per account, then the roles and users; their ARNs, in order.
fn identities(policies: &Path, principals: usize) -> Vec<(usize, String)> {
    let shared = account(0);
    for a in 0..ACCOUNTS {
        let acct = account(a);
        let base = doc(vec![
            json!({"Sid": "Data", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::org-data-*/*"}),
            json!({"Sid": "Keys", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": format!("arn:aws:kms:{REGION}:{shared}:key/*")}),
            json!({"Sid": "Images", "Effect": "Allow", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], "Resource": format!("arn:aws:ecr:{REGION}:{shared}:repository/*")}),
        ]);
        write(
            &policies.join(format!("managed/{acct}-app-base.json")),
            &json!({"arn": format!("arn:aws:iam::{acct}:policy/app-base"), "document": base}),
        );
        let list = doc(vec![
            json!({"Sid": "List", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": format!("arn:aws:s3:::org-data-{a:03}")}),
        ]);
        write(
            &policies.join(format!("managed/{acct}-readonly.json")),
            &json!({"arn": format!("arn:aws:iam::{acct}:policy/readonly"), "document": list}),
        );
        write(
            &policies.join(format!("groups/{acct}-developers.json")),
            &json!({"arn": format!("arn:aws:iam::{acct}:group/developers"),
                "managed_policy_arns": [format!("arn:aws:iam::{acct}:policy/app-base"), format!("arn:aws:iam::{acct}:policy/readonly")]}),
        );
    }
    let trust = doc(vec![
        json!({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}),
    ]);
    let mut names = Vec::with_capacity(principals);
    for p in 0..principals {
        let a = p % ACCOUNTS;
        let j = p / ACCOUNTS;
        let acct = account(a);
        if p % 100 < ROLE_PERCENT {
            let arn = format!("arn:aws:iam::{acct}:role/app-{j:04}");
            let inline = doc(vec![
                json!({"Sid": "OwnPrefix", "Effect": "Allow", "Action": "s3:PutObject",
                "Resource": format!("arn:aws:s3:::org-data-{a:03}/app-{j:04}/*")}),
            ]);
            write(
                &policies.join(format!("roles/{acct}-app-{j:04}.json")),
                &json!({"arn": arn, "trust_policy": trust, "inline_policies": {"own-prefix": inline},
                    "managed_policy_arns": [format!("arn:aws:iam::{acct}:policy/app-base")],
                    "tags": {"team": format!("team-{}", j % 10)}}),
            );
            names.push((a, arn));
        } else {
            let arn = format!("arn:aws:iam::{acct}:user/dev-{j:04}");
            write(
                &policies.join(format!("users/{acct}-dev-{j:04}.json")),
                &json!({"arn": arn, "groups": ["developers"], "tags": {"team": format!("team-{}", j % 10)}}),
            );
            names.push((a, arn));
        }
    }
    names
}

/// One case: (action, resource, allowed) of kind `kind` for a principal of account `a`.
fn case(kind: usize, a: usize) -> (&'static str, String, bool) {
    let shared = account(0);
    match kind {
        0 => (
            "s3:GetObject",
            format!("arn:aws:s3:::org-data-{a:03}/data/1.json"),
            true,
        ),
        1 => {
            // The bucket of the account before: it grants this one.
            let b = (a + ACCOUNTS - 1) % ACCOUNTS;
            (
                "s3:GetObject",
                format!("arn:aws:s3:::org-data-{b:03}/data/1.json"),
                true,
            )
        }
        2 => {
            let b = (a + 5) % ACCOUNTS;
            (
                "s3:GetObject",
                format!("arn:aws:s3:::org-data-{b:03}/data/1.json"),
                false,
            )
        }
        3 => (
            "s3:PutObject",
            format!("arn:aws:s3:::org-data-{a:03}/in/1.json"),
            !no_put(a),
        ),
        4 | 5 => {
            let k = if kind == 4 { a % KEYS } else { (a + 1) % KEYS };
            let granted = a == 0 || level1(a) == k % 4;
            let key = format!("arn:aws:kms:{REGION}:{shared}:alias/org-key-{k:02}");
            ("kms:Decrypt", key, granted && !sandbox(a))
        }
        _ => {
            let r = if kind == 6 {
                a % REPOS
            } else {
                (a + 1) % REPOS
            };
            let granted = a == 0 || a % REPOS == r;
            let repo = format!("arn:aws:ecr:{REGION}:{shared}:repository/org/image-{r:02}");
            ("ecr:BatchGetImage", repo, granted && !no_ecr(a))
        }
    }
}

/// `cases` literal cases, principal `c % N` of kind `(c + c / N) % 8`, one file per account.
fn scenarios(dir: &Path, names: &[(usize, String)], cases: usize) -> usize {
    std::fs::create_dir_all(dir).expect("create scenarios/");
    let mut by_account: Vec<Vec<Value>> = vec![Vec::new(); ACCOUNTS];
    for c in 0..cases {
        let (a, principal) = &names[c % names.len()];
        let kind = (c + c / names.len()) % 8;
        let (action, resource, allowed) = case(kind, *a);
        let short = principal.rsplit(':').next().unwrap_or(principal);
        by_account[*a].push(json!({
            "name": format!("{short} case {c}"),
            "principal": principal,
            "action": action,
            "resource": resource,
            "expect": if allowed { "allow" } else { "deny" },
        }));
    }
    for (a, list) in by_account.into_iter().enumerate() {
        if list.is_empty() {
            continue;
        }
        let file = json!({
            "description": format!("account {}: data, keys and images across the organisation", account(a)),
            "policies": "../policies",
            "scenarios": list,
        });
        write(&dir.join(format!("acct-{a:03}.json")), &file);
    }
    cases
}
