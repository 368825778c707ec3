// The staff login page (agent panel, admin console): POST /api/auth/login. The page decides
// whether the account may use it: `accept` answers null, or the reason shown instead.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, authApi, type LoginResult } from './api';

interface LoginProps {
  title: string;
  subtitle: string;
  notice: string | null;
  onLogin: (r: LoginResult) => void;
  accept?: (r: LoginResult) => Promise<string | null> | string | null;
  footer?: ComponentChildren;
}

export function Login({ title, subtitle, notice, onLogin, accept, footer }: LoginProps) {
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
      const result = await authApi.login(username.trim(), password);
      const refusal = accept ? await accept(result) : null;
      if (refusal) {
        setError(refusal);
        setPassword('');
      } else {
        onLogin(result);
      }
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? '用户名或密码错误' : '登录失败，请检查网络后重试');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="login-page">
      <form class="login-card" onSubmit={submit} data-testid="login-form">
        <h1>{title}</h1>
        <p class="login-sub">{subtitle}</p>
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
        {footer}
      </form>
    </div>
  );
}
