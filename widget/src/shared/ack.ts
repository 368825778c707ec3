// Emit a client → server event and wait for its acknowledgement, with a deadline: a lost
// acknowledgement becomes `{ok: false, error: {code: "timeout"}}` instead of a promise that never
// settles, so the caller can show "failed" and offer a retry with the same client_id.
import type { Socket } from 'socket.io-client';
import type { Ack } from './types';

export const ACK_TIMEOUT_MS = 10_000;

interface LooseSocket {
  timeout(ms: number): { emit(event: string, payload: unknown, cb: (err: unknown, res: unknown) => void): void };
}

export function emitWithAck<T extends object = object>(
  socket: Socket,
  event: string,
  payload: unknown,
  timeoutMs = ACK_TIMEOUT_MS,
): Promise<Ack<T>> {
  return new Promise((resolve) => {
    (socket as unknown as LooseSocket).timeout(timeoutMs).emit(event, payload, (err, res) => {
      if (err) {
        resolve({ ok: false, error: { code: 'timeout', message: 'no acknowledgement from the server' } });
      } else if (res && typeof res === 'object' && 'ok' in res) {
        resolve(res as Ack<T>);
      } else {
        resolve({ ok: false, error: { code: 'invalid_payload', message: 'malformed acknowledgement' } });
      }
    });
  });
}
