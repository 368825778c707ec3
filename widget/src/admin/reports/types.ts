// The report wire shapes of docs/protocol.md, "Reports".
import type { PersonRef } from '../../shared/types';

export type Period = 'day' | 'week' | 'month' | 'all';
export type Dimension = 'shop' | 'agents' | 'groups';

export interface ReportRow {
  period: string;
  start: string;
  end: string;
  agent?: PersonRef | null;
  group?: PersonRef | null;
  conversations: number;
  bot_resolved: number;
  bot_resolved_share: number | null;
  handed_off: number;
  handoff_reasons: Record<string, number>;
  complaints: number;
  answered: number;
  first_response_avg_s: number | null;
  first_response_p90_s: number | null;
  within_sla: number;
  within_sla_share: number | null;
  sla_breaches: number;
  handled: number;
  handling_avg_s: number | null;
  rated: number;
  satisfied: number;
  satisfaction_rate: number | null;
  rating_avg: number | null;
  messages: number;
}

export interface Report {
  dimension: Dimension;
  from: string;
  to: string;
  period: Period;
  zone: string;
  targets: { first_response_default_s: number; first_response_by_group_s: Record<string, number> };
  rows: ReportRow[];
}

export interface ReportFilters {
  /** local dates of the shop, YYYY-MM-DD; empty: the server's default (the last 30 days) */
  from: string;
  to: string;
  period: Period;
  group: string;
  agent: string;
}
