import { useQuery } from '@tanstack/react-query';
import { ApiError, apiJson, enc } from '../api';
import type { VendorExposurePage } from '../api-types';
import { vendorLotPath } from '../paths';
import { Link, lotPath } from '../router';
import { plural } from '../where-used-filters';
import { useWhereUsedStream } from './use-where-used-stream';
import { WhereUsedTable } from './where-used-table';

/** A vendor's exposure: its vendor lots, the units holding them by brand, product and shipped state, every row. */
export function VendorPage({ vendorId }: { vendorId: string }) {
  const base = `/v1/vendors/${enc(vendorId)}/exposure`;
  const page = useQuery({ queryKey: ['exposure', vendorId], queryFn: () => apiJson<VendorExposurePage>(`${base}?limit=1&total=true`) });
  const stream = useWhereUsedStream(`${base}?format=ndjson`, 0);
  const c = page.data?.counts;
  return (
    <section>
      <h1>Vendor {vendorId}</h1>
      {page.isError && <p role="alert">{page.error instanceof ApiError && page.error.status === 404 ? `No vendor ${vendorId}: no event ever named it.` : page.error.message}</p>}
      {page.data && c && (
        <>
          <p>
            {c.units} top-level units hold material of this vendor: {c.shipped} shipped, {c.notShipped} not shipped.
          </p>
          <table aria-label="Exposure by brand" className="counts">
            <thead>
              <tr>
                <th>Brand</th>
                <th>Units</th>
              </tr>
            </thead>
            <tbody>
              {c.byBrand.map((b) => (
                <tr key={b.brand}>
                  <td>{b.brand}</td>
                  <td>{b.units}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table aria-label="Exposure by product" className="counts">
            <thead>
              <tr>
                <th>Product</th>
                <th>Units</th>
                <th>Share of the product</th>
              </tr>
            </thead>
            <tbody>
              {c.byProduct.map((p) => (
                <tr key={p.productPartNumber}>
                  <td>{p.productPartNumber}</td>
                  <td>{p.units}</td>
                  <td>{p.share === undefined ? '' : `${Math.round(p.share * 100)} %`}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Vendor lots</h2>
          <ul>
            {page.data.vendorLots.map((vl) => (
              <li key={vl.vendorLotId}>
                <Link to={vendorLotPath({ vendorId: page.data.vendorId, mpn: vl.mpn, vendorLotCode: vl.vendorLotCode })}>
                  {vl.mpn} lot {vl.vendorLotCode}
                </Link>
                : packages{' '}
                {vl.lotIds.map((l) => (
                  <span key={l}>
                    <Link to={lotPath(l)}>{l}</Link>{' '}
                  </span>
                ))}
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>Every unit</h2>
      <p role="status" aria-label="Exposure count">
        {plural(stream.count.rows, 'row')} · {plural(stream.count.unitCount, 'top-level unit')}{stream.done ? '' : ' · streaming…'}
      </p>
      {stream.error && !page.isError && <p role="alert">{stream.error}</p>}
      <WhereUsedTable rows={stream.rows} label={`Exposure of ${vendorId}`} />
    </section>
  );
}
