// The desk's top bar: shop, connection state, my status, the chime switch, my name, 退出.
// On a phone the last three fold into a menu (☰) so the status control keeps its place.
import { useState } from 'preact/hooks';
import { useStore } from '../../shared/store';
import type { AgentStatus } from '../../shared/types';
import type { AgentDesk } from '../agentDesk';
import { STATUS_TEXT } from './labels';

export function TopBar({ desk, onLogout }: { desk: AgentDesk; onLogout: () => void }) {
  const s = useStore(desk.store, (st) => ({
    agent: st.agent,
    connection: st.connection,
    status: st.status,
    muted: st.muted,
  }));
  const [menuOpen, setMenuOpen] = useState(false);
  return (
    <header class="topbar">
      <div class="brand">客服工作台</div>
      <div class="shop">{s.agent.shop?.name ?? ''}</div>
      <div class={`conn conn-${s.connection}`} data-testid="connection-state" data-state={s.connection}>
        {s.connection === 'online' ? '已连接' : s.connection === 'connecting' ? '连接中…' : '连接断开，正在重连…'}
      </div>
      <div class="spacer" />
      <label class="status-select">
        <span class={`status-dot status-${s.status}`} />
        <select
          data-testid="agent-status"
          value={s.status}
          onChange={(e) => void desk.setStatus((e.target as HTMLSelectElement).value as AgentStatus)}
        >
          {(['online', 'away', 'offline'] as const).map((st) => (
            <option value={st} key={st}>
              {STATUS_TEXT[st]}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        class="ghost menu-toggle"
        data-testid="topbar-menu-toggle"
        aria-label="菜单"
        aria-expanded={menuOpen}
        onClick={() => setMenuOpen(!menuOpen)}
      >
        ☰
      </button>
      <div class="topbar-menu" data-testid="topbar-menu" data-open={menuOpen ? 'true' : 'false'}>
      <button
        type="button"
        class="ghost"
        data-testid="sound-toggle"
        aria-pressed={!s.muted}
        title={s.muted ? '提示音已关闭' : '提示音已开启'}
        onClick={() => desk.setMuted(!s.muted)}
      >
        {s.muted ? '提示音：关' : '提示音：开'}
      </button>
      <span class="me" data-testid="agent-name">
        {s.agent.name}
      </span>
      <button type="button" class="ghost" data-testid="logout-button" onClick={onLogout}>
        退出
      </button>
      </div>
    </header>
  );
}
