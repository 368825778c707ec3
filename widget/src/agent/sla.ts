// The SLA clocks as the panel shows them: ticking on from what the server counted (`sla` on each
// conversation), and for my own chats following the messages as they come (an answer stops the
// clock, the shopper's next unanswered message starts the next-response one). Pure functions.
import type { SlaAlertPayload } from '../shared/events';
import { durationText } from '../shared/format';
import { fromServer, stateOf, type LiveClock } from '../shared/slaClock';
import type { Conversation, Message, SlaKind, SlaState } from '../shared/types';
import type { ChatEntry } from './deskState';
import { waitingSince } from './views/labels';

export type { LiveClock };

const RANK: Record<SlaState, number> = { breached: 0, warning: 1, ok: 2 };

/** The response clock of a waiting shopper in the queue (first response, or the next one for a
 * chat handed back), as the server counts it. */
export function queueClock(c: Conversation, now: number): LiveClock | null {
  const clock = c.sla?.clocks.find((k) => k.kind !== 'resolution');
  return clock ? fromServer(clock, now) : null;
}

/** The response clock of one of my chats: null while nobody waits for my answer. */
export function chatClock(chat: Pick<ChatEntry, 'conversation' | 'messages' | 'ended'>, now: number): LiveClock | null {
  const { conversation: c, messages } = chat;
  if (chat.ended || !c.sla || !c.queued_at) return null;
  const queuedAt = Date.parse(c.queued_at);
  const answered = messages.some((m: Message) => m.sender === 'agent' && Date.parse(m.created_at) >= queuedAt);
  const server = c.sla.clocks.find((k) => k.kind !== 'resolution');
  if (!answered) {
    // the first response: from the moment the shopper asked for a person, typed or not
    if (server?.kind === 'first_response') return fromServer(server, now);
    return null;
  }
  const since = waitingSince(messages.filter((m) => Date.parse(m.created_at) >= queuedAt));
  if (!since) return null;
  if (server?.kind === 'next_response' && Date.parse(server.started_at) === Date.parse(since)) return fromServer(server, now);
  const { next_response_s: targetS, warn_percent } = c.sla.policy;
  const warnS = Math.ceil((targetS * warn_percent) / 100);
  const elapsedS = Math.max(0, (now - Date.parse(since)) / 1000);
  return { kind: 'next_response', since, elapsedS, targetS, warnS, state: stateOf(elapsedS, warnS, targetS) };
}

/** Most urgent first: breached, then warning, then the longest clock; chats nobody waits on and
 * ended ones keep their order after those. */
export function byUrgency(ids: number[], clockOf: (id: number) => LiveClock | null): number[] {
  const keyed = ids.map((id, index) => ({ id, index, clock: clockOf(id) }));
  keyed.sort((a, b) => {
    const ra = a.clock ? RANK[a.clock.state] : 3;
    const rb = b.clock ? RANK[b.clock.state] : 3;
    if (ra !== rb) return ra - rb;
    if (a.clock && b.clock && a.clock.elapsedS !== b.clock.elapsedS) return b.clock.elapsedS - a.clock.elapsedS;
    return a.index - b.index;
  });
  return keyed.map((k) => k.id);
}

/** Waiting shoppers nobody has taken past the warning: escalated until someone accepts. */
export function escalatedQueue(queue: Conversation[], now: number): Conversation[] {
  return queue.filter((c) => {
    const clock = queueClock(c, now);
    return clock !== null && clock.state !== 'ok';
  });
}

export const SLA_KIND_TEXT: Record<SlaKind, string> = {
  first_response: '等待接待',
  next_response: '等待回复',
  resolution: '处理时长',
};

/** The toast for `sla_warning` (my chat, or the queue) and `sla_breach` (supervisors). */
export function slaAlertText(p: SlaAlertPayload): string {
  const who = p.visitor.name;
  const limit = durationText(p.target_s);
  if (p.state === 'breached') {
    const agent = p.agent ? `（客服 ${p.agent.name}）` : '（排队中，无人接入）';
    return `超时提醒：${who} ${SLA_KIND_TEXT[p.kind]}已超过 ${limit}${agent}`;
  }
  if (p.status === 'queued') return `${who} 已排队 ${durationText(p.elapsed_s)}，请尽快接入`;
  return `${who} ${SLA_KIND_TEXT[p.kind]} ${durationText(p.elapsed_s)}，请在 ${limit} 内回复`;
}
