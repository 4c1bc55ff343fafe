/**
 * Every item the core found in the bundle, one row each: what it is, whose it
 * is, which file it came from, when it expires, its key type, and whether it
 * was encrypted. Keys name the certificate they belong to.
 */
import type { ImportItem, ItemKind } from '../../../shared/certificates';
import { commonName, keyLabel } from '../certificates/describe';
import { ExpiryText } from '../certificates/ExpiryText';

export const KIND_LABEL: Record<ItemKind, string> = {
  'root-ca': 'Root CA',
  'intermediate-ca': 'Intermediate CA',
  certificate: 'Certificate',
  'private-key': 'Private key',
  'public-key': 'Public key',
};

function whose(item: ImportItem, items: ImportItem[]): string {
  if (item.subject) return item.subject;
  if (!item.matches) return item.kind === 'private-key' ? 'no certificate in the bundle' : '';
  const cert = items.find((i) => i.fingerprint256 === item.matches && i.subject);
  const owner = item.kind === 'public-key' ? 'public key of' : 'key of';
  return cert ? `${owner} ${commonName(cert.subject) ?? cert.subject}` : 'belongs to a certificate';
}

export function ItemsTable({ items }: { items: ImportItem[] }) {
  if (items.length === 0) return <p className="muted">The bundle holds no certificate or key.</p>;
  return (
    <div className="table-wrap">
      <table className="items">
        <caption>What the bundle holds</caption>
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Subject</th>
            <th scope="col">File</th>
            <th scope="col">Expiry</th>
            <th scope="col">Key</th>
            <th scope="col">Protection</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item, i) => (
            <tr key={`${item.source}-${i}`} data-testid="import-item" data-kind={item.kind}>
              <td>{KIND_LABEL[item.kind]}</td>
              <td className="wrap">{whose(item, items)}</td>
              <td className="mono small wrap">{item.source}</td>
              <td className="nowrap">{item.notAfter ? <ExpiryText notAfter={item.notAfter} /> : <span className="muted">–</span>}</td>
              <td className="nowrap">{item.keyType ? keyLabel(item.keyType, item.keyBits) : <span className="muted">–</span>}</td>
              <td>{item.encrypted ? 'encrypted' : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
