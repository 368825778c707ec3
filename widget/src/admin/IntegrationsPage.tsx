// 集成 (admins): API keys, webhook endpoints and the delivery log, one under the other.
import { useState } from 'preact/hooks';
import { ApiKeysPanel } from './ApiKeysPanel';
import { DeliveryLog } from './DeliveryLog';
import './integrations.css';
import { WebhooksPanel } from './WebhooksPanel';

export function IntegrationsPage() {
  // Bumped by 发送测试 so the log reloads and follows the new delivery.
  const [logVersion, setLogVersion] = useState(0);
  return (
    <div class="single-page integrations">
      <ApiKeysPanel />
      <WebhooksPanel onTestSent={() => setLogVersion((v) => v + 1)} />
      <DeliveryLog version={logVersion} />
    </div>
  );
}
