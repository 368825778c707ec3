// REST calls of the admin console's 客服与分组 page (docs/protocol.md, "Agents and groups").
import { request } from '../shared/api';

/** How a Chinese shop names the roles (the server's domain/staff.py ROLE_LABELS). */
export const ROLE_LABELS: Record<string, string> = { agent: '客服', supervisor: '主管', admin: '管理员' };

export interface Staff {
  id: number;
  username: string;
  name: string;
  role: 'agent' | 'supervisor' | 'admin';
  max_chats: number;
  status: 'online' | 'away' | 'offline';
  group_ids: number[];
  open_chats: number;
  disabled: boolean;
  disabled_at: string | null;
  created_at: string;
}

export interface StaffGroup {
  id: number;
  name: string;
  topic: 'presales' | 'aftersales' | null;
  member_ids: number[];
}

export interface AgentInput {
  username?: string;
  password?: string;
  name?: string;
  role?: string;
  max_chats?: number;
  group_ids?: number[];
}

export const staffApi = {
  roster: (token: string) => request<{ agents: Staff[]; groups: StaffGroup[] }>('GET', '/api/agents', token),
  createAgent: (token: string, body: AgentInput) => request<{ agent: Staff }>('POST', '/api/agents', token, body),
  updateAgent: (token: string, id: number, body: AgentInput) =>
    request<{ agent: Staff }>('PATCH', `/api/agents/${id}`, token, body),
  resetPassword: (token: string, id: number, password: string) =>
    request<{ ok: boolean }>('POST', `/api/agents/${id}/password`, token, { password }),
  setDisabled: (token: string, id: number, disabled: boolean) =>
    request<{ agent: Staff }>('POST', `/api/agents/${id}/${disabled ? 'disable' : 'enable'}`, token),
  createGroup: (token: string, body: { name: string; member_ids?: number[] }) =>
    request<{ group: StaffGroup }>('POST', '/api/groups', token, body),
  updateGroup: (token: string, id: number, body: { name?: string; member_ids?: number[] }) =>
    request<{ group: StaffGroup }>('PATCH', `/api/groups/${id}`, token, body),
  deleteGroup: (token: string, id: number) => request<{ ok: boolean }>('DELETE', `/api/groups/${id}`, token),
};
