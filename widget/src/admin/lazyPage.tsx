// A console page fetched when its tab is first opened, so what only it needs (the charting
// library, socket.io-client) stays out of the console's first load. A failed fetch can be retried.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { LoadState } from './ui';

export function lazyPage(load: () => Promise<ComponentType>, failure: string): ComponentType {
  let loading: Promise<ComponentType> | null = null;
  return function LazyPage() {
    const [Page, setPage] = useState<ComponentType | null>(null);
    const [error, setError] = useState<string | null>(null);
    const start = () => {
      setError(null);
      (loading ??= load()).then(
        (page) => setPage(() => page),
        () => {
          loading = null;
          setError(failure);
        },
      );
    };
    useEffect(start, []);
    return Page ? <Page /> : <LoadState error={error} onRetry={start} />;
  };
}
