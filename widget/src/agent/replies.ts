// My replies on the shared outbox (shared/outbox.ts): one queue for all my chats, kept in the
// desk's store. A reply waits while its chat has ended (the chat may come back to me) and during
// the catch-up after a connect, so it only goes to a chat that is still mine.
import { AgentEvent } from '../shared/events';
import { mergeMessages } from '../shared/messages';
import { Outbox } from '../shared/outbox';
import type { Message } from '../shared/types';
import type { DeskConnection } from './connection';
import { patchChat, type DeskStore, type Reply } from './deskState';

export function replyOutbox(
  store: DeskStore,
  conn: DeskConnection,
  catchingUp: () => boolean,
  written: () => void,
): Outbox<Reply> {
  return new Outbox<Reply>({
    read: () => store.state.outbox,
    write: (outbox) => {
      store.set({ outbox });
      written();
    },
    ready: () => conn.connected && !catchingUp(),
    connected: () => conn.connected,
    lane: (reply) => reply.conversation_id,
    held: (reply) => {
      const chat = store.state.chats[reply.conversation_id];
      return !chat || !!chat.ended;
    },
    transmit: (reply) =>
      conn.request<{ message: Message }>(AgentEvent.send, {
        conversation_id: reply.conversation_id,
        client_id: reply.client_id,
        text: reply.text,
        ...(reply.kind === 'image' ? { kind: 'image', attachment_id: reply.attachment_id } : {}),
        ...(reply.faq_id ? { faq_id: reply.faq_id } : {}),
      }),
    delivered: (reply, message) =>
      // my answer makes the suggestions for the shopper's last question stale
      patchChat(store, reply.conversation_id, (c) => ({
        messages: mergeMessages(c.messages, [message]),
        suggestions: [],
        conversation: { ...c.conversation, last_message: message },
      })),
  });
}
