import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decide, INITIAL_PROBE_STATE, wantsLiveness, type ProbeRound, type ProbeRules, type ProbeState } from './probe-policy.js';

function run(rules: ProbeRules, rounds: ProbeRound[]): { states: ProbeState[]; kill: string | null } {
  let state = INITIAL_PROBE_STATE;
  const states: ProbeState[] = [];
  for (const round of rounds) {
    const d = decide(state, round, rules);
    state = d.state;
    states.push(state);
    if (d.kill !== null) return { states, kill: d.kill };
  }
  return { states, kill: null };
}

const processor: ProbeRules = { failureThreshold: 2, livenessFromReadiness: false };
const container: ProbeRules = { failureThreshold: 2, livenessFromReadiness: true };
const fail = (e = 'GET /health: 500'): ProbeRound => ({ readiness: e });
const ok: ProbeRound = { readiness: null };

void test('failures while starting keep the instance starting and record the error', () => {
  const { states, kill } = run(container, [fail('tcp 1: connect ECONNREFUSED'), fail(), fail(), fail(), fail(), fail(), fail(), fail()]);
  assert.equal(kill, null, 'an instance that was never ready is not killed for it');
  assert.equal(states.at(-1)?.phase, 'starting');
  assert.equal(states.at(-1)?.lastError, 'GET /health: 500');
  assert.equal(states[0]?.lastError, 'tcp 1: connect ECONNREFUSED');
});

void test('ready after a success; unready after failureThreshold failures; ready again on success', () => {
  const { states } = run(processor, [ok, fail(), fail(), fail(), ok]);
  assert.deepEqual(
    states.map((s) => s.phase),
    ['ready', 'ready', 'unready', 'unready', 'ready'],
  );
  assert.equal(states.at(-1)?.lastError, null);
});

void test('processor liveness: failureThreshold consecutive failures kill, a success resets', () => {
  assert.equal(wantsLiveness(INITIAL_PROBE_STATE, processor), false);
  const live = (l: string | null): ProbeRound => ({ readiness: null, liveness: l });
  const reset = run(processor, [ok, live('GET /__easel/live: 500'), live(null), live('GET /__easel/live: 500')]);
  assert.equal(reset.kill, null);
  assert.equal(reset.states.at(-1)?.livenessFailures, 1);
  const killed = run(processor, [ok, live('GET /__easel/live: 500'), live('GET /__easel/live: timed out')]);
  assert.equal(killed.kill, 'liveness probe failed 2 times in a row: GET /__easel/live: timed out');
});

void test('container liveness: 3 × failureThreshold readiness failures after ready kill', () => {
  assert.equal(wantsLiveness({ ...INITIAL_PROBE_STATE, phase: 'ready' }, container), false);
  const five = run(container, [ok, fail(), fail(), fail(), fail(), fail()]);
  assert.equal(five.kill, null);
  const six = run(container, [ok, fail(), fail(), fail(), fail(), fail(), fail()]);
  assert.match(six.kill ?? '', /^health check failed 6 times in a row after the instance was ready: GET \/health: 500$/);
});
