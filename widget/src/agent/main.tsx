// Entry of the agent panel (/agent/): the login page or, with a stored token, the desk.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { storage } from '../shared/store';
import type { AgentProfile } from '../shared/types';
import { api, type LoginResult } from './api';
import { Desk } from './Desk';
import { AgentDesk, statusKey } from './agentDesk';
import { Login } from './Login';
import { unlockAudio } from './sound';
import './agent.css';

const SESSION_KEY = 'chatserver:agent:session';

interface Session {
  token: string;
  agent: AgentProfile;
}

function loadSession(): Session | null {
  try {
    const raw = storage.get(SESSION_KEY);
    const s = raw ? (JSON.parse(raw) as Session) : null;
    return s && typeof s.token === 'string' && s.agent ? s : null;
  } catch {
    return null;
  }
}

function Root() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [desk, setDesk] = useState<AgentDesk | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    if (!session) return undefined;
    const d = new AgentDesk(session.token, session.agent, () => {
      storage.remove(SESSION_KEY);
      setNotice('登录已失效，请重新登录');
      setSession(null);
    });
    setDesk(d);
    return () => {
      d.disconnect();
      setDesk(null);
    };
  }, [session]);

  const login = (r: LoginResult) => {
    storage.set(SESSION_KEY, JSON.stringify({ token: r.token, agent: r.agent }));
    setNotice(null);
    setSession({ token: r.token, agent: r.agent });
  };

  const logout = async () => {
    if (!session) return;
    await api.logout(session.token).catch(() => undefined);
    storage.remove(SESSION_KEY);
    storage.remove(statusKey(session.agent.id));
    document.title = '客服工作台';
    setNotice('您已退出登录');
    setSession(null);
  };

  if (!session) return <Login notice={notice} onLogin={login} />;
  if (!desk) return null;
  return <Desk desk={desk} onLogout={() => void logout()} />;
}

for (const ev of ['pointerdown', 'keydown']) window.addEventListener(ev, unlockAudio, { capture: true });
render(<Root />, document.getElementById('app') as HTMLElement);
