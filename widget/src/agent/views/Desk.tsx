// The agent desk: conversation list | open chat | side panel (shopper, suggestions, phrases,
// history). Each pane subscribes to the part of the desk's state it shows. All person-typed text
// is rendered as Preact text nodes.
import { Lightbox } from '../../shared/PhotoView';
import { useStore } from '../../shared/store';
import type { AgentDesk } from '../agentDesk';
import { ChatPane } from './ChatPane';
import { ConversationList } from './ConversationList';
import { EscalationBanner, SlaNotice } from './EscalationBanner';
import { EndShiftDialog } from './EndShiftDialog';
import { ShiftSummaries } from './ShiftSummaries';
import { SidePanel } from './SidePanel';
import { Toast } from './Toast';
import { TopBar } from './TopBar';

export function Desk({ desk, onLogout }: { desk: AgentDesk; onLogout: () => void }) {
  // the open chat, if it is still listed
  const activeId = useStore(desk.store, (s) => (s.activeId != null && s.chats[s.activeId] ? s.activeId : null));
  // which pane a narrow screen shows (narrow.css); without an open chat, the list
  const pane = useStore(desk.store, (s) => s.pane);

  return (
    <div class="desk" data-pane={activeId == null ? 'list' : pane}>
      <TopBar desk={desk} onLogout={onLogout} />
      <EscalationBanner desk={desk} />
      <SlaNotice desk={desk} />
      <ShiftSummaries desk={desk} />
      <div class="panes">
        <ConversationList desk={desk} />
        {activeId != null ? (
          <ChatPane key={activeId} desk={desk} id={activeId} />
        ) : (
          <main class="chat-pane empty" data-testid="chat-empty">
            <div>
              <p>暂无打开的会话</p>
              <p class="muted">从左侧排队列表接入顾客，或等待系统自动分配。</p>
            </div>
          </main>
        )}
        {activeId != null && pane === 'side' && (
          <div class="side-backdrop" data-testid="side-backdrop" onClick={() => desk.showPane('chat')} />
        )}
        {activeId != null ? <SidePanel desk={desk} id={activeId} /> : <aside class="side" />}
      </div>
      <EndShiftDialog desk={desk} />
      <Toast desk={desk} />
      <Lightbox />
    </div>
  );
}
