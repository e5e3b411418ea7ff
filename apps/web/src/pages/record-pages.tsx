import { useQuery } from '@tanstack/react-query';
import { ApiError, apiJson, enc } from '../api';
import type { RecordUnit, ShipmentRecord, VendorLotRecord, WorkOrderRecord } from '../api-types';
import { Link, lotPath, serialPath, vendorPath } from '../router';
import { workOrderPath } from '../paths';

// The pages the search box reaches besides serials, lots and vendors. Another brand's shipment or work order answers
// 404, as one that never existed: the page says the same words for both.

const notFound = (error: Error, words: string) => (
  <p role="alert">{error instanceof ApiError && error.status === 404 ? words : error.message}</p>
);

/** A vendor lot: the vendor's label (MPN, manufacturer, date code, origin) and every receipt with the package lots it came as. */
export function VendorLotPage({ vendorId, mpn, vendorLotCode }: { vendorId: string; mpn: string; vendorLotCode: string }) {
  const q = useQuery({
    queryKey: ['vendor-lot', vendorId, mpn, vendorLotCode],
    queryFn: () => apiJson<VendorLotRecord>(`/v1/vendor-lots?vendorId=${enc(vendorId)}&mpn=${enc(mpn)}&vendorLotCode=${enc(vendorLotCode)}`),
  });
  const v = q.data;
  return (
    <section>
      <h1>Vendor lot {vendorLotCode}</h1>
      {q.isError && notFound(q.error, `No vendor lot ${vendorLotCode} of ${mpn} from ${vendorId} was ever received.`)}
      {v && (
        <>
          <dl className="header-facts">
            <dt>Vendor</dt>
            <dd>
              <Link to={vendorPath(v.vendorId)}>{v.vendorId}</Link>
              {v.vendorName ? ` (${v.vendorName})` : ''} · <span className={`status-${v.vendorStatus}`}>{v.vendorStatus}</span>
            </dd>
            <dt>MPN</dt>
            <dd>{v.mpn}</dd>
            <dt>Manufacturer</dt>
            <dd>{v.manufacturer ?? '—'}</dd>
            <dt>IPN</dt>
            <dd>{v.internalPartNumber ?? '—'}</dd>
            <dt>Date code</dt>
            <dd>{v.dateCode ?? '—'}</dd>
            <dt>Origin</dt>
            <dd>{v.countryOfOrigin ?? '—'}</dd>
          </dl>
          <h2>Receipts</h2>
          <table aria-label="Receipts">
            <thead>
              <tr>
                <th>Receipt</th>
                <th>Received</th>
                <th>Package lots</th>
                <th>Recorded from</th>
              </tr>
            </thead>
            <tbody>
              {v.receipts.map((r) => (
                <tr key={r.provenance.eventId}>
                  <td>{r.receiptId}</td>
                  <td>{r.receivedAt}</td>
                  <td className="lineage">
                    {r.lots.map((l, i) => (
                      <span key={l.lotId}>
                        {i > 0 ? ', ' : ''}
                        <Link to={lotPath(l.lotId)}>{l.lotId}</Link>
                        {l.quantity !== undefined ? ` (${l.quantity} ${l.uom ?? ''}, ` : ' ('}
                        <span className={`status-${l.status}`}>{l.status}</span>)
                      </span>
                    ))}
                  </td>
                  <td>
                    {r.provenance.source} · {r.provenance.topic} offset {r.provenance.offset}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function UnitsTable({ label, units, shipped }: { label: string; units: RecordUnit[]; shipped: boolean }) {
  return (
    <table aria-label={label}>
      <thead>
        <tr>
          <th>Serial</th>
          <th>Brand</th>
          <th>Product</th>
          {shipped ? <th>Work order</th> : null}
          {shipped ? <th>Customer</th> : null}
          <th>{shipped ? 'Shipped' : 'Started'}</th>
          <th>Recorded from</th>
        </tr>
      </thead>
      <tbody>
        {units.map((u) => (
          <tr key={u.serial}>
            <td>
              <Link to={serialPath(u.serial)}>{u.serial}</Link>
            </td>
            <td>{u.brand ?? '—'}</td>
            <td>{u.productPartNumber ?? '—'}</td>
            {shipped ? <td>{u.workOrder ? <Link to={workOrderPath(u.workOrder)}>{u.workOrder}</Link> : '—'}</td> : null}
            {shipped ? <td>{u.customer ?? '—'}</td> : null}
            <td>{u.at}</td>
            <td>
              {u.provenance.source} · {u.provenance.topic} offset {u.provenance.offset}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A shipment: its units in scope, each a link, and its compliance answer. */
export function ShipmentPage({ shipmentId }: { shipmentId: string }) {
  const q = useQuery({ queryKey: ['shipment', shipmentId], queryFn: () => apiJson<ShipmentRecord>(`/v1/shipments/${enc(shipmentId)}`) });
  return (
    <section>
      <h1>Shipment {shipmentId}</h1>
      {q.isError && notFound(q.error, `Nothing in your scope was shipped as ${shipmentId}.`)}
      {q.data && (
        <>
          <p className="downloads">
            {/* The brand's judgement of every unit shipped, as the API answers it (JSON). */}
            <a href={`/v1/shipments/${enc(shipmentId)}/compliance`}>Compliance</a>
          </p>
          <UnitsTable label={`Units of shipment ${shipmentId}`} units={q.data.units} shipped />
        </>
      )}
    </section>
  );
}

/** A work order: the units started under it, in scope. */
export function WorkOrderPage({ workOrder }: { workOrder: string }) {
  const q = useQuery({ queryKey: ['work-order', workOrder], queryFn: () => apiJson<WorkOrderRecord>(`/v1/work-orders/${enc(workOrder)}`) });
  return (
    <section>
      <h1>Work order {workOrder}</h1>
      {q.isError && notFound(q.error, `Nothing in your scope was started under work order ${workOrder}.`)}
      {q.data && <UnitsTable label={`Units of work order ${workOrder}`} units={q.data.units} shipped={false} />}
    </section>
  );
}
