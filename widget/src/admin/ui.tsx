// Small building blocks of the admin console: the page context, a dialog, a confirmation and a
// labelled form field with its error. All text goes in as Preact text nodes.
import { createContext, type ComponentChildren } from 'preact';
import { useContext, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { AgentProfile } from '../shared/types';
import { formError } from './errors';

export interface AdminContext {
  token: string;
  agent: AgentProfile;
  /** supervisor or admin: may edit the FAQ and phrases */
  canEdit: boolean;
  /** admin: may edit the shop settings */
  isAdmin: boolean;
  toast: (text: string) => void;
  /** Call with any failed request: a 401 returns to the login page; true when it was one. */
  expired: (e: unknown) => boolean;
  setShopName: (name: string) => void;
  /** Note an FAQ edit: the bot picks edits up within a second (services/faq_registry.py). */
  edited: () => void;
  /** Resolves once the last edit has reached the bot, so 试一试 shows its effect. */
  editsSettled: () => Promise<void>;
}

/** How long after an edit the bot is sure to use it: the server checks once a second. */
export const EDIT_SETTLE_MS = 1200;

export const Admin = createContext<AdminContext | null>(null);

export function useAdmin(): AdminContext {
  const ctx = useContext(Admin);
  if (!ctx) throw new Error('useAdmin outside the console');
  return ctx;
}

interface DialogProps {
  title: string;
  testid: string;
  onClose: () => void;
  children: ComponentChildren;
  wide?: boolean;
  mode?: string;
}

/** A modal dialog: Escape or the backdrop closes it. */
export function Dialog({ title, testid, onClose, children, wide, mode }: DialogProps) {
  const box = useRef<HTMLDivElement>(null);
  // A layout effect, not useEffect: the first field is focused before the dialog is painted.
  // After paint, someone already typing in the text box (a fast admin, a test) would have the
  // focus pulled to the first field mid-word and their typing land in the wrong place.
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    const first = box.current?.querySelector<HTMLElement>('input, textarea, select, button.primary, [data-autofocus]');
    first?.focus();
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <div class="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        class={`dialog${wide ? ' dialog-wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid={testid}
        data-mode={mode}
        ref={box}
      >
        <div class="dialog-head">
          <h2>{title}</h2>
          <button type="button" class="icon-button" aria-label="关闭" data-testid="dialog-close" onClick={onClose}>
            ×
          </button>
        </div>
        {children}
      </div>
    </div>
  );
}

interface ConfirmProps {
  title: string;
  children: ComponentChildren;
  confirmText: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

export function Confirm({ title, children, confirmText, busy, onConfirm, onCancel }: ConfirmProps) {
  return (
    <Dialog title={title} testid="confirm-dialog" onClose={onCancel}>
      <div class="dialog-body confirm-body">{children}</div>
      <div class="dialog-foot">
        <button type="button" class="secondary" data-testid="confirm-cancel" data-autofocus onClick={onCancel}>
          取消
        </button>
        <button type="button" class="danger-solid" data-testid="confirm-ok" disabled={busy} onClick={onConfirm}>
          {busy ? '处理中…' : confirmText}
        </button>
      </div>
    </Dialog>
  );
}

interface FieldProps {
  label: string;
  name: string;
  hint?: ComponentChildren;
  error?: string | null;
  counter?: string;
  children: ComponentChildren;
}

/** A labelled field; the server's message about it shows right under it. */
export function Field({ label, name, hint, error, counter, children }: FieldProps) {
  return (
    <div class={`field${error ? ' has-error' : ''}`} data-field={name}>
      <label class="field-label" for={`field-${name}`}>
        <span>{label}</span>
        {counter && <span class="counter">{counter}</span>}
      </label>
      {children}
      {hint && !error && <div class="field-hint">{hint}</div>}
      {error && (
        <div class="field-error" role="alert" data-testid="field-error" data-field={name}>
          {error}
        </div>
      )}
    </div>
  );
}

export function FormError({ message, testid }: { message: string | null; testid: string }) {
  if (!message) return null;
  return (
    <div class="form-error" role="alert" data-testid={testid}>
      {message}
    </div>
  );
}

/** A loading or load-failed placeholder with 重试. */
export function LoadState({ error, onRetry }: { error: string | null; onRetry: () => void }) {
  if (!error) {
    return (
      <div class="load-state" data-testid="loading">
        正在加载…
      </div>
    );
  }
  return (
    <div class="load-state load-error" role="alert" data-testid="load-error">
      <span>{error}</span>
      <button type="button" class="secondary small" data-testid="load-retry" onClick={onRetry}>
        重试
      </button>
    </div>
  );
}

/** The server's answers on a form: per field (cleared as soon as that field is edited) or for
 * the whole form. */
export function useFormErrors(fields: readonly string[]) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formMessage, setFormMessage] = useState<string | null>(null);
  return {
    errors,
    formMessage,
    edit<T>(field: string, set: (v: T) => void, value: T): void {
      set(value);
      if (errors[field]) {
        setErrors((all) => {
          const next = { ...all };
          delete next[field];
          return next;
        });
      }
    },
    fail(err: unknown): void {
      const fe = formError(err, fields);
      if (fe.field) setErrors({ [fe.field]: fe.message });
      else setFormMessage(fe.message);
    },
    reset(): void {
      setErrors({});
      setFormMessage(null);
    },
  };
}

/** The 编辑 / 删除 cell of a list row; test ids are `${kind}-edit` and `${kind}-delete`. */
export function RowActions({ kind, onEdit, onDelete }: { kind: string; onEdit: () => void; onDelete: () => void }) {
  return (
    <td class="col-actions">
      <button type="button" class="text-button" data-testid={`${kind}-edit`} onClick={onEdit}>
        编辑
      </button>
      <button type="button" class="text-button danger-text" data-testid={`${kind}-delete`} onClick={onDelete}>
        删除
      </button>
    </td>
  );
}
