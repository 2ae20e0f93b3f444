// The probe loop of one instance: fast readiness probes while it starts, then readiness (and
// liveness) every period. Decisions come from probe-policy; this file only runs them.
import type { RuntimeLog } from './options.js';
import { PeriodicTask } from './periodic-task.js';
import type { ProbePlan } from './probe-plan.js';
import { decide, INITIAL_PROBE_STATE, wantsLiveness, type ProbeRules, type ProbeState } from './probe-policy.js';
import { probe, probeAll } from './probe.js';

export interface ProberEvents {
  /** After every round; `state.phase` and `state.lastError` are what observers see. */
  update(state: ProbeState): void;
  /** The instance failed liveness and must be killed; the prober has stopped. */
  livenessFailed(message: string): void;
}

export class Prober {
  #state: ProbeState = INITIAL_PROBE_STATE;
  readonly #task: PeriodicTask;

  constructor(plan: ProbePlan, startupProbeIntervalMs: number, events: ProberEvents, log: RuntimeLog) {
    const rules: ProbeRules = { failureThreshold: plan.failureThreshold, livenessFromReadiness: plan.liveness === null };
    this.#task = new PeriodicTask({
      name: 'probe',
      initialDelayMs: plan.initialDelayMs,
      intervalMs: () => (this.#state.phase === 'starting' ? startupProbeIntervalMs : plan.periodMs),
      log,
      step: async (signal) => {
        const liveTarget = wantsLiveness(this.#state, rules) ? plan.liveness : null;
        const [readiness, liveness] = await Promise.all([
          probeAll(plan.readiness, plan.timeoutMs, signal),
          liveTarget === null ? Promise.resolve(undefined) : probe(liveTarget, plan.timeoutMs, signal),
        ]);
        // Results that arrive after close() describe an instance being stopped: drop them.
        if (signal.aborted) return 'stop';
        const decision = decide(this.#state, liveness === undefined ? { readiness } : { readiness, liveness }, rules);
        this.#state = decision.state;
        events.update(decision.state);
        if (decision.kill === null) return;
        events.livenessFailed(decision.kill);
        return 'stop';
      },
    });
  }

  get state(): ProbeState {
    return this.#state;
  }

  /** Stops probing; resolves when no probe is in flight. */
  close(): Promise<void> {
    return this.#task.close();
  }
}
