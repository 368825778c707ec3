// REST calls of the 集成 page (docs/protocol.md, "Integrations"): API keys, webhook endpoints
// and their delivery log. Admins only.
import { request } from '../shared/api';

export const SCOPES = [
  { id: 'conversations:read', label: '读取会话' },
  { id: 'messages:write', label: '发送消息' },
  { id: 'faq:manage', label: '管理常见问题' },
] as const;

export const EVENT_TYPES = [
  { id: 'conversation.created', label: '新会话' },
  { id: 'conversation.queued', label: '进入排队' },
  { id: 'conversation.assigned', label: '客服接入' },
  { id: 'message.created', label: '新消息' },
  { id: 'conversation.closed', label: '会话结束' },
  { id: 'conversation.rated', label: '顾客评价' },
  { id: 'conversation.sla_breach', label: '超时未响应' },
] as const;

export interface ApiKey {
  id: number;
  name: string;
  prefix: string;
  scopes: string[];
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface Endpoint {
  id: number;
  url: string;
  description: string;
  events: string[];
  secret: string;
  enabled: boolean;
  created_at: string;
}

export interface Delivery {
  id: number;
  endpoint_id: number;
  event_id: string;
  event_type: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  response_status: number | null;
  response_body: string | null;
  error: string | null;
  created_at: string;
  last_attempt_at: string | null;
  next_attempt_at: string | null;
  delivered_at: string | null;
}

export const integrationsApi = {
  keys: (token: string) => request<{ items: ApiKey[] }>('GET', '/api/api-keys', token),
  createKey: (token: string, name: string, scopes: string[]) =>
    request<{ key: ApiKey; secret: string }>('POST', '/api/api-keys', token, { name, scopes }),
  revokeKey: (token: string, id: number) => request<{ key: ApiKey }>('DELETE', `/api/api-keys/${id}`, token),
  endpoints: (token: string) => request<{ items: Endpoint[] }>('GET', '/api/webhooks', token),
  createEndpoint: (token: string, body: { url: string; events: string[]; description: string }) =>
    request<{ endpoint: Endpoint }>('POST', '/api/webhooks', token, body),
  deleteEndpoint: (token: string, id: number) => request<{ id: number }>('DELETE', `/api/webhooks/${id}`, token),
  sendTest: (token: string, id: number) => request<{ delivery: Delivery }>('POST', `/api/webhooks/${id}/test`, token),
  deliveries: (token: string) => request<{ items: Delivery[] }>('GET', '/api/webhooks/deliveries', token),
};

export function eventLabel(id: string): string {
  if (id === 'webhook.test') return '测试';
  return EVENT_TYPES.find((e) => e.id === id)?.label ?? id;
}
