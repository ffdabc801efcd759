//! `explain`'s policy inputs, as `aws iam simulate-custom-policy` takes them: each document
//! inline (`{...}`), `file://PATH`, a path, or `-` (standard input, once); the engine over the
//! ad hoc documents; and where every statement sits, for `--format aws`'s positions.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use serde_json::Value;

use super::args::ExplainArgs;
use super::Error;
use crate::engine::{Engine, Layer, StatementId};
use crate::inventory::{
    named, parse_json, policy_origins, read_text, AdHoc, Inventory, NamedPolicy, PolicyOrigin,
    MAX_FILE_BYTES,
};
use crate::jsonpos::{line_column, value_span, Segment};
use crate::policy::{parse_document, parse_resource_policy, Document, PolicyKind};
use crate::report::{default_statement, AwsStatement, Position};
use crate::request::Principal;

/// The role that calls when ad hoc policies are given without `--principal`: it has exactly
/// the `--policy` documents, in the resource's account.
pub(super) const NEUTRAL_ROLE: &str = "iamsim-caller";

/// A policy document given on the command line, read.
#[derive(Debug, Clone)]
pub(super) struct Given {
    /// The name explanations use: a file's stem, or AWS's id for inline text and stdin
    pub name: String,
    /// AWS's `SourcePolicyId` (`PolicyInputList.1`, `ResourcePolicy`, ...)
    pub aws_id: String,
    /// AWS's `SourcePolicyType`
    pub source_type: &'static str,
    /// Where it came from, for errors (`p.json`, `(inline)`, `(standard input)`)
    pub label: String,
    /// The text (for statement positions)
    pub text: String,
    /// The parsed JSON
    pub value: Value,
}

impl Given {
    /// The document parsed as `kind`, named.
    pub fn document(&self, kind: PolicyKind) -> Result<NamedPolicy, Error> {
        Ok(named(
            self.name.clone(),
            parse_document(&self.value, &self.label, kind)?,
        ))
    }
}

/// Reads policy arguments; standard input can be read once.
#[derive(Debug, Default)]
pub(super) struct Reader {
    stdin_taken: bool,
}

impl Reader {
    /// Read `spec` (inline JSON, `file://PATH`, a path, or `-`).
    pub fn read(
        &mut self,
        spec: &str,
        aws_id: &str,
        source_type: &'static str,
    ) -> Result<Given, Error> {
        let (label, text, name) = if spec == "-" {
            if std::mem::replace(&mut self.stdin_taken, true) {
                return Err(Error::Usage(
                    "standard input (`-`) can give only one policy".into(),
                ));
            }
            let mut text = String::new();
            std::io::stdin()
                .take(MAX_FILE_BYTES + 1)
                .read_to_string(&mut text)?;
            too_big(text.len(), "(standard input)")?;
            ("(standard input)".to_string(), text, aws_id.to_string())
        } else if spec.trim_start().starts_with('{') {
            too_big(spec.len(), "(inline policy)")?;
            (
                format!("{aws_id} (inline)"),
                spec.to_string(),
                aws_id.to_string(),
            )
        } else {
            let path = Path::new(spec.strip_prefix("file://").unwrap_or(spec));
            let text = read_text(path)?;
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or(aws_id)
                .to_string();
            (path.display().to_string(), text, name)
        };
        let value = parse_json(&text, &label)?;
        Ok(Given {
            name,
            aws_id: aws_id.to_string(),
            source_type,
            label,
            text,
            value,
        })
    }
}

/// A policy longer than the file limit is refused, as a file would be.
fn too_big(len: usize, label: &str) -> Result<(), Error> {
    if u64::try_from(len).unwrap_or(u64::MAX) > MAX_FILE_BYTES {
        return Err(Error::Input(format!(
            "{label}: more than {MAX_FILE_BYTES} bytes; the limit is {MAX_FILE_BYTES}"
        )));
    }
    Ok(())
}

/// Every policy given ad hoc, read once.
#[derive(Debug, Default)]
pub(super) struct AdHocInput {
    pub identity: Vec<Given>,
    pub resource: Option<Given>,
    pub boundary: Option<Given>,
    pub scps: Vec<Given>,
    pub rcps: Vec<Given>,
    pub session: Option<Given>,
}

impl AdHocInput {
    /// Read the arguments' documents, named as AWS names its inputs.
    pub fn read(a: &ExplainArgs) -> Result<Self, Error> {
        let mut r = Reader::default();
        let mut input = Self::default();
        for (i, p) in a.policy.iter().enumerate() {
            let id = format!("PolicyInputList.{}", i + 1);
            input.identity.push(r.read(p, &id, "none")?);
        }
        if let Some(p) = &a.resource_policy {
            input.resource = Some(r.read(p, "ResourcePolicy", "resource")?);
        }
        if let Some(p) = &a.boundary {
            let id = "PermissionsBoundaryPolicyInputList.1";
            input.boundary = Some(r.read(p, id, "none")?);
        }
        for (i, p) in a.scp.iter().enumerate() {
            input
                .scps
                .push(r.read(p, &format!("scp.{}", i + 1), "none")?);
        }
        for (i, p) in a.rcp.iter().enumerate() {
            input
                .rcps
                .push(r.read(p, &format!("rcp.{}", i + 1), "none")?);
        }
        if let Some(p) = &a.session_policy {
            input.session = Some(r.read(p, "SessionPolicy", "none")?);
        }
        Ok(input)
    }

    /// Whether the request runs against these documents rather than an inventory.
    pub fn is_adhoc(&self) -> bool {
        !self.identity.is_empty()
            || self.resource.is_some()
            || self.boundary.is_some()
            || !self.scps.is_empty()
            || !self.rcps.is_empty()
    }

    /// An engine over the documents, for `principal` calling on `resource`. The resource
    /// policy of an IAM role is its trust policy; each RCP level also holds AWS's
    /// RCPFullAWSAccess, as AWS attaches it everywhere.
    pub fn engine(
        &self,
        principal: &Principal,
        resource: &str,
        resource_account: Option<&String>,
    ) -> Result<Engine, Error> {
        let is_role = resource.starts_with("arn:aws:iam:") && resource.contains(":role/");
        let mut ad = AdHoc {
            principal: Some(principal.clone()),
            resource_arn: Some(resource.to_string()),
            resource_account: resource_account.cloned(),
            ..AdHoc::default()
        };
        for p in &self.identity {
            ad.identity.push(p.document(PolicyKind::Identity)?);
        }
        if let Some(p) = &self.resource {
            ad.resource_policy = Some(if is_role {
                p.document(PolicyKind::Trust)?
            } else {
                let doc = parse_resource_policy(&p.value, &p.label, resource)?;
                named(p.name.clone(), doc)
            });
        }
        if let Some(p) = &self.boundary {
            ad.boundary = Some(p.document(PolicyKind::Identity)?);
        }
        for p in &self.scps {
            ad.scps.push(vec![p.document(PolicyKind::Scp)?]);
        }
        for p in &self.rcps {
            ad.rcps
                .push(vec![rcp_full_access()?, p.document(PolicyKind::Rcp)?]);
        }
        Ok(Engine::new(&ad.build())?)
    }

    /// The session policy's document, if one is given.
    pub fn session_document(&self) -> Result<Option<Document>, Error> {
        match &self.session {
            Some(p) => Ok(Some(p.document(PolicyKind::Identity)?.document)),
            None => Ok(None),
        }
    }

    fn all(&self) -> impl Iterator<Item = &Given> {
        self.identity
            .iter()
            .chain(&self.resource)
            .chain(&self.boundary)
            .chain(&self.scps)
            .chain(&self.rcps)
            .chain(&self.session)
    }
}

/// AWS's RCPFullAWSAccess, which it attaches at every level where RCPs are enabled.
/// <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html>
fn rcp_full_access() -> Result<NamedPolicy, Error> {
    let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]});
    Ok(named(
        "RCPFullAWSAccess",
        parse_document(&doc, "RCPFullAWSAccess", PolicyKind::Rcp)?,
    ))
}

/// The neutral caller for ad hoc policies without `--principal`: a role in the first
/// resource's account (else `--resource-account`'s, else AWS's example account).
pub(super) fn neutral_principal(
    resources: &[String],
    resource_account: Option<&String>,
) -> Result<Principal, Error> {
    let account = resources
        .iter()
        .filter_map(|r| crate::pattern::Arn::parse(r))
        .map(|a| a.account.to_string())
        .find(|a| crate::request::is_account_id(a))
        .or_else(|| resource_account.cloned())
        .unwrap_or_else(|| "111122223333".to_string());
    Ok(Principal::parse(&format!(
        "arn:aws:iam::{account}:role/{NEUTRAL_ROLE}"
    ))?)
}

/// The start and end (first and last character) of statement `index` of the document at
/// `doc` in `text`: `Statement[index]`, or `Statement` itself when it is one object.
fn statement_span(text: &str, doc: &[Segment], index: usize) -> Option<(Position, Position)> {
    let mut path = doc.to_vec();
    path.push(Segment::Key("Statement".into()));
    let mut element = path.clone();
    element.push(Segment::Index(index));
    let (start, end) = value_span(text, &element).or_else(|| {
        let (s, e) = value_span(text, &path)?;
        (index == 0 && text.get(s..)?.starts_with('{')).then_some((s, e))
    })?;
    let pos = |offset| {
        let (line, column) = line_column(text, offset);
        Position { line, column }
    };
    Some((pos(start), pos(end.checked_sub(1)?)))
}

/// Names matched statements for `--format aws`: by AWS's input ids with positions in the
/// given text (ad hoc), or by policy name with positions in the inventory's files.
pub(super) struct Sources {
    adhoc: HashMap<String, (String, &'static str, String)>,
    origins: HashMap<String, PolicyOrigin>,
    files: RefCell<HashMap<String, Option<String>>>,
}

impl Sources {
    /// Sources for ad hoc documents (and, with an inventory, its policies).
    pub fn new(input: &AdHocInput, inventory: Option<&Inventory>) -> Self {
        let adhoc = input
            .all()
            .map(|g| {
                (
                    g.name.clone(),
                    (g.aws_id.clone(), g.source_type, g.text.clone()),
                )
            })
            .collect();
        Self {
            adhoc,
            origins: inventory.map(policy_origins).unwrap_or_default(),
            files: RefCell::new(HashMap::new()),
        }
    }

    /// AWS's name and position for statement `id` of `layer`.
    pub fn locate(&self, id: &StatementId, layer: Layer) -> AwsStatement {
        if let Some((aws_id, source_type, text)) = self.adhoc.get(&*id.policy) {
            return AwsStatement {
                id: aws_id.clone(),
                source_type,
                span: statement_span(text, &[], id.index),
            };
        }
        let Some(origin) = self.origins.get(&*id.policy) else {
            return default_statement(id, layer);
        };
        let mut files = self.files.borrow_mut();
        let text = files
            .entry(origin.file.clone())
            .or_insert_with(|| std::fs::read_to_string(&origin.file).ok());
        AwsStatement {
            id: id.policy.to_string(),
            source_type: origin.source_type,
            span: text
                .as_deref()
                .and_then(|t| statement_span(t, &origin.path, id.index)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_spans_cover_the_braces() {
        let text = "{\"Version\": \"2012-10-17\",\n \"Statement\": [\n  {\"Effect\": \"Allow\"},\n  {\"Effect\": \"Deny\"}\n ]}";
        let at =
            |i| statement_span(text, &[], i).map(|(s, e)| (s.line, s.column, e.line, e.column));
        assert_eq!(at(0), Some((3, 3, 3, 21)));
        assert_eq!(at(1), Some((4, 3, 4, 20)));
        assert_eq!(at(2), None);
        let single = "{\"Statement\": {\"Effect\": \"Allow\"}}";
        let one = statement_span(single, &[], 0).map(|(s, e)| (s.column, e.column));
        assert_eq!(one, Some((15, 33)));
    }
}
