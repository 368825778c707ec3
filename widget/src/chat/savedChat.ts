// What the shopper widget keeps in this browser, per shop (localStorage): the visitor token and
// the outbox of messages typed but not yet stored, so a reload loses neither. logout() and a
// refused token drop the token (client.ts). The upload ticket of the latest `session` is kept in
// memory only: a logged-in customer's must not outlive the page load that proved who they are.
import { requeueInterrupted, type Outgoing } from '../shared/outbox';
import { markLostPhotos } from '../shared/photos';
import { storage } from '../shared/store';

export class SavedChat {
  private current: string | null;
  /** `session.upload_token`: what a photo upload sends (`Authorization: Visitor …`). */
  uploadToken: string | null = null;

  constructor(private readonly shop: string) {
    this.current = storage.get(this.tokenKey);
  }

  private get tokenKey(): string {
    return `chatserver:visitor:${this.shop}`;
  }

  private get outboxKey(): string {
    return `chatserver:outbox:${this.shop}`;
  }

  token(): string | null {
    return this.current;
  }

  saveToken(token: string | null): void {
    this.current = token;
    if (token) storage.set(this.tokenKey, token);
    else {
      storage.remove(this.tokenKey);
      this.uploadToken = null;
    }
  }

  outbox<T extends Outgoing>(): T[] {
    try {
      const raw = storage.get(this.outboxKey);
      // an attempt interrupted by the reload is simply sent again (same client_id); a photo
      // whose upload had not finished is shown as lost (its file was only in the page)
      return markLostPhotos(requeueInterrupted(raw ? (JSON.parse(raw) as T[]) : []));
    } catch {
      return [];
    }
  }

  saveOutbox(items: readonly Outgoing[]): void {
    if (items.length) storage.set(this.outboxKey, JSON.stringify(items));
    else storage.remove(this.outboxKey);
  }
}
