// 转人工 from the shopper widget: the request, and the status the chat shows after it.
import type { Socket } from 'socket.io-client';
import { emitWithAck } from '../shared/ack';
import { VisitorEvent, type HandoffAck } from '../shared/events';
import type { Store } from '../shared/store';
import type { ConversationStatus, QueueInfo } from '../shared/types';
import { ERROR_TEXT } from './errorText';

interface HandoffState {
  status: ConversationStatus;
  queue: QueueInfo | null;
  handoffBusy: boolean;
}

/** Ask for a person; the store shows the answer (queued or assigned), a notice says why not. */
export async function requestHandoff<S extends HandoffState>(
  socket: Socket,
  store: Store<S>,
  notice: (text: string) => void,
): Promise<void> {
  if (store.state.handoffBusy) return;
  if (!socket.connected) {
    notice('网络已断开，恢复连接后再试');
    return;
  }
  store.set({ handoffBusy: true } as Partial<S>);
  const ack = await emitWithAck<HandoffAck>(socket, VisitorEvent.handoff, {});
  store.set({ handoffBusy: false } as Partial<S>);
  if (!ack.ok) {
    notice(ERROR_TEXT[ack.error.code] ?? '转人工失败，请稍后重试');
    return;
  }
  const status = ack.status ?? (ack.queue ? 'queued' : store.state.status);
  store.set(
    (s) =>
      ({
        status: s.status === 'assigned' && status === 'queued' ? s.status : status,
        queue: status === 'queued' ? (ack.queue ?? s.queue) : s.queue,
      }) as Partial<S>,
  );
}
