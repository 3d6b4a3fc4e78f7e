import { AdminClient } from './admin-client';
import { operationsSettings } from '../settings/operations-settings';

describe('AdminClient', () => {
  it('says which service is unreachable where', async () => {
    const client = new AdminClient(
      { ...operationsSettings({ NODE_ENV: 'development' }).serviceUrls, gateway: 'http://127.0.0.1:9' },
      undefined,
    );
    await expect(client.request('gateway', 'GET', '/admin/deliveries/x')).rejects.toThrow(
      'gateway is unreachable at http://127.0.0.1:9/admin/deliveries/x',
    );
  });
});
