#!/usr/bin/env python3
"""Write the reference platform as its Terraform modules would plan it (terraform show -json).

Reads the generated inventory in policies/ and emits tests/fixtures/import/plan-platform.json:
the KMS keys and aliases already exist (no-op changes, ARNs known), the agent and gateway roles
and their inline policies are being created (role ARNs and ids unknown at plan time, each
aws_iam_role_policy joined to its role through `configuration` references, as Terraform shows it).
Run from the repository root: python3 scripts/gen-platform-plan.py
"""
import json
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent
pol = root / "policies"
spec = json.loads((pol / "platform.json").read_text())
name_prefix = f"{spec['prefix']}-{spec['env']}"

changes = []
config_modules = {}


def compact(doc):
    return json.dumps(doc, separators=(",", ":"))


def change(address, module, rtype, name, after, unknown, actions=("create",), index=None):
    rc = {
        "address": address,
        "mode": "managed",
        "type": rtype,
        "name": name,
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {
            "actions": list(actions),
            "before": None if "create" in actions else after,
            "after": after,
            "after_unknown": unknown,
            "before_sensitive": False,
            "after_sensitive": {},
        },
    }
    if module:
        rc["module_address"] = module
    if index is not None:
        rc["index"] = index
    changes.append(rc)


role_cfg = {
    "address": "aws_iam_role.this", "mode": "managed", "type": "aws_iam_role", "name": "this",
    "expressions": {"name": {"references": ["var.name"]}},
}
policy_cfg = {
    "address": "aws_iam_role_policy.this", "mode": "managed", "type": "aws_iam_role_policy", "name": "this",
    "expressions": {"role": {"references": ["aws_iam_role.this.id", "aws_iam_role.this"]}},
}
oauth_cfg = {
    "address": "aws_iam_role_policy.oauth2", "mode": "managed", "type": "aws_iam_role_policy", "name": "oauth2",
    "expressions": {"role": {"references": ["aws_iam_role.this.id", "aws_iam_role.this"]}},
}
role_unknown = {"arn": True, "id": True, "unique_id": True, "create_date": True, "inline_policy": True,
                "managed_policy_arns": True, "name_prefix": True, "tags_all": True}

for path in sorted((pol / "roles").glob("*.json")):
    role = json.loads(path.read_text())
    name = role["arn"].rsplit("/", 1)[1]
    if name.startswith(f"{name_prefix}-agent-"):
        key = name[len(f"{name_prefix}-agent-"):]
        module = f'module.agent["{key}"]'
    else:
        module = "module.gateway"
    change(f"{module}.aws_iam_role.this", module, "aws_iam_role", "this",
           {"name": name, "path": "/", "assume_role_policy": compact(role["trust_policy"]),
            "permissions_boundary": None, "tags": {}, "max_session_duration": 3600,
            "force_detach_policies": False, "description": None},
           role_unknown, index=None)
    for pname, doc in role["inline_policies"].items():
        res = "oauth2" if pname.endswith("oauth2") else "this"
        change(f"{module}.aws_iam_role_policy.{res}", module, "aws_iam_role_policy", res,
               {"name": pname, "policy": compact(doc), "name_prefix": None},
               {"id": True, "role": True})

for path in sorted((pol / "resources").glob("kms-*.json")):
    key = json.loads(path.read_text())
    kname = path.stem[len("kms-"):]
    module = f'module.kms["{kname}"]'
    key_id = key["arn"].rsplit("/", 1)[1]
    after = {"arn": key["arn"], "key_id": key_id, "id": key_id, "policy": compact(key["policy"]),
             "description": f"{name_prefix} {kname}", "enable_key_rotation": True, "tags": {}, "tags_all": {}}
    change(f"{module}.aws_kms_key.this", module, "aws_kms_key", "this", after, {}, actions=("no-op",))
    for alias in key.get("aliases", []):
        aname = alias.split(":", 5)[5]
        change(f"{module}.aws_kms_alias.this", module, "aws_kms_alias", "this",
               {"arn": alias, "name": aname, "id": aname, "target_key_id": key_id, "target_key_arn": key["arn"]},
               {}, actions=("no-op",))

agent_keys = list(spec["agents"].keys())
plan = {
    "format_version": "1.2",
    "terraform_version": "1.9.5",
    "planned_values": {"root_module": {}},
    "resource_changes": changes,
    "configuration": {
        "provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
                                    "expressions": {"region": {"constant_value": spec["region"]}}}},
        "root_module": {
            "module_calls": {
                "agent": {"source": "./modules/agent", "for_each_expression": {"constant_value": agent_keys},
                          "module": {"resources": [role_cfg, policy_cfg]}},
                "gateway": {"source": "./modules/gateway", "module": {"resources": [role_cfg, policy_cfg, oauth_cfg]}},
                "kms": {"source": "./modules/kms", "module": {"resources": []}},
            }
        },
    },
}
out = root / "tests/fixtures/import/plan-platform.json"
out.write_text(json.dumps(plan, indent=2) + "\n")
print(f"wrote {out.relative_to(root)} ({len(changes)} resource changes)")
