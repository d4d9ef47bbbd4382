// Admin: job prices (GET /v1/price-lists, the versions in force) and setting one (POST: a new
// version, a reseller's override with `resellerId`), or retiring one (DELETE).
import { useState } from 'react';
import { api } from '../../api/client';
import { ApiForm } from '../../components/api-form';
import { Field } from '../../components/field';
import { fieldProblem } from '../../components/field-problem';
import { DateTime } from '../../components/date-time';
import { Money } from '../../components/money';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';
import { ActionButton } from '../../components/action-button';

interface PriceList {
  id: string;
  jobType: string;
  unit: 'second' | 'GB' | 'run';
  unitPrice: string;
  currency: string;
  resellerId: string | null;
  tiers: { fromUnits: string; unitPrice: string }[];
  effectiveFrom: string;
}

type Tier = PriceList['tiers'][number];

/** The tiers field: one tier a line, its first unit and its unit price ("10000 0.015"); the API checks the numbers. */
function parseTiers(text: string | undefined): Tier[] {
  const lines = (text ?? '').split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  return lines.map((line, i) => {
    const [fromUnits, unitPrice, ...rest] = line.split(/\s+/);
    if (!fromUnits || !unitPrice || rest.length > 0) throw fieldProblem('tiers', `Line ${i + 1}: the units it starts from, then its unit price, e.g. 10000 0.015.`);
    return { fromUnits, unitPrice };
  });
}

/** A count of units as the API sends it ("10000.000000") without the trailing zeros, and the unit: "10000 seconds". */
function formatUnits(units: string, unit: PriceList['unit']): string {
  const count = units.includes('.') ? units.replace(/0+$/, '').replace(/\.$/, '') : units;
  return `${count} ${unit === 'GB' || count === '1' ? unit : `${unit}s`}`;
}

export function AdminPriceListsPage() {
  usePageTitle('Price lists');
  const [reload, setReload] = useState(0);
  const again = () => setReload((n) => n + 1);

  return (
    <>
      <h1>Price lists</h1>
      <section aria-labelledby="set-price">
        <h2 id="set-price">Set a price</h2>
        <p>A new version applies to jobs submitted from now on; earlier jobs keep theirs.</p>
        <ApiForm
          label="Set a price"
          submitLabel="Set price"
          resetOnSuccess
          onSubmit={(values) =>
            api.post<PriceList>('/v1/price-lists', {
              jobType: values.jobType,
              unit: values.unit,
              unitPrice: values.unitPrice,
              currency: (values.currency ?? '').toUpperCase(),
              ...(values.resellerId?.trim() ? { resellerId: values.resellerId.trim() } : {}),
              ...(values.tiers?.trim() ? { tiers: parseTiers(values.tiers) } : {}),
            })
          }
          onSuccess={again}
        >
          <Field name="jobType" label="Job type" required />
          <Field
            as="select"
            name="unit"
            label="Unit"
            options={[
              { value: 'second', label: 'second' },
              { value: 'GB', label: 'GB' },
              { value: 'run', label: 'run' },
            ]}
          />
          <Field name="unitPrice" label="Unit price" inputMode="decimal" hint="e.g. 0.02" required />
          <Field name="currency" label="Currency" defaultValue="EUR" maxLength={3} required />
          <Field name="resellerId" label="Reseller id (optional)" hint="Makes it an override for that reseller’s customers." autoComplete="off" />
          <Field
            as="textarea"
            name="tiers"
            label="Volume tiers (optional)"
            rows={3}
            hint="One a line: the units used by a customer in the month from which it applies, then its unit price, e.g. 10000 0.015."
          />
        </ApiForm>
      </section>
      <section aria-labelledby="prices">
        <h2 id="prices">In force now</h2>
        <PagedList<PriceList>
          path="/v1/price-lists"
          caption="Prices"
          reloadKey={reload}
          rowKey={(p) => p.id}
          empty="No prices: every job would be refused."
          columns={[
            { header: 'Job type', cell: (p) => p.jobType },
            { header: 'Price', cell: (p) => <>
              <Money amount={p.unitPrice} currency={p.currency} /> / {p.unit}
            </> },
            {
              header: 'Volume tiers',
              cell: (p) =>
                p.tiers.length ? (
                  <ul>
                    {p.tiers.map((t) => (
                      <li key={t.fromUnits}>
                        from {formatUnits(t.fromUnits, p.unit)}: <Money amount={t.unitPrice} currency={p.currency} /> / {p.unit}
                      </li>
                    ))}
                  </ul>
                ) : (
                  'none'
                ),
            },
            { header: 'For', cell: (p) => (p.resellerId ? `reseller ${p.resellerId.slice(0, 8)}` : 'everyone') },
            { header: 'Since', cell: (p) => <DateTime value={p.effectiveFrom} /> },
            {
              header: 'Actions',
              cell: (p) => (
                <ActionButton
                  label="Retire"
                  ariaLabel={`Retire the ${p.jobType} price in ${p.currency}`}
                  action={() => api.delete(`/v1/price-lists/${encodeURIComponent(p.jobType)}?${new URLSearchParams({ currency: p.currency, ...(p.resellerId ? { resellerId: p.resellerId } : {}) }).toString()}`)}
                  onDone={again}
                />
              ),
            },
          ]}
        />
      </section>
    </>
  );
}
