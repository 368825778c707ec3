// The side panel's 快捷语 filter asks the server, as the `/` picker does: shortcuts first, then
// the shop's matcher on titles and texts (so 「sf」 finds 顺丰 and 「能换个快递吗」 finds the phrase
// about changing couriers). Until the answer for what is typed now arrives, or when the search
// fails, the plain substring filter stands in, so the list never goes blank while typing.
import { useEffect, useState } from 'preact/hooks';
import type { Phrase } from '../shared/types';
import type { AgentDesk } from './agentDesk';

const DEBOUNCE_MS = 150;

export function substringFilter(phrases: Phrase[], query: string): Phrase[] {
  return phrases.filter(
    (p) =>
      p.title.includes(query) ||
      p.text.includes(query) ||
      (p.category ?? '').includes(query) ||
      (p.shortcut ?? '').toLowerCase().startsWith(query.toLowerCase()),
  );
}

/** The phrases to list for `query` (trimmed; '' lists them all, in the shop's order). */
export function usePhraseFilter(desk: AgentDesk, all: Phrase[], query: string): Phrase[] {
  const [found, setFound] = useState<{ query: string; items: Phrase[] | null } | null>(null);

  useEffect(() => {
    if (!query) return undefined;
    let current = true;
    const timer = window.setTimeout(async () => {
      const items = await desk.searchPhrases(query);
      if (current) setFound({ query, items });
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [query]);

  if (!query) return all;
  if (found && found.query === query && found.items !== null) return found.items;
  return substringFilter(all, query);
}
