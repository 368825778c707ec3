// The agent login page: POST /api/auth/login, then the panel keeps the token in localStorage.
import { useState } from 'preact/hooks';
import { ApiError, api, type LoginResult } from './api';

export function Login({ notice, onLogin }: { notice: string | null; onLogin: (r: LoginResult) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!username.trim() || !password) {
      setError('请输入用户名和密码');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onLogin(await api.login(username.trim(), password));
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? '用户名或密码错误' : '登录失败，请检查网络后重试');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="login-page">
      <form class="login-card" onSubmit={submit} data-testid="login-form">
        <h1>客服工作台</h1>
        <p class="login-sub">登录后开始接待顾客</p>
        {notice && !error && (
          <div class="login-notice" data-testid="login-notice">
            {notice}
          </div>
        )}
        <label>
          用户名
          <input
            data-testid="login-username"
            autoComplete="username"
            value={username}
            onInput={(e) => setUsername((e.target as HTMLInputElement).value)}
            autoFocus
          />
        </label>
        <label>
          密码
          <input
            data-testid="login-password"
            type="password"
            autoComplete="current-password"
            value={password}
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
          />
        </label>
        {error && (
          <div class="login-error" data-testid="login-error" role="alert">
            {error}
          </div>
        )}
        <button type="submit" class="primary" data-testid="login-submit" disabled={busy}>
          {busy ? '登录中…' : '登录'}
        </button>
      </form>
    </div>
  );
}
