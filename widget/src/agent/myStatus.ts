// My availability: 在线 / 忙碌 (`away`) / 离线. The choice made in this browser is kept per agent
// (several may share a browser) and re-asserted after every connect, so the panel never shows a
// stale status; without one, the panel reads what the server has (another tab or a supervisor may
// have changed it).
import { AgentEvent } from '../shared/events';
import { storage } from '../shared/store';
import type { AgentProfile, AgentStatus } from '../shared/types';
import { ApiError, api } from './api';
import type { DeskConnection } from './connection';
import type { DeskStore } from './deskState';
import { errorText } from './errorText';

export const statusKey = (agentId: number) => `chatserver:agent:status:${agentId}`;

const chosenStatus = (agentId: number) => storage.get(statusKey(agentId)) as AgentStatus | null;

export function initialStatus(agent: AgentProfile): AgentStatus {
  // connecting turns `offline` into `online` and keeps `away` (docs/protocol.md)
  return chosenStatus(agent.id) ?? (agent.status === 'away' ? 'away' : 'online');
}

export class MyStatus {
  constructor(
    private readonly store: DeskStore,
    private readonly conn: DeskConnection,
    private readonly token: string,
    private readonly hooks: { unauthorized(): void; toast(text: string): void },
  ) {}

  /** After a connect: my choice again, or the server's word. */
  reassert(): void {
    const chosen = chosenStatus(this.store.state.agent.id);
    if (chosen) void this.choose(chosen);
    else void this.refresh();
  }

  async choose(status: AgentStatus): Promise<void> {
    storage.set(statusKey(this.store.state.agent.id), status);
    if (!this.conn.connected) {
      this.store.set({ status }); // asserted on the next connect
      return;
    }
    const previous = this.store.state.status;
    this.store.set({ status });
    const ack = await this.conn.request<{ status: AgentStatus }>(AgentEvent.status, { status });
    if (ack.ok) this.store.set({ status: ack.status ?? status });
    else {
      this.store.set({ status: previous });
      this.hooks.toast(errorText(ack.error.code));
    }
  }

  private async refresh(): Promise<void> {
    try {
      const { agent } = await api.me(this.token);
      if (agent.status) this.store.set({ status: agent.status });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) this.hooks.unauthorized();
    }
  }
}
