// REST calls of the admin console (docs/protocol.md, "Editing"), on the shared client.
import { authApi, request, send } from '../shared/api';
import type { Complaint, ComplaintLevel, ComplaintStatus } from '../shared/complaints';
import type { AuditRecord, LiveBoard } from '../shared/live';
import type {
  Block,
  FaqEntry,
  FaqTryResult,
  Phrase,
  PolitenessSettings,
  PolitenessWarning,
  PolitenessWords,
  ShopSettings,
  SlaPolicyPage,
} from '../shared/types';
import type { FaqProposal, ImportPreview, UnansweredList } from '../shared/learning';

/** One open span of a day, "HH:MM" (24:00 as an end; an end before the start runs overnight). */
export interface HoursSpan {
  start: string;
  end: string;
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A shop's service hours (docs/protocol.md, "Business hours"). */
export interface BusinessHours {
  time_zone: string;
  weekly: Record<Weekday, HoursSpan[]>;
  holidays: string[];
  exceptions: { date: string; spans: HoursSpan[] }[];
}

export interface BusinessHoursAnswer {
  hours: BusinessHours;
  open_now: boolean;
  next_open: string | null;
  next_open_text: string | null;
}

export interface FaqInput {
  question?: string;
  answer?: string;
  similar?: string[];
  category?: string;
  enabled?: boolean;
}

export interface PhraseInput {
  title?: string;
  text?: string;
  category?: string;
  /** "" clears it. */
  shortcut?: string;
}

/** A saved entry, with what the politeness check says about the text shoppers will read. */
export interface FaqSaved {
  entry: FaqEntry;
  warnings?: PolitenessWarning[];
}

export interface PhraseSaved {
  phrase: Phrase;
  warnings?: PolitenessWarning[];
}

export type FaqFormat = 'json' | 'csv' | 'xlsx';

/** PUT /api/politeness: a list per category, or null to follow the defaults. */
export type PolitenessInput = { [K in keyof PolitenessWords]?: PolitenessWords[K] | null };

export const adminApi = {
  ...authApi,
  faqList: (token: string) => request<{ items: FaqEntry[] }>('GET', '/api/faq', token),
  faqCreate: (token: string, body: FaqInput) => request<FaqSaved>('POST', '/api/faq', token, body),
  faqUpdate: (token: string, id: number, body: FaqInput) => request<FaqSaved>('PUT', `/api/faq/${id}`, token, body),
  faqDelete: (token: string, id: number) => request<{ ok: boolean }>('DELETE', `/api/faq/${id}`, token),
  faqTry: (token: string, question: string) => request<FaqTryResult>('POST', '/api/faq/try', token, { question }),
  phrases: (token: string) => request<{ items: Phrase[] }>('GET', '/api/phrases', token),
  phraseCreate: (token: string, body: PhraseInput) => request<PhraseSaved>('POST', '/api/phrases', token, body),
  phraseUpdate: (token: string, id: number | string, body: PhraseInput) =>
    request<PhraseSaved>('PUT', `/api/phrases/${id}`, token, body),
  phraseDelete: (token: string, id: number | string) =>
    request<{ ok: boolean }>('DELETE', `/api/phrases/${id}`, token),
  shop: (token: string) => request<{ shop: ShopSettings }>('GET', '/api/shop', token),
  shopUpdate: (token: string, body: Partial<Pick<ShopSettings, 'name' | 'greeting_template' | 'farewell_template'>>) =>
    request<{ shop: ShopSettings }>('PUT', '/api/shop', token, body),
  politeness: (token: string) => request<PolitenessSettings>('GET', '/api/politeness', token),
  politenessUpdate: (token: string, body: PolitenessInput) =>
    request<PolitenessSettings>('PUT', '/api/politeness', token, body),
  blocks: (token: string) => request<{ items: Block[] }>('GET', '/api/blocks', token),
  unanswered: (token: string, query: string) => request<UnansweredList>('GET', `/api/unanswered?${query}`, token),
  unansweredSimilar: (token: string, body: { question_ids: number[]; faq_id: number; text: string }) =>
    request<FaqSaved & { resolved: number }>('POST', '/api/unanswered/similar', token, body),
  unansweredEntry: (token: string, body: FaqInput & { question_ids: number[] }) =>
    request<FaqSaved & { resolved: number }>('POST', '/api/unanswered/entry', token, body),
  unansweredDismiss: (token: string, questionIds: number[]) =>
    request<{ resolved: number }>('POST', '/api/unanswered/dismiss', token, { question_ids: questionIds }),
  proposals: (token: string) => request<{ items: FaqProposal[] }>('GET', '/api/faq/proposals', token),
  proposalDecide: (token: string, id: number, approve: boolean) =>
    request<{ proposal: FaqProposal; entry: FaqEntry }>(
      'POST',
      `/api/faq/proposals/${id}/${approve ? 'approve' : 'reject'}`,
      token,
    ),
  faqExport: async (token: string, format: FaqFormat) =>
    (await send('GET', `/api/faq/export?format=${format}`, token)).blob(),
  /** The file's changes (`apply` false), or the import done; a bad file is an ApiError. */
  faqImport: async (token: string, format: FaqFormat, file: Blob, apply: boolean) =>
    (await (
      await send('POST', `/api/faq/import?format=${format}&mode=${apply ? 'apply' : 'preview'}`, token, file, 'application/octet-stream')
    ).json()) as ImportPreview,
  unblock: (token: string, id: number) => request<{ id: number }>('DELETE', `/api/blocks/${id}`, token),
  complaints: (token: string, status: ComplaintStatus | 'all', level: ComplaintLevel | null) =>
    request<{ items: Complaint[] }>('GET', `/api/complaints?status=${status}${level === null ? '' : `&level=${level}`}`, token),
  escalateComplaint: (token: string, id: number, level: ComplaintLevel, reason: string) =>
    request<{ complaint: Complaint }>('POST', `/api/complaints/${id}/escalate`, token, { level, reason }),
  settleComplaint: (token: string, id: number, status: 'resolved' | 'closed', result: string) =>
    request<{ complaint: Complaint }>('POST', `/api/complaints/${id}/resolve`, token, { status, result }),
  slaPolicies: (token: string) => request<SlaPolicyPage>('GET', '/api/sla/policies', token),
  slaShopUpdate: (token: string, body: Record<string, unknown>) =>
    request<SlaPolicyPage>('PUT', '/api/sla/policies/shop', token, body),
  slaGroupUpdate: (token: string, id: number, body: Record<string, unknown>) =>
    request<SlaPolicyPage>('PUT', `/api/sla/policies/groups/${id}`, token, body),
  slaGroupReset: (token: string, id: number) => request<SlaPolicyPage>('DELETE', `/api/sla/policies/groups/${id}`, token),
  liveBoard: (token: string) => request<LiveBoard>('GET', '/api/live', token),
  liveAudit: (token: string) => request<{ items: AuditRecord[] }>('GET', '/api/live/audit', token),
  hours: (token: string) => request<BusinessHoursAnswer>('GET', '/api/business-hours', token),
  hoursUpdate: (token: string, body: Partial<BusinessHours>) =>
    request<BusinessHoursAnswer>('PUT', '/api/business-hours', token, body),
};
