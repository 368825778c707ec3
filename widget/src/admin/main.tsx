// Entry of the admin console (/admin/): supervisors and admins edit the FAQ, the standard
// phrases and the shop's greeting. The login is kept under its own key; an `agent` account is
// refused here (the server refuses its edits with 403 anyway).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { isUnauthorized, type LoginResult } from '../shared/api';
import { Login } from '../shared/Login';
import { sessionStore, type StaffSession } from '../shared/session';
import type { AgentProfile } from '../shared/types';
import { adminApi } from './api';
import { Console } from './Console';
import '../shared/staff.css';
import './admin.css';
import './sla.css';

const sessions = sessionStore('chatserver:admin:session');
const EDITOR_ROLES = ['supervisor', 'admin'];
const REFUSED = '管理后台仅供主管和管理员使用。您登录的是客服账号，请前往客服工作台接待顾客。';

const mayUse = (agent: AgentProfile) => EDITOR_ROLES.includes(agent.role);

function Root() {
  const [session, setSession] = useState<StaffSession | null>(sessions.load);
  const [notice, setNotice] = useState<string | null>(null);

  // a stored login: check it is still valid and still an editor's
  useEffect(() => {
    if (!session) return;
    adminApi.me(session.token).then(
      ({ agent }) => {
        if (!mayUse(agent)) {
          void adminApi.logout(session.token).catch(() => undefined);
          end(REFUSED);
        } else if (JSON.stringify(agent) !== JSON.stringify(session.agent)) {
          const next = { token: session.token, agent };
          sessions.save(next);
          setSession(next);
        }
      },
      (e) => {
        if (isUnauthorized(e)) end('登录已失效，请重新登录');
      },
    );
  }, [session?.token]);

  const end = (message: string) => {
    sessions.clear();
    document.title = '管理后台';
    setNotice(message);
    setSession(null);
  };

  const accept = async (r: LoginResult): Promise<string | null> => {
    if (mayUse(r.agent)) return null;
    // this token is of no use here: end it at once
    await adminApi.logout(r.token).catch(() => undefined);
    return REFUSED;
  };

  const login = (r: LoginResult) => {
    sessions.save(r);
    setNotice(null);
    setSession({ token: r.token, agent: r.agent });
  };

  const logout = async () => {
    if (!session) return;
    await adminApi.logout(session.token).catch(() => undefined);
    end('您已退出登录');
  };

  if (!session) {
    return (
      <Login
        title="管理后台"
        subtitle="维护常见问题、常用语和欢迎语（主管、管理员）"
        notice={notice}
        onLogin={login}
        accept={accept}
        footer={
          <a class="login-link" href="/agent/" data-testid="login-agent-link">
            我是客服，前往客服工作台 →
          </a>
        }
      />
    );
  }
  return <Console session={session} onLogout={() => void logout()} onExpired={() => end('登录已失效，请重新登录')} />;
}

render(<Root />, document.getElementById('app') as HTMLElement);
