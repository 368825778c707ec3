// Getting the agent's attention: the chime (sound.ts) unless muted, a choice kept in this browser,
// and the unread count in the tab title, "(N) 客服工作台", which follows the store by itself.
import { storage } from '../shared/store';
import type { DeskState, DeskStore } from './deskState';
import { chime } from './sound';

const MUTE_KEY = 'chatserver:agent:muted';
export const DESK_TITLE = '客服工作台';

export function savedMute(): boolean {
  return storage.get(MUTE_KEY) === '1';
}

function titleFor(s: DeskState): string {
  const unread = Object.values(s.chats).reduce((n, c) => n + c.unread, 0);
  return unread ? `(${unread}) ${DESK_TITLE}` : DESK_TITLE;
}

export class DeskAlerts {
  private readonly unsubscribe: () => void;

  constructor(private readonly store: DeskStore) {
    let shown = document.title;
    this.unsubscribe = store.subscribe(() => {
      const title = titleFor(store.state);
      if (title !== shown) document.title = shown = title;
    });
  }

  chime(): void {
    if (!this.store.state.muted) chime();
  }

  setMuted(muted: boolean): void {
    storage.set(MUTE_KEY, muted ? '1' : '0');
    this.store.set({ muted });
  }

  /** The desk is closing (logout): the title is no longer ours. */
  stop(): void {
    this.unsubscribe();
  }
}
