// Sending a photo, for the shopper widget and the agent panel alike. A picked (or pasted, or
// dropped) photo becomes an outbox entry at once (shared/outbox.ts, `kind: "image"`), shown as a
// bubble with its preview; the file is uploaded (POST /api/uploads, XHR for the progress bar) and
// the entry then goes out as a `message` with the upload's attachment_id, in its turn. A failed
// upload stays in the list with 重试 until it is sent or removed: it is never silently lost.
import { Store } from './store';
import type { Outbox, Outgoing } from './outbox';

export const UPLOAD_PATH = '/api/uploads';
/** The server refuses bigger files (docs/protocol.md); checked here first to save the upload. */
export const PHOTO_LIMIT_BYTES = 10 * 1024 * 1024;
/** What an image message says in text (lists, older clients); the server stores the same. */
export const PHOTO_TEXT = '[图片]';
const UPLOAD_TIMEOUT_MS = 120_000;

/** An upload in progress: the local preview (an object URL) and how much has gone (0…1). */
export interface PhotoProgress {
  preview: string | null;
  progress: number;
}

export interface UploadedPhoto {
  id: string;
  url: string;
  thumb_url: string;
  width: number;
  height: number;
}

export type UploadOutcome = { ok: true; attachment: UploadedPhoto } | { ok: false; code: string; message?: string };

export const PHOTO_ERROR_TEXT: Record<string, string> = {
  too_large: '图片太大了，请选择 10 MB 以内的图片',
  unsupported_media: '不支持该格式，请发送 JPG、PNG、WebP 或 HEIC 图片',
  invalid_payload: '图片已损坏，无法发送',
  rate_limited: '图片发送太频繁，请稍后重试',
  unauthorized: '连接已失效，请刷新页面后重试',
  network: '网络不稳定，图片上传失败',
  photo_lost: '页面刷新后图片已丢失，请重新选择',
};

/** Whether 重试 can help a message or photo that failed: not for a file the server refused. */
export function mayRetry(item: Outgoing): boolean {
  return !(item.kind === 'image' && ['too_large', 'unsupported_media', 'invalid_payload', 'photo_lost'].includes(item.error ?? ''));
}

/** Images only through URLs of our own server (signed `/media/…`) or the page's own previews. */
export function isOwnImageUrl(url: unknown): url is string {
  return typeof url === 'string' && (url.startsWith('/media/') || url.startsWith('blob:'));
}

/** Why a picked file cannot be sent, or null. The server checks everything again. */
export function photoProblem(file: Blob): string | null {
  if (file.type && !file.type.startsWith('image/')) return PHOTO_ERROR_TEXT.unsupported_media;
  if (file.size > PHOTO_LIMIT_BYTES) return PHOTO_ERROR_TEXT.too_large;
  if (file.size === 0) return PHOTO_ERROR_TEXT.invalid_payload;
  return null;
}

/** The image files of a paste or a drop, in order. */
export function imageFiles(data: DataTransfer | null): File[] {
  if (!data) return [];
  return Array.from(data.files).filter((f) => f.type.startsWith('image/') || f.type === '');
}

/** POST the file as the request body; `onProgress` hears the fraction sent. */
export function uploadPhoto(
  url: string,
  file: Blob,
  authorization: string,
  onProgress: (fraction: number) => void,
): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.timeout = UPLOAD_TIMEOUT_MS;
    xhr.setRequestHeader('Authorization', authorization);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: { attachment?: UploadedPhoto; error?: { code: string; message: string } } | null = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status === 201 && body?.attachment) resolve({ ok: true, attachment: body.attachment });
      else resolve({ ok: false, code: body?.error?.code ?? 'network', message: body?.error?.message });
    };
    xhr.onerror = () => resolve({ ok: false, code: 'network' });
    xhr.ontimeout = () => resolve({ ok: false, code: 'network' });
    xhr.send(file);
  });
}

/** After a reload the picked files are gone: photos that were still uploading say so. */
export function markLostPhotos<T extends Outgoing>(items: readonly T[]): T[] {
  return items.map((o) => (o.kind === 'image' && !o.attachment_id ? { ...o, state: 'failed', error: 'photo_lost' } : o));
}

export interface PhotoHost<T extends Outgoing> {
  outbox: Outbox<T>;
  /** Where the progress of running uploads is kept (the page's store; never persisted). */
  progress: Store<{ photos: Record<string, PhotoProgress> }>;
  /** The upload URL for this entry (the agent's names the chat). */
  uploadUrl(item: T): string;
  /** The Authorization header: `Visitor <token>` or `Bearer <token>`; null when not known yet. */
  authorization(): string | null;
  notice(text: string): void;
}

export class PhotoSender<T extends Outgoing> {
  /** The picked files, kept until their upload succeeds (a retry sends the same file). */
  private readonly files = new Map<string, Blob>();

  constructor(private readonly host: PhotoHost<T>) {}

  /** Show the photo as a pending bubble now and start uploading it. */
  add(file: File, fields: Omit<T, 'client_id' | 'state' | 'created_at' | 'error' | 'text' | 'kind'>): void {
    const problem = photoProblem(file);
    if (problem) {
      this.host.notice(problem);
      return;
    }
    const id = this.host.outbox.add({ ...fields, text: PHOTO_TEXT, kind: 'image' } as Omit<
      T,
      'client_id' | 'state' | 'created_at' | 'error'
    >);
    this.files.set(id, file);
    this.setProgress(id, { preview: URL.createObjectURL(file), progress: 0 });
    void this.upload(id);
  }

  /** 重试 on a photo: upload again if it never got through, else resend it. False for texts. */
  retry(clientId: string): boolean {
    const item = this.host.outbox.items().find((o) => o.client_id === clientId);
    if (!item || item.kind !== 'image') return false;
    if (item.attachment_id) this.host.outbox.retry(clientId);
    else if (this.files.has(clientId)) void this.upload(clientId);
    else this.host.outbox.update(clientId, { state: 'failed', error: 'photo_lost' } as Partial<T>);
    return true;
  }

  remove(clientId: string): void {
    this.host.outbox.remove(clientId);
    this.forget(clientId);
  }

  /** Entries the server has stored (or that are gone): their files and previews are freed. */
  settle(): void {
    const live = new Set(this.host.outbox.items().map((o) => o.client_id));
    for (const id of Object.keys(this.host.progress.state.photos)) if (!live.has(id)) this.forget(id);
  }

  private async upload(clientId: string): Promise<void> {
    const item = this.host.outbox.items().find((o) => o.client_id === clientId);
    const file = this.files.get(clientId);
    const authorization = this.host.authorization();
    if (!item || !file) return;
    this.host.outbox.update(clientId, { state: 'queued', error: undefined } as Partial<T>);
    if (!authorization) {
      this.host.outbox.update(clientId, { state: 'failed', error: 'network' } as Partial<T>);
      return;
    }
    this.setProgress(clientId, { progress: 0 });
    const outcome = await uploadPhoto(this.host.uploadUrl(item), file, authorization, (progress) =>
      this.setProgress(clientId, { progress }),
    );
    if (!this.host.outbox.items().some((o) => o.client_id === clientId)) return; // removed meanwhile
    if (!outcome.ok) {
      this.host.outbox.update(clientId, { state: 'failed', error: outcome.code } as Partial<T>);
      return;
    }
    this.files.delete(clientId);
    this.setProgress(clientId, { progress: 1 });
    this.host.outbox.update(clientId, {
      state: 'queued',
      attachment_id: outcome.attachment.id,
      preview_url: outcome.attachment.thumb_url,
    } as Partial<T>);
    void this.host.outbox.flush();
  }

  private setProgress(clientId: string, patch: Partial<PhotoProgress>): void {
    this.host.progress.set((s) => {
      const current = s.photos[clientId] ?? { preview: null, progress: 0 };
      return { photos: { ...s.photos, [clientId]: { ...current, ...patch } } };
    });
  }

  private forget(clientId: string): void {
    this.files.delete(clientId);
    const current = this.host.progress.state.photos[clientId];
    if (!current) return;
    if (current.preview) URL.revokeObjectURL(current.preview);
    this.host.progress.set((s) => {
      const photos = { ...s.photos };
      delete photos[clientId];
      return { photos };
    });
  }
}
