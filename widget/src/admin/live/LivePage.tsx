// 实时监控 (supervisors and admins): queues per group, every agent's load and oldest unanswered
// chat, each open chat's SLA clock; reassign, take over, or join a chat silently. The first
// state comes from GET /api/live; after that the server pushes `live` when something changes
// (debounced), and the clocks tick here from their start times. Every action is audited.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AuditRecord, LiveBoard, LiveChat } from '../../shared/live';
import type { Message } from '../../shared/types';
import { adminApi } from '../api';
import { errorText } from '../errors';
import { LoadState, useAdmin } from '../ui';
import { LiveConnection } from './liveConnection';
import { AuditList, WatchPanel } from './LiveSide';
import { AgentTable, ChatTable, QueueCards } from './LiveTables';
import './live.css';

const AUDIT_KEPT = 50;

/** The lines of both, once each, in the chat's order. */
function mergeMessages(kept: Message[], fresh: Message[]): Message[] {
  const byId = new Map(kept.map((m) => [m.id, m]));
  for (const m of fresh) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

export function LivePage() {
  const admin = useAdmin();
  const [board, setBoard] = useState<LiveBoard | null>(null);
  const [audit, setAudit] = useState<AuditRecord[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [online, setOnline] = useState(false);
  const [now, setNow] = useState(Date.now());
  const [busy, setBusy] = useState<number | null>(null);
  const [watched, setWatched] = useState<{ id: number; messages: Message[] } | null>(null);
  const connection = useRef<LiveConnection | null>(null);
  // Read by the socket's handlers, which are bound once: the chat watched now, and the latest
  // re-watch (it needs this render's admin for its toast).
  const watchedId = useRef<number | null>(null);
  watchedId.current = watched?.id ?? null;

  // A reconnected socket watches nothing (the server ended the old socket's watches): ask
  // again (a new audited watch) and add what was said meanwhile, or close the panel.
  const rewatch = async () => {
    const id = watchedId.current;
    const conn = connection.current;
    if (id === null || !conn) return;
    const ack = await conn.watch(id);
    if (watchedId.current !== id) return; // the supervisor moved on meanwhile
    if (ack.ok) {
      setWatched((w) => (w && w.id === id ? { id, messages: mergeMessages(w.messages, ack.chat.messages) } : w));
    } else {
      watchedId.current = null;
      setWatched(null);
      admin.toast(`连接恢复后未能继续旁听会话 #${id}：${ack.error.message}`);
    }
  };
  const rewatchLatest = useRef(rewatch);
  rewatchLatest.current = rewatch;

  const load = async () => {
    setLoadError(null);
    try {
      const [b, a] = await Promise.all([adminApi.liveBoard(admin.token), adminApi.liveAudit(admin.token)]);
      setBoard(b);
      setAudit(a.items);
    } catch (e) {
      if (!admin.expired(e)) setLoadError(`实时监控加载失败：${errorText(e)}`);
    }
  };

  useEffect(() => {
    void load();
    const conn = new LiveConnection(admin.token, {
      board: (b) => setBoard((old) => (old && Date.parse(old.as_of) > Date.parse(b.as_of) ? old : b)),
      audit: (record) =>
        setAudit((items) => (items.some((i) => i.id === record.id) ? items : [record, ...items].slice(0, AUDIT_KEPT))),
      message: (m) =>
        setWatched((w) =>
          w && w.id === m.conversation_id && !w.messages.some((x) => x.id === m.id)
            ? { ...w, messages: [...w.messages, m] }
            : w,
        ),
      online: setOnline,
      reconnected: () => void rewatchLatest.current(),
    });
    connection.current = conn;
    // The clocks tick on the page; the server is asked nothing.
    const tick = window.setInterval(() => setNow(Date.now()), 1000);
    return () => {
      window.clearInterval(tick);
      conn.close();
    };
  }, []);

  const act = async (chat: LiveChat, run: (c: LiveConnection) => Promise<{ ok: boolean }>, done: string) => {
    const conn = connection.current;
    if (!conn) return;
    setBusy(chat.id);
    const ack = await run(conn);
    setBusy(null);
    admin.toast(ack.ok ? done : `操作失败：${'error' in ack ? (ack as { error: { message: string } }).error.message : ''}`);
  };

  const watch = async (chat: LiveChat) => {
    const conn = connection.current;
    if (!conn) return;
    if (watched) await conn.unwatch(watched.id);
    const ack = await conn.watch(chat.id);
    if (ack.ok) setWatched({ id: chat.id, messages: ack.chat.messages });
    else admin.toast(`旁听失败：${ack.error.message}`);
  };

  const leave = async () => {
    if (!watched || !connection.current) return;
    const id = watched.id;
    setWatched(null);
    const ack = await connection.current.unwatch(id);
    if (!ack.ok) admin.toast(`停止旁听失败：${ack.error.message}`);
  };

  if (!board) {
    return (
      <div class="single-page">
        <section class="panel">
          <LoadState error={loadError} onRetry={() => void load()} />
        </section>
      </div>
    );
  }
  const agentName = (id: number) => board.agents.find((a) => a.id === id)?.name ?? '';
  return (
    <div class="live-page" data-testid="live-page">
      <div class="live-main">
        <section class="panel">
          <div class="live-side-head">
            <h3>排队情况</h3>
            <span class={`live-conn${online ? ' on' : ''}`} data-testid="live-connection" data-online={online}>
              {online ? '实时更新中' : '连接中断，正在重连…'}
            </span>
          </div>
          <QueueCards queues={board.queues} now={now} />
        </section>
        <section class="panel">
          <h3>客服状态</h3>
          <AgentTable board={board} now={now} />
        </section>
        <section class="panel">
          <h3>进行中的会话</h3>
          <ChatTable
            board={board}
            now={now}
            watching={watched?.id ?? null}
            busy={busy}
            onReassign={(chat, agentId) =>
              void act(chat, (c) => c.reassign(chat.id, agentId), `已将会话 #${chat.id} 改派给 ${agentName(agentId)}`)
            }
            onTakeOver={(chat) => void act(chat, (c) => c.takeOver(chat.id), `您已接管会话 #${chat.id}，请在客服工作台回复顾客`)}
            onWatch={(chat) => void watch(chat)}
          />
        </section>
      </div>
      <aside class="live-side">
        {watched && <WatchPanel conversationId={watched.id} messages={watched.messages} onLeave={() => void leave()} />}
        <AuditList items={audit} />
      </aside>
    </div>
  );
}
