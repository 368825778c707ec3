// What the side panel loads over REST: the shop's standard phrases (once, with the desk) and a
// shopper's earlier conversations (when the chat is first shown, and again on 重试); and the
// reply box's `/` search of the phrases.
import type { Phrase } from '../shared/types';
import { ApiError, api } from './api';
import type { DeskStore, VisitorHistory } from './deskState';

export class SidePanelData {
  constructor(
    private readonly store: DeskStore,
    private readonly token: string,
    private readonly unauthorized: () => void,
  ) {}

  async loadPhrases(): Promise<void> {
    try {
      const { items } = await api.phrases(this.token);
      this.store.set({ phrases: items ?? [] });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) this.unauthorized();
    }
  }

  /** The shop's phrases for a typed `/query`, best first; null when the search failed. */
  async searchPhrases(query: string): Promise<Phrase[] | null> {
    try {
      return (await api.searchPhrases(this.token, query)).items ?? [];
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) this.unauthorized();
      return null;
    }
  }

  async loadHistory(visitorId: number, force = false): Promise<void> {
    const have = this.store.state.history[visitorId];
    if (have && !force && (have.loading || !have.error)) return;
    const put = (h: VisitorHistory) => this.store.set((s) => ({ history: { ...s.history, [visitorId]: h } }));
    put({ loading: true, error: null, items: have?.items ?? [] });
    try {
      const { items } = await api.visitorConversations(this.token, visitorId);
      put({ loading: false, error: null, items: items ?? [] });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) this.unauthorized();
      put({ loading: false, error: '历史记录加载失败', items: [] });
    }
  }
}
