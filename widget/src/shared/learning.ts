import type { PolitenessWarning } from './types';
// What the bot learns from: unanswered questions, proposals from agents, FAQ file imports.
/** One group of shoppers' questions the bot could not answer (GET /api/unanswered). */
export interface UnansweredGroup {
  question: string;
  count: number;
  /** How many were answered by the bot, and the shopper asked for a person right after. */
  escalated: number;
  first_seen_at: string;
  last_seen_at: string;
  question_ids: number[];
  examples: { id: number; text: string; outcome: string; created_at: string }[];
  /** The entry the matcher thought closest, if any. */
  candidate: { id: number; question: string } | null;
}

export interface UnansweredList {
  from: string | null;
  to: string | null;
  order: 'count' | 'recent';
  total: number;
  groups: UnansweredGroup[];
}

/** A shopper's wording proposed as a similar question of an entry (from an agent's answer). */
export interface FaqProposal {
  id: number;
  faq: { id: number; question: string };
  text: string;
  times: number;
  agent: { id: number | null; name: string };
  conversation_id: number | null;
  status: 'pending' | 'approved' | 'rejected';
  created_at: string;
  last_seen_at: string;
}

export interface ImportRowError {
  row: number;
  field: string | null;
  message: string;
}

/** What an FAQ import changes (POST /api/faq/import). */
export interface ImportPreview {
  format: string;
  total: number;
  added: number;
  changed: number;
  unchanged: number;
  rows: { row: number; action: 'added' | 'changed' | 'unchanged'; id: number | null; question: string; changes: string[] }[];
  errors: ImportRowError[];
  warnings: (PolitenessWarning & { row: number })[];
  applied: boolean;
}
