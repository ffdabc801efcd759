// Disagreement classes where the peer (not iamsim) departs from AWS's documentation, or models
// something AWS leaves open differently. Each entry names its section in
// docs/semantics-decisions.md ("Differential testing against iam-simulate"); only these classes
// are excluded from the agreement rate.
'use strict';

const S = 'semantics-decisions.md, Differential testing';
const DOCUMENTED = [
  { section: `${S} D1 (RCPs on services RCPs do not cover)`, match: /^iamsim=(allow|implicit-deny) peer=explicit-deny \| (dynamodb|lambda) .*rcps\[/ },
  { section: `${S} D2 (Date policy values in epoch seconds)`, match: /Date\w*\([^)]*,epoch/ },
  { section: `${S} D3 (IP address of the other family)`, match: /IpAddress\w*\([^)]*,other-family/ },
  { section: `${S} D4 (account ARN in NotPrincipal)`, match: /^iamsim=explicit-deny .*NP=account:/ },
  { section: 'semantics-decisions.md, Rule 22 (cont.): ForAnyValue:…IfExists with the key missing', match: /ForAnyValue:\w*IfExists\([^)]*,absent/ },
  { section: 'semantics-decisions.md, Rule 16: Null and an empty tag value (and D5 for an empty list)', match: /Null\([^)]*,empty/ },
  { section: 'semantics-decisions.md, Rule 7 vs rule 9 (boundary must allow sts:AssumeRole)', match: /^iamsim=implicit-deny peer=allow \| sts .*boundary\[/ },
];

module.exports = { DOCUMENTED };
