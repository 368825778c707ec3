// Entry of the agent panel (/agent/): the login page or, with a stored token, the desk.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Login } from '../shared/Login';
import { sessionStore, type StaffSession } from '../shared/session';
import { storage } from '../shared/store';
import { AgentDesk } from './agentDesk';
import { DESK_TITLE } from './alerts';
import { api, type LoginResult } from './api';
import { statusKey } from './myStatus';
import { unlockAudio } from './sound';
import { Desk } from './views/Desk';
import '../shared/staff.css';
import './agent.css';
import './annotations.css';
import './narrow.css';
import './blocking.css';
import './complaints.css';
import './sla.css';
import './handovers.css';

const sessions = sessionStore('chatserver:agent:session');

function Root() {
  const [session, setSession] = useState<StaffSession | null>(sessions.load);
  const [desk, setDesk] = useState<AgentDesk | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    if (!session) return undefined;
    const d = new AgentDesk(session.token, session.agent, () => {
      sessions.clear();
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
    sessions.save(r);
    setNotice(null);
    setSession({ token: r.token, agent: r.agent });
  };

  const logout = async () => {
    if (!session) return;
    await api.logout(session.token).catch(() => undefined);
    sessions.clear();
    storage.remove(statusKey(session.agent.id));
    document.title = DESK_TITLE;
    setNotice('您已退出登录');
    setSession(null);
  };

  if (!session) return <Login title="客服工作台" subtitle="登录后开始接待顾客" notice={notice} onLogin={login} />;
  if (!desk) return null;
  return <Desk desk={desk} onLogout={() => void logout()} />;
}

for (const ev of ['pointerdown', 'keydown']) window.addEventListener(ev, unlockAudio, { capture: true });
render(<Root />, document.getElementById('app') as HTMLElement);
