#!/usr/bin/env python3
"""Validate scenario files and count their expanded cases.

Usage: scripts/count-scenarios.py [DIR_OR_FILES...] [--docs docs/scenarios.md]
                                 [--catalog data/catalog/catalog.txt]

Checks, per docs/formats.md (section scenarios/):
- JSON syntax; top-level fields `description`, `policies`, `scenarios` (and optional `context`),
  no unknown fields anywhere;
- per scenario: `name`, `principal`, exactly one of `action`/`actions`, exactly one of
  `resource`/`resources`, `expect` in allow|deny|explicit-deny|implicit-deny, optional fields typed;
- `for_each` variables are non-empty lists of strings, or `{"roles"|"users"|"agents": PATTERN}`
  (names of the file's `policies/` directory: `roles/*.json`, `users/*.json`, the owners of
  `ownership.json`), `where` is `x != y` / `x == y` joined by `&&` over declared variables, every
  `${var}` in a scenario names a declared variable;
- a quantified scenario (`quantify`, `for_all_context`, `tenancy`; docs/prove.md) is one case
  per binding; a `tenancy` scenario has no action or resource;
- names are unique after for_each expansion, within a file and across the suite.

A case is one (for_each binding, action, resource) combination. With `--docs`, the per-file and
total counts must match the lines `- `file.json` ... **N** cases` in that markdown file.
With `--catalog` (the embedded AWS catalog of src/catalog, format in docs/catalog.md), every
action must exist and every resource must be `*` or an ARN of a resource type the action takes
(placeholders match a non-empty run without `:`, the last one may carry one `:qualifier`; a
`role/NAME` short form is read as a role of 111122223333 and a KMS alias ARN as a key).
Exit status 0 when everything is valid, 1 otherwise.
"""

import itertools
import json
import re
import sys
from pathlib import Path

TOP_FIELDS = {"description", "policies", "context", "scenarios"}
TOP_REQUIRED = {"description", "policies", "scenarios"}
SCENARIO_FIELDS = {
    "name", "description", "principal", "action", "actions", "resource", "resources", "context",
    "expect", "because", "blocked_by", "session_policy", "resource_account", "skip", "tags",
    "for_each", "where", "transitive", "for_all_context", "quantify", "tenancy", "vpce",
}
INVENTORY_NAMES = {"roles", "users", "agents"}
EXPECTS = {"allow", "deny", "explicit-deny", "implicit-deny"}
BLOCKED_BY = {"scp", "rcp", "boundary", "session", "key-policy", "trust-policy", "identity", "resource"}
VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
WHERE_TERM = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(!=|==)\s*([A-Za-z_][A-Za-z0-9_]*)\s*$")
DOC_LINE = re.compile(r"`([^`]+\.json)`.*\*\*(\d+)\*\*")
DOC_TOTAL = re.compile(r"[Tt]otal.*\*\*(\d+)\*\*")


class Invalid(Exception):
    pass


def check_context(ctx, where):
    if not isinstance(ctx, dict):
        raise Invalid(f"{where}: context must be an object")
    for key, value in ctx.items():
        ok = isinstance(value, (str, bool, int, float))
        ok = ok or (isinstance(value, list) and all(isinstance(v, (str, bool, int, float)) for v in value))
        ok = ok or (isinstance(value, dict) and set(value) == {"type", "value"})
        if not ok:
            raise Invalid(f"{where}: context value of `{key}` has an unsupported type")


def inventory_names(kind, policies):
    """Role or user names (file stems) or the owners of ownership.json in `policies`."""
    if policies is None:
        return []
    if kind == "agents":
        f = policies / "ownership.json"
        return [o["owner"] for o in json.loads(f.read_text())["owners"]] if f.is_file() else []
    return [p.stem for p in sorted((policies / kind).glob("*.json"))]


def glob_match(pattern, text):
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, text) is not None


def resolve_for_each(fe, where, policies):
    out = {}
    for var, values in fe.items():
        if isinstance(values, dict):
            if len(values) != 1 or not set(values) <= INVENTORY_NAMES or not all(isinstance(v, str) for v in values.values()):
                raise Invalid(f"{where}: for_each.{var} must be one of {sorted(INVENTORY_NAMES)} with a pattern")
            (kind, pattern), = values.items()
            values = sorted({n for n in inventory_names(kind, policies) if glob_match(pattern, n)})
            if not values:
                raise Invalid(f"{where}: for_each.{var}: no {kind[:-1]} of {policies} matches `{pattern}`")
        out[var] = values
    return out


def quantified(scn):
    return bool(scn.get("quantify") or scn.get("for_all_context") or scn.get("tenancy"))


def bindings(scn, where, policies=None):
    """Every for_each binding (a dict) that passes `where`."""
    fe = scn.get("for_each")
    if fe is None:
        if "where" in scn:
            raise Invalid(f"{where}: `where` without `for_each`")
        return [{}]
    if not isinstance(fe, dict) or not fe:
        raise Invalid(f"{where}: for_each must be a non-empty object")
    fe = resolve_for_each(fe, where, policies)
    for var, values in fe.items():
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            raise Invalid(f"{where}: for_each.{var} must be a non-empty list of strings")
        if len(set(values)) != len(values):
            raise Invalid(f"{where}: for_each.{var} has duplicate values")
    terms = []
    if "where" in scn:
        for term in str(scn["where"]).split("&&"):
            m = WHERE_TERM.match(term)
            if not m or m.group(1) not in fe or m.group(3) not in fe:
                raise Invalid(f"{where}: bad where term `{term.strip()}`")
            terms.append(m.groups())
    names = list(fe)
    out = []
    for combo in itertools.product(*(fe[n] for n in names)):
        b = dict(zip(names, combo))
        if all((b[l] != b[r]) if op == "!=" else (b[l] == b[r]) for l, op, r in terms):
            out.append(b)
    if not out:
        raise Invalid(f"{where}: for_each/where expands to no case")
    return out


def substitute(value, b):
    if isinstance(value, str):
        return VAR.sub(lambda m: b[m.group(1)], value)
    if isinstance(value, list):
        return [substitute(v, b) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, b) for k, v in value.items()}
    return value


def used_vars(value):
    return set(VAR.findall(json.dumps(value)))


def check_scenario(scn, where, policies=None):
    if not isinstance(scn, dict):
        raise Invalid(f"{where}: scenario must be an object")
    unknown = set(scn) - SCENARIO_FIELDS
    if unknown:
        raise Invalid(f"{where}: unknown field(s) {sorted(unknown)}")
    for field in ("name", "principal", "expect"):
        if not isinstance(scn.get(field), str) or not scn[field]:
            raise Invalid(f"{where}: `{field}` is required (a non-empty string)")
    if scn["expect"] not in EXPECTS:
        raise Invalid(f"{where}: expect `{scn['expect']}` is not one of {sorted(EXPECTS)}")
    tenancy = scn.get("tenancy")
    if tenancy is not None and not (isinstance(tenancy, bool) or (isinstance(tenancy, dict) and set(tenancy) <= {"except"})):
        raise Invalid(f"{where}: `tenancy` is true or {{\"except\": [...]}}")
    for one, many in (("action", "actions"), ("resource", "resources")):
        if tenancy:
            if one in scn or many in scn:
                raise Invalid(f"{where}: a tenancy scenario takes no `{one}`/`{many}`")
            continue
        if (one in scn) == (many in scn):
            raise Invalid(f"{where}: exactly one of `{one}`/`{many}` is required")
        if one in scn and not isinstance(scn[one], str):
            raise Invalid(f"{where}: `{one}` must be a string")
        if many in scn:
            vals = scn[many]
            if not isinstance(vals, list) or not vals or not all(isinstance(v, str) for v in vals):
                raise Invalid(f"{where}: `{many}` must be a non-empty list of strings")
            if len(set(vals)) != len(vals):
                raise Invalid(f"{where}: `{many}` has duplicates")
    for field in ("because", "skip", "resource_account", "description"):
        if field in scn and not isinstance(scn[field], str):
            raise Invalid(f"{where}: `{field}` must be a string")
    if "blocked_by" in scn and scn["blocked_by"] not in BLOCKED_BY:
        raise Invalid(f"{where}: blocked_by `{scn['blocked_by']}` is not one of {sorted(BLOCKED_BY)}")
    if "blocked_by" in scn and scn["expect"] == "allow":
        raise Invalid(f"{where}: blocked_by on an allow case")
    if "tags" in scn and (not isinstance(scn["tags"], list) or not all(isinstance(t, str) for t in scn["tags"])):
        raise Invalid(f"{where}: `tags` must be a list of strings")
    if "context" in scn:
        check_context(scn["context"], where)
    declared = set(scn.get("for_each", {}) or {})
    body = {k: v for k, v in scn.items() if k not in ("for_each", "where")}
    undeclared = used_vars(body) - declared
    if undeclared:
        raise Invalid(f"{where}: `${{...}}` names undeclared variable(s) {sorted(undeclared)}")
    if declared and "${" not in scn["name"]:
        raise Invalid(f"{where}: a for_each scenario's name must use its variables")
    cases = []
    for b in bindings(scn, where, policies):
        s = substitute(body, b)
        n = 1 if quantified(s) else len(s.get("actions", [None])) * len(s.get("resources", [None]))
        cases.append((s["name"], n))
    return cases


def check_file(path):
    where = str(path)
    try:
        doc = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        raise Invalid(f"{where}: JSON syntax: {e}")
    if not isinstance(doc, dict):
        raise Invalid(f"{where}: top level must be an object")
    unknown = set(doc) - TOP_FIELDS
    if unknown:
        raise Invalid(f"{where}: unknown top-level field(s) {sorted(unknown)}")
    missing = TOP_REQUIRED - set(doc)
    if missing:
        raise Invalid(f"{where}: missing top-level field(s) {sorted(missing)}")
    if "context" in doc:
        check_context(doc["context"], where)
    if not isinstance(doc["scenarios"], list) or not doc["scenarios"]:
        raise Invalid(f"{where}: scenarios must be a non-empty list")
    names, total = [], 0
    policies = path.parent / str(doc["policies"])
    for i, scn in enumerate(doc["scenarios"]):
        for name, n in check_scenario(scn, f"{where}: scenarios[{i}]", policies):
            names.append(name)
            total += n
    dups = sorted({n for n in names if names.count(n) > 1})
    if dups:
        raise Invalid(f"{where}: duplicate names after expansion: {dups}")
    return names, total


def load_catalog(path):
    """{service: {action_lower: [format, ...] or None}}; None means the action takes only `*`."""
    services, svc, rtypes = {}, None, []
    for line in Path(path).read_text().splitlines():
        f = line.split("\t")
        if f[0] == "s":
            svc, rtypes = f[1], []
            services[svc] = {}
        elif f[0] == "r" and svc is not None:
            rtypes.append(f[2].split(" "))
        elif f[0] == "a" and svc is not None:
            idx = [int(i.rstrip("*")) for i in f[2].split(",") if i] if len(f) > 2 else []
            services[svc][f[1].lower()] = [fmt for i in idx for fmt in rtypes[i]] or None
    return services


def template_regex(fmt, qualified):
    parts = re.split(r"(\$\{[^}]+\}|\*)", fmt)
    out = []
    for i, part in enumerate(parts):
        if part == "*":
            out.append(".*")
        elif part.startswith("${"):
            last = all(p == "" for p in parts[i + 1:])
            out.append("[^:]+:[^:]+" if (qualified and last) else "[^:]+")
        else:
            out.append(re.escape(part))
    return re.compile("^" + "".join(out) + "$")


def catalog_problem(services, action, resource):
    svc, _, name = action.partition(":")
    formats = services.get(svc.lower(), {}).get(name.lower(), False)
    if formats is False:
        return f"action `{action}` is not in the catalog"
    if resource == "*":
        return None
    if resource.startswith("role/"):
        resource = "arn:aws:iam::111122223333:" + resource
    resource = re.sub(r":alias/[^:]+$", ":key/00000000-0000-0000-0000-000000000000", resource) \
        if resource.startswith("arn:aws:kms:") else resource
    if formats is None:
        return f"`{action}` takes only Resource `*`, not `{resource}`"
    for qualified in (False, True):
        if any(template_regex(f, qualified).match(resource) for f in formats):
            return None
    return f"`{resource}` is not a resource type `{action}` takes"


def check_catalog(path, files):
    services, ok = load_catalog(path), True
    for f in files:
        doc = json.loads(f.read_text())
        policies = f.parent / str(doc["policies"])
        for i, scn in enumerate(doc["scenarios"]):
            if quantified(scn):
                continue  # patterns over the catalog; iamsim checks them at load
            for b in bindings(scn, f"{f}: scenarios[{i}]", policies):
                s = substitute(scn, b)
                for a in s.get("actions", [s.get("action")]):
                    for r in s.get("resources", [s.get("resource")]):
                        problem = catalog_problem(services, a, r)
                        if problem:
                            print(f"error: {f.name}: `{s['name']}`: {problem}")
                            ok = False
    return ok


def main(argv):
    docs = None
    catalog = None
    if "--catalog" in argv:
        i = argv.index("--catalog")
        catalog = Path(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    if "--docs" in argv:
        i = argv.index("--docs")
        docs = Path(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    targets = [Path(a) for a in argv] or [Path(__file__).resolve().parent.parent / "scenarios"]
    files = []
    for t in targets:
        files.extend(sorted(t.glob("*.json")) if t.is_dir() else [t])
    ok, counts, all_names = True, {}, {}
    for f in files:
        try:
            names, total = check_file(f)
        except Invalid as e:
            print(f"error: {e}")
            ok = False
            continue
        counts[f.name] = total
        for n in names:
            if n in all_names:
                print(f"error: name `{n}` in {f.name} also in {all_names[n]}")
                ok = False
            all_names[n] = f.name
        print(f"{f.name}: {total} cases ({len(names)} named)")
    grand = sum(counts.values())
    print(f"total: {grand} cases in {len(counts)} files")
    if docs is not None:
        text = docs.read_text()
        listed = {m.group(1).split("/")[-1]: int(m.group(2)) for m in DOC_LINE.finditer(text)}
        for name, n in counts.items():
            if listed.get(name) != n:
                print(f"error: {docs} lists {listed.get(name)} cases for {name}, counted {n}")
                ok = False
        for name in set(listed) - set(counts):
            print(f"error: {docs} lists {name}, which was not checked")
            ok = False
        m = DOC_TOTAL.search(text)
        if not m or int(m.group(1)) != grand:
            print(f"error: {docs} total is {m.group(1) if m else 'missing'}, counted {grand}")
            ok = False
    if catalog is not None:
        ok = check_catalog(catalog, [f for f in files if f.name in counts]) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
