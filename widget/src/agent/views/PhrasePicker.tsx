// The `/` picker of the reply box: typing `/` at the start of the draft or after a space opens a
// small list of standard phrases above the box. What follows the `/` searches the shop's phrases
// on the server (shortcuts first, then the matcher on titles and texts). ↑/↓ move, Enter or Tab
// insert, Esc closes, the mouse works too; the `/query` is replaced by the phrase, its
// placeholders filled for this chat. Composer hooks it in with usePhrasePicker.
import type { RefObject, VNode } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Phrase } from '../../shared/types';
import type { AgentDesk } from '../agentDesk';

const DEBOUNCE_MS = 150;
const MAX_QUERY = 64;

export interface SlashQuery {
  /** Where the `/` is in the draft. */
  start: number;
  /** What was typed after it, up to the caret. */
  query: string;
}

/** The `/query` being typed at the caret, if any: the `/` opens the draft or follows white
 * space (so 1/2 or a link never opens the picker), and the query has no white space. */
export function slashQuery(draft: string, caret: number): SlashQuery | null {
  const before = draft.slice(0, caret);
  const start = before.lastIndexOf('/');
  if (start < 0 || (start > 0 && !/\s/.test(before[start - 1]))) return null;
  const query = before.slice(start + 1);
  if (/\s/.test(query) || query.length > MAX_QUERY) return null;
  return { start, query };
}

interface Results {
  query: string;
  items: Phrase[] | null;
}

export interface PhrasePickerHook {
  /** True when the picker used the key (the composer then does nothing with it). */
  onKeyDown: (e: KeyboardEvent) => boolean;
  popover: VNode | null;
}

export function usePhrasePicker(
  desk: AgentDesk,
  id: number,
  inputRef: RefObject<HTMLTextAreaElement>,
  draft: string,
): PhrasePickerHook {
  const [caret, setCaret] = useState(draft.length);
  const [focused, setFocused] = useState(true);
  /** The `/` the agent closed with Esc: it stays closed until another `/` is typed. */
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const [results, setResults] = useState<Results | null>(null);
  const [active, setActive] = useState(0);
  /** Enter pressed before the results for the latest query came: the box's text at that
   * moment; the best match goes in once its results arrive, unless the agent typed on. */
  const [waitingFor, setWaitingFor] = useState<string | null>(null);
  const nextCaret = useRef<number | null>(null);
  const listRef = useRef<HTMLUListElement>(null);

  // Follow the caret: typing, clicks and the arrow keys all move it.
  useEffect(() => {
    const box = inputRef.current;
    if (!box) return undefined;
    const track = () => setCaret(box.selectionStart ?? box.value.length);
    const focus = () => {
      setFocused(true);
      track();
    };
    const blur = () => setFocused(false);
    const events = ['input', 'keyup', 'click', 'select'] as const;
    events.forEach((name) => box.addEventListener(name, track));
    box.addEventListener('focus', focus);
    box.addEventListener('blur', blur);
    return () => {
      events.forEach((name) => box.removeEventListener(name, track));
      box.removeEventListener('focus', focus);
      box.removeEventListener('blur', blur);
    };
  }, [inputRef.current]);

  // After an insertion the caret goes right after the phrase.
  useLayoutEffect(() => {
    const box = inputRef.current;
    if (nextCaret.current === null || !box) return;
    box.setSelectionRange(nextCaret.current, nextCaret.current);
    setCaret(nextCaret.current);
    nextCaret.current = null;
  }, [draft]);

  const token = slashQuery(draft, Math.min(caret, draft.length));
  const open = focused && token !== null && token.start !== dismissedAt;
  const query = open ? token.query : null;

  // Another chat opened in the same box: nothing of the last chat's picker stays.
  useEffect(() => {
    setDismissedAt(null);
    setResults(null);
    setWaitingFor(null);
  }, [id]);

  useEffect(() => {
    if (dismissedAt !== null && (token === null || token.start !== dismissedAt)) setDismissedAt(null);
  }, [token?.start]);

  // Search as the agent types, once they pause; a late answer for an older query is dropped.
  useEffect(() => {
    // Typing on after Enter means the agent did not want what Enter was waiting for. Compared
    // with the box itself: a render that catches up with keys typed before Enter is not typing on.
    const now = inputRef.current?.value ?? draft;
    setWaitingFor((text) => (text === now ? text : null));
    if (query === null) {
      setResults(null);
      return undefined;
    }
    let current = true;
    const timer = window.setTimeout(
      async () => {
        const items = await desk.searchPhrases(query);
        if (!current) return;
        setResults({ query, items });
        setActive(0);
      },
      query ? DEBOUNCE_MS : 0,
    );
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [query]);

  const fresh = results !== null && results.query === query;
  const items = results?.items ?? [];

  const insert = (phrase: Phrase) => {
    if (!token) return;
    const conversation = desk.store.state.chats[id]?.conversation;
    const filled = desk.fillTemplate(phrase.text, conversation);
    nextCaret.current = token.start + filled.length;
    desk.setDraft(id, draft.slice(0, token.start) + filled + draft.slice(caret));
    setWaitingFor(null);
    inputRef.current?.focus();
  };

  useEffect(() => {
    if (waitingFor !== null && fresh) {
      if (items.length) insert(items[0]);
      else setWaitingFor(null);
    }
  }, [waitingFor, fresh]);

  useEffect(() => {
    listRef.current?.querySelector('[data-active="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [active, results]);

  const onKeyDown = (e: KeyboardEvent): boolean => {
    if (!open || !token || e.isComposing || e.keyCode === 229) return false;
    const move = (step: number) => {
      if (items.length) setActive((i) => (i + step + items.length) % items.length);
    };
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      move(e.key === 'ArrowDown' ? 1 : -1);
    } else if ((e.key === 'Enter' && !e.shiftKey) || (e.key === 'Tab' && !e.shiftKey)) {
      // What is shown is what goes in; for a query still being looked up, its best match.
      // "Still being looked up" is judged on the box itself: keys typed just before Enter may
      // not have been rendered yet.
      const box = inputRef.current;
      const typed = box ? slashQuery(box.value, box.selectionStart ?? box.value.length) : token;
      const freshNow = results !== null && typed !== null && results.query === typed.query;
      if (freshNow && items[active]) insert(items[active]);
      else if (!freshNow) setWaitingFor(box?.value ?? draft);
    } else if (e.key === 'Escape') {
      setDismissedAt(token.start);
    } else {
      return false;
    }
    e.preventDefault();
    return true;
  };

  if (!open) return { onKeyDown, popover: null };
  const conversation = desk.store.state.chats[id]?.conversation;
  let body: VNode;
  if (results === null) {
    body = (
      <div class="picker-note" data-testid="phrase-picker-loading">
        正在查找常用语…
      </div>
    );
  } else if (results.items === null) {
    body = (
      <div class="picker-note" data-testid="phrase-picker-error">
        常用语搜索失败，请稍后再试
      </div>
    );
  } else if (!items.length) {
    body = (
      <div class="picker-note" data-testid="phrase-picker-empty">
        没有匹配“{results.query}”的常用语，按 Esc 关闭
      </div>
    );
  } else {
    body = (
      <ul class="picker-list" role="listbox" aria-label="常用语" ref={listRef}>
        {items.map((p, i) => (
          <li
            key={p.id}
            role="option"
            aria-selected={i === active}
            class={i === active ? 'picker-item active' : 'picker-item'}
            data-testid="phrase-picker-item"
            data-phrase-id={p.id}
            data-active={i === active ? 'true' : 'false'}
            // keep the focus (and the caret) in the reply box
            onMouseDown={(e) => e.preventDefault()}
            onMouseEnter={() => setActive(i)}
            onClick={() => insert(p)}
          >
            <div class="picker-head">
              {p.shortcut && <span class="picker-shortcut">/{p.shortcut}</span>}
              <span class="picker-title" data-testid="phrase-picker-title">
                {p.title}
              </span>
            </div>
            <div class="picker-text" data-testid="phrase-picker-text">
              {desk.fillTemplate(p.text, conversation)}
            </div>
          </li>
        ))}
      </ul>
    );
  }
  return {
    onKeyDown,
    popover: (
      <div class={fresh ? 'phrase-picker' : 'phrase-picker stale'} data-testid="phrase-picker">
        {body}
        <div class="picker-foot muted">↑↓ 选择 · Enter/Tab 插入 · Esc 关闭</div>
      </div>
    ),
  };
}
