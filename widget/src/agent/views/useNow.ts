// The time, once a second, for waiting times that tick. One interval for the whole page, so every
// waiting time on screen changes in the same frame and only the components showing one re-render.
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set<(now: number) => void>();
let timer: number | undefined;

function onTick(listener: (now: number) => void): () => void {
  listeners.add(listener);
  timer ??= window.setInterval(() => {
    const now = Date.now();
    for (const l of listeners) l(now);
  }, 1000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      window.clearInterval(timer);
      timer = undefined;
    }
  };
}

export function useNow(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => onTick(setNow), []);
  return now;
}
