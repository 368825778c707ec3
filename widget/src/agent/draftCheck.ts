// The politeness check while the agent types: the draft goes to the server (`check_draft`,
// docs/protocol.md) about 250 ms after the last keystroke, and the answer is kept only if the
// draft is still the text it was about. A flagged draft is not sent by the first Enter: that
// one brings the warning forward ("armed"); a second Enter, or 仍然发送, sends it as it is.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { PolitenessFinding } from '../shared/types';
import type { AgentDesk } from './agentDesk';

export const CHECK_DELAY_MS = 250;

export interface DraftReview {
  /** The chat and the draft this answer is about. */
  chatId: number;
  text: string;
  findings: PolitenessFinding[];
  rewrite: string;
}

export interface DraftCheck {
  /** The latest answer for this chat (possibly about an older draft: see `fresh`). */
  review: DraftReview | null;
  /** The answer is about the draft as it is now. */
  fresh: boolean;
  /** The first Enter was pressed on this flagged draft: the next one sends it anyway. */
  armed: boolean;
  /** Enter or 发送: send, or bring the warning forward first. */
  send(): Promise<void>;
  /** 仍然发送: send the draft as it is. */
  sendAnyway(): void;
  /** 使用建议: the polite rewrite becomes the draft. */
  applyRewrite(): void;
}

export function useDraftCheck(desk: AgentDesk, id: number, draft: string): DraftCheck {
  const [review, setReview] = useState<DraftReview | null>(null);
  const [armedText, setArmedText] = useState<string | null>(null);
  const current = useRef({ id, draft });
  current.current = { id, draft };
  const deciding = useRef(false);
  // Right after a switch of chats, until the reset below has run, the old chat's answer is not ours.
  const mine = review && review.chatId === id ? review : null;

  /** Ask the server; the answer counts only while this chat still has exactly this draft. */
  const checkNow = async (chatId: number, text: string): Promise<DraftReview | null> => {
    const ack = await desk.checkDraft(chatId, text);
    if (!ack.ok) return null;
    const answer = { chatId, text, findings: ack.findings, rewrite: ack.rewrite };
    if (current.current.id === chatId && current.current.draft === text) setReview(answer);
    return answer;
  };

  // Another chat: nothing of this one's review carries over.
  useEffect(() => {
    setReview(null);
    setArmedText(null);
  }, [id]);

  useEffect(() => {
    if (!draft.trim()) {
      setReview(null);
      return undefined;
    }
    const timer = window.setTimeout(() => void checkNow(id, draft), CHECK_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [id, draft]);

  const sendAnyway = () => {
    setArmedText(null);
    desk.send(id);
  };

  const send = async () => {
    const text = draft;
    if (!text.trim() || deciding.current) return;
    if (armedText === text) {
      sendAnyway();
      return;
    }
    let answer = mine && mine.text === text ? mine : null;
    if (!answer) {
      // Enter right after typing: ask now rather than send unchecked. A failed or slow check
      // never holds the reply back; the server checks every reply it stores anyway.
      deciding.current = true;
      try {
        answer = await checkNow(id, text);
      } finally {
        deciding.current = false;
      }
      if (current.current.id !== id || current.current.draft !== text) return; // typed meanwhile
    }
    if (answer && answer.findings.length > 0) {
      setArmedText(text);
      return;
    }
    desk.send(id);
  };

  const applyRewrite = () => {
    if (!mine || mine.text !== draft) return;
    setArmedText(null);
    desk.setDraft(id, mine.rewrite);
  };

  return {
    review: mine,
    fresh: mine !== null && mine.text === draft,
    armed: armedText !== null && armedText === draft,
    send,
    sendAnyway,
    applyRewrite,
  };
}
