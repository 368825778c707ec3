// The reports page is fetched when its tab is first opened: the charting library stays out of
// the console's first load (and out of every other page).
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { LoadState } from '../ui';

let loading: Promise<ComponentType> | null = null;
const loadPage = () => (loading ??= import('./ReportsPage').then((m) => m.ReportsPage));

export function LazyReportsPage() {
  const [Page, setPage] = useState<ComponentType | null>(null);
  const [error, setError] = useState<string | null>(null);
  const start = () => {
    setError(null);
    loadPage().then(
      (page) => setPage(() => page),
      () => {
        loading = null;
        setError('报表页面加载失败，请检查网络后重试');
      },
    );
  };
  useEffect(start, []);
  return Page ? <Page /> : <LoadState error={error} onRetry={start} />;
}
