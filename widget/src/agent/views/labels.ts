// Words and short summaries the desk's views show for the protocol's values.
import type { AgentStatus, Conversation, Message } from '../../shared/types';

export const STATUS_TEXT: Record<AgentStatus, string> = { online: '在线', away: '忙碌', offline: '离线' };

export const CONV_STATUS_TEXT: Record<Conversation['status'], string> = {
  bot: '机器人接待',
  queued: '排队中',
  assigned: '接待中',
  closed: '已结束',
};

export const HANDOFF_TEXT: Record<string, string> = {
  requested: '顾客要求转人工',
  complaint: '投诉',
  bot_unsure: '机器人无法回答',
  photo: '顾客发来图片',
  leave_message: '留言',
};

export const SENDER_TEXT: Record<Message['sender'], string> = { visitor: '顾客', bot: '机器人', agent: '客服', system: '系统' };

/** A message as one line of a list entry: who (unless the shopper) and the start of the text. */
export function preview(m: Message | null | undefined): string {
  if (!m) return '';
  const who = m.sender === 'visitor' ? '' : `${SENDER_TEXT[m.sender]}：`;
  return who + m.text.replace(/\s+/g, ' ').slice(0, 40);
}

/** When the shopper's oldest unanswered message was sent (null when the agent spoke last). */
export function waitingSince(messages: Message[]): string | null {
  let since: string | null = null;
  for (const m of messages) {
    if (m.sender === 'agent') since = null;
    else if (m.sender === 'visitor' && since === null) since = m.created_at;
  }
  return since;
}
