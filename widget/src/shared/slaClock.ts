// An SLA clock ticking on from what the server counted: `elapsed_s` at `as_of`, plus the time
// since when it runs. Shared by the agent panel and the supervisors' live view. Pure.
import type { SlaClock, SlaKind, SlaState } from './types';

export interface LiveClock {
  kind: SlaKind;
  since: string;
  elapsedS: number;
  targetS: number;
  warnS: number;
  state: SlaState;
}

export function stateOf(elapsedS: number, warnS: number, targetS: number): SlaState {
  if (elapsedS >= targetS) return 'breached';
  return elapsedS >= warnS ? 'warning' : 'ok';
}

export function fromServer(clock: SlaClock, now: number): LiveClock {
  const since = clock.running ? Math.max(0, (now - Date.parse(clock.as_of)) / 1000) : 0;
  const elapsedS = clock.elapsed_s + since;
  return {
    kind: clock.kind,
    since: clock.started_at,
    elapsedS,
    targetS: clock.target_s,
    warnS: clock.warn_s,
    state: stateOf(elapsedS, clock.warn_s, clock.target_s),
  };
}
