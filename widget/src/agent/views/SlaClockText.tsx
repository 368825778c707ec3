// A chat's response clock, coloured by its SLA state: ok, warning (past the threshold) or breached.
import { durationText } from '../../shared/format';
import { SLA_KIND_TEXT, type LiveClock } from '../sla';

const STATE_TEXT = { ok: '', warning: '即将超时', breached: '已超时' } as const;

export function SlaClockText({ clock, testid }: { clock: LiveClock; testid: string }) {
  return (
    <span
      class={`conv-wait sla-${clock.state}`}
      data-testid={testid}
      data-sla-state={clock.state}
      data-sla-kind={clock.kind}
      title={`时限 ${durationText(clock.targetS)}`}
    >
      {SLA_KIND_TEXT[clock.kind]} {durationText(clock.elapsedS)}
      {clock.state !== 'ok' && <span class="sla-flag">{STATE_TEXT[clock.state]}</span>}
    </span>
  );
}
