// The block list (拉黑) in the agent panel: the words of its notices and errors. Blocking itself
// is `AgentDesk.block`; only supervisors and admins unblock, in the admin console (拒访名单).
import type { UnblockedPayload } from '../shared/events';
import { BLOCK_REASON_LIMIT, type Block } from '../shared/types';
import { errorText } from './errorText';

const BLOCK_ERROR_TEXT: Record<string, string> = {
  empty_text: '请填写拉黑原因',
  text_too_long: `拉黑原因不能超过${BLOCK_REASON_LIMIT}字`,
  invalid_payload: '拉黑原因包含无法保存的字符',
};

export function blockErrorText(code: string | undefined): string {
  return BLOCK_ERROR_TEXT[code ?? ''] ?? errorText(code);
}

/** A colleague blocked a shopper: every panel of the shop says so. */
export function blockedToast(b: Block): string {
  return `${b.blocked_by.name} 已将顾客 ${b.visitor.name} 拉黑：${b.reason}`;
}

export function unblockedToast(p: UnblockedPayload): string {
  return `${p.by.name} 已解除对会话 #${p.conversation_id} 顾客的拉黑`;
}
