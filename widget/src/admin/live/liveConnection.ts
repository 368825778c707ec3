// The live view's socket (/supervisor): the board and audit records as they change, a watched
// chat's messages, and the supervisor's actions with their acknowledgements.
import { io, type Socket } from 'socket.io-client';
import { emitWithAck } from '../../shared/ack';
import { Namespace, SOCKET_PATH, SocketEvent, SupervisorEvent } from '../../shared/events';
import type { AuditRecord, LiveBoard, WatchAck } from '../../shared/live';
import type { Ack, Message } from '../../shared/types';

export interface LiveHandlers {
  board(board: LiveBoard): void;
  audit(record: AuditRecord): void;
  message(message: Message): void;
  online(online: boolean): void;
  /** Connected again after a drop: the server ended this socket's watches with the old one. */
  reconnected(): void;
}

export class LiveConnection {
  private readonly socket: Socket;
  private connectedBefore = false;

  constructor(token: string, handlers: LiveHandlers) {
    this.socket = io(Namespace.supervisor, { path: SOCKET_PATH, auth: { token }, transports: ['websocket'] });
    this.socket.on(SocketEvent.connect, () => {
      handlers.online(true);
      if (this.connectedBefore) handlers.reconnected();
      this.connectedBefore = true;
    });
    this.socket.on(SocketEvent.disconnect, () => handlers.online(false));
    this.socket.on(SocketEvent.connectError, () => handlers.online(false));
    this.socket.on(SupervisorEvent.live, (b: LiveBoard) => handlers.board(b));
    this.socket.on(SupervisorEvent.audit, (a: AuditRecord) => handlers.audit(a));
    this.socket.on(SupervisorEvent.message, (m: Message) => handlers.message(m));
  }

  reassign(conversationId: number, toAgentId: number): Promise<Ack<object>> {
    return emitWithAck(this.socket, SupervisorEvent.reassign, { conversation_id: conversationId, to_agent_id: toAgentId });
  }

  takeOver(conversationId: number): Promise<Ack<object>> {
    return emitWithAck(this.socket, SupervisorEvent.takeOver, { conversation_id: conversationId });
  }

  watch(conversationId: number): Promise<Ack<WatchAck>> {
    return emitWithAck<WatchAck>(this.socket, SupervisorEvent.watch, { conversation_id: conversationId });
  }

  unwatch(conversationId: number): Promise<Ack<object>> {
    return emitWithAck(this.socket, SupervisorEvent.unwatch, { conversation_id: conversationId });
  }

  close(): void {
    this.socket.close();
  }
}
