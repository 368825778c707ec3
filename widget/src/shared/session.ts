// A staff login kept in localStorage ({token, agent}), one key per page (agent panel, admin
// console), so logging out of one does not log out of the other.
import { storage } from './store';
import type { AgentProfile } from './types';

export interface StaffSession {
  token: string;
  agent: AgentProfile;
}

export function sessionStore(key: string) {
  return {
    load(): StaffSession | null {
      try {
        const raw = storage.get(key);
        const s = raw ? (JSON.parse(raw) as StaffSession) : null;
        return s && typeof s.token === 'string' && s.agent ? s : null;
      } catch {
        return null;
      }
    },
    save(s: StaffSession): void {
      storage.set(key, JSON.stringify({ token: s.token, agent: s.agent }));
    },
    clear(): void {
      storage.remove(key);
    },
  };
}
