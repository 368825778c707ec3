// REST calls of the 网页接入 panel (docs/protocol.md, REST): the identity secret for identify()
// (admins only) and the pre-chat and invitation settings (staff read, admins save).
import { request } from '../shared/api';
import type { WidgetSettings } from '../shared/shopperContext';

export interface IdentitySecret {
  secret: string;
  algorithm: string;
}

export const widgetSetupApi = {
  secret: (token: string) => request<IdentitySecret>('GET', '/api/shop/identity-secret', token),
  rotateSecret: (token: string) => request<IdentitySecret>('POST', '/api/shop/identity-secret/rotate', token),
  settings: (token: string) => request<{ settings: WidgetSettings }>('GET', '/api/shop/widget-settings', token),
  saveSettings: (token: string, settings: WidgetSettings) =>
    request<{ settings: WidgetSettings }>('PUT', '/api/shop/widget-settings', token, settings),
};
