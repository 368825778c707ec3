// A conversation's flag as a coloured mark on a list entry (nothing when it has none).
import type { ConversationFlag } from '../../shared/types';
import { flagTitle } from './flags';

export function FlagMark({ flag, testid }: { flag: ConversationFlag | null | undefined; testid: string }) {
  if (!flag) return null;
  const title = flagTitle(flag);
  return <span class={`flag-mark flag-${flag}`} data-testid={testid} data-flag={flag} title={title} aria-label={title} />;
}
