//! The command line's arguments: clap definitions only, one `Args` struct per command.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

mod shared;
mod values;
pub use shared::{CompletionsArgs, GlobalArgs, SchemaArgs, SchemaFormat};
pub use values::{
    CheckFormat, Color, DiffFailOn, DiffFormat, ExpectArg, ExplainFormat, FailOn, GraphFormat,
    LintFormat, ListFormat, ReportFormat,
};

/// Offline AWS IAM policy simulator: exact AWS semantics, an explanation for every decision.
#[derive(Debug, Parser)]
#[command(name = "iamsim", version, about, propagate_version = true)]
pub struct Cli {
    /// Options every command takes
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Replay scenario files against the policies; exit 1 if any case misses its expectation
    #[command(
        after_help = "Example:\n  iamsim check scenarios/\n  iamsim check scenarios/kms.json --format junit --output report.xml\n  iamsim check scenarios/ --coverage --fail-on-uncovered\n\nExit codes: 0 all met, 1 some failed (or, with --fail-on-uncovered, a statement no case exercised), 2 bad input or usage."
    )]
    Check(CheckArgs),
    /// Answer "can P do A on R, and why?"
    #[command(
        after_help = "Examples:\n  iamsim explain --principal role/acme-dev-agent-research --action kms:Decrypt \\\n      --resource arn:aws:kms:us-east-1:111122223333:alias/acme-dev-platform-artifacts\n  iamsim explain --policy file://p.json --action s3:GetObject --action s3:PutObject \\\n      --resource arn:aws:s3:::b/k --context aws:SourceIp=10.0.0.1\n  cat p.json | iamsim explain --policy - --action s3:GetObject --format aws\n\nExit 0 whatever the decision, unless --expect is given (then 1 when one is not met) or\n--deny-warnings and there is a warning (then 1)."
    )]
    Explain(ExplainArgs),
    /// List every principal allowed to do ACTION on RESOURCE
    #[command(
        after_help = "Examples:\n  iamsim who-can kms:Decrypt arn:aws:kms:us-east-1:111122223333:alias/acme-dev-data\n  iamsim who-can kms:Decrypt arn:aws:kms:us-east-1:111122223333:alias/acme-dev-gateway --transitive --max-hops 2\n\n--transitive also lists who can do it through escalation paths (docs/reach.md), with each path."
    )]
    WhoCan(WhoCanArgs),
    /// Everything PRINCIPAL can become or act as, through any number of escalation steps
    #[command(
        after_help = "Examples:\n  iamsim reach role/acme-dev-agent-research\n  iamsim reach role/acme-dev-agent-research --format json\n  iamsim reach user/alice --format dot | dot -Tsvg > reach.svg\n\nThe techniques, the keys an attacker controls and what is not modelled: docs/reach.md.\nExit codes: 0 answered (whatever it reaches), 2 bad input or usage."
    )]
    Reach(ReachArgs),
    /// Show the access a change adds or removes: every request whose decision differs
    #[command(
        after_help = "Examples:\n  iamsim diff base/policies policies\n  iamsim diff base-plan.json plan.json --format markdown --fail-on gained\n\nEach side is a policies/ directory, a Terraform plan JSON or a get-account-authorization-details dump (one file, or a folder of its pages).\nExit codes: 0 no change matching --fail-on (always 0 without it), 1 a matching change, 2 bad input or usage."
    )]
    Diff(DiffArgs),
    /// Write the platform's roles and key policies from its spec
    #[command(
        after_help = "Example:\n  iamsim generate --platform policies/platform.json --out policies/"
    )]
    Generate(GenerateArgs),
    /// Import policies from Terraform plan JSON, CloudFormation templates or the AWS CLI's authorization dump
    #[command(subcommand)]
    Import(ImportCommand),
    /// Find likely mistakes in policy files or policies/ directories; exit 1 on findings at --fail-on or above
    #[command(
        after_help = "Examples:\n  iamsim lint policies/\n  iamsim lint policy.json --format sarif > lint.sarif\n  iamsim lint policies/ --fail-on warning\n  iamsim lint policies/ --format json > lint-baseline.json\n  iamsim lint policies/ --baseline lint-baseline.json --fail-on warning\n\nRules, suppressions (iamsim-lint.json) and baselines: docs/lint.md. Exit codes: 0 no finding at --fail-on or above, 1 some, 2 bad input or usage."
    )]
    Lint(LintArgs),
    /// Write a review page: the access matrix (click a cell for why), scenario results and lint findings
    #[command(
        after_help = "Examples:\n  iamsim report scenarios/ --output report.html\n  iamsim report --policies plan.json --resource arn:aws:s3:::my-bucket --output report.html\n\nThe page is one self-contained HTML file: no script, style or font is fetched (docs/report.md).\nExit codes: 0 the report was written (whatever the scenarios' results), 2 bad input or usage."
    )]
    Report(ReportArgs),
    /// List the actions an action pattern covers (from the embedded AWS catalog)
    #[command(after_help = "Example:\n  iamsim expand 'logs:Describe*'")]
    Expand(ExpandArgs),
    /// Prove a claim for every request (every action, resource and context), or print the
    /// request that breaks it
    #[command(subcommand)]
    Prove(ProveCommand),
    /// Print a shell completion script, generated from these definitions
    #[command(
        after_help = "Examples:\n  iamsim completions bash > ~/.local/share/bash-completion/completions/iamsim\n  iamsim completions zsh > ~/.zfunc/_iamsim\n  iamsim completions fish > ~/.config/fish/completions/iamsim.fish"
    )]
    Completions(CompletionsArgs),
    /// Print the man page (roff), generated from these definitions
    #[command(after_help = "Example:\n  iamsim man > iamsim.1 && man ./iamsim.1")]
    Man,
    /// Print the JSON Schema of a file format (the files in schemas/)
    #[command(after_help = "Example:\n  iamsim schema scenario > scenario.schema.json")]
    Schema(SchemaArgs),
}

/// `prove` subcommands.
#[derive(Debug, Subcommand)]
pub enum ProveCommand {
    /// No owner's principal can act on another owner's resources (ownership.json), for any
    /// action, resource or context
    #[command(
        after_help = "Example:\n  iamsim prove tenancy --policies policies/\n\nExit codes: 0 proved, 1 a breach or an undecided pair, 2 bad input or usage."
    )]
    Tenancy(TenancyArgs),
    /// One claim over every action and resource of the patterns given, and every context
    #[command(
        after_help = "Example:\n  iamsim prove request --principal role/acme-dev-agent-research --action 'ecr:*' \\\n      --resource 'arn:aws:ecr:us-east-1:111122223333:repository/acme-dev-support*' --expect deny\n\nExit codes: 0 proved, 1 a counterexample, unknown or an empty set, 2 bad input or usage."
    )]
    Request(ProveRequestArgs),
}

/// Arguments of `prove tenancy`.
#[derive(Debug, clap::Args)]
pub struct TenancyArgs {
    /// The inventory (with ownership.json, written by `iamsim generate`)
    #[arg(long, default_value = "policies")]
    pub policies: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

/// Arguments of `prove request`.
#[derive(Debug, clap::Args)]
pub struct ProveRequestArgs {
    /// The caller: ARN, `role/NAME`, `user/NAME`, service principal
    #[arg(long)]
    pub principal: String,
    /// An action pattern over the catalog (`ecr:*`, `*`); repeatable
    #[arg(long = "action", required = true)]
    pub actions: Vec<String>,
    /// A resource ARN pattern (`...:repository/acme-dev-*`) or `*`; repeatable
    #[arg(long = "resource", required = true)]
    pub resources: Vec<String>,
    /// Context KEY=VALUE the requests carry (repeat a key for a list)
    #[arg(long = "context")]
    pub context: Vec<String>,
    /// Only these context keys vary (default: every key the policies read)
    #[arg(long = "key")]
    pub keys: Vec<String>,
    /// Expected decision for every request
    #[arg(long, value_enum)]
    pub expect: ExpectArg,
    /// The inventory
    #[arg(long, default_value = "policies")]
    pub policies: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

/// `import` subcommands.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// From `terraform show -json plan.out`
    #[command(
        after_help = "Example:\n  terraform show -json plan.out > plan.json\n  iamsim import terraform plan.json --out imported/ --var account_id=111122223333"
    )]
    Terraform {
        /// The plan JSON file
        plan: PathBuf,
        /// The inventory directory to write (must be empty or absent)
        #[arg(long)]
        out: Option<PathBuf>,
        /// A value unknown at plan time: KEY=VALUE (e.g. account_id=111122223333)
        #[arg(long = "var")]
        vars: Vec<String>,
        /// Print what was extracted, with each item's Terraform address
        #[arg(long)]
        print: bool,
    },
    /// From CloudFormation templates, JSON or YAML (several: one inventory, e.g. cdk.out/*.template.json)
    #[command(
        after_help = "Example:\n  iamsim import cloudformation cdk.out/*.template.json --out imported/ \\\n    --var AWS::AccountId=111122223333 --var AWS::Region=eu-west-1 --var AppRole=AppStack-AppRole-1A2B3C\n\n--var keys: a parameter (NAME=VALUE), a pseudo parameter (AWS::AccountId=...), a resource's\ngenerated physical id (LOGICAL_ID=...), an attribute (LOGICAL_ID.ATTRIBUTE=...), an export\n(import:EXPORT_NAME=...); prefix STEM/ to apply to one template only. See docs/import.md."
    )]
    Cloudformation {
        /// The template files (a folder: its *.template.json, as in cdk.out/)
        #[arg(required = true)]
        templates: Vec<PathBuf>,
        /// The inventory directory to write (must be empty or absent)
        #[arg(long)]
        out: Option<PathBuf>,
        /// A value known only at deploy time: KEY=VALUE (e.g. AWS::AccountId=111122223333)
        #[arg(long = "var")]
        vars: Vec<String>,
        /// Parameter values: the AWS CLI's [{"ParameterKey": ..., "ParameterValue": ...}]
        #[arg(long)]
        parameters: Option<PathBuf>,
        /// Print what was extracted, with each item's template and JSON path
        #[arg(long)]
        print: bool,
    },
    /// From `aws iam get-account-authorization-details` output (several pages allowed)
    #[command(
        after_help = "Example:\n  aws iam get-account-authorization-details > gaad.json\n  iamsim import gaad gaad.json --out imported/"
    )]
    Gaad {
        /// The dump files
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The inventory directory to write (must be empty or absent)
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print what was extracted
        #[arg(long)]
        print: bool,
    },
}

/// Arguments of `explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The caller: ARN, `role/NAME`, `user/NAME`, service principal, or `anonymous` (with ad
    /// hoc policies and no --principal: a neutral role, named in the output)
    #[arg(long)]
    pub principal: Option<String>,
    /// The action (`service:Action`, or a pattern the catalog expands); repeatable
    #[arg(long = "action", alias = "action-names", required = true)]
    pub action: Vec<String>,
    /// The resource (ARN, KMS alias ARN, `role/NAME`, or `*`); repeatable: every action is
    /// asked on every resource
    #[arg(long = "resource", alias = "resource-arns")]
    pub resource: Vec<String>,
    /// Context KEY=VALUE (repeat a key for a list)
    #[arg(long = "context")]
    pub context: Vec<String>,
    /// Context as a JSON object, as in scenario files
    #[arg(long)]
    pub context_file: Option<PathBuf>,
    /// The inventory (ignored with ad hoc policies)
    #[arg(long, default_value = "policies")]
    pub policies: PathBuf,
    /// Ad hoc: an identity policy of the caller: inline JSON, `file://PATH`, a path, or `-`
    /// (standard input); repeatable
    #[arg(long = "policy", alias = "policy-input-list")]
    pub policy: Vec<String>,
    /// Ad hoc: the resource-based policy (key policy for a KMS key, trust policy for a role),
    /// given as --policy is
    #[arg(long)]
    pub resource_policy: Option<String>,
    /// Ad hoc: the caller's permissions boundary, given as --policy is
    #[arg(long, alias = "permissions-boundary-policy-input-list")]
    pub boundary: Option<String>,
    /// A session policy in force for the caller, given as --policy is
    #[arg(long)]
    pub session_policy: Option<String>,
    /// Ad hoc: an SCP level of the caller's account (repeat per level, root first), given as
    /// --policy is
    #[arg(long = "scp")]
    pub scp: Vec<String>,
    /// Ad hoc: an RCP level of the resource's account (repeat per level, root first), given as
    /// --policy is; AWS's RCPFullAWSAccess is attached at every level
    #[arg(long = "rcp")]
    pub rcp: Vec<String>,
    /// The resource's account, when its ARN does not say
    #[arg(long, alias = "resource-owner")]
    pub resource_account: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
    /// Exit 1 unless every decision meets this expectation
    #[arg(long, value_enum)]
    pub expect: Option<ExpectArg>,
    /// Do not validate actions, resources and context against the AWS catalog
    #[arg(long)]
    pub no_catalog: bool,
    /// Exit 1 when there is any warning (a context key the action does not take, an Allow
    /// that grants nothing)
    #[arg(long)]
    pub deny_warnings: bool,
}

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Scenario files or directories (searched recursively for .json)
    #[arg(default_value = "scenarios")]
    pub paths: Vec<PathBuf>,
    /// Use this inventory (a policies/ directory, a Terraform plan JSON, CloudFormation
    /// templates: one, several repeated, or a cdk.out folder, or a
    /// get-account-authorization-details dump: one file, its pages repeated, or a folder of
    /// them) for every file
    #[arg(long)]
    pub policies: Vec<PathBuf>,
    /// Run only cases with this tag (repeatable)
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Write the report here instead of standard output
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Do not validate actions and resources against the AWS catalog
    #[arg(long)]
    pub no_catalog: bool,
    /// With --policies PLAN.json or TEMPLATE: a value unknown at plan or deploy time, KEY=VALUE
    /// (see `import terraform`, `import cloudformation`)
    #[arg(long = "var")]
    pub vars: Vec<String>,
    /// Fail (exit 1) when there is any warning, such as an Allow naming an unknown action
    #[arg(long)]
    pub deny_warnings: bool,
    /// Text report: list the cases that passed (and were skipped) too
    #[arg(short, long, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Text report: only the closing tally
    #[arg(short, long)]
    pub quiet: bool,
    /// List every statement of the inventory and whether a case exercised it (after a text
    /// report; on standard error for other formats or with --output)
    #[arg(long)]
    pub coverage: bool,
    /// Exit 1 when a statement of the inventory is exercised by no case (implies --coverage)
    #[arg(long)]
    pub fail_on_uncovered: bool,
}

/// Arguments of `report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Scenario files or directories whose results the page shows (none: no scenario section)
    pub paths: Vec<PathBuf>,
    /// The inventory of the matrix and of lint (a policies/ directory, a Terraform plan JSON, or
    /// a GAAD dump: one file, its pages repeated, or a folder of them); given, the scenario
    /// files run against it too, as with `check --policies`
    #[arg(long)]
    pub policies: Vec<PathBuf>,
    /// Add a principal as a column of the matrix (ARN, `role/NAME`, a service principal)
    #[arg(long = "principal")]
    pub principals: Vec<String>,
    /// Add a resource ARN as a row of the matrix
    #[arg(long = "resource")]
    pub resources: Vec<String>,
    /// Context KEY=VALUE every request of the matrix carries (repeat a key for a list)
    #[arg(long = "context")]
    pub context: Vec<String>,
    /// With --policies PLAN.json: a value unknown at plan time, KEY=VALUE (see `import terraform`)
    #[arg(long = "var")]
    pub vars: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
    pub format: ReportFormat,
    /// Write the page here instead of standard output
    #[arg(long)]
    pub output: Option<PathBuf>,
}

/// Arguments of `who-can`.
#[derive(Debug, clap::Args)]
pub struct WhoCanArgs {
    /// The action (`service:Action`)
    pub action: String,
    /// The resource ARN (or `*`)
    pub resource: String,
    /// The inventory
    #[arg(long, default_value = "policies")]
    pub policies: PathBuf,
    /// Context KEY=VALUE (repeat a key for a list)
    #[arg(long = "context")]
    pub context: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
    /// Also list principals that are not allowed
    #[arg(long)]
    pub all: bool,
    /// Do not validate the action, resource and context against the AWS catalog
    #[arg(long)]
    pub no_catalog: bool,
    /// Exit 1 when there is any warning (a context key the action does not take, an Allow
    /// that grants nothing)
    #[arg(long)]
    pub deny_warnings: bool,
    /// Also list principals that can do it through an escalation path (docs/reach.md)
    #[arg(long)]
    pub transitive: bool,
    /// With --transitive: the most steps a path may take (default: unlimited)
    #[arg(long, requires = "transitive")]
    pub max_hops: Option<usize>,
}

/// Arguments of `reach`.
#[derive(Debug, clap::Args)]
pub struct ReachArgs {
    /// The principal: an ARN, role/NAME, user/NAME, a service principal, an account id, or anonymous
    pub principal: String,
    /// The inventory (a policies/ directory, a Terraform plan JSON or a GAAD dump)
    #[arg(long, default_value = "policies")]
    pub policies: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = GraphFormat::Text)]
    pub format: GraphFormat,
    /// The region resources are created in (default: the inventory's first regional resource's)
    #[arg(long)]
    pub region: Option<String>,
}

/// Arguments of `diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The inventory before the change
    pub base: PathBuf,
    /// The inventory after the change
    pub head: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Exit 1 when the diff has a change of this kind
    #[arg(long, value_enum)]
    pub fail_on: Option<DiffFailOn>,
    /// Write the report here instead of standard output
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Do not check HEAD's policies against the AWS catalog
    #[arg(long)]
    pub no_catalog: bool,
}

/// Arguments of `generate`.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// The platform spec
    #[arg(long, default_value = "policies/platform.json")]
    pub platform: PathBuf,
    /// The inventory directory to write
    #[arg(long, default_value = "policies")]
    pub out: PathBuf,
}

/// Arguments of `lint`.
#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Policy document files, or policies/ directories (every document in the inventory)
    #[arg(default_value = "policies")]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    pub format: LintFormat,
    /// Exit 1 when a finding of this severity or above is present
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Suppressions: a lint config file (default: iamsim-lint.json in the working directory,
    /// when there is one)
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Read no lint config file, not even iamsim-lint.json
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Report only findings not in FILE (the output of `iamsim lint --format json`)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
}

/// Arguments of `expand`.
#[derive(Debug, clap::Args)]
pub struct ExpandArgs {
    /// An action pattern such as `logs:Describe*`
    pub pattern: String,
}
