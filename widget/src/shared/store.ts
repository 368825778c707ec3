// A tiny observable store: the state is an immutable object replaced on every change. A component
// subscribes to the slice it shows, `useStore(store, (s) => s.queue)`, and re-renders only when
// that slice changes (compared shallowly), so a keystroke in one draft does not redraw every pane.
import { useEffect, useReducer, useRef } from 'preact/hooks';

export class Store<S extends object> {
  private listeners = new Set<() => void>();

  constructor(private current: S) {}

  get state(): S {
    return this.current;
  }

  set(patch: Partial<S> | ((s: S) => Partial<S>)): void {
    const p = typeof patch === 'function' ? patch(this.current) : patch;
    this.current = { ...this.current, ...p };
    for (const l of this.listeners) l();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Equal by identity, or objects/arrays whose own entries are identical: a selector may build a
 * fresh `{a, b}` or `ids.map(…)` on every call without causing a re-render. */
export function shallowEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && Object.is(ra[k], rb[k]));
}

export function useStore<S extends object, T>(store: Store<S>, select: (s: S) => T): T {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const selected = select(store.state);
  // the newest selector (it may close over props) and what this render showed
  const latest = useRef({ select, selected });
  latest.current = { select, selected };
  useEffect(() => {
    const check = () => {
      const { select: current, selected: shown } = latest.current;
      if (!shallowEqual(shown, current(store.state))) rerender(0);
    };
    // the store may have changed between this render and the subscription
    check();
    return store.subscribe(check);
  }, [store]);
  return selected;
}

/** localStorage that never throws (private mode, storage disabled in a third-party iframe). */
export const storage = {
  get(key: string): string | null {
    try {
      return window.localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set(key: string, value: string): void {
    try {
      window.localStorage.setItem(key, value);
    } catch {
      /* storage unavailable: the session lasts as long as the page */
    }
  },
  remove(key: string): void {
    try {
      window.localStorage.removeItem(key);
    } catch {
      /* ignore */
    }
  },
};
