# PMapper's half of scripts/compare-peer: feeds DIR/requests.json (written by
# examples/compare_peer.rs) to principalmapper's local authorization check
# (querying.query_interface.local_check_authorization_full), one request at a time, times whole
# passes, and compares each decision with DIR/iamsim.json. PMapper answers allowed or not, so an
# iamsim implicit or explicit deny both count as "not allowed".
# Run with the virtualenv's python: python compare-peer-pmapper.py DIR
import json
import os
import sys
import time

from principalmapper.common.nodes import Node
from principalmapper.common.policies import Policy
from principalmapper.querying.query_interface import local_check_authorization_full

directory = sys.argv[1] if len(sys.argv) > 1 else "."
with open(os.path.join(directory, "requests.json")) as f:
    data = json.load(f)
with open(os.path.join(directory, "iamsim.json")) as f:
    ours = json.load(f)

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "bedrock-agentcore.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
nodes = {}
for arn, policies in data["principals"].items():
    attached = [Policy(arn, p["name"], p["policy"]) for p in policies]
    nodes[arn] = Node(arn, "AROAEXAMPLE" + str(len(nodes)), attached, [], TRUST, None, 0, False,
                      False, None, False, None)

calls = []
for r in data["requests"]:
    policy = data["keyPolicies"][r["keyPolicy"]] if r.get("keyPolicy") else None
    owner = r["accountId"] if policy is not None else None
    calls.append((nodes[r["principal"]], r["action"], r["resource"], policy, owner))


def run_pass():
    return [
        local_check_authorization_full(node, action, resource, {}, policy, owner)
        for (node, action, resource, policy, owner) in calls
    ]


decisions = run_pass()  # also the warm-up
minimum = float(os.environ.get("PEER_MIN_MS", "2000")) / 1000
evaluated = 0
start = time.perf_counter()
while True:
    run_pass()
    evaluated += len(calls)
    elapsed = time.perf_counter() - start
    if elapsed >= minimum:
        break
per_sec = evaluated / elapsed
differing = [
    i for i, d in enumerate(decisions) if d != (ours["decisions"][i] == "Allowed")
]
print(f"requests:                 {len(calls)}")
print(f"PMapper evaluations/s:    {per_sec:,.0f}")
print(f"ratio (iamsim / PMapper): {ours['evaluations_per_second'] / per_sec:,.0f}x (engine, one thread)")
whole = os.environ.get("IAMSIM_CHECK_PER_SEC")
if whole:
    print(f"ratio (iamsim check / PMapper): {float(whole) / per_sec:,.0f}x (whole process)")
bound = os.environ.get("IAMSIM_BOUND_PER_SEC")
if bound:
    print(f"ratio (bound / PMapper):  {float(bound) / per_sec:,.0f}x (the bound: serde_json and this engine, nothing else)")
print(f"differing decisions:      {len(differing)} (allowed or not)")
for i in differing[:10]:
    r = data["requests"][i]
    print(f"  {r['principal']} {r['action']} {r['resource']}: iamsim {ours['decisions'][i]}, PMapper {'Allowed' if decisions[i] else 'not allowed'}")
