// Customer: its wallet (GET /v1/wallets — one per customer) and the ledger
// (GET /v1/wallets/:id/transactions), every amount as the API's decimal string with its currency.
import { useState } from 'react';
import type { Page } from '../../api/types';
import { DateTime } from '../../components/date-time';
import { ErrorNotice } from '../../components/error-notice';
import { Field } from '../../components/field';
import { Money } from '../../components/money';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';
import { Progress } from '../../components/progress';
import { useResource } from '../../components/use-resource';
import type { Transaction, Wallet } from './customer-api';

const ENTRY_TYPES = ['credit', 'charge', 'refund', 'hold', 'hold_release', 'commission', 'payout', 'adjustment'];
const ZERO = /^-?0(\.0*)?$/;

/**
 * What an entry changed: the balance, or — for a hold and its release, which move no money — what
 * was reserved ("5.00 EUR reserved", "5.00 EUR released") instead of a bare "0.00".
 */
function EntryAmount({ entry, currency }: { entry: Transaction; currency: string }) {
  if (ZERO.test(entry.amount) && !ZERO.test(entry.reservedChange)) {
    const reserved = entry.reservedChange.replace(/^[-+]/, '');
    return (
      <>
        <Money amount={reserved} currency={currency} /> {entry.reservedChange.startsWith('-') ? 'released' : 'reserved'}
      </>
    );
  }
  return <Money amount={entry.amount} currency={currency} />;
}

export function WalletPage() {
  usePageTitle('Wallet');
  const wallets = useResource<Page<Wallet>>('/v1/wallets');
  const [type, setType] = useState('');

  if (wallets.error) return <ErrorNotice error={wallets.error} />;
  if (!wallets.data) return <Progress label="Loading your wallet" />;
  const wallet = wallets.data.items[0];

  return (
    <>
      <h1>Wallet</h1>
      {!wallet ? (
        <p>Your wallet is being opened; reload in a moment.</p>
      ) : (
        <>
          <dl className="facts" data-testid="wallet">
            <dt>Balance</dt>
            <dd>
              <Money amount={wallet.balance} currency={wallet.currency} />
            </dd>
            <dt>Reserved for running jobs</dt>
            <dd>
              <Money amount={wallet.reserved} currency={wallet.currency} />
            </dd>
            <dt>Available</dt>
            <dd>
              <Money amount={wallet.available} currency={wallet.currency} />
            </dd>
            <dt>Credit limit</dt>
            <dd>
              <Money amount={wallet.creditLimit} currency={wallet.currency} />
            </dd>
            <dt>Status</dt>
            <dd>{wallet.creditStatus}</dd>
          </dl>
          <section aria-labelledby="transactions">
            <h2 id="transactions">Transactions</h2>
            <div className="filters">
              <Field
                as="select"
                name="type"
                label="Show"
                value={type}
                onChange={(e) => setType(e.target.value)}
                options={[{ value: '', label: 'every entry' }, ...ENTRY_TYPES.map((t) => ({ value: t, label: t.replace('_', ' ') }))]}
              />
            </div>
            <PagedList<Transaction>
              path={`/v1/wallets/${wallet.id}/transactions`}
              query={{ type }}
              caption="Transactions"
              rowKey={(t) => t.id}
              empty="No transactions yet."
              columns={[
                { header: 'When', cell: (t) => <DateTime value={t.createdAt} /> },
                { header: 'Type', cell: (t) => t.type.replace('_', ' ') },
                { header: 'Amount', cell: (t) => <EntryAmount entry={t} currency={wallet.currency} /> },
                { header: 'Balance after', cell: (t) => <Money amount={t.balanceAfter} currency={wallet.currency} /> },
                { header: 'For', cell: entryFor },
              ]}
            />
          </section>
        </>
      )}
    </>
  );
}

/** References that are only a key (an Idempotency-Key, a payment event): the reason written with the entry says more. */
const KEY_ONLY_REFERENCES = ['topup', 'adjustment'];

/** What a ledger entry was for: a top-up's or adjustment's reason, else what it refers to (a job, an order). */
function entryFor(t: Transaction): string {
  if (t.reference && !(KEY_ONLY_REFERENCES.includes(t.reference.kind) && t.reason)) return `${t.reference.kind} ${t.reference.id.slice(0, 8)}`;
  return t.reason ?? '';
}
