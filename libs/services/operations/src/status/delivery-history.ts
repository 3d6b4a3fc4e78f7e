import { AdminClient } from '../http/admin-client';
import { RecordPosition } from '../deadletters/dead-letter';

/** One webhook request as the gateway's delivery history reports it (`GET /admin/delivery-history`). */
export interface HistoryDelivery {
  id: string;
  requestId: string;
  receivedAt: string;
  source: 'shopify' | 'clerk';
  tenantId: string | null;
  topic: string | null;
  deliveryId: string | null;
  deliveryKey: string | null;
  subjectId: string | null;
  eventId: string | null;
  outcome: 'published' | 'spooled' | 'duplicate' | 'rejected';
  reason: string | null;
  detail: string | null;
  httpStatus: number;
  sourceAddress: string;
  headers: Record<string, string>;
  publishedTo: RecordPosition[] | null;
}

export interface HistorySearch {
  from?: Date;
  to?: Date;
  source?: string;
  tenant?: string;
  topic?: string;
  outcome?: string;
  reason?: string;
  subject?: string;
  deliveryId?: string;
  limit?: number;
  cursor?: string;
}

export interface HistoryPage {
  deliveries: HistoryDelivery[];
  /** Give it back as `cursor` for the next, older page; null on the last. */
  nextCursor: string | null;
}

/** One page of the gateway's delivery history, newest first; the gateway checks the filters. */
export async function searchDeliveryHistory(http: AdminClient, search: HistorySearch): Promise<HistoryPage> {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(search)) {
    if (value === undefined) continue;
    query.set(name, value instanceof Date ? value.toISOString() : String(value));
  }
  const { body } = await http.request<HistoryPage>('gateway', 'GET', `/admin/delivery-history?${query.toString()}`);
  return body;
}
