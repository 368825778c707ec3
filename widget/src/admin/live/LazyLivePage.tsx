// The live view is fetched when its tab is first opened: socket.io-client stays out of the
// console's first load (the other pages only talk REST).
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { LoadState } from '../ui';

let loading: Promise<ComponentType> | null = null;
const loadPage = () => (loading ??= import('./LivePage').then((m) => m.LivePage));

export function LazyLivePage() {
  const [Page, setPage] = useState<ComponentType | null>(null);
  const [error, setError] = useState<string | null>(null);
  const start = () => {
    setError(null);
    loadPage().then(
      (page) => setPage(() => page),
      () => {
        loading = null;
        setError('实时监控页面加载失败，请检查网络后重试');
      },
    );
  };
  useEffect(start, []);
  return Page ? <Page /> : <LoadState error={error} onRetry={start} />;
}
