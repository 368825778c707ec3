// 试一试: type a shopper's question and see what the bot would do with it now (POST
// /api/faq/try): answer at once (confident) or not, and the closest entries with their scores.
import { useState } from 'preact/hooks';
import type { FaqTryResult } from '../shared/types';
import { adminApi } from './api';
import { errorText } from './errors';
import { useAdmin } from './ui';

export function TryPanel({ onOpen }: { onOpen?: (id: number | string) => void }) {
  const admin = useAdmin();
  const [question, setQuestion] = useState('');
  const [result, setResult] = useState<FaqTryResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (e: Event) => {
    e.preventDefault();
    if (!question.trim()) {
      setError('请输入一句顾客可能会问的话');
      return;
    }
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      // an edit saved just now reaches the bot within a second: test against the new FAQ
      await admin.editsSettled();
      setResult(await adminApi.faqTry(admin.token, question));
    } catch (err) {
      if (!admin.expired(err)) setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const best = result?.matches[0];
  return (
    <section class="panel try-panel" data-testid="try-panel">
      <h2>试一试</h2>
      <p class="muted small-text">输入顾客可能的问法，看看机器人现在会怎么处理。修改问答后约 1 秒生效。</p>
      <form class="try-form" onSubmit={run} data-testid="try-form">
        <input
          data-testid="try-input"
          aria-label="顾客的问题"
          placeholder="例如：你们有实体店吗"
          value={question}
          onInput={(e) => setQuestion((e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="primary" data-testid="try-submit" disabled={busy}>
          {busy ? '测试中…' : '测试'}
        </button>
      </form>
      {error && (
        <div class="form-error" role="alert" data-testid="try-error">
          {error}
        </div>
      )}
      {result && !error && (
        <div class="try-result" data-testid="try-result" data-confident={String(result.confident)}>
          <div class="try-query muted small-text">
            问题：<span>{result.query}</span>
          </div>
          <div class={`verdict ${result.confident ? 'verdict-ok' : 'verdict-unsure'}`} data-testid="try-verdict">
            {result.confident && best ? (
              <>
                <strong>会直接回答</strong>
                <span>
                  机器人有把握，将用“<b>{best.question}</b>”的答案回复顾客。
                </span>
              </>
            ) : result.matches.length > 0 ? (
              <>
                <strong>没有把握</strong>
                <span>机器人不会直接回答，会请顾客从相近的问题中选择，或建议转人工。可以把这句话加到对应问答的相似问法里。</span>
              </>
            ) : (
              <>
                <strong>没有匹配</strong>
                <span>没有相近的问答，机器人会请顾客换个说法或转人工。可以为它新建一条问答。</span>
              </>
            )}
          </div>
          {result.matches.length > 0 && (
            <ol class="match-list" data-testid="try-matches">
              {result.matches.map((m, i) => (
                <li key={m.id} class="match" data-testid="try-match" data-faq-id={m.id} data-score={m.score}>
                  <div class="match-head">
                    <span class="match-rank">{i + 1}</span>
                    <span class="match-question" data-testid="try-match-question">
                      {m.question}
                    </span>
                    {onOpen && (
                      <button type="button" class="text-button" data-testid="try-match-edit" onClick={() => onOpen(m.id)}>
                        编辑
                      </button>
                    )}
                  </div>
                  <div class="score" title="相似度（0-100）">
                    <span class="score-bar">
                      <span class="score-fill" style={{ width: `${Math.max(0, Math.min(100, m.score))}%` }} />
                    </span>
                    <span class="score-num" data-testid="try-match-score">
                      {m.score.toFixed(1)}
                    </span>
                  </div>
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </section>
  );
}
