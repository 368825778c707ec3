// The chat in front of me, told to the server (`focus`): it finds FAQ suggestions for that chat
// and not for chats in the background, and finds them afresh when I open one. A new socket says
// it in its handshake, so a reconnect needs no event.
import { AgentEvent } from '../shared/events';
import type { Ack } from '../shared/types';
import type { DeskState, DeskStore } from './deskState';

/** The open chat, unless it has ended (an ended chat stays open until dismissed). */
export function openChat(s: DeskState): number | null {
  const id = s.activeId;
  return id != null && s.chats[id] && !s.chats[id].ended ? id : null;
}

const RETRY_MS = 1000;
const RETRIED = new Set(['rate_limited', 'timeout', 'unavailable']);

interface FocusLink {
  readonly connected: boolean;
  request(event: string, payload: unknown): Promise<Ack>;
}

export class FocusReporter {
  /** What the server knows of this socket's focus; undefined: not sure (a refused event). */
  private told: number | null | undefined;
  private link: FocusLink | null = null;
  /** After a refusal (rate_limited), the next try waits a moment instead of every store change. */
  private retry: number | undefined;

  constructor(private readonly store: DeskStore) {}

  /** The focus for a new socket's handshake: from then on the server knows it. */
  handshake(): number | null {
    this.told = openChat(this.store.state);
    return this.told;
  }

  /** Tell the server whenever the open chat changes, and on connect if it changed meanwhile. */
  start(link: FocusLink): void {
    this.link = link;
    this.store.subscribe(() => this.update());
  }

  update(): void {
    const link = this.link;
    if (!link?.connected || this.retry !== undefined) return;
    const now = openChat(this.store.state);
    if (now === this.told) return;
    this.told = now;
    // Only a refusal that may pass later is tried again (a second on): too fast, no answer, the
    // database briefly away. Any other (the chat is gone) stands until the open chat changes.
    const refused = (code: string) => {
      if (this.told !== now || !RETRIED.has(code)) return;
      this.told = undefined;
      this.retry = window.setTimeout(() => {
        this.retry = undefined;
        this.update();
      }, RETRY_MS);
    };
    void link.request(AgentEvent.focus, { conversation_id: now }).then(
      (ack) => {
        if (!ack.ok) refused(ack.error.code);
      },
      () => refused('timeout'),
    );
  }
}
