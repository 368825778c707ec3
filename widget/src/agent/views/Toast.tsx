// A transient error of the desk (e.g. another agent accepted the chat first).
import { useStore } from '../../shared/store';
import type { AgentDesk } from '../agentDesk';

export function Toast({ desk }: { desk: AgentDesk }) {
  const toast = useStore(desk.store, (s) => s.toast);
  if (!toast) return null;
  return (
    <div class="toast" role="alert" data-testid="desk-toast">
      {toast}
    </div>
  );
}
