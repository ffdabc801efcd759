// The peer's half of scripts/compare-peer: feeds DIR/requests.json (written by
// examples/compare_peer.rs) to @cloud-copilot/iam-simulate's runSimulation, one request at a
// time as its README shows, times whole passes, and compares each decision with DIR/iamsim.json.
// Run from DIR, where the peer is installed: node compare-peer.mjs DIR
import { readFileSync } from 'node:fs'
import { runSimulation } from '@cloud-copilot/iam-simulate'

const dir = process.argv[2] ?? '.'
const input = JSON.parse(readFileSync(`${dir}/requests.json`, 'utf8'))
const ours = JSON.parse(readFileSync(`${dir}/iamsim.json`, 'utf8'))

const simulations = input.requests.map((r) => ({
  identityPolicies: input.principals[r.principal],
  serviceControlPolicies: [],
  resourceControlPolicies: [],
  resourcePolicy: r.keyPolicy ? input.keyPolicies[r.keyPolicy] : undefined,
  request: {
    principal: r.principal,
    action: r.action,
    resource: { resource: r.resource, accountId: r.accountId },
    contextVariables: {}
  }
}))

async function pass() {
  const out = []
  for (const s of simulations) {
    const response = await runSimulation(s, {})
    out.push(response.resultType === 'error' ? `error: ${JSON.stringify(response.errors)}` : response.overallResult)
  }
  return out
}

const decisions = await pass() // also the warm-up
const minimumMs = Number(process.env.PEER_MIN_MS ?? 2000)
let evaluated = 0
const start = process.hrtime.bigint()
let elapsedMs = 0
do {
  await pass()
  evaluated += simulations.length
  elapsedMs = Number(process.hrtime.bigint() - start) / 1e6
} while (elapsedMs < minimumMs)
const peerPerSec = evaluated / (elapsedMs / 1000)

const differing = []
decisions.forEach((d, i) => {
  if (d !== ours.decisions[i]) differing.push(i)
})
const errors = decisions.filter((d) => d.startsWith('error')).length
const fmt = (n) => Math.round(n).toLocaleString('en-US')
console.log(`requests:                 ${simulations.length}`)
console.log(`iamsim evaluations/s:     ${fmt(ours.evaluations_per_second)}`)
console.log(`iam-simulate evaluations/s: ${fmt(peerPerSec)}`)
console.log(`ratio (iamsim / peer):    ${fmt(ours.evaluations_per_second / peerPerSec)}x (engine, one thread)`)
if (process.env.IAMSIM_CHECK_PER_SEC) {
  console.log(`ratio (iamsim check / peer): ${fmt(Number(process.env.IAMSIM_CHECK_PER_SEC) / peerPerSec)}x (whole process)`)
}
if (process.env.IAMSIM_BOUND_PER_SEC) {
  console.log(`ratio (bound / peer):     ${fmt(Number(process.env.IAMSIM_BOUND_PER_SEC) / peerPerSec)}x (the bound: serde_json and this engine, nothing else)`)
}
console.log(`differing decisions:      ${differing.length} (peer errors: ${errors})`)
for (const i of differing.slice(0, 10)) {
  const r = input.requests[i]
  console.log(`  ${r.principal} ${r.action} ${r.resource}: iamsim ${ours.decisions[i]}, peer ${decisions[i]}`)
}
