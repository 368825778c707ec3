// Shoppers waiting in the queue past their SLA warning with nobody taking them: a banner that stays
// until someone accepts (the chime and the title repeat meanwhile, alerts.ts). And the notice of
// the last `sla_warning` / `sla_breach`.
import { durationText } from '../../shared/format';
import { useStore } from '../../shared/store';
import type { AgentDesk } from '../agentDesk';
import { escalatedQueue, queueClock } from '../sla';
import { useNow } from './useNow';

export function SlaNotice({ desk }: { desk: AgentDesk }) {
  const notice = useStore(desk.store, (s) => s.slaNotice);
  if (!notice) return null;
  return (
    <div class={`sla-notice sla-notice-${notice.state}`} role="status" data-testid="sla-notice" data-state={notice.state}>
      {notice.text}
    </div>
  );
}

export function EscalationBanner({ desk }: { desk: AgentDesk }) {
  const now = useNow();
  const queue = useStore(desk.store, (s) => s.queue);
  const alerts = useStore(desk.store, (s) => s.escalationAlerts);
  const late = escalatedQueue(queue, now);
  const first = late[0];
  const clock = first ? queueClock(first, now) : null;
  if (!first || !clock) return null;
  return (
    <div class={`sla-banner sla-banner-${clock.state}`} role="alert" data-testid="sla-escalation" data-count={late.length}>
      <strong>排队超时提醒</strong>
      <span>
        {late.length} 位顾客排队无人接入，最久已等待 {durationText(clock.elapsedS)}，请尽快接待。
      </span>
      {alerts > 1 && (
        <span class="muted" data-testid="sla-escalation-repeats">
          已提醒 {alerts} 次
        </span>
      )}
      <button type="button" class="small primary" data-testid="sla-escalation-accept" onClick={() => void desk.accept(first.id)}>
        立即接入 {first.visitor.name}
      </button>
    </div>
  );
}
