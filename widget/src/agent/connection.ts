// The agent's socket on /agent: `connection` in the store, the server's events handed to their
// handlers, and a refusal told apart from a network failure (which Socket.IO retries by itself):
// a refused or server-closed socket is checked with GET /api/me, and a revoked token goes back to
// the login page.
import { io, type Socket } from 'socket.io-client';
import { emitWithAck } from '../shared/ack';
import {
  AgentEvent,
  Namespace,
  SOCKET_PATH,
  SocketEvent,
  type AgentServerEvents,
  type AssignedPayload,
  type FlagPayload,
  type RatedPayload,
  type ReadPayload,
  type SlaAlertPayload,
  type SuggestionsPayload,
  type UnblockedPayload,
  type VisitorContextPayload,
} from '../shared/events';
import type { Complaint, ComplaintEscalatedPayload } from '../shared/complaints';
import type { Ack, Block, Conversation, Message, Note } from '../shared/types';
import { ApiError, api } from './api';
import type { DeskStore } from './deskState';

export interface ConnectionHooks {
  /** Every connect, first or again: the server now re-sends my open chats, then the queue. */
  connected(): void;
  disconnected(): void;
  unauthorized(): void;
  /** What each handshake says besides the token (the open chat, focus.ts). */
  handshake(): Record<string, unknown>;
}

type ConversationEvent = { conversation_id: number; reason: string };

export class DeskConnection {
  private readonly socket: Socket;

  constructor(
    private readonly token: string,
    store: DeskStore,
    private readonly hooks: ConnectionHooks,
    events: AgentServerEvents,
  ) {
    // A function: read again on every reconnect, so the handshake says what is open now.
    const sock = io(Namespace.agent, { path: SOCKET_PATH, auth: (cb) => cb({ ...hooks.handshake(), token }) });
    this.socket = sock;
    sock.on(SocketEvent.connect, () => {
      store.set({ connection: 'online' });
      hooks.connected();
    });
    sock.on(SocketEvent.disconnect, (reason: string) => {
      store.set({ connection: 'offline' });
      hooks.disconnected();
      if (reason === 'io server disconnect') void this.checkToken(); // logged out elsewhere?
    });
    sock.on(SocketEvent.connectError, () => {
      store.set({ connection: 'offline' });
      // refused by the server (not a network failure, which Socket.IO retries by itself)
      if (!sock.active) void this.checkToken();
    });

    sock.on(AgentEvent.assigned, (p: AssignedPayload) => events.assigned(p));
    sock.on(AgentEvent.queue, (p: { items: Conversation[] }) => events.queue(p));
    sock.on(AgentEvent.slaWarning, (p: SlaAlertPayload) => events.sla_warning(p));
    sock.on(AgentEvent.slaBreach, (p: SlaAlertPayload) => events.sla_breach(p));
    sock.on(AgentEvent.message, (m: Message) => events.message(m));
    sock.on(AgentEvent.messageUpdated, (m: Message) => events.message_updated(m));
    sock.on(AgentEvent.suggestions, (p: SuggestionsPayload) => events.suggestions(p));
    sock.on(AgentEvent.typing, (p: { conversation_id: number; typing: boolean }) => events.typing(p));
    sock.on(AgentEvent.closed, (p: ConversationEvent) => events.closed(p));
    sock.on(AgentEvent.unassigned, (p: ConversationEvent) => events.unassigned(p));
    sock.on(AgentEvent.note, (n: Note) => events.note(n));
    sock.on(AgentEvent.flag, (p: FlagPayload) => events.flag(p));
    sock.on(AgentEvent.rated, (p: RatedPayload) => events.rated(p));
    sock.on(AgentEvent.read, (p: ReadPayload) => events.read(p));
    sock.on(AgentEvent.blocked, (b: Block) => events.blocked(b));
    sock.on(AgentEvent.unblocked, (p: UnblockedPayload) => events.unblocked(p));
    sock.on(AgentEvent.complaint, (c: Complaint) => events.complaint(c));
    sock.on(AgentEvent.complaintEscalated, (p: ComplaintEscalatedPayload) => events.complaint_escalated(p));
    sock.on(AgentEvent.visitorContext, (p: VisitorContextPayload) => events.visitor_context(p));
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** An action the server acknowledges; no answer within the deadline is a `timeout` error. */
  request<T extends object = object>(event: string, payload: unknown, timeoutMs?: number): Promise<Ack<T>> {
    return emitWithAck<T>(this.socket, event, payload, timeoutMs);
  }

  /** A signal nobody waits for (typing). */
  signal(event: string, payload: unknown): void {
    this.socket.emit(event, payload, () => undefined);
  }

  close(): void {
    this.socket.disconnect();
  }

  /** The socket was refused: a revoked token goes back to the login page, anything else retries. */
  private async checkToken(): Promise<void> {
    try {
      await api.me(this.token);
      window.setTimeout(() => this.socket.connect(), 2000);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) this.hooks.unauthorized();
      else window.setTimeout(() => this.socket.connect(), 3000);
    }
  }
}
