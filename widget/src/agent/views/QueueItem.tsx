// A shopper waiting in the shop's queue: name, its flag, its group, tags, last message, waiting
// time (ticking, coloured by the SLA), 接入.
import { elapsed } from '../../shared/format';
import type { Conversation } from '../../shared/types';
import type { AgentDesk } from '../agentDesk';
import { queueClock } from '../sla';
import { FlagMark } from './FlagMark';
import { HANDOFF_TEXT, preview } from './labels';
import { SlaClockText } from './SlaClockText';
import { useNow } from './useNow';

export function QueueItem({ desk, conversation: c }: { desk: AgentDesk; conversation: Conversation }) {
  const now = useNow();
  const clock = queueClock(c, now);
  return (
    <li class={`queue-item ${clock ? `conv-sla-${clock.state}` : ''}`} data-testid="queue-item" data-conversation-id={c.id}>
      <div class="conv-top">
        <FlagMark flag={c.flag} testid="queue-flag" />
        <span class="conv-name">{c.visitor.name}</span>
        {c.group && (
          <span class="tag tag-group" data-testid="queue-group">
            {c.group.name}
          </span>
        )}
        {c.priority > 0 && <span class="tag tag-red">投诉</span>}
        {c.handoff_reason && c.priority === 0 && <span class="tag">{HANDOFF_TEXT[c.handoff_reason] ?? ''}</span>}
      </div>
      <div class="conv-preview">{preview(c.last_message)}</div>
      <div class="queue-foot">
        {clock ? (
          <SlaClockText clock={clock} testid="queue-wait" />
        ) : (
          <span class="conv-wait" data-testid="queue-wait">
            已等待 {elapsed(c.queued_at ?? c.created_at, now)}
          </span>
        )}
        <button type="button" class="small primary" data-testid="queue-accept" onClick={() => void desk.accept(c.id)}>
          接入
        </button>
      </div>
    </li>
  );
}
